import { createRequire } from 'node:module';
import { CardAction } from '../schemas/cards.js';
import { CARD_SCHEMA_URL, CARD_VERSION, jsonBytes, TEAMS_WEBHOOK_LIMIT_BYTES } from './kit.js';

/**
 * Checks a card the way a client would see it, with the `adaptivecards` SDK's own parser
 * (targeting schema 1.5), plus what the parser does not say:
 *  - a property the parser drops (a typo, or a feature newer than 1.5) is an error, found by
 *    comparing the card with the parser's re-serialization;
 *  - `$schema` and `version: "1.5"`, a non-empty body, text in every TextBlock, https links;
 *  - every `Action.Execute` has a verb and data that is a valid `CardAction` for that verb, and
 *    its `Action.Submit` fallback carries the same data (the SDK does not model action fallbacks);
 *  - no raw HTML, and the size within the limit (28 KB for a Teams webhook by default).
 */

// The SDK's ESM build does not load in plain Node; its UMD bundle does, and parsing needs no DOM.
const require = createRequire(import.meta.url);
type AC = typeof import('adaptivecards');
let sdk: AC | null = null;
function adaptiveCards(): AC {
  sdk ??= require('adaptivecards/dist/adaptivecards.js') as AC;
  return sdk;
}

export interface CardValidation {
  ok: boolean;
  errors: string[];
  bytes: number;
}

export interface ValidateOptions {
  /** Largest allowed size of `measure` (default: the card itself) in bytes. */
  limitBytes?: number;
  /** What goes over the wire, when it wraps the card (a webhook message, a bot activity). */
  measure?: unknown;
}

/** Keys the SDK does not model but clients honour; checked here instead. */
const ROOT_EXTRAS = new Set(['msteams']);
/** Values the SDK leaves out of its output because they are the defaults. */
const DROPPED_DEFAULTS: Record<string, unknown> = { firstRowAsHeader: true, showGridLines: true };

export function validateCard(card: unknown, options: ValidateOptions = {}): CardValidation {
  const errors: string[] = [];
  const limit = options.limitBytes ?? TEAMS_WEBHOOK_LIMIT_BYTES;
  const bytes = jsonBytes(options.measure ?? card);
  if (bytes > limit) errors.push(`the message is ${bytes} bytes, over the limit of ${limit}`);

  if (!isObject(card)) return { ok: false, errors: ['the card is not an object'], bytes };
  if (card.type !== 'AdaptiveCard') errors.push('type must be "AdaptiveCard"');
  if (card.$schema !== CARD_SCHEMA_URL) errors.push(`$schema must be ${CARD_SCHEMA_URL}`);
  if (card.version !== CARD_VERSION) errors.push(`version must be "${CARD_VERSION}", not ${JSON.stringify(card.version)}`);
  if (!Array.isArray(card.body) || card.body.length === 0) errors.push('the body must not be empty');

  const { stripped, fallbacks } = stripActionFallbacks(card);
  errors.push(...sdkProblems(stripped, ''));
  for (const { path, action, fallback } of fallbacks) errors.push(...fallbackProblems(path, action, fallback));
  walk(card, '', (value, path) => {
    if (typeof value === 'string' && /(^|[^\\])<\/?[a-z!][^>]*>/i.test(value)) errors.push(`${path} holds raw HTML`);
    if (!isObject(value)) return;
    if (value.type === 'TextBlock' && (typeof value.text !== 'string' || value.text.trim() === '')) errors.push(`${path} is a TextBlock without text`);
    if (value.type === 'Action.OpenUrl' && !(typeof value.url === 'string' && /^https:\/\/[^\s]+$/.test(value.url))) errors.push(`${path} links to ${JSON.stringify(value.url)}, not an https URL`);
    if (value.type === 'Action.Execute' || value.type === 'Action.Submit') errors.push(...actionDataProblems(path, value));
  });
  return { ok: errors.length === 0, errors, bytes };
}

