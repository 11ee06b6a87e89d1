import { afterAll, beforeAll, describe, expect, it, beforeEach } from 'vitest';
import type { ApiClient } from '../../../shared/api/client.js';
import { createTestHub, type TestHub } from '../../../test/helpers/hub.js';
import { hubClient } from './hub-connection.js';
import { hubOperations } from './hub-operations.js';
import { useLocale } from '../i18n-testing.js';

// Texts in English unless a test says otherwise (the fake browser has no messages of its own).
beforeEach(() => useLocale('en'));

// The worker's hub calls against the real app with the demo data, in process.
describe('what the background worker asks the hub', () => {
  let hub: TestHub;
  let api: ApiClient;
  beforeAll(async () => {
    hub = await createTestHub({ seed: true });
    api = hubClient({ hubUrl: 'http://hub.test', apiKey: hub.hub.ctx.config.adminKey! }, hub.fetch);
  });
  afterAll(() => hub.close());

  it('asks the hub in the extension\u2019s language, so its refusals and warnings read like the rest of the extension', async () => {
    const refusal = (client: ApiClient) =>
      client.usageReport('2099-01').then(
        () => null,
        (error: Error) => error.message,
      );
    expect(await refusal(api)).toBe('There is no usage for January 2099 yet.');
    await useLocale('de');
    const german = hubClient({ hubUrl: 'http://hub.test', apiKey: hub.hub.ctx.config.adminKey! }, hub.fetch);
    expect(await refusal(german)).toBe('Für Januar 2099 gibt es noch keine Nutzung.');
  });

  it('batch health by display name, case-insensitively, in one call', async () => {
    const answer = await hubOperations.health(api, { type: 'health', names: ['contoso pharmaceuticals ag', 'Nobody At All'] });
    expect(answer.items.map((h) => h.displayName)).toEqual(['Contoso Pharmaceuticals AG']);
    expect(answer.unmatched).toEqual(['Nobody At All']);
  });

  it('customer search comes with each customer\u2019s health', async () => {
    const answer = await hubOperations['customers.search'](api, { type: 'customers.search', q: 'Contoso' });
    expect(answer.items[0]).toMatchObject({ displayName: 'Contoso Pharmaceuticals AG', health: { licensePercent: expect.any(Number) } });
  });

  it('finds the policies of a table\u2019s rows by customer and policy name, in one request for the whole page', async () => {
    const { items } = await hub.admin.policies({ pageSize: 30 });
    expect(new Set(items.map((p) => p.customerId)).size).toBeGreaterThan(5);
    const rows = [
      ...items.map((p) => ({ policy: p.name, customer: p.customerName })),
      { policy: 'No such policy', customer: items[0]!.customerName },
      { policy: 'Mail', customer: 'No such customer' },
    ];
    const calls: string[] = [];
    const counting = hubClient({ hubUrl: 'http://hub.test', apiKey: hub.hub.ctx.config.adminKey! }, ((input: string, init?: RequestInit) => {
      calls.push(`${init?.method ?? 'GET'} ${new URL(input).pathname}`);
      return hub.fetch(input, init);
    }) as typeof fetch);
    const matches = await hubOperations['policies.lookup'](counting, { type: 'policies.lookup', rows });
    expect(calls).toEqual(['POST /api/v1/customers/policies']);
    expect(matches.slice(0, items.length).map((m) => m.match?.id)).toEqual(items.map((p) => p.id));
    expect(matches.slice(items.length).map((m) => m.match)).toEqual([null, null]);
  });

  it('a policy action answers with the policy as it is after it', async () => {
    const policy = (await hub.admin.policies({ enabled: true, pageSize: 1 })).items[0]!;
    const disabled = await hubOperations['policy.action'](api, { type: 'policy.action', policyId: policy.id, action: 'disable' });
    expect(disabled).toMatchObject({ id: policy.id, enabled: false });
    const enabled = await hubOperations['policy.action'](api, { type: 'policy.action', policyId: policy.id, action: 'enable' });
    expect(enabled.enabled).toBe(true);
    await expect(hubOperations['policy.action'](api, { type: 'policy.action', policyId: policy.id, action: 'explode' as 'start' })).rejects.toThrow(/Unknown policy action/);
  });

  it('the alerts summary counts what the badge and the popup show', async () => {
    const summary = await hubOperations.alerts(api);
    const open = (await hub.admin.alerts({ acknowledged: false, pageSize: 500 })).items;
    expect(summary.total).toBe(open.length);
    expect(summary.failed).toBe(open.filter((a) => a.kind === 'backupFailed' || a.kind === 'tenantDisconnected').length);
    expect(await hubOperations.failedCount(api)).toBe(summary.failed);
  });

  it('customer detail: policies, open alerts and the portal link', async () => {
    const customer = (await hub.admin.customers({ q: 'Contoso Pharmaceuticals' })).items[0]!;
    const detail = await hubOperations['customer.detail'](
      api,
      { type: 'customer.detail', customerId: customer.id },
      { hubUrl: 'http://hub.test', apiKey: 'x', portalUrl: 'https://portal.example.com' },
    );
    expect(detail.customer.id).toBe(customer.id);
    expect(detail.policies.every((p) => p.customerId === customer.id)).toBe(true);
    expect(detail.portalUrl).toBe(`https://portal.example.com/customers?search=${encodeURIComponent(customer.tenantDomain ?? customer.displayName)}`);
  });

  it('the usage report of a month, and a clear refusal of a malformed month', async () => {
    const month = hub.hub.ctx.services.usage.reportingState().nextDue!.usageMonth;
    const report = await hubOperations['usage.report'](api, { type: 'usage.report', month });
    expect(report.usageMonth).toBe(month);
    await expect(hubOperations['usage.report'](api, { type: 'usage.report', month: '../../x' })).rejects.toThrow(/YYYY-MM/);
  });
});
