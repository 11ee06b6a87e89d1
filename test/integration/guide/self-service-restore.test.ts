import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { activeCustomer, failure } from '../../helpers/guide.js';
import { createTestHub, type TestHub } from '../../helpers/hub.js';

let t: TestHub;
beforeEach(async () => {
  t = await createTestHub();
});
afterEach(() => t.close());

// Guide, customer settings: "Select Enable self service to allow users of the customer Microsoft
// 365 tenant to log in to the customer portal and perform self-service restore".
describe('"Enable self service" off: no "self-service restore"', () => {
  test('a self-service restore is refused with 409 and no restore is recorded', async () => {
    const c = await activeCustomer(t);
    await t.admin.updateCustomerSettings(c.id, { selfServiceRestore: false });
    const error = await failure(t.admin.createRestore({ customerId: c.id, kind: 'mailItem', item: 'Inbox/Offer.msg', mode: 'selfService', requestedBy: 'ida@fabrikam-legal.com' }));
    expect(error.status).toBe(409);
    expect(error.message).toContain('Self-service restore is turned off');
    expect(error.message).toContain('Enable self service');
    expect((await t.admin.restores({ customerId: c.id })).total).toBe(0);
  });

  test('a managed restore by the provider still goes through, and self-service works again once switched on', async () => {
    const c = await activeCustomer(t);
    await t.admin.updateCustomerSettings(c.id, { selfServiceRestore: false });
    expect((await t.admin.createRestore({ customerId: c.id, kind: 'oneDriveFile', item: 'Docs/plan.docx', mode: 'managed' })).mode).toBe('managed');
    await t.admin.updateCustomerSettings(c.id, { selfServiceRestore: true });
    expect((await t.admin.createRestore({ customerId: c.id, kind: 'mailItem', item: 'Inbox/a.msg', mode: 'selfService' })).mode).toBe('selfService');
    expect((await t.admin.restores({ customerId: c.id })).total).toBe(2);
  });
});
