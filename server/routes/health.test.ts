import { afterEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../shared/api/client.js';
import { FakeClock, MINUTE } from '../../shared/domain/clock.js';
import { createTestHub, type TestHub } from '../../test/helpers/hub.js';
import { customers as customerRecords } from '../services/customer-collection.js';
import { advance, MORNING, putCustomers, putMorning, ScriptedRunner, testCustomer } from '../services/backup/testing.js';

let t: TestHub;
afterEach(async () => t?.close());

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
};

async function morning() {
  t = await createTestHub({ clock: new FakeClock(MORNING), services: { runner: new ScriptedRunner([{ status: 'Success', durationMs: 2 * MINUTE }]) } });
  const customers = await putMorning(t.hub);
  const invited = { email: 'it@acme.com', invitedAt: '2026-11-20T10:00:00.000Z', lastSentAt: '2026-11-20T10:00:00.000Z', sendCount: 1 };
  const delta = testCustomer({ id: 'cus_delta', displayName: 'Delta AG', domain: 'delta.ch', status: 'pending', tenantDomain: undefined, licenseLimit: 0, invites: [invited] });
  await putCustomers(t.hub, { ...customers.acme, invites: [invited] }, { ...customers.bravo, invites: [{ ...invited, email: 'it@bravo.io', acceptedAt: '2026-11-21T10:00:00.000Z' }] }, delta);
  await t.hub.ctx.services.backupScheduler.tick();
  return { ...customers, delta };
}

describe('batch health', () => {
  it('answers for ids and for names (display name, tenant domain, domain; any case), once each, and lists the unmatched', async () => {
    await morning();
    const answer = await t.admin.customersHealth({
      ids: ['cus_acme', 'cus_missing', 'cus_delta'],
      names: ['charlie.onmicrosoft.com', 'BRAVO LTD', 'bravo.io', '  Acme Corp ', 'nobody.com'],
    });
    expect(answer.unmatched).toEqual(['cus_missing', 'nobody.com']);
    expect(answer.items).toEqual([
      {
        id: 'cus_acme',
        displayName: 'Acme Corp',
        status: 'active',
        lastResult: 'Failed',
        policies: 2,
        running: 0,
        stale: true,
        staleSince: '2026-11-23T01:45:00.000Z',
        licensePercent: 85,
        pendingInvite: true,
        alerts: 4,
      },
      {
        id: 'cus_delta',
        displayName: 'Delta AG',
        status: 'pending',
        lastResult: 'Never',
        policies: 0,
        running: 0,
        stale: false,
        staleSince: null,
        licensePercent: null,
        pendingInvite: true,
        alerts: 0,
      },
      {
        id: 'cus_charlie',
        displayName: 'Charlie GmbH',
        status: 'active',
        lastResult: 'Disconnected',
        policies: 1,
        running: 0,
        stale: true,
        staleSince: '2026-11-23T00:00:00.000Z',
        licensePercent: 40,
        pendingInvite: false,
        alerts: 2,
      },
      {
        id: 'cus_bravo',
        displayName: 'Bravo Ltd',
        status: 'active',
        lastResult: 'Failed',
        policies: 3,
        running: 0,
        stale: true,
        staleSince: '2026-11-23T08:00:00.000Z',
        licensePercent: 50,
        pendingInvite: false,
        alerts: 3,
      },
    ]);
    // The alert counts agree with the alerts list.
    for (const item of answer.items) expect(item.alerts).toBe((await t.admin.alerts({ customerId: item.id, acknowledged: false })).total);
  });

  it('follows changes: acknowledgements, sessions, running policies, time passing, other providers', async () => {
    await morning();
    const health = async (id: string) => (await t.admin.customersHealth({ ids: [id] })).items[0]!;
    await t.admin.acknowledgeAlert('storageQuota.cus_acme');
    expect((await health('cus_acme')).alerts).toBe(3);
    await t.admin.startPolicy('pol_acme_mail');
    expect(await health('cus_acme')).toMatchObject({ running: 1, lastResult: 'Failed' });
    await advance(t.hub, t.clock, 3 * MINUTE, MINUTE);
    // Success: no more failure or stale alert; license (85 %) remains.
    expect(await health('cus_acme')).toMatchObject({ running: 0, lastResult: 'Success', stale: false, staleSince: null, alerts: 1 });
    // Bravo's "All" had its last protecting session at 02:00: stale from 02:00 tomorrow, by time alone.
    expect((await health('cus_bravo')).alerts).toBe(3);
    t.clock.set('2026-11-25T02:00:00Z');
    expect((await health('cus_bravo')).alerts).toBe(4);
    t.hub.ctx.services.alerts.register({
      name: 'test-provider',
      kinds: ['testKind'],
      list: ({ customerId }) =>
        customerId === undefined || customerId === 'cus_bravo'
          ? [
              {
                id: 'testKind.cus_bravo',
                kind: 'testKind',
                severity: 'info',
                customerId: 'cus_bravo',
                customerName: 'Bravo Ltd',
                subject: { type: 'customer', id: 'cus_bravo', name: 'Bravo Ltd' },
                reason: 'x',
                since: null,
                action: null,
              },
            ]
          : [],
    });
    expect((await health('cus_bravo')).alerts).toBe(5);
  });

  it('sends names in any script as they are, in valid JSON', async () => {
    await morning();
    const names = ['Müller & Söhne «Zürich»', '東京バックアップ株式会社', 'Ωmega "quoted" \\ back'];
    await putCustomers(t.hub, ...names.map((displayName, i) => testCustomer({ id: `cus_u${i}`, displayName, domain: `u${i}.example.com` })));
    const answer = await t.admin.customersHealth({ ids: ['cus_u0', 'cus_u1', 'cus_u2', 'cus_acme'], names: ['nobody «here»'] });
    expect(answer.items.map((i) => i.displayName)).toEqual([...names, 'Acme Corp']);
    expect(answer.unmatched).toEqual(['nobody «here»']);
    for (const item of answer.items) expect(item.alerts).toBe((await t.admin.alerts({ customerId: item.id, acknowledged: false })).total);
  });

  it('a customer changed or gone since the last answer is answered anew (the cached answer is dropped)', async () => {
    const { bravo } = await morning();
    expect((await t.admin.customersHealth({ ids: ['cus_bravo'] })).items[0]).toMatchObject({ displayName: 'Bravo Ltd', licensePercent: 50 });
    await putCustomers(t.hub, { ...bravo, displayName: 'Bravo Group', backedUpAccounts: 90 });
    expect((await t.admin.customersHealth({ ids: ['cus_bravo'] })).items[0]).toMatchObject({ displayName: 'Bravo Group', licensePercent: 90 });
    await t.hub.ctx.store.write((tx) => tx.delete(customerRecords, 'cus_bravo'));
    expect(await t.admin.customersHealth({ ids: ['cus_bravo', 'cus_acme'] })).toMatchObject({ unmatched: ['cus_bravo'], items: [{ id: 'cus_acme' }] });
  });

  it('takes up to 1,000 ids and names together and refuses more or none with 400', async () => {
    await morning();
    const many = Array.from({ length: 600 }, (_, i) => `cus_x${i}`);
    const names = Array.from({ length: 400 }, (_, i) => `name ${i}`);
    const answer = await t.admin.customersHealth({ ids: many, names });
    expect(answer.items).toEqual([]);
    expect(answer.unmatched).toHaveLength(1000);
    expect((await failure(t.admin.customersHealth({ ids: [...many, 'one more'], names }))).status).toBe(400);
    expect((await failure(t.admin.customersHealth({}))).message).toMatch(/at least one id or name/);
    const bad = await t.admin.raw('POST', '/customers/health', { body: { ids: [42], extra: true } }).catch((e: ApiError) => e);
    expect((bad as ApiError).details.map((d) => d.field).sort()).toEqual(['body.extra', 'body.ids.0']);
    const reader = await t.userWith([]);
    expect((await reader.client.customersHealth({ names: ['acme.com'] })).items.map((i) => i.id)).toEqual(['cus_acme']);
  });
});

