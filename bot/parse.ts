import { editDistance, normalizeName } from '../shared/domain/similarity.js';

/**
 * Turning what someone typed in Teams into a command: pure functions, no botbuilder, no I/O.
 * The registry supplies the command table; names are resolved later against the hub.
 */

/** What a command takes after its words. */
export type ArgGrammar =
  /** Nothing (`failed`, `help`, `unsubscribe`). */
  | 'none'
  /** Optional free text (`customers [text]`). */
  | 'text'
  /** Optional customer (`status [customer]`). */
  | 'optionalCustomer'
  /** A customer (`resend invite <customer>`). */
  | 'customer'
  /** `<policy> [for <customer>]`. */
  | 'policy'
  /** `<customer> <emails>`. */
  | 'invite'
  /** Optional `YYYY-MM`. */
  | 'month'
  /** One or more topics. */
  | 'topics'
  /** Optional one-time code. */
  | 'code';

export interface CommandSyntax<Name extends string = string> {
  name: Name;
  /** The words that call it, longest first is not required: `['start policy', 'start']`. */
  phrases: readonly string[];
  args: ArgGrammar;
}

export interface CommandArgs {
  text?: string;
  customer?: string;
  policy?: string;
  emails?: string[];
  month?: string;
  topics?: string[];
  code?: string;
}

export type ParseProblem = 'needsCustomer' | 'needsPolicy' | 'needsEmails' | 'badEmail' | 'badMonth' | 'needsTopics';

export type Parsed<Name extends string = string> =
  | { kind: 'empty' }
  | { kind: 'command'; name: Name; args: CommandArgs }
  | { kind: 'invalid'; name: Name; problem: ParseProblem; args: CommandArgs }
  | { kind: 'unknown'; word: string; suggestion?: { name: Name; text: string } };

interface Token {
  text: string;
  quoted: boolean;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/**
 * The plain text of a Teams message: @mentions (`<at>SP Hub</at>`) and other markup removed,
 * entities decoded, typographic quotes made plain, spacing collapsed.
 */
export function cleanText(raw: string): string {
  return raw
    .replace(/<at>[\s\S]*?<\/at>/gi, ' ')
    .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#?\w+);/g, (whole, name: string) => {
      if (ENTITIES[name]) return ENTITIES[name];
      const code = /^#(\d+)$/.exec(name)?.[1] ?? (/^#x([0-9a-f]+)$/i.exec(name)?.[1] && parseInt(name.slice(2), 16));
      return code ? String.fromCodePoint(Number(code)) : whole;
    })
    .replace(/[\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033]/g, '"')
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[\u00a0\u2000-\u200b\u202f\u205f\u3000\t\r\n]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Words, with "quoted names" kept together; an unclosed quote runs to the end. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === ',' || ch === ';') {
      i++;
      continue;
    }
    if (ch === '"' || (ch === "'" && closingSingleQuote(text, i) !== -1)) {
      const end = ch === '"' ? text.indexOf('"', i + 1) : closingSingleQuote(text, i);
      const inner = text.slice(i + 1, end === -1 ? text.length : end).trim();
      if (inner) tokens.push({ text: inner.replace(/\s+/g, ' '), quoted: true });
      i = end === -1 ? text.length : end + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !' ,;"'.includes(text[j]!)) j++;
    tokens.push({ text: text.slice(i, j), quoted: false });
    i = j;
  }
  return tokens;
}

/** A `'` opening a quote closes at a `'` followed by a space or the end, so O'Brien stays a word. */
function closingSingleQuote(text: string, open: number): number {
  if (open > 0 && text[open - 1] !== ' ') return -1;
  for (let k = open + 1; k < text.length; k++) {
    if (text[k] === "'" && (k + 1 === text.length || ' ,;'.includes(text[k + 1]!))) return k;
  }
  return -1;
}

const FOR_WORDS = new Set(['for', 'für', 'fuer', 'bei', 'of', 'von']);
const EMAIL = /^[^\s@<>()"',;]+@[^\s@<>()"',;]+\.[^\s@<>()"',;]+$/;

/**
 * Parses a message against the command table. Command words are matched case-insensitively and
 * the longest phrase wins (`resend invite` before `send invite`); an unknown first word gets the
 * closest command as a suggestion.
 */
