import { describe, expect, test } from 'vitest';
import { checkCustomerDomain, checkTenantDomain, isInsideDomain } from '../../shared/domain/customer-domain.js';
import { Customer, LicensedUser } from '../../shared/schemas/customers.js';
import { createTestHub } from '../../test/helpers/hub.js';
import { customers as customerCollection } from '../services/customer-collection.js';
import { demoCustomers, generateCustomers, generateLicensedUsers } from './customers.js';

const NOW = new Date('2026-11-24T09:00:00.000Z');

describe('demo customers', () => {
  const { customers, licensedUsers } = demoCustomers(NOW, 10 * 60_000, 'admin@northwind-msp.com');
  const active = customers.filter((c) => c.status === 'active');
  const use = (c: Customer) => c.backedUpAccounts / (c.licenseLimit ?? 0);

  test('about sixty valid customers with their own, unique domains and names', () => {
    expect(customers.length).toBeGreaterThanOrEqual(55);
    expect(customers.length).toBeLessThanOrEqual(65);
    for (const c of customers) {
      expect(Customer.safeParse(c).success, c.displayName).toBe(true);
      expect(checkCustomerDomain(c.domain!), c.domain).toEqual({ ok: true, domain: c.domain });
      expect(isInsideDomain(c.contact.email, c.domain!)).toBe(true);
      if (c.tenantDomain) expect(checkTenantDomain(c.tenantDomain).ok, c.tenantDomain).toBe(true);
    }
    expect(new Set(customers.map((c) => c.domain)).size).toBe(customers.length);
    expect(new Set(customers.map((c) => c.displayName.toLowerCase())).size).toBe(customers.length);
    expect(customers.find((c) => c.domain === 'fabrikam-legal.com')?.displayName).toBe('Fabrikam Legal LLP');
  });

  test('every state the walkthroughs need is there', () => {
    const count = (f: (c: Customer) => boolean) => customers.filter(f).length;
    expect(count((c) => c.status === 'provisioning' && Date.parse(c.provisionedAt) > NOW.getTime())).toBeGreaterThanOrEqual(2);
    expect(count((c) => c.status === 'pending' && c.invites.length === 0)).toBeGreaterThanOrEqual(2);
    expect(count((c) => c.status === 'pending' && c.invites.length > 0)).toBeGreaterThanOrEqual(2);
    expect(count((c) => c.status === 'pending' && c.invites.some((i) => i.sendCount > 1))).toBeGreaterThanOrEqual(1);
    expect(new Set(active.map((c) => c.contractType))).toEqual(new Set(['Month to month', 'Annual', 'Trial', 'Cancelled']));
    expect(new Set(customers.map((c) => c.sourceType))).toEqual(new Set(['VCSP Pulse', 'Microsoft Marketplace', 'CloudBlue', 'Direct']));
    expect(Math.min(...active.map((c) => c.licenseLimit ?? 0))).toBe(5);
    expect(Math.max(...active.map((c) => c.licenseLimit ?? 0))).toBe(2500);
    expect(active.some((c) => use(c) >= 0.8 && use(c) <= 1)).toBe(true);
    expect(active.some((c) => c.storageQuotaGb !== undefined && c.storageConsumedGb / c.storageQuotaGb >= 0.9 && c.storageConsumedGb <= c.storageQuotaGb)).toBe(true);
    expect(active.some((c) => c.userChangeThisMonth > 0) && active.some((c) => c.userChangeThisMonth < 0)).toBe(true);
    expect(count((c) => c.offboardingRequest?.status === 'requested')).toBe(1);
    const tombstone = customers.filter((c) => c.status === 'offboarded');
    expect(tombstone).toHaveLength(1);
    expect(tombstone[0]!.offboardedAt!.slice(0, 7)).toBe('2026-11');
    expect(count((c) => c.admins.some((a) => a.email === 'admin@northwind-msp.com'))).toBeGreaterThanOrEqual(2);
    expect(active.some((c) => c.settings?.restrictToIpRanges)).toBe(true);
    // Most customers are not in alarm, so the license alert stands out.
    expect(active.filter((c) => use(c) >= 0.8).length).toBeLessThanOrEqual(5);
  });

  test('licensed users match the counts and live in the customer domain', () => {
    expect([...licensedUsers.keys()].sort()).toEqual(active.map((c) => c.id).sort());
    for (const c of active) {
      const users = licensedUsers.get(c.id)!;
      expect(users.length, c.displayName).toBe(c.totalActiveAccounts);
      expect(users.filter((u) => u.protectionStatus === 'Protected').length).toBe(c.backedUpAccounts);
      expect(new Set(users.map((u) => u.email)).size).toBe(users.length);
      for (const u of users.slice(0, 50)) {
        expect(LicensedUser.safeParse(u).success).toBe(true);
        expect(isInsideDomain(u.email, c.domain!)).toBe(true);
        expect(u.lastBackupAt === null).toBe(u.protectionStatus !== 'Protected');
      }
    }
  });

  test('is deterministic', () => {
    expect(demoCustomers(NOW, 10 * 60_000, 'admin@northwind-msp.com').customers).toEqual(customers);
  });
});

describe('bulk generator', () => {
  test('produces 10,000 distinct, valid customers, the same for the same seed', () => {
    const list = generateCustomers(10_000, { seed: 3, now: NOW });
    expect(list).toHaveLength(10_000);
    for (const key of ['id', 'domain', 'displayName'] as const) expect(new Set(list.map((c) => c[key]!.toLowerCase())).size, key).toBe(10_000);
    const tenants = list.flatMap((c) => (c.tenantDomain ? [c.tenantDomain] : []));
    expect(new Set(tenants).size).toBe(tenants.length);
    for (const c of list.filter((_, i) => i % 97 === 0)) {
      expect(Customer.safeParse(c).success, c.id).toBe(true);
      expect(checkCustomerDomain(c.domain!).ok, c.domain).toBe(true);
    }
    const statuses = new Set(list.map((c) => c.status));
    expect(statuses).toEqual(new Set(['provisioning', 'pending', 'active', 'offboarded']));
    const withoutId = ({ id: _id, ...rest }: Customer) => rest;
    expect(generateCustomers(50, { seed: 3, now: NOW }).map(withoutId)).toEqual(list.slice(0, 50).map(withoutId));
    expect(generateCustomers(50, { seed: 4, now: NOW }).map((c) => c.domain)).not.toEqual(list.slice(0, 50).map((c) => c.domain));
  });

  test('licensed users are the same for the same customer', () => {
    const [c] = generateCustomers(1, { seed: 5, profiles: [{ status: 'active', licenses: 300, licenseUse: 0.5 }] });
    expect(generateLicensedUsers(c!, NOW)).toEqual(generateLicensedUsers(c!, NOW));
  });
});

describe('seeding a hub', () => {
  test('fills an empty store once and lists the demo through the API', async () => {
    const t = await createTestHub({ seed: true });
    try {
      const count = t.hub.ctx.store.count(customerCollection);
      expect(count).toBeGreaterThanOrEqual(55);
      await t.hub.seedDemo();
      expect(t.hub.ctx.store.count(customerCollection)).toBe(count);
      expect((await t.admin.customers({ q: 'tailspin-logistics' })).items[0]).toMatchObject({ licenses: 230, licenseLimit: 250, backedUpAccounts: 230 });
      expect((await t.admin.myTenants()).total).toBeGreaterThanOrEqual(2);
      expect(t.hub.banner('http://127.0.0.1:3978').some((line) => line.includes('/api/v1/customers'))).toBe(true);
    } finally {
      await t.close();
    }
  });
});
