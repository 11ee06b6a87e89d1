import { afterEach, beforeEach, expect, test } from 'vitest';
import { DAY } from '../../shared/domain/clock.js';
import { csvTable } from '../../shared/domain/csv.js';
import { createTestHub, type TestHub } from '../helpers/hub.js';

/**
 * A provider without VDC API access: an empty hub (no demo data) is filled from CSV files and
 * produces a real monthly usage report from the licensed users it was given.
 */
let t: TestHub;
beforeEach(async () => {
  t = await createTestHub({ config: { demo: false } });
});
afterEach(() => t.close());

const users = (domain: string, protectedCount: number, unprotected = 0) =>
  csvTable(
    ['Name', 'Email', 'Type', 'Protection Status', 'Last Backup'],
    [
      ...Array.from({ length: protectedCount }, (_, i) => [`User ${i + 1}`, `user${i + 1}@${domain}`, 'User', 'Protected', '2026-11-24T01:00:00.000Z']),
      ...Array.from({ length: unprotected }, (_, i) => [`Left ${i + 1}`, `left${i + 1}@${domain}`, 'User', 'Unprotected', '']),
    ],
  );

test('an empty hub, two imports and the 1st of the month give a usage report with the right units and points', async () => {
  expect((await t.admin.customers()).total).toBe(0);
  const imported = await t.admin.importCustomersCsv(
    csvTable(
      ['Display Name', 'Domain', 'M365 Account', 'External Id', 'Status', 'Contract Type', 'License Limit', 'Contact Name', 'Contact Email'],
      [
        ['Adatum Accounting Oy', 'adatum.fi', 'adatumaccounting.onmicrosoft.com', 'CRM-020472', 'active', 'Month to month', '20', 'Aino Virtanen', 'aino@adatum.fi'],
        ['Bluewater Realty AB', 'bluewater.se', 'bluewaterrealty.onmicrosoft.com', '', 'active', 'Annual', '600', 'Erik Berg', 'erik@bluewater.se'],
      ],
    ),
  );
  expect(imported).toMatchObject({ applied: true, created: 2 });
  const [adatum, bluewater] = (await t.admin.customers({ sort: 'displayName' })).items;

  // Day one: 3 of 4 protected at Adatum; Bluewater by PUT.
  expect(await t.admin.importLicensedUsersCsv(adatum!.id, users('adatum.fi', 3, 1))).toMatchObject({ protected: 3, countedDay: '2026-11-24' });
  await t.admin.setLicensedUsers(
    bluewater!.id,
    Array.from({ length: 14 }, (_, i) => ({ name: `U${i}`, email: `u${i}@bluewater.se` })),
  );
  // Two days later Adatum protects 5: the month's highest day counts.
  t.clock.advance(2 * DAY);
  expect(await t.admin.importLicensedUsersCsv(adatum!.id, users('adatum.fi', 5))).toMatchObject({ protected: 5, countedDay: '2026-11-26' });
  t.clock.advance(DAY);
  await t.admin.importLicensedUsersCsv(adatum!.id, users('adatum.fi', 4));

  t.clock.set('2026-12-01T06:00:00.000Z');
  const run = await t.hub.ctx.services.usage.runScheduled();
  expect(run.generated).toBe('2026-11');
  const report = await t.admin.usageReport('2026-11');
  expect(report.lines.map((l) => [l.customer, l.tenantAccountCrmId, l.unit, l.licensed, l.autoReported, l.currentMonthUsage, l.pointsPerUnit, l.points])).toEqual([
    ['Adatum Accounting Oy', 'CRM-020472', 'User', 20, 5, 5, '2.5', '12.5'],
    ['Bluewater Realty AB', null, 'User', 600, 14, 14, '2.5', '35.0'],
  ]);
  expect(report.totals.totalPoints).toBe('47.5');
});
