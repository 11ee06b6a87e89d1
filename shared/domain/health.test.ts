import { describe, expect, it } from 'vitest';
import { HOUR } from './clock.js';
import { isStale, licensePercent, staleAt, storagePercent, worstResult } from './health.js';

describe('health rules', () => {
  it('takes the worst result', () => {
    expect(worstResult([])).toBe('Never');
    expect(worstResult(['Success', 'Never'])).toBe('Success');
    expect(worstResult(['Success', 'Warning', 'Stopped'])).toBe('Warning');
    expect(worstResult(['Warning', 'Failed'])).toBe('Failed');
    expect(worstResult(['Failed', 'Disconnected', 'Success'])).toBe('Disconnected');
  });

  it('is stale when an enabled policy had no protecting session within the threshold', () => {
    const now = new Date('2026-11-24T09:00:00Z');
    const base = { enabled: true, createdAt: '2026-11-01T00:00:00.000Z' };
    expect(isStale({ ...base, lastSuccessAt: '2026-11-23T09:00:01.000Z' }, now, 24 * HOUR)).toBe(false);
    expect(isStale({ ...base, lastSuccessAt: '2026-11-23T09:00:00.000Z' }, now, 24 * HOUR)).toBe(true);
    expect(isStale({ ...base, lastSuccessAt: null }, now, 24 * HOUR)).toBe(true);
    expect(isStale({ ...base, createdAt: '2026-11-24T08:00:00.000Z', lastSuccessAt: null }, now, 24 * HOUR)).toBe(false);
    expect(isStale({ ...base, enabled: false, lastSuccessAt: null }, now, 24 * HOUR)).toBe(false);
    expect(staleAt({ ...base, lastSuccessAt: '2026-11-23T09:00:00.000Z' }, 48 * HOUR)).toBe(Date.parse('2026-11-25T09:00:00Z'));
  });

  it('computes license and storage percentages', () => {
    expect(licensePercent({ licenseLimit: 250, backedUpAccounts: 200 })).toBe(80);
    expect(licensePercent({ licenseLimit: 3, backedUpAccounts: 2 })).toBe(66.7);
    expect(licensePercent({ licenseLimit: 0, backedUpAccounts: 5 })).toBeNull();
    expect(storagePercent({ storageQuotaGb: 1000, storageConsumedGb: 912.34 })).toBe(91.2);
    expect(storagePercent({ storageConsumedGb: 10 })).toBeNull();
  });
});
