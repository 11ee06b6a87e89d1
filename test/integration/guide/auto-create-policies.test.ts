import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { pendingCustomer } from '../../helpers/guide.js';
import { createTestHub, type TestHub } from '../../helpers/hub.js';

let t: TestHub;
beforeEach(async () => {
  t = await createTestHub();
});
afterEach(() => t.close());

async function selfServiceOnboard(autoCreatePolicies: boolean) {
  const c = await pendingCustomer(t);
  await t.admin.updateCustomerSettings(c.id, { autoCreatePolicies });
  await t.admin.sendInvites(c.id, 'it@fabrikam-legal.com');
  const active = await t.admin.acceptInvite(c.id, { email: 'it@fabrikam-legal.com', tenantDomain: 'fabrikamlegal.onmicrosoft.com' });
  await t.hub.ctx.services.backup.settle();
  return { active, policies: await t.admin.policies({ customerId: c.id }) };
}

// Guide, customer settings: "Select Auto Create Backup Policies to allow Veeam Data Cloud for
// Microsoft 365 to automatically create backup policies when the customer onboards."
describe('"Auto Create Backup Policies" decides what happens "when the customer onboards"', () => {
  test('off: self-service onboarding creates no policies', async () => {
    const { active, policies } = await selfServiceOnboard(false);
    expect(active.onboarding?.policies).toBe('manual');
    expect(active.settings?.autoCreatePolicies).toBe(false);
    expect(policies.total).toBe(0);
  });

  test('on: the recommended policies are created, one per service', async () => {
    const { active, policies } = await selfServiceOnboard(true);
    expect(active.onboarding?.policies).toBe('recommended');
    expect(policies.total).toBe(3);
  });
});
