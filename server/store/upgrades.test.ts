import { describe, expect, it } from 'vitest';
import { Customer } from '../../shared/schemas/customers.js';
import { DailyFigures } from '../../shared/schemas/monitoring.js';
import { completedOffboardingV1, customerV1 } from '../../test/helpers/old-store.js';
import { STORE_VERSION } from './journal-store.js';
import { storeV1toV2, LATEST_STORE_VERSION, upgradeCollections, type StoredCollections } from './upgrades.js';

describe('store upgrades', () => {
  it('the steps lead to the version the store writes', () => {
    expect(LATEST_STORE_VERSION).toBe(STORE_VERSION);
    expect(STORE_VERSION).toBe(2);
  });

  it('v1 -> v2: the old licenses become licenseLimit and licenses the used (protected) count', () => {
    const before: StoredCollections = { customers: [customerV1('cus_a', 100, 85), customerV1('cus_b', 40, 0)], policies: [{ id: 'pol_1' }] };
    const { collections, changes } = storeV1toV2(before);
    expect(collections.customers).toEqual([
      { ...customerV1('cus_a', 85, 85), licenseLimit: 100 },
      { ...customerV1('cus_b', 0, 0), licenseLimit: 40 },
    ]);
    expect(collections.policies).toBe(before.policies);
    expect(changes).toEqual(['2 customers: licenseLimit = the old licenses, licenses = protected accounts']);
    // The input is left as it was (a refused upgrade must leave the loaded records alone).
    expect((before.customers![0] as { licenses: number }).licenses).toBe(100);
    for (const c of collections.customers!) expect(Customer.safeParse(c).success).toBe(true);
  });

  it('v1 -> v2: a completed offboarding becomes deleted, dated by the tombstone', () => {
    const request = completedOffboardingV1();
    const old = customerV1('cus_gone', 12, 12, { status: 'offboarded', offboardedAt: '2026-03-01T00:05:00.000Z', offboardingRequest: request });
    expect(Customer.safeParse(old).success).toBe(false); // today's schema refuses 'completed'
    const { collections, changes } = storeV1toV2({ customers: [old] });
    const [c] = collections.customers as Customer[];
    expect(c!.offboardingRequest).toEqual({ ...request, status: 'deleted', deletedAt: '2026-03-01T00:05:00.000Z', deletionSource: 'support-case' });
    expect(Customer.safeParse(c).success).toBe(true);
    expect(changes).toContain('1 offboarding request: completed -> deleted');
  });

  it("v1 -> v2: the dashboard days' licence totals (sums of limits) become unknown, their other figures stay", () => {
    const day = { id: '2026-11-30', jobs: { Success: 3, Warning: 0, Failed: 1, Stopped: 0, Disconnected: 0 }, restores: { cus_a: 1 }, customers: 4, licenses: 400 };
    const blank = { ...day, id: '2026-11-29', customers: null, licenses: null };
    const { collections, changes } = storeV1toV2({ backupDaily: [day, blank] });
    expect(collections.backupDaily).toEqual([{ ...day, licenses: null }, blank]);
    expect(changes).toEqual(['1 dashboard day: licence total (a sum of limits) -> unknown']);
    expect(DailyFigures.safeParse(collections.backupDaily![0]).success).toBe(true);
  });

  it('is idempotent: records already in the new form are left alone', () => {
    const current = { ...customerV1('cus_new', 30, 30), licenseLimit: 50 };
    const once = storeV1toV2({ customers: [customerV1('cus_old', 100, 85), current] });
    const twice = storeV1toV2(once.collections);
    expect(twice.collections).toEqual(once.collections);
    expect(twice.changes).toEqual([]);
    expect(once.collections.customers![1]).toBe(current);
  });

  it('runs every step from the stored version and says what each changed', () => {
    const result = upgradeCollections({ customers: [customerV1('cus_a', 10, 9)] }, 1);
    expect(result.version).toBe(2);
    expect(result.changes).toEqual(['v2: 1 customer: licenseLimit = the old licenses, licenses = protected accounts']);
    expect(upgradeCollections({ customers: [] }, 2)).toEqual({ collections: { customers: [] }, version: 2, changes: [] });
  });
});