export function parseCommand<Name extends string>(raw: string, commands: readonly CommandSyntax<Name>[]): Parsed<Name> {
  const text = cleanText(raw)
    .replace(/^[/!]+/, '')
    .replace(/[?!.]+$/, '')
    .trim();
  const tokens = tokenize(text);
  if (tokens.length === 0) return { kind: 'empty' };

  const words = tokens.map((t) => (t.quoted ? null : t.text.toLowerCase()));
  let best: { command: CommandSyntax<Name>; length: number } | undefined;
  for (const command of commands) {
    for (const phrase of command.phrases) {
      const parts = phrase.split(' ');
      if (parts.length > words.length || (best && parts.length <= best.length)) continue;
      if (parts.every((p, k) => words[k] === p)) best = { command, length: parts.length };
    }
  }
  if (!best) return unknown(tokens, commands);

  const rest = tokens.slice(best.length);
  const { name, args: grammar } = best.command;
  const joined = (list: Token[]) =>
    list
      .map((t) => t.text)
      .join(' ')
      .trim();
  const invalid = (problem: ParseProblem, args: CommandArgs = {}): Parsed<Name> => ({ kind: 'invalid', name, problem, args });
  const ok = (args: CommandArgs = {}): Parsed<Name> => ({ kind: 'command', name, args });

  switch (grammar) {
    case 'none':
      return ok();
    case 'text':
      return ok(rest.length ? { text: joined(rest) } : {});
    case 'optionalCustomer':
      return ok(rest.length ? { customer: joined(rest) } : {});
    case 'customer':
      return rest.length ? ok({ customer: joined(rest) }) : invalid('needsCustomer');
    case 'code':
      return ok(rest.length ? { code: joined(rest).replace(/\s+/g, '').toUpperCase() } : {});
    case 'policy': {
      let split = -1;
      for (let k = rest.length - 1; k > 0; k--) {
        if (!rest[k]!.quoted && FOR_WORDS.has(rest[k]!.text.toLowerCase())) {
          split = k;
          break;
        }
      }
      const policy = joined(split === -1 ? rest : rest.slice(0, split));
      const customer = split === -1 ? '' : joined(rest.slice(split + 1));
      const args: CommandArgs = { ...(policy && { policy }), ...(customer && { customer }) };
      return policy ? ok(args) : invalid('needsPolicy', args);
    }
    case 'invite': {
      const first = rest.findIndex((t) => t.text.includes('@'));
      const customer = joined(first === -1 ? rest : rest.slice(0, first));
      const emails =
        first === -1
          ? []
          : rest
              .slice(first)
              .flatMap((t) => t.text.split(/[\s,;]+/))
              .map(stripMailto)
              .filter(Boolean);
      const args: CommandArgs = { ...(customer && { customer }), ...(emails.length && { emails: [...new Set(emails.map((e) => e.toLowerCase()))] }) };
      if (!customer) return invalid('needsCustomer', args);
      if (emails.length === 0) return invalid('needsEmails', args);
      if (emails.some((e) => !EMAIL.test(e))) return invalid('badEmail', args);
      return ok(args);
    }
    case 'month': {
      if (rest.length === 0) return ok();
      const month = normalizeMonth(joined(rest));
      return month ? ok({ month }) : invalid('badMonth', { text: joined(rest) });
    }
    case 'topics': {
      const topics = rest.map((t) => t.text);
      return topics.length ? ok({ topics }) : invalid('needsTopics');
    }
  }
}

/** `2026-10`, `2026/10`, `10/2026`, `10.2026` all mean October 2026. */
export function normalizeMonth(value: string): string | null {
  const v = value.trim();
  let m = /^(\d{4})[-/.](\d{1,2})$/.exec(v);
  if (m) return validMonth(m[1]!, m[2]!);
  m = /^(\d{1,2})[-/.](\d{4})$/.exec(v);
  if (m) return validMonth(m[2]!, m[1]!);
  return null;
}

function validMonth(year: string, month: string): string | null {
  const n = Number(month);
  return n >= 1 && n <= 12 ? `${year}-${String(n).padStart(2, '0')}` : null;
}

function stripMailto(value: string): string {
  return value.replace(/^mailto:/i, '').replace(/^[<(]+|[>).]+$/g, '');
}

function unknown<Name extends string>(tokens: Token[], commands: readonly CommandSyntax<Name>[]): Parsed<Name> {
  const word = tokens[0]!.text;
  const typed = normalizeName(word);
  let best: { name: Name; phrase: string; distance: number } | undefined;
  for (const command of commands) {
    for (const phrase of command.phrases) {
      const first = phrase.split(' ')[0]!;
      const distance = editDistance(typed, first, 2);
      if (distance <= Math.min(2, Math.floor(first.length / 3)) && (!best || distance < best.distance)) best = { name: command.name, phrase: first, distance };
    }
  }
  if (!best) return { kind: 'unknown', word };
  const remainder = tokens
    .slice(1)
    .map((t) => (t.quoted || /\s/.test(t.text) ? `"${t.text}"` : t.text))
    .join(' ');
  return { kind: 'unknown', word, suggestion: { name: best.name, text: `${best.phrase}${remainder ? ` ${remainder}` : ''}` } };
}

/**
 * Matches typed topic names against the known ones: ids in any case (`backupFailed`,
 * `backupfailed`), words (`backup failed`), `all`; unknown ones come back with a close suggestion.
 */
export function matchTopics<T extends string>(words: readonly string[], known: readonly T[]): { topics: T[]; unknown: { word: string; suggestion?: T }[] } {
  const byKey = new Map(known.map((t) => [t.toLowerCase(), t]));
  const parts = words.flatMap((w) => w.split(/[\s,;]+/)).filter(Boolean);
  const topics = new Set<T>();
  const unknownWords: { word: string; suggestion?: T }[] = [];
  let i = 0;
  while (i < parts.length) {
    const part = parts[i]!.toLowerCase();
    if (part === 'all' || part === 'alle') {
      known.forEach((t) => topics.add(t));
      i++;
      continue;
    }
    let matched = 0;
    for (let len = Math.min(3, parts.length - i); len >= 1 && !matched; len--) {
      const key = parts
        .slice(i, i + len)
        .join('')
        .toLowerCase();
      const topic = byKey.get(key);
      if (topic) {
        topics.add(topic);
        matched = len;
      }
    }
    if (matched) {
      i += matched;
      continue;
    }
    let suggestion: T | undefined;
    let bestDistance = 4;
    for (const t of known) {
      const d = editDistance(part, t.toLowerCase(), 3);
      if (d < bestDistance) {
        bestDistance = d;
        suggestion = t;
      }
    }
    unknownWords.push({ word: parts[i]!, ...(suggestion && { suggestion }) });
    i++;
  }
  return { topics: [...topics], unknown: unknownWords };
}
