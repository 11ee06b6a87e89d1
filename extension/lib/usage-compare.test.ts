import { beforeAll, describe, expect, it } from 'vitest';
import type { UsageReport } from '../../shared/schemas/usage.js';
import { useLocale } from './i18n-testing.js';
import { cleanCustomerName, compareReportLine, compareSaasRow, parseAmount, parseUsageMonth, reportWarnings } from './usage-compare.js';

beforeAll(() => useLocale('en'));

const FLEX = 'Veeam Data Cloud for Microsoft 365 Flex Per User';
const report = {
  usageMonth: '2025-03',
  usageMonthText: 'March 2025',
  number: 'MU-00000002',
  status: 'Pending Service Provider Review',
  dueDate: '2025-04-03',
  overdue: false,
  late: false,
  licenseManagementSuspended: false,
  warnings: [],
  lines: [
    { customer: 'Test A', product: FLEX, currentMonthUsage: 14, points: '35.0' },
    { customer: 'Test B', product: FLEX, currentMonthUsage: 21, points: '52.5' },
  ],
  saasUsage: [{ customerName: 'Test A', productName: FLEX, reportedUnits: 14, points: '35.0' }],
} as unknown as UsageReport;

describe('reading Pulse pages', () => {
  it.each([
    ['March 2025', '2025-03'],
    ['March 2025 (3)', '2025-03'],
    ['Usage Month: Sept 2025', '2025-09'],
    ['2025-11', '2025-11'],
    ['no month here', null],
  ])('month of %j is %j', (text, month) => expect(parseUsageMonth(text)).toBe(month));

  it('reads amounts as Pulse prints them', () => {
    expect(parseAmount('1,116')).toBe(1116);
    expect(parseAmount('35.0')).toBe(35);
    expect(parseAmount('-')).toBeNull();
    expect(parseAmount('')).toBeNull();
  });

  it('drops the grouped-row count from a customer name', () => {
    expect(cleanCustomerName('Test A (1)')).toBe('Test A');
    expect(cleanCustomerName('Acme (Holdings) Ltd')).toBe('Acme (Holdings) Ltd');
  });
});

describe('comparing with the hub', () => {
  it('a line that matches is green', () => {
    const result = compareReportLine({ customer: 'test a', product: FLEX, units: 14, points: 35 }, report)!;
    expect(result.differs).toBe(false);
    expect(result.view).toMatchObject({ tone: 'ok', label: 'Hub ✓ 14 · 35.0 pts' });
  });

  it('a line that differs is red and says by how much', () => {
    const result = compareReportLine({ customer: 'Test B', product: FLEX, units: 23, points: 57.5 }, report)!;
    expect(result.differs).toBe(true);
    expect(result.view.tone).toBe('bad');
    expect(result.view.label).toBe('Hub 21 (+2) · 52.5 pts');
    expect(result.view.details.join(' ')).toMatch(/shows 23: \+2/);
  });

  it('a line the hub does not know gives no comparison', () => {
    expect(compareReportLine({ customer: 'Enterprise Backup', product: 'Veeam Backup & Replication Enterprise Plus', units: 1, points: 11 }, report)).toBeNull();
  });

  it('SaaS rows compare by customer name', () => {
    expect(compareSaasRow({ customer: 'Test A', product: FLEX, units: 15, points: 37.5 }, report)?.differs).toBe(true);
    expect(compareSaasRow({ customer: 'Nobody', product: FLEX, units: 1, points: 2.5 }, report)).toBeNull();
  });

  it('warns about the deadline, an overdue report and a suspension', () => {
    expect(reportWarnings(report)[0]).toMatchObject({ tone: 'warn', text: expect.stringMatching(/^Due by 3 April 2025/) });
    const overdue = { ...report, overdue: true, licenseManagementSuspended: true } as UsageReport;
    const lines = reportWarnings(overdue);
    expect(lines[0]).toMatchObject({ tone: 'bad', text: expect.stringMatching(/^Overdue/) });
    expect(lines[1]).toMatchObject({ tone: 'bad', text: expect.stringMatching(/suspended/) });
    // The hub's own words take the place of the generic ones.
    const worded = { ...overdue, warnings: ['This report is overdue.', 'License management is suspended since 2025-05-04.'] } as UsageReport;
    expect(reportWarnings(worded)).toEqual([
      { tone: 'bad', text: 'This report is overdue.' },
      { tone: 'bad', text: 'License management is suspended since 2025-05-04.' },
    ]);
  });

  it('speaks German in a German browser', async () => {
    await useLocale('de');
    try {
      expect(reportWarnings(report)[0]!.text).toBe('Fällig bis 3. April 2025.');
      // The hub's warnings in German (as it answers a German browser): shown as they come, suspension first and red, not said twice.
      const suspended = {
        ...report,
        licenseManagementSuspended: true,
        warnings: ['Die Lizenzverwaltung ist gesperrt: Die Nutzungsberichte für Februar 2025 und März 2025 sind beide überfällig.', 'Fällig bis 2025-04-03 (Tagesende, UTC).'],
      } as UsageReport;
      expect(reportWarnings(suspended)).toEqual([
        { tone: 'bad', text: suspended.warnings[0] },
        { tone: 'warn', text: suspended.warnings[1] },
      ]);
      expect(compareSaasRow({ customer: 'Nobody', product: '', units: 1, points: null }, report)).toBeNull();
    } finally {
      await useLocale('en');
    }
  });
});
