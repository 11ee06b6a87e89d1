import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ApiError, type ApiClient } from '../../shared/api/client.js';
import { FakeClock, MINUTE } from '../../shared/domain/clock.js';
import { parseCsv } from '../../shared/domain/csv.js';
import type { Customer, CustomerInputRaw } from '../../shared/schemas/customers.js';
import { createTestHub, type TestHub } from '../../test/helpers/hub.js';
import { systemPrincipal } from '../auth/principal.js';
import { customers as customerCollection } from '../services/customer-collection.js';

let t: TestHub;
let admin: ApiClient;

beforeEach(async () => {
  t = await createTestHub();
  admin = t.admin;
});
afterEach(async () => {
  await t.close();
});

const input = (overrides: Partial<CustomerInputRaw> = {}): CustomerInputRaw => ({
  displayName: 'Fabrikam Legal LLP',
  domain: 'fabrikam-legal.com',
  contact: { firstName: 'Anna', lastName: 'Smith', email: 'anna.smith@fabrikam-legal.com', phone: '+1 206 555 0100' },
  ...overrides,
});

/** The error an API call answers with (fails the test if it succeeds). */
async function failure(call: Promise<unknown>): Promise<ApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const events = async (type: string) => (await t.hub.ctx.events.since(0)).filter((e) => e.type === type);
const tick = () => t.hub.ctx.services.customerLifecycle.tick();

async function pendingCustomer(overrides: Partial<CustomerInputRaw> = {}): Promise<Customer> {
  const c = await admin.createCustomer(input(overrides));
  t.clock.advance(1000);
  await tick();
  return admin.customer(c.id);
}

async function activeCustomer(overrides: Partial<CustomerInputRaw> = {}, tenant = 'fabrikamlegal.onmicrosoft.com'): Promise<Customer> {
  const c = await pendingCustomer(overrides);
  await admin.acceptAgreement(c.id);
  await admin.connectFlex(c.id, { storageRegion: 'EMEA', retention: 7, services: ['Exchange Online', 'OneDrive and SharePoint', 'Teams'] });
  await admin.confirmTenant(c.id, tenant);
  return admin.finishOnboarding(c.id, 'recommended');
}

describe('creating customers', () => {
  test('creates a provisioning customer with the Pulse fields and records it', async () => {
    const c = await admin.createCustomer(input({ domain: ' Fabrikam-Legal.COM ', externalId: 'CRM-0042', primaryAdminEmail: 'Anna.Smith@fabrikam-legal.com', licenseLimit: 50 }));
    expect(c).toMatchObject({
      displayName: 'Fabrikam Legal LLP',
      domain: 'fabrikam-legal.com',
      status: 'provisioning',
      contractType: 'Pending',
      licenseModel: 'Variable',
      sourceType: 'VCSP Pulse',
      externalId: 'CRM-0042',
      primaryAdminEmail: 'anna.smith@fabrikam-legal.com',
      licenses: 0,
      licenseLimit: 50,
      invites: [],
      createdAt: t.clock.now().toISOString(),
      provisionedAt: new Date(t.clock.now().getTime() + 1000).toISOString(),
    });
    expect(c.admins).toEqual([expect.objectContaining({ email: 'anna.smith@fabrikam-legal.com', firstName: 'Anna', lastName: 'Smith' })]);
    expect(await admin.customer(c.id)).toEqual(c);
    expect(await events('customer.created')).toEqual([expect.objectContaining({ customerId: c.id, subject: { type: 'customer', id: c.id, name: 'Fabrikam Legal LLP' } })]);
    const audit = await admin.audit({ action: 'customer.created' });
    expect(audit.items[0]).toMatchObject({ target: { id: c.id }, actor: { channel: 'api' } });
  });

  test.each([
    ['a public mail provider', { domain: 'gmail.com' }, 422, 'domain', 'public mail provider'],
    ['a subdomain of a public provider', { domain: 'mail.outlook.com' }, 422, 'domain', 'public mail provider'],
    ['a domain without a dot', { domain: 'fabrikam' }, 400, 'body.domain', 'two labels'],
    ['a URL instead of a domain', { domain: 'https://fabrikam.com' }, 400, 'body.domain', 'bare domain'],
    ['a primary admin outside the domain', { primaryAdminEmail: 'anna@contoso.com' }, 422, 'primaryAdminEmail', 'outside'],
    ['a group address as primary admin', { primaryAdminEmail: 'info@fabrikam-legal.com' }, 422, 'primaryAdminEmail', 'group'],
    ['an alias as primary admin', { primaryAdminEmail: 'anna+vdc@fabrikam-legal.com' }, 422, 'primaryAdminEmail', 'alias'],
    ['a missing display name', { displayName: '  ' }, 400, 'body.displayName', ''],
    ['an unknown source type', { sourceType: 'Reseller' as never }, 400, 'body.sourceType', ''],
    ['a negative licence limit', { licenseLimit: -1 }, 400, 'body.licenseLimit', ''],
  ])('refuses %s and stores nothing', async (_name, overrides, status, field, message) => {
    const error = await failure(admin.createCustomer(input(overrides)));
    expect(error.status).toBe(status);
    expect(error.details.map((d) => d.field)).toContain(field);
    expect(error.message + error.details.map((d) => d.message).join(' ')).toContain(message);
    expect(t.hub.ctx.store.count(customerCollection)).toBe(0);
    expect(await events('customer.created')).toEqual([]);
  });

  test('refuses unknown fields and a bad contact', async () => {
    const error = await failure(admin.createCustomer({ ...input(), color: 'red' } as never));
    expect(error).toMatchObject({ status: 400, details: [{ field: 'body.color', message: 'is not a known field' }] });
    const contact = await failure(admin.createCustomer(input({ contact: { firstName: 'A', lastName: 'B', email: 'not-an-email' } })));
    expect(contact.details.map((d) => d.field)).toEqual(['body.contact.email']);
  });

  test('a domain belongs to one live customer at a time', async () => {
    const first = await admin.createCustomer(input());
    const error = await failure(admin.createCustomer(input({ displayName: 'Other', domain: 'FABRIKAM-LEGAL.com' })));
    expect(error.status).toBe(409);
    expect(error.message).toContain('Fabrikam Legal LLP');
    expect(first.status).toBe('provisioning');
  });

  test('creating needs customerManagement; reading needs only monitoring', async () => {
    const reader = await t.userWith([]);
    const error = await failure(reader.client.createCustomer(input()));
    expect(error.status).toBe(403);
    expect(error.message).toContain('customerManagement');
    await admin.createCustomer(input());
    expect((await reader.client.customers()).total).toBe(1);
    const manager = await t.userWith(['customerManagement']);
    expect((await manager.client.createCustomer(input({ domain: 'contoso.com' }))).domain).toBe('contoso.com');
  });

  test('DELETE is refused with a pointer to offboarding', async () => {
    const c = await admin.createCustomer(input());
    const response = await t.fetch(`http://hub.test/api/v1/customers/${c.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${(await t.userWith(['customerManagement'])).apiKey}` } });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('offboarding-request');
    expect(await admin.customer(c.id)).toEqual(c);
  });

  test('an unknown customer is a 404 on every read', async () => {
    for (const call of [
      admin.customer('cus_nope'),
      admin.invites('cus_nope'),
      admin.onboarding('cus_nope'),
      admin.customerAdmins('cus_nope'),
      admin.licensedUsers('cus_nope'),
      admin.customerSettings('cus_nope'),
    ]) {
      expect((await failure(call)).status).toBe(404);
    }
  });
});