/** Parses with the SDK at schema 1.5 and reports its events, validation findings and dropped properties. */
function sdkProblems(input: Record<string, unknown>, where: string): string[] {
  const AC = adaptiveCards();
  const problems: string[] = [];
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  parsed.parse(input, context);
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    problems.push(`${where}adaptivecards: ${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  for (const event of parsed.validateProperties().validationEvents) {
    problems.push(`${where}adaptivecards: ${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  const output = parsed.toJSON() as Record<string, unknown> | undefined;
  for (const path of droppedPaths(input, output ?? {}, '', true)) problems.push(`${where}${path} is not understood by an Adaptive Card 1.5 client (dropped by the parser)`);
  return problems;
}

function droppedPaths(input: unknown, output: unknown, path: string, root = false): string[] {
  if (Array.isArray(input)) {
    if (!Array.isArray(output)) return [path || '(root)'];
    return input.flatMap((item, i) => droppedPaths(item, output[i], `${path}[${i}]`));
  }
  if (!isObject(input)) return JSON.stringify(input) === JSON.stringify(output) ? [] : [path];
  if (!isObject(output)) return [path || '(root)'];
  const out: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (root && ROOT_EXTRAS.has(key)) continue;
    const child = path ? `${path}.${key}` : key;
    if (!(key in output)) {
      if (key in DROPPED_DEFAULTS && DROPPED_DEFAULTS[key] === value) continue;
      out.push(child);
      continue;
    }
    out.push(...droppedPaths(value, output[key], child));
  }
  return out;
}

/** The card without action-level `fallback` (which the SDK ignores), and those fallbacks. */
function stripActionFallbacks(card: Record<string, unknown>) {
  const fallbacks: { path: string; action: Record<string, unknown>; fallback: unknown }[] = [];
  const copy = (value: unknown, path: string): unknown => {
    if (Array.isArray(value)) return value.map((v, i) => copy(v, `${path}[${i}]`));
    if (!isObject(value)) return value;
    const out: Record<string, unknown> = {};
    const isAction = typeof value.type === 'string' && value.type.startsWith('Action.');
    for (const [key, v] of Object.entries(value)) {
      if (isAction && key === 'fallback') fallbacks.push({ path, action: value, fallback: v });
      else out[key] = copy(v, path ? `${path}.${key}` : key);
    }
    return out;
  };
  return { stripped: copy(card, '') as Record<string, unknown>, fallbacks };
}

function fallbackProblems(path: string, action: Record<string, unknown>, fallback: unknown): string[] {
  if (fallback === 'drop') return [];
  if (!isObject(fallback)) return [`${path}.fallback must be "drop" or an action`];
  const problems = sdkProblems({ type: 'AdaptiveCard', version: CARD_VERSION, body: [{ type: 'TextBlock', text: 'fallback' }], actions: [fallback] }, `${path}.fallback: `);
  if (action.type === 'Action.Execute') {
    if (fallback.type !== 'Action.Submit') problems.push(`${path}.fallback should be an Action.Submit`);
    if (JSON.stringify(fallback.data) !== JSON.stringify(action.data)) problems.push(`${path}.fallback must carry the same data as the Action.Execute`);
  }
  return problems;
}

function actionDataProblems(path: string, action: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (action.type === 'Action.Execute' && (typeof action.verb !== 'string' || action.verb === '')) problems.push(`${path} is an Action.Execute without a verb`);
  const data = CardAction.safeParse(action.data);
  if (!data.success) problems.push(`${path} carries data that is not a card action: ${data.error.issues.map((i) => `${i.path.join('.') || 'data'} ${i.message}`).join('; ')}`);
  else if (action.type === 'Action.Execute' && data.data.verb !== action.verb) problems.push(`${path} has verb ${String(action.verb)} but its data says ${data.data.verb}`);
  return problems;
}

function walk(value: unknown, path: string, visit: (value: unknown, path: string) => void): void {
  visit(value, path || '(card)');
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`, visit));
  else if (isObject(value)) for (const [key, v] of Object.entries(value)) walk(v, path ? `${path}.${key}` : key, visit);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
