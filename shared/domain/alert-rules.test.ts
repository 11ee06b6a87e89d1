import { describe, expect, it } from 'vitest';
import { DEFAULT_MONITORING_SETTINGS } from '../schemas/monitoring.js';
import { acknowledgementCovers, compareAlerts, licenseAlert, policyResultAlert, staleAlert, storageAlert, tenantAlert, type CustomerFacts } from './alert-rules.js';
import { samplePolicy as policy } from './testing.js';

const NOW = new Date('2026-11-24T09:00:00.000Z');
const customer: CustomerFacts = {
  id: 'cus_1',
  displayName: 'Acme',
  status: 'active',
  licenseLimit: 100,
  backedUpAccounts: 50,
  storageConsumedGb: 10,
  tenantDomain: 'acme.onmicrosoft.com',
};
const settings = DEFAULT_MONITORING_SETTINGS;

describe('alert rules', () => {
  it('raises a critical alert for a failed policy with the retry action and the failing start', () => {
    const alert = policyResultAlert(policy({ lastResult: 'Failed', lastStatus: 'Failed', lastMessage: 'throttled', failingSince: '2026-11-22T01:40:00.000Z' }), customer);
    expect(alert).toEqual({
      id: 'backupFailed.pol_1',
      kind: 'backupFailed',
      severity: 'critical',
      customerId: 'cus_1',
      customerName: 'Acme',
      subject: { type: 'policy', id: 'pol_1', name: 'Mail' },
      reason: 'The last session of policy "Mail" ended Failed: throttled',
      reasonText: { key: 'api.alert.failed', params: { policy: 'Mail', message: 'throttled' } },
      since: '2026-11-22T01:40:00.000Z',
      action: { type: 'startPolicy', label: 'Retry the policy', policyId: 'pol_1' },
    });
  });

  it('raises a warning for Warning, keeps it while a retry runs, and offers enable for a disabled policy', () => {
    expect(policyResultAlert(policy({ lastResult: 'Warning', lastStatus: 'Running' }), customer)?.severity).toBe('warning');
    expect(policyResultAlert(policy({ lastResult: 'Warning', lastMessage: '2 warnings: some items were skipped' }), customer)?.reason).toBe(
      'The last session of policy "Mail" completed with warnings (2 warnings: some items were skipped)',
    );
    expect(policyResultAlert(policy({ lastResult: 'Warning', lastMessage: null }), customer)?.reason).toBe('The last session of policy "Mail" completed with warnings.');
    expect(policyResultAlert(policy({ lastResult: 'Failed', enabled: false }), customer)?.action?.type).toBe('enablePolicy');
    for (const lastResult of ['Success', 'Never', 'Stopped', 'Disconnected'] as const) expect(policyResultAlert(policy({ lastResult }), customer)).toBeNull();
  });

  it('raises one tenant alert per customer for disconnected policies, since the earliest', () => {
    const alert = tenantAlert(customer, [
      policy({ id: 'p1', lastResult: 'Disconnected', failingSince: '2026-11-23T00:00:00.000Z' }),
      policy({ id: 'p2', lastResult: 'Disconnected', failingSince: '2026-11-22T00:00:00.000Z' }),
      policy({ id: 'p3', lastResult: 'Success' }),
    ]);
    expect(alert).toMatchObject({ id: 'tenantDisconnected.cus_1', since: '2026-11-22T00:00:00.000Z', action: { type: 'reconnectTenant', customerId: 'cus_1' } });
    expect(alert?.reason).toMatch(/2 policies cannot connect to the Microsoft 365 organization acme\.onmicrosoft\.com/);
    expect(tenantAlert(customer, [policy({ lastResult: 'Failed' })])).toBeNull();
  });

  it('flags stale protection at the threshold, since the moment it became stale', () => {
    const p = policy({ lastSuccessAt: '2026-11-23T08:00:00.000Z' });
    expect(staleAlert(p, customer, settings, NOW)).toMatchObject({ id: 'staleProtection.pol_1', since: '2026-11-24T08:00:00.000Z', action: { type: 'startPolicy' } });
    expect(staleAlert(p, customer, { ...settings, staleAfterHours: 48 }, NOW)).toBeNull();
    expect(staleAlert(p, { ...customer, status: 'pending' }, settings, NOW)).toBeNull();
    expect(staleAlert(policy({ enabled: false }), customer, settings, NOW)).toBeNull();
    expect(staleAlert(policy({ runningSessionId: 's' }), customer, settings, NOW)?.action).toBeNull();
    expect(staleAlert(policy(), customer, settings, NOW)?.reason).toMatch(/never completed/);
  });

  it('says why a policy is stale in words, leaving the moment to since (no raw timestamps)', () => {
    const stale = staleAlert(policy({ name: 'Mail', lastSuccessAt: '2026-11-22T04:33:37.000Z' }), customer, settings, NOW)!;
    expect(stale.reason).toBe('Policy "Mail" has had no successful session for more than 24 h.');
    expect(stale.since).toBe('2026-11-23T04:33:37.000Z');
    const never = staleAlert(policy({ name: 'Teams', lastSuccessAt: null, createdAt: '2026-11-20T10:00:00.000Z' }), customer, { ...settings, staleAfterHours: 48 }, NOW)!;
    expect(never.reason).toBe('Policy "Teams" has never completed a successful session (created more than 48 h ago).');
    expect(never.since).toBe('2026-11-22T10:00:00.000Z');
    const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
    const drafts = [
      stale,
      never,
      policyResultAlert(policy({ lastResult: 'Failed', failingSince: '2026-11-22T01:40:00.000Z', lastRun: '2026-11-24T01:30:00.000Z' }), customer),
      tenantAlert(customer, [policy({ lastResult: 'Disconnected', failingSince: '2026-11-22T01:40:00.000Z' })]),
      licenseAlert({ ...customer, backedUpAccounts: 100 }, settings),
      storageAlert({ ...customer, storageConsumedGb: 1000, storageQuotaGb: 1000 }, settings),
    ];
    for (const draft of drafts) expect(draft?.reason, draft?.id).not.toMatch(ISO_TIME);
  });

  it('flags licenses at or above the threshold, critical at the limit', () => {
    expect(licenseAlert({ ...customer, backedUpAccounts: 79 }, settings)).toBeNull();
    expect(licenseAlert({ ...customer, backedUpAccounts: 80 }, settings)).toMatchObject({ severity: 'warning', id: 'licenseThreshold.cus_1', action: { type: 'increaseLicenses' } });
    expect(licenseAlert({ ...customer, backedUpAccounts: 104 }, settings)?.severity).toBe('critical');
    expect(licenseAlert({ ...customer, backedUpAccounts: 60 }, { ...settings, licenseThresholdPercent: 60 })?.reason).toBe('60 of 100 licenses in use (60 %, threshold 60 %).');
    expect(licenseAlert({ ...customer, licenseLimit: 0, backedUpAccounts: 10 }, settings)).toBeNull();
  });

  it('flags storage only where a quota is set', () => {
    expect(storageAlert({ ...customer, storageConsumedGb: 950 }, settings)).toBeNull();
    expect(storageAlert({ ...customer, storageConsumedGb: 900, storageQuotaGb: 1000 }, settings)).toMatchObject({ kind: 'storageQuota', severity: 'warning' });
    expect(storageAlert({ ...customer, storageConsumedGb: 899, storageQuotaGb: 1000 }, settings)).toBeNull();
  });

  it('an acknowledgement covers the same occurrence at no worse severity', () => {
    const ack = { since: '2026-11-22T00:00:00.000Z', severity: 'warning' as const };
    expect(acknowledgementCovers(ack, { since: ack.since, severity: 'warning' })).toBe(true);
    expect(acknowledgementCovers(ack, { since: ack.since, severity: 'critical' })).toBe(false);
    expect(acknowledgementCovers(ack, { since: '2026-11-23T00:00:00.000Z', severity: 'warning' })).toBe(false);
  });

  it('orders alerts worst first, then oldest, then by id', () => {
    const a = (id: string, severity: 'info' | 'warning' | 'critical', since: string) => ({ id, severity, since });
    const list = [a('b', 'warning', '2026-11-23'), a('a', 'warning', '2026-11-23'), a('c', 'critical', '2026-11-24'), a('d', 'info', '2026-11-01'), a('e', 'warning', '2026-11-22')];
    expect([...list].sort(compareAlerts).map((x) => x.id)).toEqual(['c', 'e', 'a', 'b', 'd']);
  });
});
