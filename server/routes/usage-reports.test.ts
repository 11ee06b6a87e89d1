import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/client.js';
import { DAY, FakeClock } from '../../shared/domain/clock.js';
import type { z } from 'zod';
import { Customer } from '../../shared/schemas/customers.js';
import { createTestHub, type TestHub } from '../../test/helpers/hub.js';
import { customers } from '../services/customer-collection.js';
import { parseCsv } from '../../shared/domain/csv.js';
import { fileOf } from '../services/usage/daily-counts.js';
import { usageReports } from '../services/usage/usage-service.js';
import { seedUsage } from '../seed/usage.js';

let t: TestHub;
afterEach(async () => t?.close());

async function hubAt(iso: string): Promise<TestHub> {
  t = await createTestHub({ clock: new FakeClock(iso) });
  return t;
}

async function putCustomer(id: string, displayName: string, backedUpAccounts: number, extra: Partial<z.input<typeof Customer>> = {}): Promise<void> {
  const now = t.clock.now().toISOString();
  const customer = Customer.parse({
    id,
    displayName,
    domain: `${id.replace(/_/g, '-')}.example.com`,
    contact: { firstName: 'Pat', lastName: 'Doe', email: `pat@${id.replace(/_/g, '-')}.example.com` },
    status: 'active',
    createdAt: now,
    provisionedAt: now,
    subscriptionIds: [],
    contractType: 'Month to month',
    licenses: backedUpAccounts,
    licenseLimit: 100,
    licenseModel: 'Variable',
    sourceType: 'VCSP Pulse',
    storageConsumedGb: 0,
    backedUpAccounts,
    totalActiveAccounts: backedUpAccounts,
    userChangeThisMonth: 0,
    userChangeLastMonth: 0,
    ...extra,
  });
  await t.hub.ctx.store.write((tx) => tx.put(customers, customer));
}

async function setUsers(id: string, backedUpAccounts: number): Promise<void> {
  await t.hub.ctx.store.write((tx) => {
    const current = tx.get(customers, id)!;
    tx.put(customers, { ...current, backedUpAccounts });
  });
}

const tick = () => t.hub.ctx.services.usageScheduler.tick();
const eventTypes = async () => (await t.hub.ctx.events.since(0)).map((e) => e.type);

