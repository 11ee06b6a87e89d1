import { describe, expect, it } from 'vitest';
import { monthlyUsage } from './usage-counts.js';

const day = (d: number) => `2025-03-${String(d).padStart(2, '0')}`;

describe('monthly usage from daily counts', () => {
  it('reports the highest daily count of the month, not the last or the average', () => {
    const counts = [10, 12, 14, 9, 11];
    const [usage] = monthlyUsage(counts.map((n, i) => ({ day: day(i + 1), customerId: 'cus_a', customerName: 'Test A', licensedUsers: n, licenses: 20 })));
    expect(usage).toMatchObject({ customerId: 'cus_a', highest: 14, highestDay: day(3), firstDay: day(1), lastDay: day(5), licensed: 20 });
  });

  it('takes records in any order and keeps the latest name and licensed limit', () => {
    const usage = monthlyUsage([
      { day: day(20), customerId: 'cus_b', customerName: 'Renamed B', licensedUsers: 3, licenses: 30, externalId: 'crm-2' },
      { day: day(2), customerId: 'cus_b', customerName: 'Old B', licensedUsers: 21, licenses: 25 },
      { day: day(5), customerId: 'cus_a', customerName: 'Alpha', licensedUsers: 7, licenses: 10 },
    ]);
    expect(usage.map((u) => u.customerName)).toEqual(['Alpha', 'Renamed B']);
    expect(usage[1]).toMatchObject({ highest: 21, highestDay: day(2), licensed: 30, externalId: 'crm-2', firstDay: day(2), lastDay: day(20) });
  });

  it('keeps a customer counted only early in the month (offboarded later)', () => {
    const usage = monthlyUsage([
      { day: day(1), customerId: 'cus_gone', customerName: 'Gone', licensedUsers: 40, licenses: 50 },
      { day: day(2), customerId: 'cus_gone', customerName: 'Gone', licensedUsers: 38, licenses: 50 },
      { day: day(31), customerId: 'cus_stay', customerName: 'Stay', licensedUsers: 5, licenses: 5 },
    ]);
    expect(usage.find((u) => u.customerId === 'cus_gone')?.highest).toBe(40);
  });
});
