/**
 * Forgiving name matching for people typing in chat ("status acme", "start policy mailbox for
 * contoso"): exact and unique partial matches are used as they are, typos get suggestions.
 */

/** Lower case, no accents, punctuation as spaces, single spaces. */
export function normalizeName(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9@.]+/g, ' ')
    .replace(/(^|\s)[.]+|[.]+(\s|$)/g, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

/**
 * A name compared exactly, case, spacing and quotes aside: `"Mailboxes"`, ` mailboxes ` and
 * `„MAILBOXES“` are the same name; `mailbox` and `Mailboxes (daily)` are not.
 */
export function exactKey(value: string): string {
  return value
    .normalize('NFKC')
    .replace(/["'`\u2018\u2019\u201a\u201c\u201d\u201e\u00ab\u00bb]/g, '')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

/** Fewer typed characters than this get no suggestions: one letter is in most names. */
export const MIN_SUGGESTION_CHARS = 3;

/**
 * Edit distance counting insertions, deletions, substitutions and swaps of neighbours (the
 * typing mistakes people make). Stops early and returns `max + 1` once the distance exceeds `max`.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, previous2[j - 2]! + 1);
      current[j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/** 1 for equal words, falling with each typo relative to the word's length. */
function wordSimilarity(query: string, word: string): number {
  if (query === word) return 1;
  if (query.length >= 3 && word.startsWith(query)) return 0.9;
  const longest = Math.max(query.length, word.length);
  const distance = editDistance(query, word, Math.ceil(longest / 2));
  return Math.max(0, 1 - distance / longest);
}

/**
 * How well a typed query matches a name, from 0 to 1: the whole strings compared, and each typed
 * word against its best word in the name (so word order and extra words in the name matter less).
 */
export function similarity(query: string, name: string): number {
  const q = normalizeName(query);
  const n = normalizeName(name);
  if (!q || !n) return 0;
  if (q === n) return 1;
  if (n.startsWith(q) && q.length >= 3) return 0.95;
  const whole = 1 - editDistance(q, n, Math.max(q.length, n.length)) / Math.max(q.length, n.length);
  const nameWords = n.split(' ');
  const queryWords = q.split(' ');
  const perWord = queryWords.reduce((sum, word) => sum + Math.max(...nameWords.map((w) => wordSimilarity(word, w))), 0) / queryWords.length;
  // A name with many more words than typed is a slightly weaker match than one that fits.
  const coverage = Math.min(1, queryWords.length / nameWords.length);
  return Math.max(whole, perWord * (0.85 + 0.15 * coverage));
}

export type NameMatch<T> =
  /** One item is meant: its name (or another of its names) equals the query, or uniquely contains it. */
  | { kind: 'match'; item: T }
  /** Several items fit equally well; the user has to pick. */
  | { kind: 'ambiguous'; candidates: T[] }
  /** Nothing fits; these come close (best first), possibly none. */
  | { kind: 'none'; suggestions: T[] };

export interface ResolveOptions {
  /** Lowest similarity worth suggesting. */
  threshold?: number;
  /** How many candidates or suggestions to return at most. */
  limit?: number;
}

/**
 * Picks the item a person meant. `namesOf` gives an item's names, the display name first (then
 * domains, external ids...). Never guesses past a typo: a misspelt name yields suggestions.
 */
export function resolveName<T>(query: string, items: readonly T[], namesOf: (item: T) => readonly (string | undefined)[], options: ResolveOptions = {}): NameMatch<T> {
  const { threshold = 0.6, limit = 5 } = options;
  const q = normalizeName(query);
  if (!q) return { kind: 'none', suggestions: [] };
  const names = items.map((item) =>
    namesOf(item)
      .filter((n): n is string => !!n)
      .map(normalizeName),
  );

  const exact = items.filter((_, i) => names[i]!.includes(q));
  if (exact.length === 1) return { kind: 'match', item: exact[0]! };
  if (exact.length > 1) {
    const byDisplayName = exact.filter((item) => normalizeName(namesOf(item)[0] ?? '') === q);
    if (byDisplayName.length === 1) return { kind: 'match', item: byDisplayName[0]! };
    return { kind: 'ambiguous', candidates: exact.slice(0, limit) };
  }

  const containing = items.filter((_, i) => names[i]!.some((n) => containsWords(n, q)));
  if (containing.length === 1) return { kind: 'match', item: containing[0]! };
  if (containing.length > 1) return { kind: 'ambiguous', candidates: containing.slice(0, limit) };

  const scored = items
    .map((item, i) => ({ item, score: Math.max(0, ...names[i]!.map((n) => similarity(q, n))) }))
    .filter((s) => s.score >= threshold)
    .sort((a, b) => b.score - a.score);
  return { kind: 'none', suggestions: scored.slice(0, limit).map((s) => s.item) };
}

/** "acme" in "acme corporation", "corp" in "acme corporation": the query starts at a word. */
function containsWords(name: string, query: string): boolean {
  let at = name.indexOf(query);
  while (at !== -1) {
    if (at === 0 || name[at - 1] === ' ' || name[at - 1] === '.') return true;
    at = name.indexOf(query, at + 1);
  }
  return false;
}
