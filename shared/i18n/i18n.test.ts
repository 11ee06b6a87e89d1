import { describe, expect, it } from 'vitest';
import { de } from './de.js';
import { en } from './en.js';
import { formatBytes, formatDate, formatDateTime, formatDuration, formatMonth, formatPercent, t, tn, tOr } from './index.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

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
    for (const key of Object.keys(en)) {
      if (key.endsWith('.one')) expect(Object.keys(en), key).toContain(key.replace(/\.one$/, '.other'));
    }
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
