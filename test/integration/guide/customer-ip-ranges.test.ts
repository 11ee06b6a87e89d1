import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { activeCustomer, failure } from '../../helpers/guide.js';
import { createTestHub, type TestHub } from '../../helpers/hub.js';

let t: TestHub;
beforeEach(async () => {
  t = await createTestHub();
});
afterEach(() => t.close());

// Guide, customer Networking: "Your settings are merged with the settings that the customer
// specifies in the customer portal. The IP ranges that the customer adds are also displayed."
describe('"Your settings are merged with the settings that the customer specifies"', () => {
  test('both sides are kept and shown apart; the merged list is what is enforced', async () => {
    const c = await activeCustomer(t);
    await t.admin.updateCustomerSettings(c.id, { ipRanges: [{ start: '198.51.100.0', end: '198.51.100.255', description: 'SP office' }], restrictToIpRanges: true });
    const settings = await t.admin.setCustomerIpRanges(c.id, { ipRanges: [{ start: '203.0.113.10', end: '203.0.113.20', description: 'Customer HQ' }] });
    expect(settings.ipRanges).toEqual([{ start: '198.51.100.0', end: '198.51.100.255', description: 'SP office' }]);
    expect(settings.customerIpRanges).toEqual([{ start: '203.0.113.10', end: '203.0.113.20', description: 'Customer HQ' }]);
    expect(settings.effectiveIpAccess).toEqual({
      restricted: true,
      ranges: [
        { start: '198.51.100.0', end: '198.51.100.255', description: 'SP office', source: 'provider' },
        { start: '203.0.113.10', end: '203.0.113.20', description: 'Customer HQ', source: 'customer' },
      ],
    });
    expect(await t.admin.ipCheck(c.id, '203.0.113.15')).toMatchObject({ allowed: true, range: { source: 'customer' } });
    expect(await t.admin.ipCheck(c.id, '198.51.100.7')).toMatchObject({ allowed: true, range: { source: 'provider' } });
    expect(await t.admin.ipCheck(c.id, '192.0.2.1')).toMatchObject({ allowed: false, restricted: true });
  });

  test("the provider's own edits never overwrite the customer's ranges", async () => {
    const c = await activeCustomer(t);
    await t.admin.setCustomerIpRanges(c.id, { ipRanges: [{ start: '2001:db8::', end: '2001:db8::ffff' }], restrictToIpRanges: true });
    const after = await t.admin.updateCustomerSettings(c.id, { ipRanges: [], restrictToIpRanges: false, emailPreviews: false });
    expect(after.customerIpRanges).toEqual([{ start: '2001:db8::', end: '2001:db8::ffff' }]);
    // The customer restricts access even while the provider does not.
    expect(await t.admin.ipCheck(c.id, '2001:db8::1')).toMatchObject({ allowed: true });
    expect(await t.admin.ipCheck(c.id, '2001:db9::1')).toMatchObject({ allowed: false });
    const error = await failure(t.admin.raw('PUT', `/customers/${c.id}/settings`, { body: { customerIpRanges: [] } }));
    expect(error.status).toBe(400);
  });

  test('bad ranges and addresses are refused with 400 and change nothing', async () => {
    const c = await activeCustomer(t);
    const bad = await failure(t.admin.setCustomerIpRanges(c.id, { ipRanges: [{ start: '10.0.0.9', end: '10.0.0.1' }] }));
    expect(bad.status).toBe(400);
    expect((await t.admin.customerSettings(c.id)).customerIpRanges).toEqual([]);
    expect((await failure(t.admin.ipCheck(c.id, 'not-an-ip'))).status).toBe(400);
  });
});
