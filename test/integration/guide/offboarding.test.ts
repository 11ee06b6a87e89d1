import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { customerStatusCard } from '../../../shared/cards/customer-status.js';
import { systemPrincipal } from '../../../server/auth/principal.js';
import { activeCustomer, failure } from '../../helpers/guide.js';
import { createTestHub, type TestHub } from '../../helpers/hub.js';

let t: TestHub;
beforeEach(async () => {
  t = await createTestHub();
});
afterEach(() => t.close());

const today = () => t.clock.now().toISOString().slice(0, 10);

// Guide, offboarding: "you can request that the Veeam Customer Support team delete the customer
// ... Once your request is approved, the Veeam Customer Support team will delete the customer";
// the case names the display name, the subscription ID, the date and "the number of user
// licenses that the customer uses"; the deletion month's usage "must be reported appropriately".
describe('offboarding: "request that the Veeam Customer Support team delete the customer"', () => {
  test("the request carries the support case, ready to paste, with this month's usage to report", async () => {
    const c = await activeCustomer(t);
    await t.hub.ctx.services.customers.updateCounts(systemPrincipal('VDC'), c.id, { backedUpAccounts: 31 });
    const request = await t.admin.requestOffboarding(c.id, { date: today(), reason: 'Registered by mistake' });
    expect(request.licenseCount).toBe(31);
    expect(request.supportCase).toMatchObject({
      caseType: 'General Inquiry',
      product: 'VCSP Pulse',
      summary: 'Delete Customer in VDC M365',
      displayName: 'Fabrikam Legal LLP',
      subscriptionId: c.subscriptionIds[0],
      deletionDate: today(),
      licensesUsed: 31,
      usageToReport: { month: today().slice(0, 7), licensedUsers: 31 },
    });
    expect(request.supportCase!.text).toContain(`Customer subscription ID: ${c.subscriptionIds[0]}`);
  });

  test("a customerManagement user cannot approve their own request: only Veeam's recorded answer deletes", async () => {
    const c = await activeCustomer(t);
    await t.admin.requestOffboarding(c.id, { date: today(), reason: 'Leaving' });
    // No case yet: nothing to record an outcome against.
    expect((await failure(t.admin.recordOffboardingOutcome(c.id, { caseNumber: '07123456', outcome: 'deleted' }))).status).toBe(409);
    await t.admin.submitOffboarding(c.id, '07123456');
    expect((await t.admin.customer(c.id)).status).toBe('active');
    const deleted = await t.admin.recordOffboardingOutcome(c.id, { caseNumber: '07123456', outcome: 'deleted', note: 'Veeam confirmed the deletion' });
    expect(deleted).toMatchObject({ status: 'offboarded', offboardingRequest: { status: 'deleted', caseNumber: '07123456', deletionSource: 'support-case' } });
  });

  test('a connection that sees the company gone records the deletion, once', async () => {
    const c = await activeCustomer(t);
    await t.admin.requestOffboarding(c.id, { date: today(), reason: 'Leaving' });
    await t.admin.submitOffboarding(c.id, '07123456');
    const sync = systemPrincipal('VSPC sync');
    const gone = await t.hub.ctx.services.customers.markDeletedUpstream(sync, c.id);
    expect(gone).toMatchObject({ status: 'offboarded', offboardingRequest: { status: 'deleted', deletionSource: 'connection' } });
    await t.hub.ctx.services.customers.markDeletedUpstream(sync, c.id);
    expect((await t.hub.ctx.events.since(0)).filter((e) => e.type === 'customer.offboarded')).toHaveLength(1);
  });

  test('the usage of the deletion month stays reported', async () => {
    const c = await activeCustomer(t);
    await t.hub.ctx.services.customers.updateCounts(systemPrincipal('VDC'), c.id, { backedUpAccounts: 12 });
    await t.hub.ctx.services.usageScheduler.tick();
    await t.admin.requestOffboarding(c.id, { date: today(), reason: 'Leaving' });
    await t.admin.submitOffboarding(c.id, '07123456');
    await t.admin.recordOffboardingOutcome(c.id, { caseNumber: '07123456', outcome: 'deleted' });
    const snapshot = await t.admin.usageReport(today().slice(0, 7));
    expect(snapshot.lines.find((l) => l.customer === 'Fabrikam Legal LLP')?.currentMonthUsage).toBe(12);
  });

  test('the bot card names each state in English and German', async () => {
    const c = await activeCustomer(t);
    await t.admin.requestOffboarding(c.id, { date: today(), reason: 'Leaving' });
    const submitted = { ...(await t.admin.customer(c.id)) };
    const view = (customer: typeof submitted) => ({ customer, health: undefined, policies: [], policyTotal: 0, alerts: [] });
    const links = { portalUrl: 'https://portal.test' } as never;
    expect(JSON.stringify(customerStatusCard('en', view(submitted), links))).toContain('Requested: open the Veeam support case');
    await t.admin.submitOffboarding(c.id, '07123456');
    const after = await t.admin.customer(c.id);
    expect(JSON.stringify(customerStatusCard('en', view(after), links))).toContain('Submitted to Veeam (case 07123456)');
    expect(JSON.stringify(customerStatusCard('de', view(after), links))).toContain('An Veeam übermittelt (Fall 07123456)');
  });
});
