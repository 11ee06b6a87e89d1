import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { failure, pendingCustomer } from '../../helpers/guide.js';
import { createTestHub, type TestHub } from '../../helpers/hub.js';

let t: TestHub;
beforeEach(async () => {
  t = await createTestHub();
});
afterEach(() => t.close());

// Pulse, creating a customer: "If you plan to provide the customer access to Veeam Data Cloud,
// in the Domain field, specify a valid domain." The domain is needed for access, not to exist.
describe('domain on creation: "If you plan to provide the customer access"', () => {
  test('a customer can be created without a domain', async () => {
    const c = await pendingCustomer(t, { domain: undefined, contact: { firstName: 'Ola', lastName: 'Berg', email: 'ola@fabrikam-legal.com' } });
    expect(c.domain).toBeUndefined();
    expect(c.status).toBe('pending');
    expect((await t.admin.customers({ q: 'Fabrikam' })).items.map((x) => x.id)).toEqual([c.id]);
  });

  test('invites and onboarding without a domain are refused (409) and name the fix; nothing changes', async () => {
    const c = await pendingCustomer(t, { domain: undefined });
    const invite = await failure(t.admin.sendInvites(c.id, 'it@fabrikam-legal.com'));
    expect(invite.status).toBe(409);
    expect(invite.message).toContain('no domain yet');
    const onboarding = await failure(t.admin.acceptAgreement(c.id));
    expect(onboarding.status).toBe(409);
    const admin = await failure(t.admin.addCustomerAdmin(c.id, { email: 'ida.tan@fabrikam-legal.com', firstName: 'Ida', lastName: 'Tan' }));
    expect(admin.status).toBe(422);
    expect(admin.message).toContain('no domain yet');
    const after = await t.admin.customer(c.id);
    expect(after.invites).toEqual([]);
    expect(after.onboarding).toBeUndefined();
  });

  test('once the domain is set, inviting works and stays inside it', async () => {
    const c = await pendingCustomer(t, { domain: undefined });
    await t.admin.updateCustomer(c.id, { domain: 'fabrikam-legal.com' });
    expect((await t.admin.sendInvites(c.id, 'it@fabrikam-legal.com')).invited).toEqual(['it@fabrikam-legal.com']);
    expect((await failure(t.admin.sendInvites(c.id, 'it@contoso.com'))).status).toBe(422);
  });

  test('a given domain is still checked: public mail providers are refused', async () => {
    const error = await failure(t.admin.createCustomer({ displayName: 'X', domain: 'gmail.com', contact: { firstName: 'A', lastName: 'B', email: 'a@b.com' } }));
    expect(error.status).toBe(422);
  });
});