async function expectError(promise: Promise<unknown>, status: number, code?: string): Promise<ApiError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${status}, got success`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).status).toBe(status);
  if (code) expect((error as ApiError).code).toBe(code);
  return error as ApiError;
}

/** Three customers as in Pulse's example (14, 21, 31 users), counted on Nov 1, report generated Dec 1. */
async function novemberReport(): Promise<void> {
  await hubAt('2026-11-01T08:00:00Z');
  await putCustomer('cus_a', 'Test A', 14, { externalId: 'crm-a' });
  await putCustomer('cus_b', 'Test B', 21);
  await putCustomer('cus_c', 'Test C', 31);
  await tick();
  t.clock.set('2026-12-01T00:30:00Z');
  await tick();
}

describe('daily licensed-user counts', () => {
  it("records each active customer once a day, and reports the month's highest daily count", async () => {
    await hubAt('2026-11-01T08:00:00Z');
    await putCustomer('cus_a', 'Test A', 10);
    await putCustomer('cus_p', 'Pending Co', 50, { status: 'pending' });
    expect((await tick()).recorded).toBe(1);
    expect((await tick()).recorded).toBe(0); // idempotent per day
    expect(await t.hub.ctx.logs.read(fileOf('2026-11'))).toHaveLength(1);

    for (const users of [12, 17, 9, 11]) {
      t.clock.advance(DAY);
      await setUsers('cus_a', users);
      await tick();
    }
    const daily = await t.admin.usageDailyCounts('2026-11');
    expect(daily.customers).toHaveLength(1);
    expect(daily.customers[0]).toMatchObject({ customerId: 'cus_a', highest: 17, highestDay: '2026-11-03' });
    expect(daily.customers[0]!.days.map((d) => d.licensedUsers)).toEqual([10, 12, 17, 9, 11]);

    t.clock.set('2026-12-01T00:05:00Z');
    const run = await tick();
    expect(run.generated).toBe('2026-11');
    const report = await t.admin.usageReport('2026-11');
    expect(report.lines).toHaveLength(1);
    expect(report.lines[0]).toMatchObject({ customer: 'Test A', autoReported: 17, currentMonthUsage: 17, points: '42.5', licensed: 100 });
  });

  it('a count that rises later the same day is recorded; the day counts at its highest', async () => {
    await hubAt('2026-11-10T08:00:00Z');
    await putCustomer('cus_a', 'Test A', 10);
    await tick();
    await setUsers('cus_a', 8);
    expect((await tick()).recorded).toBe(0);
    await setUsers('cus_a', 13);
    expect((await tick()).recorded).toBe(1);
    expect((await t.admin.usageDailyCounts('2026-11')).customers[0]!.days).toEqual([{ day: '2026-11-10', licensedUsers: 13, licenses: 100 }]);
  });

  it('still reports an offboarded (even deleted) customer for the month it was active', async () => {
    await hubAt('2026-11-01T08:00:00Z');
    await putCustomer('cus_gone', 'Leaving Ltd', 40);
    await putCustomer('cus_stay', 'Staying Inc', 5);
    await tick();
    t.clock.advance(DAY);
    // Offboarded on the 2nd with 42 users: that day still counts.
    await t.hub.ctx.store.write((tx) => tx.put(customers, { ...tx.get(customers, 'cus_gone')!, status: 'offboarded', offboardedAt: t.clock.now().toISOString(), backedUpAccounts: 42 }));
    await tick();
    t.clock.advance(DAY);
    await tick();
    t.clock.advance(DAY);
    await t.hub.ctx.store.write((tx) => tx.delete(customers, 'cus_gone'));
    await tick();
    const daily = await t.admin.usageDailyCounts('2026-11');
    expect(daily.customers.find((c) => c.customerId === 'cus_gone')!.days.map((d) => d.day)).toEqual(['2026-11-01', '2026-11-02']);
    t.clock.set('2026-12-01T01:00:00Z');
    await tick();
    const report = await t.admin.usageReport('2026-11');
    expect(report.saasUsage.map((s) => [s.customerName, s.reportedUnits, s.points])).toEqual([
      ['Leaving Ltd', 42, '105.0'],
      ['Staying Inc', 5, '12.5'],
    ]);
  });
});

describe('generation and the running month', () => {
  it('generates the previous month on the 1st, numbered MU- + digits, pending review, due by the 3rd', async () => {
    await hubAt('2026-11-29T08:00:00Z');
    await putCustomer('cus_a', 'Test A', 14);
    await tick();
    t.clock.set('2026-11-30T23:59:00Z');
    expect((await tick()).generated).toBeNull();
    await expectError(t.admin.usageReport('2026-10'), 404);

    t.clock.set('2026-12-01T00:00:01Z');
    const run = await tick();
    expect(run.generated).toBe('2026-11');
    expect(run.notices).toContain('usage-report.due:2026-11');
    expect((await tick()).generated).toBeNull(); // only once

    const report = await t.admin.usageReport('2026-11');
    expect(report).toMatchObject({
      snapshot: false,
      number: 'MU-00000001',
      usageMonth: '2026-11',
      usageMonthText: 'November 2026',
      status: 'Pending Service Provider Review',
      usageConfirmed: false,
      nextStep: 'review',
      dueDate: '2026-12-03',
      deadline: '2026-12-04T00:00:00.000Z',
      overdue: false,
    });
    expect(report.history.map((h) => [h.action, h.status, h.channel])).toEqual([['generated', 'Pending Service Provider Review', 'scheduler']]);
    expect(await eventTypes()).toEqual(expect.arrayContaining(['usage-report.generated', 'usage-report.due']));
    const due = (await t.hub.ctx.events.since(0)).find((e) => e.type === 'usage-report.due')!;
    expect(due.data).toMatchObject({ usageMonth: '2026-11', dueDate: '2026-12-03', topic: 'usageReportDue' });
    expect((await eventTypes()).filter((e) => e === 'usage-report.due')).toHaveLength(1);
  });

  it("the running month is a computed snapshot that includes today's live counts and is never saved", async () => {
    await hubAt('2026-11-10T08:00:00Z');
    await putCustomer('cus_a', 'Test A', 14);
    await tick();
    await setUsers('cus_a', 20); // not recorded yet: the snapshot still sees it
    const snapshot = await t.admin.usageReport('2026-11');
    expect(snapshot).toMatchObject({ snapshot: true, number: null, status: null, nextStep: 'wait-for-month-end', totalPoints: '50.0' });
    expect(snapshot.warnings[0]).toMatch(/snapshot/i);
    expect(t.hub.ctx.store.count(usageReports)).toBe(0);
    expect((await t.admin.usageReports()).total).toBe(0);
    const csv = parseCsv(await t.admin.usageReportCsv('2026-11', 'details'));
    expect(csv[1]).toEqual(expect.arrayContaining(['snapshot', 'Test A', '20', '50.0']));

    await expectError(t.admin.updateUsageReport('2026-11', { comment: 'x' }), 409, 'conflict');
    await expectError(t.admin.submitUsageReport('2026-11'), 409);
    await expectError(t.admin.usageReport('2026-12'), 404);
    await expectError(t.admin.usageReport('2026-13'), 400, 'invalid_input');
    await expectError(t.admin.usageReport('november'), 400);
    await expectError(t.admin.raw('GET', '/usage-reports/2026-13.csv'), 400);
  });
});

describe('points', () => {
  it('SaaS usage details: 14, 21, 31 users at 2.5 points are 35.0, 52.5 and 77.5 exactly', async () => {
    await novemberReport();
    const report = await t.admin.usageReport('2026-11');
    expect(report.saasUsage.map((s) => [s.customerName, s.tenantAccountCrmId, s.productName, s.unit, s.reportedUnits, s.pointsPerUnit, s.points])).toEqual([
      ['Test A', 'crm-a', 'Veeam Data Cloud for Microsoft 365 Flex Per User', 'User', 14, '2.5', '35.0'],
      ['Test B', null, 'Veeam Data Cloud for Microsoft 365 Flex Per User', 'User', 21, '2.5', '52.5'],
      ['Test C', null, 'Veeam Data Cloud for Microsoft 365 Flex Per User', 'User', 31, '2.5', '77.5'],
    ]);
    expect(report.saasUsage[0]!.startDate).toBe('2026-11-01');
    expect(report.totals).toEqual({
      reportedPoints: { software: '0.0', saas: '165.0', total: '165.0' },
      minimumCommit: '0.0',
      minimumCommitEnforcement: '0.0',
      subtotal: { software: '0.0', saas: '165.0', total: '165.0' },
      overage: '165.0',
      totalPoints: '165.0',
    });
  });

  it("applies the agreement's minimum commit and a customer's minimum commit in units", async () => {
    await novemberReport();
    await t.admin.updateUsageSettings({ minimumCommit: '200', customerMinimumCommits: { cus_a: 20 }, rentalAgreementNumber: '03455721' });
    const report = await t.admin.usageReport('2026-11');
    expect(report.rentalAgreementNumber).toBe('03455721');
    // Test A: 2.5 x max(20, 14) = 50.0; total 50 + 52.5 + 77.5 = 180 < 200.
    expect(report.lines.find((l) => l.customerId === 'cus_a')).toMatchObject({ minimumCommit: 20, currentMonthUsage: 14, points: '50.0' });
    expect(report.totals).toMatchObject({ minimumCommit: '200.0', minimumCommitEnforcement: '20.0', overage: '0.0', totalPoints: '200.0' });
    expect(report.totals.reportedPoints.total).toBe('180.0');

    // Above the commit: 50 + 52.5 + 250 = 352.5, overage 152.5, no enforcement.
    const edited = await t.admin.updateUsageReport('2026-11', { lines: [{ id: 'saas:cus_c', currentMonthUsage: 100 }] });
    expect(edited.totals).toMatchObject({ minimumCommitEnforcement: '0.0', overage: '152.5', totalPoints: '352.5' });
    expect(await t.admin.usageSettings()).toMatchObject({ minimumCommit: '200.0', customerMinimumCommits: { cus_a: 20 } });
  });

  it('sums hundreds of lines with no drift', async () => {
    await hubAt('2026-11-05T08:00:00Z');
    let expectedTenths = 0;
    for (let i = 0; i < 400; i++) {
      const users = (i * 7) % 13;
      expectedTenths += users * 25;
      await putCustomer(`cus_${String(i).padStart(3, '0')}`, `Customer ${String(i).padStart(3, '0')}`, users);
    }
    await tick();
    t.clock.set('2026-12-01T02:00:00Z');
    await tick();
    const report = await t.admin.usageReport('2026-11');
    expect(report.lines).toHaveLength(400);
    const expected = `${Math.floor(expectedTenths / 10)}.${expectedTenths % 10}`;
    expect(report.totals.reportedPoints.saas).toBe(expected);
    expect(report.totalPoints).toBe(expected);
    const listed = await t.admin.usageReports();
    expect(listed.items[0]).toMatchObject({ usageMonth: '2026-11', customers: 400, totalPoints: expected });
  });
});

describe('listing', () => {
  it('filters by month range, status, overdue and text; sorts and pages', async () => {
    await hubAt('2026-09-10T08:00:00Z');
    await putCustomer('cus_a', 'Alpha Ltd', 10);
    await tick();
    t.clock.set('2026-10-01T06:00:00Z');
    await tick(); // September
    await putCustomer('cus_b', 'Beta GmbH', 30);
    await tick();
    t.clock.set('2026-11-01T06:00:00Z');
    await tick(); // October
    t.clock.set('2026-12-01T06:00:00Z');
    await tick(); // November
    await t.admin.submitUsageReport('2026-09');
    await t.admin.confirmUsageReport('2026-09');

    const months = async (query: Parameters<typeof t.admin.usageReports>[0]) => (await t.admin.usageReports(query)).items.map((i) => i.usageMonth);
    expect(await months({})).toEqual(['2026-11', '2026-10', '2026-09']);
    expect(await months({ sort: 'month' })).toEqual(['2026-09', '2026-10', '2026-11']);
    expect(await months({ sort: '-totalPoints' })).toEqual(['2026-11', '2026-10', '2026-09']);
    expect(await months({ from: '2026-10' })).toEqual(['2026-11', '2026-10']);
    expect(await months({ to: '2026-10', from: '2026-10' })).toEqual(['2026-10']);
    expect(await months({ status: ['Pending Service Provider Review'] })).toEqual(['2026-11', '2026-10']);
    expect(await months({ overdue: true })).toEqual(['2026-10']);
    expect(await months({ overdue: false })).toEqual(['2026-11', '2026-09']);
    expect(await months({ q: 'beta' })).toEqual(['2026-11', '2026-10']);
    expect(await months({ q: 'MU-00000001' })).toEqual(['2026-09']);
    const page = await t.admin.usageReports({ page: 2, pageSize: 2 });
    expect(page).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page.items.map((i) => i.usageMonth)).toEqual(['2026-09']);
    expect(page.items[0]).toMatchObject({ number: 'MU-00000001', status: 'Submitted', totalPoints: '25.0', customers: 1, nextStep: 'none' });
    await expectError(t.admin.raw('GET', '/usage-reports', { query: { status: 'Done' } }), 400);
    await expectError(t.admin.raw('GET', '/usage-reports', { query: { pageSize: 1000 } }), 400);
    await expectError(t.admin.raw('GET', '/usage-reports', { query: { from: '2026-1' } }), 400);
  });
});

describe('review, submit, confirm, reject', () => {
  it('edits save the report; Submit Usage then Confirm to Submit sends it; a submitted report is frozen', async () => {
    await novemberReport();
    const saved = await t.admin.updateUsageReport('2026-11', {
      lines: [{ id: 'saas:cus_b', currentMonthUsage: 25 }],
      purchaseOrder: 'PO-7781',
      comment: 'Test B added four users on the 30th.',
    });
    expect(saved).toMatchObject({ status: 'Saved', purchaseOrder: 'PO-7781', readyToConfirm: false, nextStep: 'review' });
    const b = saved.lines.find((l) => l.id === 'saas:cus_b')!;
    expect(b).toMatchObject({ autoReported: 21, currentMonthUsage: 25, points: '62.5', edited: true });
    expect(saved.saasUsage.find((s) => s.customerId === 'cus_b')?.reportedUnits).toBe(25);

    // Confirming before Submit Usage is out of order.
    await expectError(t.admin.confirmUsageReport('2026-11'), 409);
    // Rejecting a report the aggregator never got is out of order too.
    await expectError(t.admin.rejectUsageReport('2026-11', 'nope'), 409);

    const submitted = await t.admin.submitUsageReport('2026-11');
    expect(submitted).toMatchObject({ status: 'Saved', readyToConfirm: true, nextStep: 'confirm', usageConfirmed: false });
    // An edit after Submit Usage needs a new Submit Usage.
    const reEdited = await t.admin.updateUsageReport('2026-11', { comment: 'Rechecked.' });
    expect(reEdited.readyToConfirm).toBe(false);
    await expectError(t.admin.confirmUsageReport('2026-11'), 409);
    await t.admin.submitUsageReport('2026-11', { purchaseOrder: 'PO-7782' });

    const confirmed = await t.admin.confirmUsageReport('2026-11');
    expect(confirmed).toMatchObject({ status: 'Submitted', usageConfirmed: true, nextStep: 'none', purchaseOrder: 'PO-7782', late: false });
    expect(confirmed.submittedAt).toBe('2026-12-01T00:30:00.000Z');

    await expectError(t.admin.updateUsageReport('2026-11', { comment: 'too late' }), 409, 'conflict');
    await expectError(t.admin.submitUsageReport('2026-11'), 409);
    await expectError(t.admin.confirmUsageReport('2026-11'), 409);
    await expectError(t.admin.recomputeUsageReport('2026-11'), 409);
    expect((await t.admin.usageReport('2026-11')).comment).toBe('Rechecked.');

    const history = (await t.admin.usageReportHistory('2026-11')).items;
    expect(history.map((h) => `${h.action}:${h.status}`)).toEqual([
      'generated:Pending Service Provider Review',
      'saved:Saved',
      'usage-submitted:Saved',
      'saved:Saved',
      'usage-submitted:Saved',
      'submitted:Submitted',
    ]);
    expect(await eventTypes()).toEqual(expect.arrayContaining(['usage-report.saved', 'usage-report.usage-submitted', 'usage-report.submitted']));
    const audit = await t.admin.audit({ action: 'usage-report.submitted' });
    expect(audit.total).toBe(1);
  });

  it('a rejected report carries the reason, can be corrected and confirmed again', async () => {
    await novemberReport();
    await t.admin.submitUsageReport('2026-11');
    await t.admin.confirmUsageReport('2026-11');
    await expectError(t.admin.rejectUsageReport('2026-11', '   '), 400);
    const rejected = await t.admin.rejectUsageReport('2026-11', 'Purchase order missing');
    expect(rejected).toMatchObject({ status: 'Rejected', rejectionReason: 'Purchase order missing', usageConfirmed: false, submittedAt: null, nextStep: 'review' });
    expect(rejected.warnings.join(' ')).toContain('Purchase order missing');

    const fixed = await t.admin.submitUsageReport('2026-11', { purchaseOrder: 'PO-1' });
    expect(fixed.status).toBe('Saved');
    const again = await t.admin.confirmUsageReport('2026-11');
    expect(again).toMatchObject({ status: 'Submitted', rejectionReason: null });
    const history = (await t.admin.usageReportHistory('2026-11')).items;
    expect(history.find((h) => h.action === 'rejected')).toMatchObject({ note: 'Purchase order missing', status: 'Rejected' });
    expect((await t.admin.usageReports({ status: ['Submitted'] })).total).toBe(1);
    expect((await t.admin.usageReports({ status: ['Rejected'] })).total).toBe(0);
  });

  it('hand-added products count as software; daily-count lines cannot be removed', async () => {
    await novemberReport();
    const added = await t.admin.updateUsageReport('2026-11', {
      addLines: [{ product: 'Veeam Backup & Replication Enterprise Plus', unit: 'Server', licensed: 1, currentMonthUsage: 1, pointsPerUnit: '11' }],
    });
    const sw = added.lines.find((l) => l.kind === 'software')!;
    expect(sw).toMatchObject({ id: 'sw:1', points: '11.0', pointsPerUnit: '11.0', unit: 'Server' });
    expect(added.totals.reportedPoints).toEqual({ software: '11.0', saas: '165.0', total: '176.0' });
    await expectError(t.admin.updateUsageReport('2026-11', { removeLineIds: ['saas:cus_a'] }), 422, 'business_rule');
    const removed = await t.admin.updateUsageReport('2026-11', { removeLineIds: ['sw:1'] });
    expect(removed.lines.some((l) => l.kind === 'software')).toBe(false);
  });

  it('refuses bad edits with field details and changes nothing', async () => {
    await novemberReport();
    const before = await t.admin.usageReport('2026-11');
    const unknown = await expectError(t.admin.updateUsageReport('2026-11', { lines: [{ id: 'saas:nobody', currentMonthUsage: 3 }] }), 400, 'invalid_input');
    expect(unknown.details[0]!.field).toBe('body.lines.0.id');
    const twice = await expectError(
      t.admin.updateUsageReport('2026-11', {
        lines: [
          { id: 'saas:cus_a', currentMonthUsage: 3 },
          { id: 'saas:cus_a', currentMonthUsage: 4 },
        ],
      }),
      400,
    );
    expect(twice.details[0]!.field).toBe('body.lines.1.id');
    await expectError(t.admin.updateUsageReport('2026-11', { lines: [{ id: 'saas:cus_a', currentMonthUsage: -1 }] }), 400);
    await expectError(t.admin.updateUsageReport('2026-11', { lines: [{ id: 'saas:cus_a', currentMonthUsage: 2.5 }] }), 400);
    await expectError(t.admin.updateUsageReport('2026-11', {}), 400);
    await expectError(t.admin.raw('PUT', '/usage-reports/2026-11', { body: { comment: 'x', status: 'Submitted' } }), 400);
    await expectError(t.admin.raw('PUT', '/usage-reports/2026-11', { body: { purchaseOrder: 'x'.repeat(81) } }), 400);
    await expectError(t.admin.updateUsageReport('2026-10', { comment: 'x' }), 404);
    await expectError(t.admin.updateUsageSettings({ minimumCommit: '-5' }), 400);
    await expectError(t.admin.updateUsageSettings({ rentalAgreementNumber: 'RA-1' }), 400);
    await expectError(t.admin.raw('PUT', '/usage-reports/settings', { body: { minimumCommit: 200 } }), 400);
    expect(await t.admin.usageReport('2026-11')).toEqual(before);
  });

  it('recompute re-reads the daily counts and keeps hand edits', async () => {
    await hubAt('2026-11-01T08:00:00Z');
    await putCustomer('cus_a', 'Test A', 14);
    await putCustomer('cus_b', 'Test B', 21);
    await tick();
    t.clock.set('2026-12-01T00:30:00Z');
    await tick();
    await t.admin.updateUsageReport('2026-11', { lines: [{ id: 'saas:cus_b', currentMonthUsage: 30 }] });
    // A count for Nov 30 arrives late (e.g. restored from another collector).
    await t.hub.ctx.services.usage.daily.record(
      '2026-11-30',
      [
        { customerId: 'cus_a', customerName: 'Test A', externalId: null, licensedUsers: 18, licenses: 100 },
        { customerId: 'cus_b', customerName: 'Test B', externalId: null, licensedUsers: 22, licenses: 100 },
      ],
      t.clock.now(),
    );
    const report = await t.admin.recomputeUsageReport('2026-11');
    expect(report.lines.map((l) => [l.id, l.autoReported, l.currentMonthUsage])).toEqual([
      ['saas:cus_a', 18, 18],
      ['saas:cus_b', 22, 30],
    ]);
    expect(report.history.at(-1)?.action).toBe('recomputed');
  });
});

describe('deadlines and suspension', () => {
  it('overdue from the 4th; two consecutive overdue months suspend license management until one is submitted', async () => {
    await hubAt('2026-11-02T08:00:00Z');
    await putCustomer('cus_a', 'Test A', 14);
    await tick();
    t.clock.set('2026-12-01T06:00:00Z');
    await tick(); // November generated
    t.clock.set('2026-12-03T23:00:00Z');
    await tick();
    expect((await t.admin.usageReport('2026-11')).overdue).toBe(false);

    t.clock.set('2026-12-04T00:10:00Z');
    const run = await tick();
    expect(run.notices).toEqual(['usage-report.overdue:2026-11']);
    const nov = await t.admin.usageReport('2026-11');
    expect(nov).toMatchObject({ overdue: true, licenseManagementSuspended: false });
    expect(nov.warnings.join(' ')).toMatch(/overdue/);
    let list = await t.admin.usageReports();
    expect(list.summary).toMatchObject({ overdueMonths: ['2026-11'], licenseManagementSuspended: false, nextDue: { usageMonth: '2026-11', overdue: true } });
    expect((await t.admin.usageReports({ overdue: true })).total).toBe(1);
    expect(t.hub.ctx.services.usage.alerts().map((a) => a.kind)).toEqual(['usageReportOverdue']);

    t.clock.set('2027-01-01T06:00:00Z');
    expect((await tick()).generated).toBe('2026-12'); // December generated, due by Jan 3
    list = await t.admin.usageReports();
    expect(list.total).toBe(2);
    expect(list.summary.licenseManagementSuspended).toBe(false);

    t.clock.set('2027-01-04T00:00:00Z');
    expect((await tick()).notices).toEqual(['usage-report.overdue:2026-12', 'license-management.suspended']);
    list = await t.admin.usageReports();
    expect(list.summary).toMatchObject({
      overdueMonths: ['2026-11', '2026-12'],
      licenseManagementSuspended: true,
      suspensionCause: ['2026-11', '2026-12'],
      suspendedSince: '2027-01-04T00:00:00.000Z',
    });
    expect(list.summary.warnings[0]).toMatch(/License management is suspended/);
    expect(list.items.every((i) => i.licenseManagementSuspended)).toBe(true);
    const dec = await t.admin.usageReport('2026-12');
    expect(dec.licenseManagementSuspended).toBe(true);
    expect(dec.warnings[0]).toMatch(/November 2026 and December 2026/);
    const alerts = t.hub.ctx.services.usage.alerts();
    expect(alerts[0]).toMatchObject({ id: 'licenseManagementSuspended.2026-12', kind: 'licenseManagementSuspended', severity: 'critical', since: '2027-01-04T00:00:00.000Z', customerId: null });
    expect(alerts.slice(1).map((a) => a.id)).toEqual(['usageReportOverdue.2026-11', 'usageReportOverdue.2026-12']);
    // The same alerts in the monitoring alerts list, account-level (no customer).
    const listed = await t.admin.alerts({ kind: ['licenseManagementSuspended', 'usageReportOverdue'] });
    expect(listed.items.map((a) => [a.id, a.source, a.customerId])).toEqual([
      ['licenseManagementSuspended.2026-12', 'usage-reports', null],
      ['usageReportOverdue.2026-11', 'usage-reports', null],
      ['usageReportOverdue.2026-12', 'usage-reports', null],
    ]);
    expect((await tick()).notices).toEqual([]); // announced once

    // Catching up on December lifts the suspension; November stays overdue.
    await t.admin.submitUsageReport('2026-12');
    const late = await t.admin.confirmUsageReport('2026-12');
    expect(late).toMatchObject({ status: 'Submitted', late: true, licenseManagementSuspended: false });
    expect(await eventTypes()).toEqual(expect.arrayContaining(['license-management.suspended', 'license-management.restored']));
    expect((await t.admin.usageReports()).summary).toMatchObject({ overdueMonths: ['2026-11'], licenseManagementSuspended: false });
    const suspended = (await t.hub.ctx.events.since(0)).find((e) => e.type === 'license-management.suspended')!;
    expect(suspended.data).toMatchObject({ cause: ['2026-11', '2026-12'], topic: 'usageReportDue' });
  });

  it('catches up on a month whose 1st the hub missed; that report is already overdue', async () => {
    await hubAt('2026-10-20T08:00:00Z');
    await putCustomer('cus_a', 'Test A', 14);
    await tick();
    // The hub was down from Oct 21 to Dec 2.
    t.clock.set('2026-12-02T08:00:00Z');
    const run = await tick();
    expect(run.generated).toBe('2026-10');
    expect(run.notices).toEqual(['usage-report.overdue:2026-10']);
    expect((await t.admin.usageReport('2026-10')).overdue).toBe(true);
    await expectError(t.admin.usageReport('2026-11'), 404);
  });

  it('a report rejected after its deadline becomes overdue again', async () => {
    await novemberReport();
    await t.admin.submitUsageReport('2026-11');
    await t.admin.confirmUsageReport('2026-11');
    t.clock.set('2026-12-10T00:00:00Z');
    expect((await t.admin.usageReport('2026-11')).overdue).toBe(false);
    await t.admin.rejectUsageReport('2026-11', 'Wrong rental agreement');
    expect((await t.admin.usageReport('2026-11')).overdue).toBe(true);
    expect(await eventTypes()).toContain('usage-report.overdue');
    expect((await tick()).notices).toEqual([]);
  });
});

describe('CSV export', () => {
  it('exports the lines and totals, and parses back to the same numbers', async () => {
    await novemberReport();
    await putCustomer('cus_d', '=cmd|calc, "Quoted" Co', 0);
    await t.admin.updateUsageReport('2026-11', { lines: [{ id: 'saas:cus_a', currentMonthUsage: 15 }] });
    const response = await t.admin.raw('GET', '/usage-reports/2026-11.csv');
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toContain('usage-report-2026-11-MU-00000001.csv');
    const rows = parseCsv(await response.text());
    const [header, ...body] = rows;
    expect(header).toEqual([
      'Usage Month',
      'Report Number',
      'Line Type',
      'Customer Name',
      'Tenant Account CRM ID',
      'Start Date',
      'Product Name',
      'Unit',
      'Licensed',
      'Reported Prev Month',
      'Auto Reported',
      'Current Month Usage',
      'Minimum Commit',
      'Points Per Unit',
      'Points',
    ]);
    const col = (name: string) => header!.indexOf(name);
    const lines = body.filter((r) => r[col('Line Type')] === 'SaaS');
    expect(lines.map((r) => [r[col('Customer Name')], r[col('Current Month Usage')], r[col('Points')]])).toEqual([
      ['Test A', '15', '37.5'],
      ['Test B', '21', '52.5'],
      ['Test C', '31', '77.5'],
    ]);
    const totals = Object.fromEntries(body.filter((r) => r[col('Line Type')] === 'Total').map((r) => [r[col('Product Name')], r[col('Points')]]));
    expect(totals).toMatchObject({ 'Reported Points (SaaS)': '167.5', 'Total Points': '167.5', Overage: '167.5' });

    const details = parseCsv(await t.admin.usageReportCsv('2026-11', 'details'));
    expect(details.slice(1).every((r) => r[col('Line Type')] === 'SaaS')).toBe(true);
  });

  it('keeps a hostile customer name as text', async () => {
    await hubAt('2026-11-01T08:00:00Z');
    await putCustomer('cus_x', '=cmd|calc, "Quoted" Co', 3);
    await tick();
    const rows = parseCsv(await t.admin.usageReportCsv('2026-11'));
    expect(rows[1]![3]).toBe(`'=cmd|calc, "Quoted" Co`);
  });
});

