import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FLEX_POINTS_PER_UNIT, formatPoints, linePoints, reportTotals, sumPoints } from './usage-points.js';

describe('usage points', () => {
  it('multiplies exactly: 2.5 x 14 = 35.0, 2.5 x 21 = 52.5, 2.5 x 31 = 77.5', () => {
    expect(linePoints(FLEX_POINTS_PER_UNIT, 14)).toBe('35.0');
    expect(linePoints(FLEX_POINTS_PER_UNIT, 21)).toBe('52.5');
    expect(linePoints(FLEX_POINTS_PER_UNIT, 31)).toBe('77.5');
    expect(linePoints('0.1', 3)).toBe('0.3');
    expect(linePoints('2.25', 3)).toBe('6.75');
    expect(linePoints('2.5', 0)).toBe('0.0');
  });

  it('bills the minimum commit when usage is below it, the usage when above', () => {
    expect(linePoints('2.5', 4, 10)).toBe('25.0');
    expect(linePoints('2.5', 12, 10)).toBe('30.0');
    expect(linePoints('2.5', 10, 10)).toBe('25.0');
  });

  it('refuses fractional or negative units', () => {
    expect(() => linePoints('2.5', 1.5)).toThrow(RangeError);
    expect(() => linePoints('2.5', -1)).toThrow(RangeError);
    expect(() => linePoints('2.5', 1, -2)).toThrow(RangeError);
  });

  it('formats one canonical way', () => {
    expect(formatPoints('35')).toBe('35.0');
    expect(formatPoints('35.000')).toBe('35.0');
    expect(formatPoints('52.50')).toBe('52.5');
    expect(formatPoints(1116)).toBe('1116.0');
    expect(formatPoints('0.0001')).toBe('0.0001');
    expect(formatPoints('123456789012345678901234567890')).toBe('123456789012345678901234567890.0');
  });

  it('sums many lines with no drift (0.1 ten thousand times is exactly 1000.0)', () => {
    expect(sumPoints(Array.from({ length: 10_000 }, () => '0.1'))).toBe('1000.0');
    expect(sumPoints(Array.from({ length: 9_999 }, (_, i) => linePoints('2.5', i % 7)))).toBe(formatPoints(Array.from({ length: 9_999 }, (_, i) => (i % 7) * 25).reduce((a, b) => a + b, 0) / 10));
  });

  it('matches integer arithmetic for any mix of lines (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100_000 })), { maxLength: 200 }), (lines) => {
        // 2.5 x n = 5n / 2, so tenths are 25n exactly.
        const tenths = lines.reduce((sum, [usage, commit]) => sum + 25 * Math.max(usage, commit), 0);
        const total = sumPoints(lines.map(([usage, commit]) => linePoints('2.5', usage, commit)));
        expect(total).toBe(formatPoints(`${Math.floor(tenths / 10)}.${tenths % 10}`));
      }),
    );
  });

  it('computes the totals block as Pulse shows it (604 + 512, commit 200 -> overage 916)', () => {
    const totals = reportTotals(
      [
        { kind: 'software', points: '11' },
        { kind: 'software', points: '590' },
        { kind: 'software', points: '3' },
        { kind: 'saas', points: '512' },
      ],
      '200',
    );
    expect(totals).toEqual({
      reportedPoints: { software: '604.0', saas: '512.0', total: '1116.0' },
      minimumCommit: '200.0',
      minimumCommitEnforcement: '0.0',
      subtotal: { software: '604.0', saas: '512.0', total: '1116.0' },
      overage: '916.0',
      totalPoints: '1116.0',
    });
  });

  it('raises a total under the minimum commit to the commit, with no overage', () => {
    const totals = reportTotals(
      [
        { kind: 'saas', points: '35.0' },
        { kind: 'saas', points: '52.5' },
        { kind: 'saas', points: '77.5' },
      ],
      '200',
    );
    expect(totals.reportedPoints).toEqual({ software: '0.0', saas: '165.0', total: '165.0' });
    expect(totals.minimumCommitEnforcement).toBe('35.0');
    expect(totals.overage).toBe('0.0');
    expect(totals.totalPoints).toBe('200.0');
    expect(totals.subtotal.total).toBe('200.0');
  });

  it('a total exactly at the commit has neither enforcement nor overage', () => {
    const totals = reportTotals([{ kind: 'saas', points: '200.0' }], '200.0');
    expect([totals.minimumCommitEnforcement, totals.overage, totals.totalPoints]).toEqual(['0.0', '0.0', '200.0']);
  });
});