describe('provisioning', () => {
  test('a new customer becomes pending once provisioningMs has passed, driven by the clock', async () => {
    const c = await admin.createCustomer(input());
    expect(await tick()).toEqual({ provisioned: [] });
    t.clock.advance(999);
    await tick();
    expect((await admin.customer(c.id)).status).toBe('provisioning');
    t.clock.advance(1);
    expect(await tick()).toEqual({ provisioned: [c.id] });
    expect((await admin.customer(c.id)).status).toBe('pending');
    expect(await events('customer.provisioned')).toEqual([expect.objectContaining({ customerId: c.id, data: expect.objectContaining({ channel: 'scheduler' }) })]);
    expect(await tick()).toEqual({ provisioned: [] });
  });

  test('survives a restart: the due time is stored, the first tick after start catches up', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sphub-customers-'));
    const clock = new FakeClock();
    try {
      const first = await createTestHub({ clock, config: { dataDir: dir, provisioningMs: 5 * MINUTE } });
      const c = await first.admin.createCustomer(input());
      await first.close();
      clock.advance(6 * MINUTE);
      const second = await createTestHub({ clock, config: { dataDir: dir, provisioningMs: 5 * MINUTE } });
      expect((await second.admin.customer(c.id)).status).toBe('provisioning');
      await second.hub.start();
      await second.hub.ctx.services.customerLifecycle.tick();
      expect((await second.admin.customer(c.id)).status).toBe('pending');
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('with provisioningMs 0 a customer is pending at once', async () => {
    const hub = await createTestHub({ config: { provisioningMs: 0 } });
    const c = await hub.admin.createCustomer(input());
    expect(c.status).toBe('pending');
    expect((await hub.hub.ctx.events.since(0)).map((e) => e.type)).toEqual(expect.arrayContaining(['customer.created', 'customer.provisioned']));
    await hub.close();
  });
});

describe('listing, searching and exporting', () => {
  // One seeded hub for these mostly read-only tests (seeding every area takes a while).
  let seeded: TestHub;
  beforeAll(async () => {
    seeded = await createTestHub({ seed: true });
  });
  afterAll(async () => {
    await seeded.close();
  });

  test('pages through every live customer sorted by name by default', async () => {
    const all = [...seeded.hub.ctx.store.all(customerCollection)].filter((c) => c.status !== 'offboarded');
    const first = await seeded.admin.customers({ pageSize: 20 });
    expect(first).toMatchObject({ total: all.length, page: 1, pageSize: 20 });
    const names: string[] = [];
    for (let page = 1; page <= Math.ceil(all.length / 20); page++) names.push(...(await seeded.admin.customers({ page, pageSize: 20 })).items.map((c) => c.displayName));
    expect(names).toHaveLength(all.length);
    expect(new Set(names).size).toBe(all.length);
    expect((await seeded.admin.customers({ page: 99, pageSize: 20 })).items).toEqual([]);
  });

  test('searches, filters by several contract types and a source type, and sorts descending', async () => {
    const result = await seeded.admin.customers({ contractType: ['Annual', 'Trial'], sort: '-storageConsumedGb', pageSize: 200 });
    expect(result.total).toBeGreaterThan(0);
    expect(result.items.every((c) => c.contractType === 'Annual' || c.contractType === 'Trial')).toBe(true);
    const storage = result.items.map((c) => c.storageConsumedGb);
    expect(storage).toEqual([...storage].sort((a, b) => b - a));

    const contoso = (await seeded.admin.customers({ q: 'CONTOSO-PHARMA' })).items;
    expect(contoso.map((c) => c.displayName)).toEqual(['Contoso Pharmaceuticals AG']);
    const byTenant = await seeded.admin.customers({ q: contoso[0]!.tenantDomain! });
    expect(byTenant.items.map((c) => c.id)).toContain(contoso[0]!.id);
    const bySubscription = await seeded.admin.customers({ q: contoso[0]!.subscriptionIds[0]!.slice(4, 16) });
    expect(bySubscription.items.map((c) => c.id)).toEqual([contoso[0]!.id]);

    const pulse = await seeded.admin.customers({ sourceType: ['CloudBlue'], pageSize: 200 });
    expect(pulse.items.every((c) => c.sourceType === 'CloudBlue')).toBe(true);
    const raw = await seeded.admin.raw('GET', '/customers', { query: { contractType: 'Annual,Month to month', status: 'active' } });
    const body = (await raw.json()) as { items: Customer[]; total: number };
    expect(body.items.every((c) => c.status === 'active' && ['Annual', 'Month to month'].includes(c.contractType))).toBe(true);
  });

  test.each([
    [{ sort: 'shoeSize' }, 'query.sort'],
    [{ pageSize: 1000 }, 'query.pageSize'],
    [{ page: 0 }, 'query.page'],
    [{ contractType: 'Forever' }, 'query.contractType.0'],
    [{ status: 'deleted' }, 'query.status.0'],
    [{ q: 'x'.repeat(201) }, 'query.q'],
  ])('refuses the query %j naming %s', async (query, field) => {
    const error = await failure(seeded.admin.raw('GET', '/customers', { query: query as never }));
    expect(error.status).toBe(400);
    expect(error.details.map((d) => d.field)).toContain(field);
  });

  test('offboarded customers are left out unless asked for', async () => {
    const tombstones = await seeded.admin.customers({ status: ['offboarded'] });
    expect(tombstones.items.map((c) => c.displayName)).toEqual(['Trey Research Labs Inc.']);
    expect((await seeded.admin.customers({ q: 'trey research' })).total).toBe(0);
  });

  test('exports every live customer as RFC 4180 CSV, formula-safe', async () => {
    const c = await seeded.admin.createCustomer(input({ displayName: '=HYPERLINK("http://evil.test","Click")', domain: 'evil-but-valid.com', externalId: '+1-555, "quoted"' }));
    const response = await seeded.admin.raw('GET', '/customers/export.csv');
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="customers-\d{4}-\d{2}-\d{2}\.csv"/);
    const text = await response.text();
    expect(text).toContain('\r\n');
    const rows = parseCsv(text);
    const live = [...seeded.hub.ctx.store.all(customerCollection)].filter((x) => x.status !== 'offboarded');
    expect(rows).toHaveLength(live.length + 1);
    expect(rows[0]!.slice(0, 4)).toEqual(['Display Name', 'Domain', 'M365 Account', 'External Id']);
    const evil = rows.find((r) => r[1] === 'evil-but-valid.com')!;
    expect(evil[0]).toBe('\'=HYPERLINK("http://evil.test","Click")');
    expect(evil[3]).toBe('\'+1-555, "quoted"');
    expect(c.id).toBeTruthy();
    const filtered = parseCsv(await seeded.admin.exportCustomersCsv({ contractType: ['Trial'] }));
    expect(filtered.slice(1).every((r) => r[7] === 'Trial')).toBe(true);
  });
});

describe('editing', () => {
  test('changes editable fields, merges the contact, clears with null', async () => {
    const c = await admin.createCustomer(input({ externalId: 'CRM-1', storageQuotaGb: 500 }));
    const updated = await admin.updateCustomer(c.id, { displayName: 'Fabrikam Legal Partners', contact: { phone: '+44 20 7946 0000' }, externalId: null, storageQuotaGb: null, licenseLimit: 120 });
    expect(updated).toMatchObject({ displayName: 'Fabrikam Legal Partners', licenseLimit: 120, contact: { firstName: 'Anna', email: 'anna.smith@fabrikam-legal.com', phone: '+44 20 7946 0000' } });
    expect(updated.externalId).toBeUndefined();
    expect(updated.storageQuotaGb).toBeUndefined();
    expect((await events('customer.updated'))[0]?.data).toMatchObject({ changed: expect.arrayContaining(['displayName', 'contact', 'externalId', 'storageQuotaGb', 'licenseLimit']) });
    const found = await admin.customers({ q: 'legal partners' });
    expect(found.items.map((x) => x.id)).toEqual([c.id]);
  });

  test('contract type is set by onboarding, then editable but never back to Pending', async () => {
    const pending = await pendingCustomer();
    expect((await failure(admin.updateCustomer(pending.id, { contractType: 'Annual' }))).status).toBe(409);
    const active = await activeCustomer({ domain: 'contoso.com', displayName: 'Contoso' }, 'contoso.onmicrosoft.com');
    expect((await admin.updateCustomer(active.id, { contractType: 'Annual' })).contractType).toBe('Annual');
    const error = await failure(admin.updateCustomer(active.id, { contractType: 'Pending' }));
    expect(error).toMatchObject({ status: 422, details: [{ field: 'contractType' }] });
  });

  test('the domain can change before onboarding only, and never away from invited addresses', async () => {
    const c = await pendingCustomer();
    await admin.sendInvites(c.id, 'anna@fabrikam-legal.com');
    const error = await failure(admin.updateCustomer(c.id, { domain: 'fabrikam.com' }));
    expect(error.status).toBe(422);
    expect(error.message).toContain('anna@fabrikam-legal.com');
    expect((await failure(admin.updateCustomer(c.id, { domain: 'yahoo.com' }))).status).toBe(422);
    const other = await pendingCustomer({ domain: 'contoso.com', displayName: 'Contoso' });
    expect((await admin.updateCustomer(other.id, { domain: 'contoso-group.com' })).domain).toBe('contoso-group.com');
    expect((await failure(admin.updateCustomer(other.id, { domain: 'fabrikam-legal.com' }))).status).toBe(409);
  });

  test('an empty change is refused', async () => {
    const c = await admin.createCustomer(input());
    const error = await failure(admin.updateCustomer(c.id, {}));
    expect(error.status).toBe(400);
  });
});

describe('self-service invites', () => {
  test('invites addresses inside the domain, de-duplicated, and keeps the list', async () => {
    const c = await pendingCustomer();
    const result = await admin.sendInvites(c.id, 'Anna@fabrikam-legal.com, ben@fabrikam-legal.com anna@fabrikam-legal.com it@eu.fabrikam-legal.com');
    expect(result.invited).toEqual(['anna@fabrikam-legal.com', 'ben@fabrikam-legal.com', 'it@eu.fabrikam-legal.com']);
    expect(result.resent).toEqual([]);
    expect((await admin.invites(c.id)).items).toEqual(result.invites);
    expect(result.invites[0]).toEqual({ email: 'anna@fabrikam-legal.com', invitedAt: t.clock.now().toISOString(), lastSentAt: t.clock.now().toISOString(), sendCount: 1 });
    expect((await events('customer.invited'))[0]).toMatchObject({ customerId: c.id, data: { emails: result.invited, invited: result.invited, domain: 'fabrikam-legal.com' } });

    t.clock.advance(60_000);
    const again = await admin.sendInvites(c.id, ['ben@fabrikam-legal.com', 'carla@fabrikam-legal.com']);
    expect(again).toMatchObject({ invited: ['carla@fabrikam-legal.com'], resent: ['ben@fabrikam-legal.com'] });
    expect(again.invites).toHaveLength(4);
  });

  test('names every address outside the domain (422) and invites none of them', async () => {
    const c = await pendingCustomer();
    const error = await failure(admin.sendInvites(c.id, 'anna@fabrikam-legal.com, bob@gmail.com, carl@contoso.com'));
    expect(error.status).toBe(422);
    expect(error.details).toEqual([
      { field: 'emails', message: "bob@gmail.com is outside the customer's domain fabrikam-legal.com" },
      { field: 'emails', message: "carl@contoso.com is outside the customer's domain fabrikam-legal.com" },
    ]);
    expect((await admin.invites(c.id)).items).toEqual([]);
    expect(await events('customer.invited')).toEqual([]);
  });

  test.each([
    ['a malformed address', 'anna@fabrikam-legal.com, not-an-email', 400],
    ['an empty list', ' , ', 400],
    ['a wrong type', 42, 400],
  ])('refuses %s', async (_name, emails, status) => {
    const c = await pendingCustomer();
    const response = await admin.raw('POST', `/customers/${c.id}/invites`, { body: { emails } }).catch((e: ApiError) => e);
    expect((response as ApiError).status).toBe(status);
    expect((await admin.invites(c.id)).items).toEqual([]);
  });

  test('a customer still provisioning cannot be invited (409); nor an onboarded one', async () => {
    const c = await admin.createCustomer(input());
    const error = await failure(admin.sendInvites(c.id, 'anna@fabrikam-legal.com'));
    expect(error.status).toBe(409);
    expect(error.message).toContain('provisioned');
    const active = await activeCustomer({ domain: 'contoso.com', displayName: 'Contoso' }, 'contoso.onmicrosoft.com');
    expect((await failure(admin.sendInvites(active.id, 'x@contoso.com'))).status).toBe(409);
  });

  test('resends to all pending invites or the named ones; unknown addresses are named', async () => {
    const c = await pendingCustomer();
    await admin.sendInvites(c.id, 'anna@fabrikam-legal.com ben@fabrikam-legal.com');
    t.clock.advance(3600_000);
    const all = await admin.resendInvites(c.id);
    expect(all.resent).toEqual(['anna@fabrikam-legal.com', 'ben@fabrikam-legal.com']);
    expect(all.invites.map((i) => [i.sendCount, i.lastSentAt])).toEqual([
      [2, t.clock.now().toISOString()],
      [2, t.clock.now().toISOString()],
    ]);
    const one = await admin.resendInvites(c.id, 'BEN@fabrikam-legal.com');
    expect(one.invites.map((i) => i.sendCount)).toEqual([2, 3]);
    const error = await failure(admin.resendInvites(c.id, 'zoe@fabrikam-legal.com'));
    expect(error.status).toBe(422);
    expect(error.message).toContain('zoe@fabrikam-legal.com');
    expect((await events('customer.invited')).at(-1)?.data).toMatchObject({ resent: ['ben@fabrikam-legal.com'] });
    const none = await pendingCustomer({ domain: 'contoso.com', displayName: 'Contoso' });
    expect((await failure(admin.resendInvites(none.id))).status).toBe(409);
  });

  test('an accepted invite onboards the customer (self-service)', async () => {
    const c = await pendingCustomer();
    await admin.sendInvites(c.id, 'anna@fabrikam-legal.com');
    const active = await admin.acceptInvite(c.id, { email: 'anna@fabrikam-legal.com', tenantDomain: 'fabrikamlegal.onmicrosoft.com', storageRegion: 'AMER' });
    expect(active).toMatchObject({ status: 'active', contractType: 'Month to month', tenantDomain: 'fabrikamlegal.onmicrosoft.com', storageRegion: 'AMER' });
    expect(active.invites[0]?.acceptedAt).toBe(t.clock.now().toISOString());
    expect((await events('customer.onboarded'))[0]?.data).toMatchObject({ method: 'self-service', policies: 'recommended', services: ['Exchange Online', 'OneDrive and SharePoint', 'Teams'] });
  });

  test('fifty concurrent invites to one customer lose none', async () => {
    const c = await pendingCustomer();
    await Promise.all(Array.from({ length: 50 }, (_, i) => admin.sendInvites(c.id, `user${i}@fabrikam-legal.com`)));
    expect((await admin.invites(c.id)).items.map((i) => i.email).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `user${i}@fabrikam-legal.com`).sort());
  });

  test("a customer's invites come in pages of a bounded size", async () => {
    const c = await pendingCustomer();
    await admin.sendInvites(
      c.id,
      Array.from({ length: 7 }, (_, i) => `paged${i}@fabrikam-legal.com`),
    );
    const all = (await admin.invites(c.id)).items.map((i) => i.email);
    const last = await admin.invites(c.id, { page: 3, pageSize: 3 });
    expect(last).toEqual({ items: [expect.objectContaining({ email: all[6] })], total: 7, page: 3, pageSize: 3 });
    const error = await admin.invites(c.id, { pageSize: 501 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
  });
});

describe('managed onboarding', () => {
  test('runs the wizard in order and ends with an active month-to-month customer', async () => {
    const c = await pendingCustomer();
    expect(await admin.onboarding(c.id)).toMatchObject({ step: 'legal-agreement', legalAgreement: null, connection: null, tenantDomain: null });
    expect((await admin.acceptAgreement(c.id)).step).toBe('connect');
    const connected = await admin.connectFlex(c.id, { storageRegion: 'APJ', retention: 'unlimited', services: ['Exchange Online', 'Teams', 'Teams'] });
    expect(connected.step).toBe('confirm-tenant');
    expect(connected.connection).toMatchObject({
      storageRegion: 'APJ',
      retention: 'unlimited',
      services: ['Exchange Online', 'Teams'],
      deviceCode: { verificationUri: 'https://microsoft.com/devicelogin', expired: false, expiresAt: new Date(t.clock.now().getTime() + 15 * MINUTE).toISOString() },
    });
    expect(connected.connection!.deviceCode.userCode).toMatch(/^[A-Z2-9]{9}$/);
    expect(connected.connection!.deviceCode.instructions).toContain(connected.connection!.deviceCode.userCode);
    expect((await admin.confirmTenant(c.id, 'FabrikamLegal.onmicrosoft.com')).tenantDomain).toBe('fabrikamlegal.onmicrosoft.com');
    const active = await admin.finishOnboarding(c.id, 'manual');
    expect(active).toMatchObject({
      status: 'active',
      contractType: 'Month to month',
      activationDate: t.clock.now().toISOString().slice(0, 10),
      storageRegion: 'APJ',
      tenantDomain: 'fabrikamlegal.onmicrosoft.com',
    });
    expect(active.veeamAccountId).toMatch(/^[0-9a-f-]{36}$/);
    expect(active.subscriptionIds).toHaveLength(1);
    expect((await admin.onboarding(c.id)).step).toBe('done');
    expect(await events('customer.onboarded')).toEqual([expect.objectContaining({ customerId: c.id, data: expect.objectContaining({ policies: 'manual', services: ['Exchange Online', 'Teams'] }) })]);
    expect((await admin.customers({ q: active.veeamAccountId! })).items.map((x) => x.id)).toEqual([c.id]);
  });

  test('steps out of order are 409 with the next step named', async () => {
    const c = await pendingCustomer();
    const connect = await failure(admin.connectFlex(c.id, { storageRegion: 'EMEA', retention: 1, services: ['Teams'] }));
    expect(connect.status).toBe(409);
    expect(connect.message).toContain('legal agreement');
    await admin.acceptAgreement(c.id);
    expect((await failure(admin.confirmTenant(c.id, 'fabrikam.onmicrosoft.com'))).message).toContain('connect to Flex');
    expect((await failure(admin.finishOnboarding(c.id, 'recommended'))).message).toContain('connect to Flex');
    await admin.connectFlex(c.id, { storageRegion: 'EMEA', retention: 1, services: ['Teams'] });
    expect((await failure(admin.finishOnboarding(c.id, 'recommended'))).message).toContain('confirm the tenant');
    const provisioning = await admin.createCustomer(input({ domain: 'contoso.com', displayName: 'Contoso' }));
    expect((await failure(admin.acceptAgreement(provisioning.id))).status).toBe(409);
  });

  test('an expired device code needs a new one', async () => {
    const c = await pendingCustomer();
    await admin.acceptAgreement(c.id);
    await admin.connectFlex(c.id, { storageRegion: 'EMEA', retention: 3, services: ['Teams'] });
    t.clock.advance(16 * MINUTE);
    expect((await admin.onboarding(c.id)).connection?.deviceCode.expired).toBe(true);
    const error = await failure(admin.confirmTenant(c.id, 'fabrikam.onmicrosoft.com'));
    expect(error.status).toBe(409);
    expect(error.message).toContain('expired');
    const fresh = await admin.connectFlex(c.id, { storageRegion: 'EMEA', retention: 3, services: ['Teams'] });
    expect(fresh.connection?.deviceCode.expired).toBe(false);
    expect((await admin.confirmTenant(c.id, 'fabrikam.onmicrosoft.com')).step).toBe('finish');
  });

  test.each([
    [{ storageRegion: 'MARS', retention: 1, services: ['Teams'] }, 'body.storageRegion'],
    [{ storageRegion: 'EMEA', retention: 0, services: ['Teams'] }, 'body.retention'],
    [{ storageRegion: 'EMEA', retention: 26, services: ['Teams'] }, 'body.retention'],
    [{ storageRegion: 'EMEA', retention: 2.5, services: ['Teams'] }, 'body.retention'],
    [{ storageRegion: 'EMEA', retention: 'forever', services: ['Teams'] }, 'body.retention'],
    [{ storageRegion: 'EMEA', retention: 1, services: [] }, 'body.services'],
    [{ storageRegion: 'EMEA', retention: 1, services: ['Yammer'] }, 'body.services.0'],
  ])('connect refuses %j', async (body, field) => {
    const c = await pendingCustomer();
    await admin.acceptAgreement(c.id);
    const error = await failure(admin.raw('POST', `/customers/${c.id}/onboarding/connect`, { body }));
    expect(error.status).toBe(400);
    expect(error.details.map((d) => d.field)).toContain(field);
    expect((await admin.onboarding(c.id)).step).toBe('connect');
  });

  test('the tenant domain is validated and belongs to one customer', async () => {
    await activeCustomer({ domain: 'contoso.com', displayName: 'Contoso' }, 'contoso.onmicrosoft.com');
    const c = await pendingCustomer();
    await admin.acceptAgreement(c.id);
    await admin.connectFlex(c.id, { storageRegion: 'EMEA', retention: 3, services: ['Teams'] });
    const bad = await failure(admin.confirmTenant(c.id, 'fabrikam-legal.com'));
    expect(bad).toMatchObject({ status: 400, details: [{ field: 'body.tenantDomain' }] });
    const taken = await failure(admin.confirmTenant(c.id, 'contoso.onmicrosoft.com'));
    expect(taken.status).toBe(409);
    expect(taken.message).toContain('Contoso');
  });

  test('the legal agreement must be confirmed explicitly', async () => {
    const c = await pendingCustomer();
    const error = await failure(admin.raw('POST', `/customers/${c.id}/onboarding/legal-agreement`, { body: { accepted: false } }));
    expect(error).toMatchObject({ status: 400, details: [{ field: 'body.accepted' }] });
  });
});

describe('settings', () => {
  test('an onboarded customer has settings with defaults; changes merge and are audited', async () => {
    const c = await activeCustomer();
    expect(await admin.customerSettings(c.id)).toEqual({
      storageRegion: 'EMEA',
      selfServiceRestore: true,
      customerMayCreateDeletePolicies: false,
      customerMayEditTriggerPolicies: true,
      autoCreatePolicies: true,
      multipleRegions: false,
      emailPreviews: true,
      ipRanges: [],
      restrictToIpRanges: false,
      customerIpRanges: [],
      customerRestrictToIpRanges: false,
      effectiveIpAccess: { restricted: false, ranges: [] },
    });
    const updated = await admin.updateCustomerSettings(c.id, {
      storageRegion: 'AMER',
      emailPreviews: false,
      ipRanges: [
        { start: '203.0.113.1', end: '203.0.113.99', description: 'Office' },
        { start: '2001:db8::', end: '2001:db8::ff' },
      ],
      restrictToIpRanges: true,
    });
    expect(updated).toMatchObject({ storageRegion: 'AMER', emailPreviews: false, selfServiceRestore: true, restrictToIpRanges: true });
    expect(updated.ipRanges).toHaveLength(2);
    expect((await admin.customer(c.id)).storageRegion).toBe('AMER');
    expect(await events('customer.settings-updated')).toHaveLength(1);
  });

  test.each([
    [{ ipRanges: [{ start: '203.0.113.99', end: '203.0.113.1' }] }, 400, 'body.ipRanges.0.end'],
    [{ ipRanges: [{ start: '203.0.113.1', end: '2001:db8::1' }] }, 400, 'body.ipRanges.0.end'],
    [{ ipRanges: [{ start: '999.0.0.1', end: '203.0.113.1' }] }, 400, 'body.ipRanges.0.start'],
    [{ ipRanges: [{ start: '1.1.1.1' }] }, 400, 'body.ipRanges.0.end'],
    [{ restrictToIpRanges: true }, 422, 'restrictToIpRanges'],
    [{ storageRegion: 'MOON' }, 400, 'body.storageRegion'],
    [{ selfServiceRestore: 'yes' }, 400, 'body.selfServiceRestore'],
    [{}, 400, 'body'],
  ])('refuses %j', async (body, status, field) => {
    const c = await activeCustomer();
    const before = await admin.customerSettings(c.id);
    const error = await failure(admin.raw('PUT', `/customers/${c.id}/settings`, { body }));
    expect(error.status).toBe(status);
    expect(error.details.map((d) => d.field)).toContain(field);
    expect(await admin.customerSettings(c.id)).toEqual(before);
  });

  test('a pending customer shows the defaults and changes only Auto Create Backup Policies (else 409)', async () => {
    const c = await pendingCustomer();
    expect((await admin.customerSettings(c.id)).autoCreatePolicies).toBe(true);
    expect((await failure(admin.updateCustomerSettings(c.id, { emailPreviews: false }))).status).toBe(409);
    expect((await failure(admin.updateCustomerSettings(c.id, { emailPreviews: false, autoCreatePolicies: false }))).status).toBe(409);
  });
});

describe('admin users and tenants', () => {
  test('adds, lists and removes admin users of a pending customer', async () => {
    const c = await pendingCustomer();
    const added = await admin.addCustomerAdmin(c.id, { email: 'Ben.Jones@fabrikam-legal.com', firstName: 'Ben', lastName: 'Jones', sendWelcomeEmail: false });
    expect(added).toMatchObject({ email: 'ben.jones@fabrikam-legal.com', sendWelcomeEmail: false, addedBy: 'Hub Administrator' });
    expect((await events('customer.admin-added'))[0]?.data).toMatchObject({ email: 'ben.jones@fabrikam-legal.com', sendWelcomeEmail: false });
    await admin.addCustomerAdmin(c.id, { email: 'carla@fabrikam-legal.com', firstName: 'Carla', lastName: 'Diaz' });
    expect((await admin.customerAdmins(c.id)).items.map((a) => [a.email, a.sendWelcomeEmail])).toEqual([
      ['ben.jones@fabrikam-legal.com', false],
      ['carla@fabrikam-legal.com', true],
    ]);
    expect((await failure(admin.addCustomerAdmin(c.id, { email: 'carla@fabrikam-legal.com', firstName: 'C', lastName: 'D' }))).status).toBe(409);
    await admin.removeCustomerAdmin(c.id, 'ben.jones@fabrikam-legal.com');
    expect((await admin.customerAdmins(c.id)).items.map((a) => a.email)).toEqual(['carla@fabrikam-legal.com']);
    expect((await failure(admin.removeCustomerAdmin(c.id, 'nobody@fabrikam-legal.com'))).status).toBe(404);
  });

  test.each([
    ['anna+vdc@fabrikam-legal.com', 'alias'],
    ['support@fabrikam-legal.com', 'group or shared mailbox'],
    ['admin@fabrikam-legal.com', 'group or shared mailbox'],
    ['anna@contoso.com', 'outside'],
  ])('refuses %s (%s)', async (email, message) => {
    const c = await pendingCustomer();
    const error = await failure(admin.addCustomerAdmin(c.id, { email, firstName: 'A', lastName: 'B' }));
    expect(error.status).toBe(422);
    expect(error.details).toEqual([{ field: 'email', message: expect.stringContaining(message) }]);
    expect((await admin.customerAdmins(c.id)).items).toEqual([]);
  });

  test('an SP user added as admin sees the customer in me/tenants', async () => {
    const c = await pendingCustomer();
    const other = await pendingCustomer({ domain: 'contoso.com', displayName: 'Contoso' });
    const me = await admin.me();
    expect((await admin.myTenants()).items).toEqual([]);
    await admin.addCustomerAdmin(c.id, { email: me.user.email, firstName: 'Hub', lastName: 'Administrator' });
    const ops = await t.userWith([]);
    const opsEmail = (await ops.client.me()).user.email;
    await admin.addCustomerAdmin(other.id, { email: opsEmail, firstName: 'Test', lastName: 'User' });
    expect((await admin.myTenants()).items).toEqual([
      { customerId: c.id, displayName: 'Fabrikam Legal LLP', domain: 'fabrikam-legal.com', tenantDomain: null, status: 'pending', switchUrl: expect.stringContaining('fabrikam-legal.com') },
    ]);
    expect((await ops.client.myTenants()).items.map((x) => x.customerId)).toEqual([other.id]);
  });

  test('admin users are for pending customers only', async () => {
    const provisioning = await admin.createCustomer(input({ domain: 'contoso.com', displayName: 'Contoso' }));
    expect((await failure(admin.addCustomerAdmin(provisioning.id, { email: 'a.b@contoso.com', firstName: 'A', lastName: 'B' }))).status).toBe(409);
    const active = await activeCustomer();
    expect((await failure(admin.addCustomerAdmin(active.id, { email: 'a.b@fabrikam-legal.com', firstName: 'A', lastName: 'B' }))).status).toBe(409);
  });
});

describe('licensed users', () => {
  test('pages, filters, sorts and exports the protected accounts of a customer', async () => {
    const seeded = await createTestHub({ seed: true });
    try {
      const contoso = (await seeded.admin.customers({ q: 'contoso-pharma.ch' })).items[0]!;
      const page = await seeded.admin.licensedUsers(contoso.id, { pageSize: 50 });
      expect(page.total).toBe(contoso.totalActiveAccounts);
      expect(page.items).toHaveLength(50);
      expect(page.syncedAt).not.toBeNull();
      const names = page.items.map((u) => u.name.toLowerCase());
      expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      const protectedOnes = await seeded.admin.licensedUsers(contoso.id, { protectionStatus: ['Protected'], pageSize: 1 });
      expect(protectedOnes.total).toBe(contoso.backedUpAccounts);
      const shared = await seeded.admin.licensedUsers(contoso.id, { type: ['Shared mailbox'], sort: '-lastBackupAt', pageSize: 200 });
      expect(shared.items.every((u) => u.type === 'Shared mailbox')).toBe(true);
      const backups = shared.items.map((u) => u.lastBackupAt).filter((x): x is string => x !== null);
      expect(backups).toEqual([...backups].sort().reverse());
      const rows = parseCsv(await seeded.admin.licensedUsersCsv(contoso.id, { protectionStatus: ['Excluded', 'Unprotected'] }));
      expect(rows[0]).toEqual(['Name', 'Email', 'Type', 'Protection Status', 'Last Backup']);
      expect(rows.length - 1).toBe(contoso.totalActiveAccounts - contoso.backedUpAccounts);
      expect(rows.slice(1).every((r) => r[3] !== 'Protected' && r[1]!.endsWith('@contoso-pharma.ch'))).toBe(true);
    } finally {
      await seeded.close();
    }
  });

  test('a customer not onboarded has none; bad filters are 400', async () => {
    const c = await pendingCustomer();
    expect(await admin.licensedUsers(c.id)).toMatchObject({ items: [], total: 0, syncedAt: null });
    const error = await failure(admin.raw('GET', `/customers/${c.id}/licensed-users`, { query: { protectionStatus: 'Maybe' } }));
    expect(error.status).toBe(400);
  });
});

describe('offboarding', () => {
  const today = () => t.clock.now().toISOString().slice(0, 10);

  test("the customer is deleted only when Veeam's answer says so, and a tombstone keeps the counts", async () => {
    const c = await activeCustomer();
    await t.hub.ctx.services.customers.updateCounts(systemPrincipal(), c.id, { backedUpAccounts: 42, storageConsumedGb: 310.5 });
    const request = await admin.requestOffboarding(c.id, { date: today(), reason: 'Registered by mistake', licenseCount: 42 });
    expect(request).toMatchObject({ status: 'requested', licenseCount: 42, requestedBy: 'Hub Administrator', supportCase: { licensesUsed: 42 } });
    expect(await admin.offboardingRequest(c.id)).toEqual(request);
    expect((await failure(admin.requestOffboarding(c.id, { date: today(), reason: 'again', licenseCount: 1 }))).status).toBe(409);

    const support = await t.userWith(['customerManagement']);
    expect(await support.client.submitOffboarding(c.id, '01234567')).toMatchObject({ status: 'submitted', caseNumber: '01234567' });
    expect((await admin.customer(c.id)).status).toBe('active');
    const tombstone = await support.client.recordOffboardingOutcome(c.id, { caseNumber: '01234567', outcome: 'deleted' });
    expect(tombstone).toMatchObject({ status: 'offboarded', backedUpAccounts: 42, storageConsumedGb: 310.5, offboardedAt: t.clock.now().toISOString() });
    expect(tombstone.offboardingRequest).toMatchObject({ status: 'deleted', decidedBy: 'Test User 1', decidedByUserId: support.userId, caseNumber: '01234567', deletionSource: 'support-case' });
    expect((await admin.customers()).total).toBe(0);
    expect((await admin.customers({ status: ['offboarded'] })).items.map((x) => x.id)).toEqual([c.id]);
    expect(await admin.licensedUsers(c.id)).toMatchObject({ total: 0 });
    expect((await events('customer.offboarded'))[0]).toMatchObject({ customerId: c.id, data: { backedUpAccounts: 42, caseNumber: '01234567' } });
    expect((await failure(admin.updateCustomer(c.id, { displayName: 'x' }))).status).toBe(409);
    // The domain is free again: a deleted customer can be registered anew.
    expect((await admin.createCustomer(input({ domain: c.domain }))).status).toBe('provisioning');
  });

  test('an approved request waits for Veeam to delete the customer; the date alone deletes nothing', async () => {
    const c = await activeCustomer();
    const date = new Date(t.clock.now().getTime() + 3 * 86_400_000).toISOString().slice(0, 10);
    await admin.requestOffboarding(c.id, { date, reason: 'Contract ends', licenseCount: 10 });
    await admin.submitOffboarding(c.id, '07000001');
    const approved = await admin.recordOffboardingOutcome(c.id, { caseNumber: '07000001', outcome: 'approved' });
    expect(approved.status).toBe('active');
    expect(approved.offboardingRequest?.status).toBe('approved');
    t.clock.set(`${date}T12:00:00.000Z`);
    await tick();
    expect((await admin.customer(c.id)).status).toBe('active');
    expect((await admin.recordOffboardingOutcome(c.id, { caseNumber: '07000001', outcome: 'deleted' })).status).toBe('offboarded');
  });

  test('rejection keeps the customer; recording needs customerManagement and the case number', async () => {
    const c = await activeCustomer();
    await admin.requestOffboarding(c.id, { date: today(), reason: 'Leaving', licenseCount: 5 });
    await admin.submitOffboarding(c.id, '07000002');
    const reader = await t.userWith(['backupManagement']);
    const forbidden = await failure(reader.client.recordOffboardingOutcome(c.id, { caseNumber: '07000002', outcome: 'deleted' }));
    expect(forbidden.status).toBe(403);
    expect(forbidden.message).toContain('customerManagement');
    expect((await failure(admin.recordOffboardingOutcome(c.id, { caseNumber: '07999999', outcome: 'deleted' }))).status).toBe(422);
    expect((await failure(admin.recordOffboardingOutcome(c.id, { caseNumber: '07000002', outcome: 'rejected' }))).status).toBe(400);
    const rejected = await admin.recordOffboardingOutcome(c.id, { caseNumber: '07000002', outcome: 'rejected', note: 'The customer still has an annual contract' });
    expect(rejected.offboardingRequest).toMatchObject({ status: 'rejected', note: 'The customer still has an annual contract' });
    expect((await admin.customer(c.id)).status).toBe('active');
    expect((await failure(admin.recordOffboardingOutcome(c.id, { caseNumber: '07000002', outcome: 'deleted' }))).status).toBe(409);
  });

  test.each([
    [{ date: '2020-01-01', reason: 'x', licenseCount: 1 }, 422, 'date'],
    [{ date: '31/12/2026', reason: 'x', licenseCount: 1 }, 400, 'body.date'],
    [{ date: '2030-01-01', reason: '', licenseCount: 1 }, 400, 'body.reason'],
    [{ date: '2030-01-01', reason: 'x', licenseCount: -3 }, 400, 'body.licenseCount'],
  ])('refuses the request %j', async (body, status, field) => {
    const c = await pendingCustomer();
    const error = await failure(admin.raw('POST', `/customers/${c.id}/offboarding-request`, { body }));
    expect(error.status).toBe(status);
    expect(error.details.map((d) => d.field)).toContain(field);
    expect((await failure(admin.offboardingRequest(c.id))).status).toBe(404);
  });
});

describe('API description', () => {
  test('every customers route is in the OpenAPI document with its permission', async () => {
    const spec = (await (await t.fetch('http://hub.test/api/v1/openapi.json')).json()) as { paths: Record<string, Record<string, { 'x-permission'?: string }>> };
    const expected: [string, string, string][] = [
      ['/customers', 'get', 'monitoring'],
      ['/customers', 'post', 'customerManagement'],
      ['/customers/export.csv', 'get', 'monitoring'],
      ['/customers/{id}', 'patch', 'customerManagement'],
      ['/customers/{id}/invites/resend', 'post', 'customerManagement'],
      ['/customers/{id}/onboarding/confirm-tenant', 'post', 'customerManagement'],
      ['/customers/{id}/settings', 'put', 'customerManagement'],
      ['/customers/{id}/admins/{email}', 'delete', 'customerManagement'],
      ['/customers/{id}/licensed-users.csv', 'get', 'monitoring'],
      ['/customers/{id}/offboarding-request/outcome', 'post', 'customerManagement'],
      ['/me/tenants', 'get', 'monitoring'],
      ['/me', 'get', 'monitoring'],
    ];
    for (const [path, method, permission] of expected) expect(spec.paths[path]?.[method]?.['x-permission'], `${method} ${path}`).toBe(permission);
  });
});
