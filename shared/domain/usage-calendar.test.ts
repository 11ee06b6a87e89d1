import { describe, expect, it } from 'vitest';
import { addMonths, daysOf, deadline, dueDate, isOverdue, licenseManagementRefusal, liftingMonths, monthLabel, previousMonth, suspensionState, wasLate } from './usage-calendar.js';

describe('usage calendar', () => {
  it('walks months across years', () => {
    expect(previousMonth('2026-01')).toBe('2025-12');
    expect(addMonths('2025-11', 3)).toBe('2026-02');
    expect(daysOf('2024-02')).toHaveLength(29);
    expect(daysOf('2025-02').at(-1)).toBe('2025-02-28');
    expect(monthLabel('2025-03')).toBe('March 2025');
    expect(() => previousMonth('2025-13')).toThrow(RangeError);
  });

  it('a report is due by the 3rd of the next month and overdue from the 4th', () => {
    expect(dueDate('2025-12')).toBe('2026-01-03');
    expect(deadline('2025-03').toISOString()).toBe('2025-04-04T00:00:00.000Z');
    const report = { month: '2025-03', submitted: false };
    expect(isOverdue(report, new Date('2025-04-03T23:59:59.999Z'))).toBe(false);
    expect(isOverdue(report, new Date('2025-04-04T00:00:00.000Z'))).toBe(true);
    expect(isOverdue({ ...report, submitted: true }, new Date('2025-05-01T00:00:00Z'))).toBe(false);
    expect(wasLate({ month: '2025-03', submitted: true, submittedAt: '2025-04-05T10:00:00Z' })).toBe(true);
    expect(wasLate({ month: '2025-03', submitted: true, submittedAt: '2025-04-02T10:00:00Z' })).toBe(false);
  });

  it('two consecutive overdue months suspend license management; one does not', () => {
    const now = new Date('2025-06-10T00:00:00Z');
    const one = suspensionState(
      [
        { month: '2025-03', submitted: false },
        { month: '2025-04', submitted: true },
        { month: '2025-05', submitted: false },
      ],
      now,
    );
    expect(one).toEqual({ overdueMonths: ['2025-03', '2025-05'], suspended: false, cause: null, since: null });
    const two = suspensionState(
      [
        { month: '2025-04', submitted: false },
        { month: '2025-05', submitted: false },
      ],
      now,
    );
    expect(two.suspended).toBe(true);
    expect(two.cause).toEqual(['2025-04', '2025-05']);
    expect(two.since).toBe('2025-06-04T00:00:00.000Z');
    // Before the second deadline, only one month is overdue.
    expect(
      suspensionState(
        [
          { month: '2025-04', submitted: false },
          { month: '2025-05', submitted: false },
        ],
        new Date('2025-06-03T12:00:00Z'),
      ).suspended,
    ).toBe(false);
  });
});

// Pulse: "If you delay submitting a report for two consecutive months, your license management will be suspended."
describe('licenseManagementRefusal: the reason and how to lift the suspension', () => {
  it('names the overdue pair and the one report whose submission lifts it', () => {
    // September, October and November overdue: only submitting October leaves no overdue pair.
    expect(liftingMonths(['2026-09', '2026-10', '2026-11'])).toEqual(['2026-10']);
    expect(liftingMonths(['2026-11', '2026-12'])).toEqual(['2026-11', '2026-12']);
    const state = suspensionState(
      ['2026-09', '2026-10', '2026-11'].map((month) => ({ month, submitted: false })),
      new Date('2026-12-10T00:00:00Z'),
    );
    const sentence = licenseManagementRefusal(state)!;
    expect(sentence).toContain('October 2026 and November 2026 are both overdue');
    expect(sentence).toContain('submit the overdue usage report for October 2026');
  });

  it('null while not suspended', () => {
    expect(licenseManagementRefusal(suspensionState([{ month: '2026-11', submitted: false }], new Date('2026-12-10T00:00:00Z')))).toBeNull();
  });
});
