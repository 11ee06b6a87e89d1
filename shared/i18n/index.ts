import { binaryMultiple } from '../domain/units.js';
import { de } from './de.js';
import { en, type MessageKey } from './en.js';

export type { MessageKey } from './en.js';

/** The languages cards, mails and bot answers come in. */
export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

const catalogs: Record<Language, Record<MessageKey, string>> = { en, de };
const locales: Record<Language, string> = { en: 'en-GB', de: 'de-DE' };

export type Params = Record<string, string | number>;

// Building an Intl formatter costs far more than using one, and cards, mails and lists format
// thousands of values: formatters are made once per language, options and time zone. The cache
// is bounded because time zones come from settings; past the bound the oldest entry goes.
const FORMATTER_CACHE_SIZE = 256;
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.PluralRules>();

function cached<F extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.PluralRules>(key: string, make: () => F): F {
  let formatter = formatters.get(key) as F | undefined;
  if (!formatter) {
    formatter = make();
    if (formatters.size >= FORMATTER_CACHE_SIZE) formatters.delete(formatters.keys().next().value!);
    formatters.set(key, formatter);
  }
  return formatter;
}

const numberFormat = (language: Language, fractionDigits: number) =>
  cached(`number|${language}|${fractionDigits}`, () => new Intl.NumberFormat(locales[language], { maximumFractionDigits: fractionDigits }));

const pluralRules = (language: Language) => cached(`plural|${language}`, () => new Intl.PluralRules(locales[language]));

const dateFormat = (language: Language, style: 'dateTime' | 'date' | 'month', timeZone: string) =>
  cached(`${style}|${language}|${timeZone}`, () => {
    const options: Intl.DateTimeFormatOptions = style === 'dateTime' ? { dateStyle: 'medium', timeStyle: 'short' } : style === 'date' ? { dateStyle: 'medium' } : { month: 'long', year: 'numeric' };
    return new Intl.DateTimeFormat(locales[language], { ...options, timeZone });
  });

const knownZones = new Map<string, boolean>();

/**
 * A zone this runtime knows, else UTC: a zone name that stopped being valid (a stored setting,
 * an older ICU) shows times in UTC, named as such, instead of failing the whole card or mail.
 */
function usableZone(timeZone: string): string {
  let known = knownZones.get(timeZone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone });
      known = true;
    } catch {
      known = false;
    }
    if (knownZones.size >= FORMATTER_CACHE_SIZE) knownZones.delete(knownZones.keys().next().value!);
    knownZones.set(timeZone, known);
  }
  return known ? timeZone : 'UTC';
}

/**
 * The caller's language from an Accept-Language header (`de-DE,de;q=0.9,en;q=0.8`): the
 * supported language with the highest weight, English when none is.
 */
export function languageFromHeader(header: string | null | undefined): Language {
  let best: { language: Language; weight: number } | null = null;
  for (const part of (header ?? '').split(',').slice(0, 20)) {
    const [tag, ...options] = part.trim().toLowerCase().split(';');
    const language = LANGUAGES.find((l) => tag === l || tag?.startsWith(`${l}-`));
    if (!language) continue;
    const q = options.map((o) => /^\s*q=([0-9.]+)\s*$/.exec(o)?.[1]).find(Boolean);
    const weight = q === undefined ? 1 : Number(q);
    if (Number.isFinite(weight) && weight > 0 && (!best || weight > best.weight)) best = { language, weight };
  }
  return best?.language ?? 'en';
}

/** A message and its parameters, said later in whichever language is asked for; a parameter may itself be a catalog text. */
export interface Text {
  key: MessageKey;
  params?: Record<string, Params[string] | Text | MonthParam>;
}

/** A usage month ("2026-10") as a parameter, named in the language ("October 2026" / "Oktober 2026"). */
export interface MonthParam {
  month: string;
}