describe('batch policies', () => {
  it("answers each named customer's policies (by id or name, once each) with the unmatched, as GET /policies shows them", async () => {
    await morning();
    const answer = await t.admin.customersPolicies({ ids: ['cus_bravo', 'cus_missing'], names: ['acme corp', 'Bravo Ltd', 'charlie.onmicrosoft.com', 'delta.ch', 'nobody.com'] });
    expect(answer.unmatched).toEqual(['cus_missing', 'nobody.com']);
    expect(answer.items.map((c) => [c.customerId, c.displayName, c.policies.map((p) => p.name)])).toEqual([
      ['cus_bravo', 'Bravo Ltd', ['All', 'Off', 'Teams']],
      ['cus_acme', 'Acme Corp', ['Mail', 'Sites']],
      ['cus_charlie', 'Charlie GmbH', ['All']],
      ['cus_delta', 'Delta AG', []],
    ]);
    // The same views as one policy's own route (live state, stale flag, customer name).
    const mail = answer.items[1]!.policies[0]!;
    expect(mail).toEqual(await t.admin.policy('pol_acme_mail'));
    expect(mail).toMatchObject({ customerName: 'Acme Corp', lastStatus: 'Failed' });
  });

  it('takes the same input as batch health: 400 for none, too many or unknown fields; monitoring is enough', async () => {
    await morning();
    expect((await failure(t.admin.customersPolicies({}))).status).toBe(400);
    const many = Array.from({ length: 1001 }, (_, i) => `cus_x${i}`);
    expect((await failure(t.admin.customersPolicies({ ids: many }))).status).toBe(400);
    const bad = await t.admin.raw('POST', '/customers/policies', { body: { names: [''], extra: 1 } }).catch((e: ApiError) => e);
    expect((bad as ApiError).details.map((d) => d.field).sort()).toEqual(['body.extra', 'body.names.0']);
    const reader = await t.userWith([]);
    expect((await reader.client.customersPolicies({ names: ['bravo.io'] })).items[0]!.policies).toHaveLength(3);
  });
});
