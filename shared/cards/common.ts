import { t, type Language, type MessageKey, type Params } from '../i18n/index.js';
import type { CardAction, ListName } from '../schemas/cards.js';
import { container, execute, heading, openUrl, text, type CardButton, type CardElement, type ContainerStyle } from './kit.js';

/** Shared pieces of the bot's own cards (answers to commands and buttons). */

/** Where "open" buttons go; only https links end up on cards. */
export interface CardLinks {
  portal?: string | undefined;
  hub?: string | undefined;
}

export type Tone = 'default' | 'good' | 'warning' | 'attention' | 'accent';
const STYLE: Record<Tone, ContainerStyle> = { default: 'emphasis', good: 'good', warning: 'warning', attention: 'attention', accent: 'accent' };

/** The coloured band at the top of a card: title and an optional line under it. */
export function banner(title: string, subtitle?: string, tone: Tone = 'default'): CardElement {
  return container([heading(title, { size: 'Medium' }), subtitle ? text(subtitle, { isSubtle: true, spacing: 'None' }) : null], { style: STYLE[tone], bleed: true });
}

/** A one-line outcome of what the user just did, above the refreshed card. */
export function outcome(message: string, tone: Tone): CardElement {
  return container([text(message, { weight: 'Bolder', max: 400 })], { style: STYLE[tone], spacing: 'Medium' });
}

export const button = (title: string, action: CardAction, style?: 'positive' | 'destructive') => execute(title, action, style ? { style } : {});

/** A button that runs a chat command as if it had been typed. */
export const commandButton = (title: string, commandText: string) => execute(title, { verb: 'command', text: commandText });

/** "Open in portal" / "Open in SP Hub", only for https addresses (cards may not link elsewhere). */
export function linkButton(lang: Language, where: 'portal' | 'hub', links: CardLinks, path = ''): CardButton | null {
  const base = links[where];
  if (!base || !/^https:\/\/[^\s]+$/.test(base)) return null;
  return openUrl(t(lang, where === 'portal' ? 'action.openPortal' : 'action.openHub'), `${base.replace(/\/+$/, '')}${path}`);
}

/**
 * A short moment for list rows, where last and next runs are days apart: "24 Nov, 01:30" /
 * "24. Nov., 01:30", in UTC (cards say so once). Full dates stay in the facts.
 */
const shortFormats: Record<Language, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }),
  de: new Intl.DateTimeFormat('de-DE', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }),
};

export function shortDateTime(lang: Language, iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return (shortFormats[lang] ?? shortFormats.en).format(date);
}

/** A translator bound to one language, for builders with many strings. */
export const translator = (lang: Language) => (key: MessageKey, params?: Params) => t(lang, key, params);

/** A quoted argument for a command button, so names with spaces stay one argument. */
export function quoteArg(value: string): string {
  return `"${value.replace(/"/g, "'")}"`;
}

/**
 * A list row: its lines of text with one button on the right, or with several buttons under the
 * text (side by side they would squeeze the text in a narrow chat).
 */
export function row(lines: (CardElement | null)[], buttons: CardButton[], options: { separator?: boolean; stacked?: boolean } = {}): CardElement {
  const items = lines.filter((l): l is CardElement => l !== null);
  const spacing = { spacing: 'Medium', ...(options.separator && { separator: true }) };
  if (buttons.length > 1 || (options.stacked && buttons.length > 0)) return { type: 'Container', ...spacing, items: [...items, { type: 'ActionSet', spacing: 'Small', actions: buttons }] };
  return {
    type: 'ColumnSet',
    ...spacing,
    columns: [
      { type: 'Column', width: 'stretch', verticalContentAlignment: 'Center', items },
      ...(buttons.length ? [{ type: 'Column', width: 'auto', verticalContentAlignment: 'Center', items: [{ type: 'ActionSet', actions: buttons }] }] : []),
    ],
  };
}

/** Rows `from`–`to` of a page (1-based), for "11–20 of 59". */
export function pageRange(page: number, rows: number, shown: number): { from: number; to: number } {
  const from = (page - 1) * rows + 1;
  return { from: shown ? from : 0, to: from - 1 + shown };
}

/** Previous / Next buttons of a list card: each answers with the other page, replacing the card. */
export function pager(lang: Language, list: ListName, input: { page: number; rows: number; total: number; q?: string | undefined }): CardButton[] {
  const tr = translator(lang);
  const q = input.q ? { q: input.q } : {};
  const buttons: CardButton[] = [];
  if (input.page > 1) buttons.push(button(tr('bot.button.previous'), { verb: 'list.page', list, page: input.page - 1, ...q }));
  if (input.page * input.rows < input.total) buttons.push(button(tr('bot.button.next'), { verb: 'list.page', list, page: input.page + 1, ...q }));
  return buttons;
}