/** A Text in a language. */
export function say(language: Language, text: Text): string {
  const params: Params = {};
  for (const [name, value] of Object.entries(text.params ?? {})) {
    params[name] = typeof value !== 'object' ? value : 'month' in value ? formatMonth(language, value.month) : say(language, value);
  }
  return t(language, text.key, params);
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/**
 * A message in a language with its `{placeholders}` filled. Numbers are formatted for the
 * language; a placeholder without a value stays visible rather than vanishing silently.
 * The result is plain text: callers escape it for markdown or HTML where it goes.
 */
export function t(language: Language, key: MessageKey, params: Params = {}): string {
  const template = catalogs[language][key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(language, value) : value;
  });
}

/** A plural message: `key.one` or `key.other` by the language's plural rules, with `{count}` set. */
export function tn(language: Language, key: string, count: number, params: Params = {}): string {
  const form = pluralRules(language).select(count) === 'one' ? 'one' : 'other';
  const full = `${key}.${form}`;
  if (!isMessageKey(full)) throw new Error(`No plural message ${full}`);
  return t(language, full, { ...params, count });
}

/** A message that may not exist (a status or kind coming from data): falls back to the raw value. */
export function tOr(language: Language, key: string, fallback: string, params: Params = {}): string {
  return isMessageKey(key) ? t(language, key, params) : fallback;
}

export function formatNumber(language: Language, value: number, fractionDigits = 0): string {
  return numberFormat(language, fractionDigits).format(value);
}

/** 0.873 -> "87 %" (de) / "87%" (en). */
export function formatPercent(language: Language, ratio: number): string {
  return cached(`percent|${language}`, () => new Intl.NumberFormat(locales[language], { style: 'percent', maximumFractionDigits: 0 })).format(ratio);
}

/**
 * A moment as date and time in a time zone, naming the zone so readers elsewhere are not misled.
 * An unknown zone gives the time in UTC, named "UTC".
 */
export function formatDateTime(language: Language, iso: string | Date, timeZone = 'UTC'): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return String(iso);
  const zone = usableZone(timeZone);
  return `${dateFormat(language, 'dateTime', zone).format(date)} ${zone}`;
}

export function formatDate(language: Language, iso: string | Date, timeZone = 'UTC'): string {
  // A bare date (2026-12-03) is a calendar day, not a moment: never shift it by a time zone.
  const dateOnly = typeof iso === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(iso);
  const date = typeof iso === 'string' ? new Date(dateOnly ? `${iso}T00:00:00Z` : iso) : iso;
  if (Number.isNaN(date.getTime())) return String(iso);
  return dateFormat(language, 'date', dateOnly ? 'UTC' : usableZone(timeZone)).format(date);
}

/** "2026-10" -> "October 2026" / "Oktober 2026". */
export function formatMonth(language: Language, month: string): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) return month;
  return dateFormat(language, 'month', 'UTC').format(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)));
}

/** 3_725_000 ms -> "1 h 2 min"; short durations in seconds. Units are the same in both languages. */
export function formatDuration(language: Language, ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return en['unit.none'];
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${formatNumber(language, seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${formatNumber(language, minutes)} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${formatNumber(language, hours)} h ${formatNumber(language, rest)} min` : `${formatNumber(language, hours)} h`;
}

/** Bytes with binary units, one fraction digit: 1_572_864 -> "1.5 MB" / "1,5 MB". */
export function formatBytes(language: Language, bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return en['unit.none'];
  const { value, unit } = binaryMultiple(bytes);
  return `${formatNumber(language, value, unit === 'B' ? 0 : 1)} ${unit}`;
}

/** Items said as one list ("a; b; c", "a, b", "a or b"), each item a plain value or a catalog text. */
export function listText(items: readonly (string | Text | MonthParam)[], join: 'api.list.joined' | 'api.list.comma' | 'api.list.or'): Text {
  if (items.length <= 1) return { key: 'api.list.single', params: { item: items[0] ?? '' } };
  return { key: join, params: { first: items[0]!, rest: items.length === 2 ? items[1]! : listText(items.slice(1), join) } };
}
