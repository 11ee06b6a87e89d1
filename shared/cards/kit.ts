import type { CardAction } from '../schemas/cards.js';

/**
 * Small building blocks for Adaptive Cards (schema 1.5, the highest Teams renders). Every text
 * that goes through `text`, `facts` or a button title is treated as plain text: control
 * characters are dropped, whitespace collapsed, length bounded and markdown escaped, so a
 * customer named `**Acme** [click](https://evil)` shows exactly that and never becomes a link.
 * Cards never carry HTML.
 */

export const CARD_SCHEMA_URL = 'http://adaptivecards.io/schemas/adaptive-card.json';
export const CARD_VERSION = '1.5';
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
/** A Teams channel webhook message may be at most 28 KB. */
export const TEAMS_WEBHOOK_LIMIT_BYTES = 28 * 1024;
/** A bot message may be at most 40 KB. */
export const BOT_MESSAGE_LIMIT_BYTES = 40 * 1024;
/** The longest single value (a name, a message) a card shows before clipping it. */
export const DEFAULT_MAX_TEXT = 200;

export type CardElement = { type: string } & Record<string, unknown>;
export type CardButton = { type: 'Action.OpenUrl' | 'Action.Execute' | 'Action.Submit'; title: string } & Record<string, unknown>;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: typeof CARD_SCHEMA_URL;
  version: typeof CARD_VERSION;
  body: CardElement[];
  actions?: CardButton[];
  /** Shown by clients that cannot render the card (and in notification previews). */
  fallbackText?: string;
  /** Teams-specific: use the full width of the conversation. */
  msteams?: { width: 'Full' };
}

export type Color = 'Default' | 'Dark' | 'Light' | 'Accent' | 'Good' | 'Warning' | 'Attention';
export type ContainerStyle = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';
export type Spacing = 'None' | 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge';

export interface TextOptions {
  size?: 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge';
  weight?: 'Lighter' | 'Default' | 'Bolder';
  color?: Color;
  isSubtle?: boolean;
  spacing?: Spacing;
  separator?: boolean;
  style?: 'heading';
  maxLines?: number;
  /** Longest text kept (clipped with an ellipsis); default 200, long paragraphs may pass more. */
  max?: number;
}

// ---- text safety ----

// C0/C1 controls (except newline and tab, handled by collapsing), zero-width and bidi overrides.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** Any value as one clean line: no control characters, single spaces, at most `max` characters. */
export function clean(value: unknown, max = DEFAULT_MAX_TEXT): string {
  const text = String(value ?? '')
    .replace(UNSAFE_CHARS, '')
    .replace(/\s+/g, ' ')
    .trim();
  return clip(text, max);
}

/** Cuts at a code-point boundary and marks the cut with an ellipsis. */
export function clip(text: string, max: number): string {
  const points = Array.from(text);
  if (points.length <= max) return text;
  return (
    points
      .slice(0, Math.max(0, max - 1))
      .join('')
      .trimEnd() + '…'
  );
}

/**
 * Escapes what the Adaptive Cards markdown subset (and Teams' renderer) would interpret: emphasis,
 * links, code, strike-through, headings, quotes, and list markers at the start of a line.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_~[\]<>|]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#+-])/gm, '$1\\$2')
    .replace(/^(\s*\d+)\.(\s)/gm, '$1\\.$2');
}

/** Plain text made safe for a TextBlock or a FactSet. */
export const safeText = (value: unknown, max = DEFAULT_MAX_TEXT) => escapeMarkdown(clean(value, max));

// ---- elements ----

export function text(value: unknown, options: TextOptions = {}): CardElement {
  const { max, ...rest } = options;
  return { type: 'TextBlock', text: safeText(value, max), wrap: true, ...rest };
}

export function heading(value: unknown, options: Omit<TextOptions, 'style'> = {}): CardElement {
  return text(value, { size: 'Large', weight: 'Bolder', style: 'heading', ...options });
}

/** A FactSet from [title, value] pairs; pairs with an empty value are left out. */
export function facts(rows: readonly (readonly [string, unknown])[], options: { spacing?: Spacing; separator?: boolean } = {}): CardElement | null {
  const kept = rows.filter(([, value]) => value !== undefined && value !== null && String(value).trim() !== '');
  if (kept.length === 0) return null;
  return { type: 'FactSet', facts: kept.map(([title, value]) => ({ title: safeText(title, 80), value: safeText(value) })), ...options };
}

export function container(items: readonly (CardElement | null | undefined | false)[], options: { style?: ContainerStyle; bleed?: boolean; spacing?: Spacing; separator?: boolean } = {}): CardElement {
  return { type: 'Container', items: compact(items), ...options };
}

/** A bulleted list, one TextBlock per line so each stays escaped on its own. */
export function bullets(lines: readonly string[], options: { spacing?: Spacing; max?: number } = {}): CardElement[] {
  return lines.map((line, i) => text(`• ${clean(line, options.max)}`, { spacing: i === 0 ? (options.spacing ?? 'Small') : 'None' }));
}

export function compact<T>(items: readonly (T | null | undefined | false)[]): T[] {
  return items.filter((item): item is T => item !== null && item !== undefined && item !== false);
}

// ---- buttons ----

export function openUrl(title: string, url: string): CardButton {
  return { type: 'Action.OpenUrl', title: clean(title, 60), url };
}

/**
 * A button the bot handles: `Action.Execute` (an `adaptiveCard/action` invoke that can replace the
 * card in place) whose data is the typed action, with `Action.Submit` carrying the same data as
 * the fallback for clients without Universal Actions.
 */
export function execute(title: string, action: CardAction, options: { style?: 'positive' | 'destructive' } = {}): CardButton {
  const label = clean(title, 60);
  return {
    type: 'Action.Execute',
    title: label,
    verb: action.verb,
    data: action,
    ...options,
    fallback: { type: 'Action.Submit', title: label, data: action, ...options },
  };
}

export function actionSet(actions: readonly CardButton[], options: { spacing?: Spacing } = {}): CardElement | null {
  return actions.length ? { type: 'ActionSet', actions: [...actions], ...options } : null;
}

// ---- cards and messages ----

export function card(body: readonly (CardElement | null | undefined | false)[], actions: readonly CardButton[] = [], options: { fallbackText?: string; fullWidth?: boolean } = {}): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: CARD_SCHEMA_URL,
    version: CARD_VERSION,
    body: compact(body),
    ...(actions.length > 0 && { actions: [...actions] }),
    // Plain text shown in previews: no markup to escape, so angle brackets are simply left out.
    ...(options.fallbackText && { fallbackText: clean(options.fallbackText.replace(/[<>]/g, ''), 300) }),
    ...(options.fullWidth !== false && { msteams: { width: 'Full' as const } }),
  };
}

/** The body a Teams Workflows "post to a channel when a webhook request is received" flow takes. */
export function teamsWebhookMessage(content: AdaptiveCard) {
  return { type: 'message', attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content }] };
}

/** Size in bytes of what goes over the wire (UTF-8 JSON). */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