describe('permissions', () => {
  it('reading needs monitoring only; changes need siteSettings', async () => {
    await novemberReport();
    const reader = await t.userWith([]);
    expect((await reader.client.usageReport('2026-11')).number).toBe('MU-00000001');
    expect((await reader.client.usageReports()).total).toBe(1);
    await reader.client.usageReportCsv('2026-11');
    await reader.client.usageReportHistory('2026-11');
    for (const attempt of [
      reader.client.updateUsageReport('2026-11', { comment: 'x' }),
      reader.client.submitUsageReport('2026-11'),
      reader.client.confirmUsageReport('2026-11'),
      reader.client.rejectUsageReport('2026-11', 'x'),
      reader.client.recomputeUsageReport('2026-11'),
      reader.client.updateUsageSettings({ minimumCommit: '1' }),
    ]) {
      const error = await expectError(attempt, 403, 'forbidden');
      expect(error.message).toContain('siteSettings');
    }
    const customersOnly = await t.userWith(['customerManagement']);
    await expectError(customersOnly.client.submitUsageReport('2026-11'), 403);
    const settings = await t.userWith(['siteSettings']);
    expect((await settings.client.submitUsageReport('2026-11')).readyToConfirm).toBe(true);
    await expectError(t.client().usageReports(), 401);
  });
});

