import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, MINUTE } from '../../shared/domain/clock.js';
import { createTestHub, type TestHub } from '../../test/helpers/hub.js';
import { advance, putCustomers, ScriptedRunner, testCustomer } from '../services/backup/testing.js';

let t: TestHub;
afterEach(async () => t?.close());

describe('dashboard', () => {
  it('shows jobs, restores and licenses with their history, as computed by hand', async () => {
    const clock = new FakeClock('2026-10-20T10:00:00Z');
    t = await createTestHub({ clock, services: { runner: new ScriptedRunner([{ status: 'Success' }, { status: 'Failed' }, { status: 'Warning' }, { status: 'Disconnected' }]) } });
    const acme = testCustomer({ id: 'cus_acme', displayName: 'Acme Corp', licenses: 100 });
    const bravo = testCustomer({ id: 'cus_bravo', displayName: 'Bravo Ltd', licenses: 50 });
    const charlie = testCustomer({ id: 'cus_charlie', displayName: 'Charlie GmbH', licenses: 30 });
    const tick = () => t.hub.ctx.services.backupScheduler.tick();
    await putCustomers(t.hub, acme, bravo);
    await tick(); // 20 Oct: 2 customers, 150 licenses

    // October: Acme 2 restores, Bravo 1.
    for (const customerId of [acme.id, acme.id, bravo.id]) await t.admin.createRestore({ customerId, kind: 'mailItem', item: 'Inbox' });
    clock.set('2026-10-31T12:00:00Z');
    await putCustomers(t.hub, charlie);
    await tick(); // 31 Oct: 3 customers, 180 licenses

    const mail = await t.admin.createPolicy({ customerId: acme.id, name: 'Mail', backupType: 'EntireOrganization' });
    const all = await t.admin.createPolicy({ customerId: bravo.id, name: 'All', backupType: 'EntireOrganization' });
    const run = async (policyId: string, at: string) => {
      clock.set(at);
      await t.admin.startPolicy(policyId);
      await advance(t.hub, clock, 2 * MINUTE, MINUTE);
    };
    await run(mail.id, '2026-11-05T01:00:00Z'); // Success
    await run(mail.id, '2026-11-06T01:00:00Z'); // Failed
    await run(all.id, '2026-11-07T01:00:00Z'); // Warning
    await run(all.id, '2026-11-07T03:00:00Z'); // Disconnected (a failure on the graph)

    // November: Acme 1, Bravo 3, Charlie 1.
    clock.set('2026-11-08T09:00:00Z');
    for (const customerId of [acme.id, bravo.id, bravo.id, bravo.id, charlie.id]) await t.admin.createRestore({ customerId, kind: 'oneDriveFile', item: 'Budget.xlsx' });
    clock.set('2026-11-10T12:00:00Z');
    await putCustomers(t.hub, { ...acme, licenses: 120 });

    const dashboard = await t.admin.dashboard({ days: 7 });
    expect(dashboard.generatedAt).toBe('2026-11-10T12:00:00.000Z');
    expect(dashboard.jobs).toEqual({
      count: 2,
      running: 0,
      latest: { Success: 0, Warning: 0, Failed: 2 },
      history: [
        { date: '2026-11-04', Success: 0, Warning: 0, Failed: 0 },
        { date: '2026-11-05', Success: 1, Warning: 0, Failed: 0 },
        { date: '2026-11-06', Success: 0, Warning: 0, Failed: 1 },
        { date: '2026-11-07', Success: 0, Warning: 1, Failed: 1 },
        { date: '2026-11-08', Success: 0, Warning: 0, Failed: 0 },
        { date: '2026-11-09', Success: 0, Warning: 0, Failed: 0 },
        { date: '2026-11-10', Success: 0, Warning: 0, Failed: 0 },
      ],
    });
    expect(dashboard.restores).toMatchObject({
      thisMonth: 5,
      lastMonth: 3,
      change: 2,
      averagePerCustomer: 1.67,
      highest: { customerId: 'cus_bravo', customerName: 'Bravo Ltd', count: 3 },
    });
    expect(dashboard.restores.history.find((h) => h.date === '2026-11-08')).toEqual({ date: '2026-11-08', restores: 5, customers: 3, perCustomer: 1.67 });
    expect(dashboard.restores.history.find((h) => h.date === '2026-11-09')).toEqual({ date: '2026-11-09', restores: 0, customers: 3, perCustomer: 0 });
    expect(dashboard.licenses).toMatchObject({ customers: 3, licenses: 200, customerChange: 0, licenseChange: 20 });
    expect(dashboard.licenses.history.at(0)).toEqual({ date: '2026-11-04', customers: 3, licenses: 180 });
    expect(dashboard.licenses.history.at(-1)).toEqual({ date: '2026-11-10', customers: 3, licenses: 200 });

    const month = await t.admin.dashboard();
    expect(month.jobs.history).toHaveLength(30);
    // No figure was recorded before 20 October: the license graph starts there.
    expect(month.licenses.history.at(0)).toEqual({ date: '2026-10-20', customers: 2, licenses: 150 });
    expect(month.licenses.history).toHaveLength(22);
    const reader = await t.userWith([]);
    expect((await reader.client.dashboard()).jobs.count).toBe(2);
  });
});
