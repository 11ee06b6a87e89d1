import { afterEach, describe, expect, it, vi } from 'vitest';
import { de } from './de.js';
import { en } from './en.js';
import { formatBytes, formatDate, formatDateTime, formatDuration, formatMonth, formatPercent, t, tn, tOr } from './index.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('message catalog', () => {
  it('has every English key in German, with the same placeholders and no empty message', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const german = de[key as keyof typeof en];
      expect(german.trim(), key).not.toBe('');
      expect(placeholders(german), key).toEqual(placeholders(text));
    }
  });

  it('pairs every plural form', () => {
    const keys = Object.keys(en);
    for (const key of keys.filter((k) => k.endsWith('.one'))) expect(keys, key).toContain(key.replace(/\.one$/, '.other'));
  });

  it('fills placeholders, formats numbers per language and keeps unknown placeholders visible', () => {
    expect(t('en', 'card.licenseThreshold.intro', { customer: 'Acme', used: 1234, licensed: 2000 })).toBe('Acme protects 1,234 of 2,000 licensed users.');
    expect(t('de', 'card.licenseThreshold.intro', { customer: 'Acme', used: 1234, licensed: 2000 })).toBe('Acme schützt 1.234 von 2.000 lizenzierten Benutzern.');
    expect(t('en', 'card.failure.intro', { policy: 'P' })).toBe('The policy P of {customer} did not complete.');
    expect(tn('en', 'digest.activity.completed', 1)).toBe('1 backup completed');
    expect(tn('en', 'digest.activity.completed', 2)).toBe('2 backups completed');
    expect(tn('de', 'digest.activity.restores', 1)).toBe('1 Wiederherstellung');
    expect(tOr('de', 'status.Failed', 'x')).toBe('Fehlgeschlagen');
    expect(tOr('de', 'status.Exploded', 'Exploded')).toBe('Exploded');
  });

  it('formats dates, months, durations, bytes and percentages per language', () => {
    expect(formatDateTime('en', '2026-11-24T09:05:00Z')).toBe('24 Nov 2026, 09:05 UTC');
    expect(formatDateTime('de', '2026-11-24T09:05:00Z', 'Europe/Berlin')).toBe('24.11.2026, 10:05 Europe/Berlin');
    expect(formatDate('de', '2026-12-03', 'America/Los_Angeles')).toBe('03.12.2026');
    expect(formatMonth('de', '2026-10')).toBe('Oktober 2026');
    expect(formatMonth('en', '2026-10')).toBe('October 2026');
    expect(formatDuration('en', 42_000)).toBe('42 s');
    expect(formatDuration('en', 3_725_000)).toBe('1 h 2 min');
    expect(formatBytes('de', 1_572_864)).toBe('1,5 MB');
    expect(formatPercent('de', 0.873)).toBe('87\u00a0%');
    expect(formatDateTime('en', 'not a date')).toBe('not a date');
  });
});

describe('formatters', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('makes one Intl formatter per language, options and time zone, not one per value', () => {
    // Counting constructors: each spy builds the real formatter.
    const { DateTimeFormat, NumberFormat, PluralRules } = Intl;
    const dateTimes = vi.spyOn(Intl, 'DateTimeFormat').mockImplementation(function (...args) {
      return new DateTimeFormat(...args);
    });
    const numbers = vi.spyOn(Intl, 'NumberFormat').mockImplementation(function (...args) {
      return new NumberFormat(...args);
    });
    const plurals = vi.spyOn(Intl, 'PluralRules').mockImplementation(function (...args) {
      return new PluralRules(...args);
    });
    const moments = Array.from({ length: 50 }, (_, i) => new Date(Date.UTC(2026, 10, 1 + (i % 28), i % 24, i)));
    for (const at of moments) {
      formatDateTime('de', at, 'Asia/Tokyo');
      formatDate('de', at, 'Asia/Tokyo');
      formatMonth('de', `2026-${String((at.getUTCMonth() % 12) + 1).padStart(2, '0')}`);
    }
    for (let i = 0; i < 50; i += 1) {
      formatBytes('de', 1024 * i + 7);
      formatPercent('de', i / 50);
      tn('de', 'digest.activity.completed', i);
    }
    // At most a zone check plus one formatter per (style, zone): the counts do not grow with the values.
    expect(dateTimes.mock.calls.length).toBeLessThanOrEqual(4);
    expect(numbers.mock.calls.length).toBeLessThanOrEqual(3);
    expect(plurals.mock.calls.length).toBeLessThanOrEqual(1);
  });

  it('gives the same text from a cached formatter as from a fresh one, per zone and language', () => {
    const at = '2026-03-29T00:30:00Z';
    for (const zone of ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata']) {
      for (const language of ['en', 'de'] as const) {
        const fresh = new Intl.DateTimeFormat(language === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(new Date(at));
        expect(formatDateTime(language, at, zone)).toBe(`${fresh} ${zone}`);
        expect(formatDateTime(language, at, zone)).toBe(`${fresh} ${zone}`);
      }
    }
    expect(formatDateTime('de', at, 'Europe/Berlin')).toBe('29.03.2026, 01:30 Europe/Berlin');
    expect(formatDateTime('de', '2026-03-29T01:30:00Z', 'Europe/Berlin')).toBe('29.03.2026, 03:30 Europe/Berlin');
  });

  it('shows times in an unknown time zone in UTC, named UTC, instead of failing', () => {
    expect(formatDateTime('en', '2026-11-24T09:05:00Z', 'Not/AZone')).toBe('24 Nov 2026, 09:05 UTC');
    expect(formatDateTime('de', '2026-11-24T23:30:00Z', 'Not/AZone')).toBe('24.11.2026, 23:30 UTC');
    expect(formatDate('en', '2026-11-24T23:30:00Z', 'Not/AZone')).toBe('24 Nov 2026');
    expect(formatDate('en', '2026-12-03', 'Not/AZone')).toBe('3 Dec 2026');
    expect(formatDateTime('en', 'not a date', 'Not/AZone')).toBe('not a date');
  });
});

describe('languageFromHeader', () => {
  it('takes the supported language with the highest weight, English otherwise', async () => {
    const { languageFromHeader } = await import('./index.js');
    expect(languageFromHeader('de-DE,de;q=0.9,en;q=0.8')).toBe('de');
    expect(languageFromHeader('de')).toBe('de');
    expect(languageFromHeader('fr-FR,en;q=0.5,de;q=0.7')).toBe('de');
    expect(languageFromHeader('fr-FR, en-GB;q=0.4')).toBe('en');
    expect(languageFromHeader('fr')).toBe('en');
    expect(languageFromHeader('de;q=0')).toBe('en');
    expect(languageFromHeader('dev')).toBe('en');
    expect(languageFromHeader(undefined)).toBe('en');
    expect(languageFromHeader(';;;,q=,')).toBe('en');
  });
});
