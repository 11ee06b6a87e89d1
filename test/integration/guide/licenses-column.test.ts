import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parseCsv } from '../../../shared/domain/csv.js';
import { systemPrincipal } from '../../../server/auth/principal.js';
import { activeCustomer } from '../../helpers/guide.js';
import { createTestHub, type TestHub } from '../../helpers/hub.js';

let t: TestHub;
beforeEach(async () => {
  t = await createTestHub();
});
afterEach(() => t.close());

// Guide, customer columns: "Licences — Number of licenses that the customer uses"; dashboard:
// "Licence change – the difference in the number of licenses this month and the previous month".
describe('"Number of licenses that the customer uses": licenses is the used count, the limit has its own name', () => {
  test('licenses follows the protected accounts VDC reports; licenseLimit is the purchased limit', async () => {
    const c = await activeCustomer(t);
    await t.admin.updateCustomer(c.id, { licenseLimit: 100 });
    await t.hub.ctx.services.customers.updateCounts(systemPrincipal('VDC'), c.id, { backedUpAccounts: 37 });
    const after = await t.admin.customer(c.id);
    expect(after).toMatchObject({ licenses: 37, licenseLimit: 100, backedUpAccounts: 37 });
  });

  test('the CSV "Licenses" column is the used count, the limit is "License Limit"', async () => {
    const c = await activeCustomer(t);
    await t.admin.updateCustomer(c.id, { licenseLimit: 100 });
    await t.hub.ctx.services.customers.updateCounts(systemPrincipal('VDC'), c.id, { backedUpAccounts: 37 });
    const [header, row] = parseCsv(await t.admin.exportCustomersCsv());
    expect(row![header!.indexOf('Licenses')]).toBe('37');
    expect(row![header!.indexOf('License Limit')]).toBe('100');
  });

  test('the dashboard counts licences in use, not the limit', async () => {
    const c = await activeCustomer(t);
    await t.admin.updateCustomer(c.id, { licenseLimit: 500 });
    await t.hub.ctx.services.customers.updateCounts(systemPrincipal('VDC'), c.id, { backedUpAccounts: 42 });
    expect((await t.admin.dashboard()).licenses.licenses).toBe(42);
  });

  test('the licence-usage percentage is the used count against the limit', async () => {
    const c = await activeCustomer(t);
    await t.admin.updateCustomer(c.id, { licenseLimit: 50 });
    await t.hub.ctx.services.customers.updateCounts(systemPrincipal('VDC'), c.id, { backedUpAccounts: 45 });
    const health = await t.admin.customersHealth({ ids: [c.id] });
    expect(health.items[0]?.licensePercent).toBe(90);
  });
});
