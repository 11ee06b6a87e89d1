import { describe, expect, it } from 'vitest';
import type { DailyFigures } from '../schemas/monitoring.js';
import { computeDashboard } from './dashboard.js';

const day = (id: string, over: Partial<DailyFigures> = {}): DailyFigures => ({
  id,
  jobs: { Success: 0, Warning: 0, Failed: 0, Stopped: 0, Disconnected: 0 },
  restores: {},
  customers: null,
  licenses: null,
  ...over,
});

describe('computeDashboard', () => {
  const names: Record<string, string> = { a: 'Acme', b: 'Bravo', c: 'Contoso' };
  const input = {
    now: new Date('2026-11-10T12:00:00Z'),
    days: 7,
    daily: [
      day('2026-10-05', { restores: { a: 4, b: 1 }, customers: 8, licenses: 900 }),
      day('2026-10-31', { restores: { c: 1 }, customers: 9, licenses: 1000 }),
      day('2026-11-02', { restores: { a: 2 }, customers: 9, licenses: 1000 }),
      day('2026-11-04', { jobs: { Success: 5, Warning: 1, Failed: 1, Stopped: 1, Disconnected: 2 }, restores: { b: 3, a: 1 } }),
      day('2026-11-06', { customers: 10, licenses: 1100, restores: { c: 1 } }),
      day('2026-11-10', { jobs: { Success: 2, Warning: 0, Failed: 0, Stopped: 0, Disconnected: 0 } }),
      day('2026-12-01', { restores: { c: 50 } }), // future: ignored
    ],
    jobs: { count: 12, running: 1, latest: { Success: 9, Warning: 1, Failed: 2 } },
    current: { customers: 10, licenses: 1200 },
    customerName: (id: string) => names[id],
  };

  it('builds the jobs widget with daily results, Disconnected counted as Failed', () => {
    const { jobs } = computeDashboard(input);
    expect(jobs.count).toBe(12);
    expect(jobs.latest).toEqual({ Success: 9, Warning: 1, Failed: 2 });
    expect(jobs.history.map((h) => h.date)).toEqual(['2026-11-04', '2026-11-05', '2026-11-06', '2026-11-07', '2026-11-08', '2026-11-09', '2026-11-10']);
    expect(jobs.history[0]).toEqual({ date: '2026-11-04', Success: 5, Warning: 1, Failed: 3 });
    expect(jobs.history[6]).toEqual({ date: '2026-11-10', Success: 2, Warning: 0, Failed: 0 });
  });

  it('builds the restores widget: totals, change, average per customer and the highest customer', () => {
    const { restores } = computeDashboard(input);
    // This month: a 2+1, b 3, c 1 = 7; last month 4+1+1 = 6.
    expect(restores).toMatchObject({ thisMonth: 7, lastMonth: 6, change: 1, averagePerCustomer: 0.7 });
    // a and b both have 3: the tie goes to the name first in order.
    expect(restores.highest).toEqual({ customerId: 'a', customerName: 'Acme', count: 3 });
    expect(restores.history.find((h) => h.date === '2026-11-04')).toEqual({ date: '2026-11-04', restores: 4, customers: 9, perCustomer: 0.44 });
  });

  it('builds the licenses widget against the end of last month, carrying figures forward', () => {
    const { licenses } = computeDashboard(input);
    expect(licenses).toMatchObject({ customers: 10, licenses: 1200, customerChange: 1, licenseChange: 200 });
    expect(licenses.history).toEqual([
      { date: '2026-11-04', customers: 9, licenses: 1000 },
      { date: '2026-11-05', customers: 9, licenses: 1000 },
      { date: '2026-11-06', customers: 10, licenses: 1100 },
      { date: '2026-11-07', customers: 10, licenses: 1100 },
      { date: '2026-11-08', customers: 10, licenses: 1100 },
      { date: '2026-11-09', customers: 10, licenses: 1100 },
      { date: '2026-11-10', customers: 10, licenses: 1200 },
    ]);
  });

  it('has no change figure without last month and no average without customers', () => {
    const empty = computeDashboard({ ...input, daily: [], current: { customers: 0, licenses: 0 } });
    expect(empty.licenses.customerChange).toBeNull();
    expect(empty.licenses.history).toEqual([{ date: '2026-11-10', customers: 0, licenses: 0 }]);
    expect(empty.restores).toMatchObject({ thisMonth: 0, averagePerCustomer: 0, highest: null });
  });
});
