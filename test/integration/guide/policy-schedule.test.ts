import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { policyCard } from '../../../shared/cards/policies.js';
import { policies } from '../../../server/services/backup/collections.js';
import { activeCustomer, failure } from '../../helpers/guide.js';
import { createTestHub, type TestHub } from '../../helpers/hub.js';

let t: TestHub;
beforeEach(async () => {
  t = await createTestHub();
});
afterEach(() => t.close());

async function policyWith(scheduleEditingAvailable: boolean | undefined) {
  const c = await activeCustomer(t);
  const created = await t.admin.createPolicy({ customerId: c.id, name: 'Mail', backupType: 'EntireOrganization' });
  if (scheduleEditingAvailable !== undefined) {
    // What a connection's sync records for an upstream job (VSPC's scheduleEditingAvailable; false for VDC).
    await t.hub.ctx.store.write((tx) => tx.put(policies, { ...tx.get(policies, created.id)!, scheduleEditingAvailable }));
  }
  return created.id;
}

// Guide, editing Flex backup policies: "By default, backup policies run every 24 hours. To change
// the schedule, log in to My Account at https://my.veeam.com and open a support case."
describe('"To change the schedule ... open a support case"', () => {
  test('a VDC policy shows its schedule, refuses a change (409) and offers the support-case text', async () => {
    const id = await policyWith(false);
    const view = await t.admin.policy(id);
    expect(view.schedule).toMatchObject({ everyHours: 24, editable: false });
    expect(view.schedule.supportCase).toContain('https://my.veeam.com');
    expect(view.schedule.supportCase).toContain('Backup policy: Mail');
    const error = await failure(t.admin.updatePolicy(id, { scheduleHours: 12 }));
    expect(error.status).toBe(409);
    expect(error.message).toContain('open a support case');
    expect(error.message).toContain('Requested schedule: every 12 hours');
    expect((await t.admin.policy(id)).scheduleHours).toBe(24);
    // Other edits are still the portal's to make.
    expect((await t.admin.updatePolicy(id, { name: 'Mailboxes' })).name).toBe('Mailboxes');
  });

  test('hub-native (demo) policies and upstream jobs that allow it (scheduleEditingAvailable) change here', async () => {
    const native = await policyWith(undefined);
    expect((await t.admin.policy(native)).schedule).toEqual({ everyHours: 24, editable: true, supportCase: null });
    expect((await t.admin.updatePolicy(native, { scheduleHours: 12 })).scheduleHours).toBe(12);
    await t.close();
    t = await createTestHub();
    const permitted = await policyWith(true);
    expect((await t.admin.updatePolicy(permitted, { scheduleHours: 6 })).schedule).toMatchObject({ everyHours: 6, editable: true });
  });

  test('the bot card says so in English and German', async () => {
    const view = await t.admin.policy(await policyWith(false));
    const links = { portalUrl: 'https://portal.test' } as never;
    expect(JSON.stringify(policyCard('en', view, { links }))).toContain('changed only through a Veeam support case');
    expect(JSON.stringify(policyCard('de', view, { links }))).toContain('Änderung nur über einen Veeam-Supportfall');
  });
});
