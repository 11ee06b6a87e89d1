import { describe, expect, it } from 'vitest';
import { daysBetween, dayOf, formatBytes, formatDuration, monthOf, previousMonth } from './units.js';

describe('units', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [1536, '1.5 KB'],
    [5 * 1024 ** 3, '5.0 GB'],
    [-3, '0 B'],
  ])('formats %d bytes as %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));

  it.each([
    [0, '00:00:00'],
    [999, '00:00:01'],
    [61_000, '00:01:01'],
    [17 * 60_000 + 32_000, '00:17:32'],
    [26 * 3_600_000, '26:00:00'],
  ])('formats %d ms as %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('works with UTC days and months', () => {
    expect(dayOf('2026-11-24T23:59:59.999Z')).toBe('2026-11-24');
    expect(monthOf('2026-01-01T00:00:00Z')).toBe('2026-01');
    expect(previousMonth('2026-01')).toBe('2025-12');
    expect(previousMonth('2026-03')).toBe('2026-02');
    expect(daysBetween('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
  });
});
