import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../shared/api/client.js';
import { createTestHub, type TestHub } from '../../../test/helpers/hub.js';
import { hubClient } from './hub-connection.js';
import { hubOperations } from './hub-operations.js';

// The worker's customers import against the real app, in process, starting empty.
describe('the background worker imports customers through the hub importer', () => {
  let hub: TestHub;
  let api: ApiClient;
  beforeAll(async () => {
    hub = await createTestHub();
    api = hubClient({ hubUrl: 'http://hub.test', apiKey: hub.hub.ctx.config.adminKey! }, hub.fetch);
  });
  afterAll(() => hub.close());

  const csv = 'Display Name,M365 Account,Licenses\r\nAdatum Accounting Oy,adatumaccounting.onmicrosoft.com,5\r\nCoho Winery Ltd,,\r\n';

  it('a dry run says what would happen and changes nothing; the import applies it', async () => {
    const dry = await hubOperations['customers.import'](api, { type: 'customers.import', csv, dryRun: true });
    expect(dry.rows.map((r) => [r.displayName, r.action])).toEqual([
      ['Adatum Accounting Oy', 'create'],
      ['Coho Winery Ltd', 'refused'],
    ]);
    expect((await hub.admin.customers()).total).toBe(0);
    const only = 'Display Name,M365 Account,Licenses\r\nAdatum Accounting Oy,adatumaccounting.onmicrosoft.com,5\r\n';
    expect(await hubOperations['customers.import'](api, { type: 'customers.import', csv: only, dryRun: false })).toMatchObject({ applied: true, created: 1 });
    expect((await hub.admin.customers()).items.map((c) => c.tenantDomain)).toEqual(['adatumaccounting.onmicrosoft.com']);
  });

  it('refuses an empty or oversized page before asking the hub', async () => {
    await expect(hubOperations['customers.import'](api, { type: 'customers.import', csv: ' ', dryRun: true })).rejects.toThrow(/no customers to import/);
    await expect(hubOperations['customers.import'](api, { type: 'customers.import', csv: 'x'.repeat(2_000_001), dryRun: true })).rejects.toThrow(/more than the extension imports/);
  });
});