describe('demo seed', () => {
  it("seeds 60 days of counts and last months' reports when there are active customers", async () => {
    await hubAt('2026-11-24T09:00:00Z');
    await putCustomer('cus_a', 'Test A', 14, { activationDate: '2026-08-01' });
    await putCustomer('cus_b', 'Test B', 30, { activationDate: '2026-10-20' });
    await seedUsage(t.hub.ctx);
    const list = await t.admin.usageReports({ sort: 'month' });
    expect(list.items.map((i) => [i.usageMonth, i.status, i.late])).toEqual([
      ['2026-09', 'Submitted', false],
      ['2026-10', 'Saved', false],
    ]);
    expect(list.summary.overdueMonths).toEqual(['2026-10']);
    const oct = await t.admin.usageReport('2026-10');
    expect(oct.lines.map((l) => l.customer)).toEqual(['Test A', 'Test B']);
    expect(oct.lines.find((l) => l.customer === 'Test B')!.startDate).toBe('2026-10-20');
    const snapshot = await t.admin.usageReport('2026-11');
    expect(snapshot.snapshot).toBe(true);
    expect(snapshot.lines.find((l) => l.customer === 'Test A')!.autoReported).toBeGreaterThanOrEqual(14);
    expect((await t.admin.usageDailyCounts('2026-11')).customers[0]!.days.at(-1)).toMatchObject({ day: '2026-11-24', licensedUsers: 14 });
  });
});
