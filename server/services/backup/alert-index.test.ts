import { afterEach, describe, expect, it } from 'vitest';
import { acknowledgementCovers, compareAlerts, licenseAlert, policyResultAlert, staleAlert, storageAlert, tenantAlert, type AlertDraft } from '../../../shared/domain/alert-rules.js';
import { FakeClock, HOUR, MINUTE } from '../../../shared/domain/clock.js';
import { seededRandom } from '../../../shared/domain/random.js';
import { samplePolicy } from '../../../shared/domain/testing.js';
import type { Policy, PolicyResult } from '../../../shared/schemas/backup.js';
import type { Customer, CustomerStatus } from '../../../shared/schemas/customers.js';
import type { Alert } from '../../../shared/schemas/monitoring.js';
import { createTestHub, type TestHub } from '../../../test/helpers/hub.js';
import { systemPrincipal } from '../../auth/principal.js';
import { customers } from '../customer-collection.js';
import { alertAcks, monitoringSettings, openAlerts, policies } from './collections.js';
import { MORNING, putMorning, testCustomer } from './testing.js';

// The alert index keeps the open alerts up to date as their inputs change. Checked here against
// the plain definition, computed from scratch over every customer and policy, through a long
// run of random changes: policies and customers changing, appearing and going, thresholds,
// acknowledgements, the monitor, and the clock moving (also backwards).

let t: TestHub;
afterEach(async () => t?.close());

/** Every open alert at `now`, from scratch: what the index must always equal. */
function fromScratch(hub: TestHub['hub'], customerId?: string, others: { name: string; list: (customerId?: string) => AlertDraft[] }[] = []): Alert[] {
  const { store, clock, services } = hub.ctx;
  const now = clock.now();
  const settings = services.alerts.settings();
  const drafts: [AlertDraft, string][] = [];
  const external: [AlertDraft, string][] = others.flatMap((o) => o.list(customerId).map((d): [AlertDraft, string] => [d, o.name]));
  const byCustomer = new Map<string, Policy[]>();
  for (const p of store.all(policies)) byCustomer.set(p.customerId, [...(byCustomer.get(p.customerId) ?? []), p]);
  for (const customer of store.all(customers)) {
    if (customerId && customer.id !== customerId) continue;
    const own = byCustomer.get(customer.id) ?? [];
    for (const p of own) {
      const result = policyResultAlert(p, customer);
      if (result) drafts.push([result, 'backup-results']);
      const stale = staleAlert(p, customer, settings, now);
      if (stale) drafts.push([stale, 'stale-protection']);
    }
    const tenant = tenantAlert(customer, own);
    if (tenant) drafts.push([tenant, 'backup-results']);
    const license = licenseAlert(customer, settings);
    if (license) drafts.push([license, 'license-usage']);
    const storage = storageAlert(customer, settings);
    if (storage) drafts.push([storage, 'storage-quota']);
  }
  return (
    [...drafts, ...external]
      // The answer carries the reason as text; its catalog form stays inside.
      .map(([{ reasonText: _text, ...draft }, source]): Alert => {
        const since = draft.since ?? store.get(openAlerts, draft.id)?.firstSeenAt ?? now.toISOString();
        const ack = store.get(alertAcks, draft.id);
        const covered = ack && acknowledgementCovers(ack, { since, severity: draft.severity });
        return { ...draft, since, source, acknowledged: covered ? { by: ack.by, at: ack.at, note: ack.note } : null };
      })
      .sort(compareAlerts)
  );
}

const RESULTS: PolicyResult[] = ['Success', 'Warning', 'Failed', 'Disconnected', 'Never', 'Stopped', 'Success', 'Failed'];
const STATUSES: CustomerStatus[] = ['active', 'active', 'active', 'offboarded', 'pending'];

describe('alert index', () => {
  it('always equals the alerts computed from scratch, through random changes and moves of the clock', async () => {
    const clock = new FakeClock(MORNING);
    t = await createTestHub({ clock });
    await putMorning(t.hub);
    const { store } = t.hub.ctx;
    const alerts = t.hub.ctx.services.alerts;
    const random = seededRandom(2026);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const moment = () => new Date(clock.now().getTime() - Math.floor(random() * 96) * HOUR - Math.floor(random() * 60) * MINUTE).toISOString();
    const maybe = <T>(value: () => T): T | null => (random() < 0.3 ? null : value());

    const customerIds = ['cus_acme', 'cus_bravo', 'cus_charlie'];
    for (let i = 0; i < 12; i++) {
      const c = testCustomer({ id: `cus_r${i}`, displayName: `Random ${i}`, licenseLimit: 100, backedUpAccounts: 70 + i * 3, ...(i % 3 === 0 && { storageQuotaGb: 100, storageConsumedGb: 80 + i }) });
      await store.write((tx) => tx.put(customers, c));
      customerIds.push(c.id);
    }
    // Another area's provider, whose alerts change between calls; one shares an id with a built-in alert.
    let externalDrafts: AlertDraft[] = [];
    const other = { name: 'other-area', list: (customerId?: string) => externalDrafts.filter((d) => !customerId || d.customerId === customerId) };
    alerts.register({ name: other.name, kinds: ['otherKind'], list: ({ customerId }) => other.list(customerId) });
    const reshuffle = () => {
      externalDrafts = [0, 1, 2].map((i) => ({
        id: i === 2 ? 'licenseThreshold.cus_acme' : `otherKind.${i}`,
        kind: 'otherKind',
        severity: pick(['info', 'warning', 'critical'] as const),
        customerId: i === 1 ? null : 'cus_acme',
        customerName: null,
        subject: { type: 'thing', id: String(i), name: `Thing ${i}` },
        reason: 'From another area',
        since: random() < 0.5 ? null : moment(),
        action: null,
      }));
    };
    reshuffle();
    let policySeq = 0;
    const randomPolicy = (over: Partial<Policy> = {}): Policy => {
      const result = pick(RESULTS);
      return samplePolicy({
        id: `pol_r${++policySeq}`,
        customerId: pick(customerIds),
        name: `Policy ${policySeq}`,
        enabled: random() > 0.15,
        lastResult: result,
        lastStatus: result,
        lastMessage: maybe(() => 'throttled'),
        lastRun: maybe(moment),
        failingSince: result === 'Success' ? null : maybe(moment),
        lastSuccessAt: maybe(moment),
        runningSessionId: random() < 0.1 ? 'ses_running' : null,
        createdAt: moment(),
        updatedAt: moment(),
        ...over,
      });
    };
    await store.write((tx) => {
      for (let i = 0; i < 60; i++) tx.put(policies, randomPolicy());
    });

    const check = (step: number, what: string) => {
      const label = `step ${step}: ${what}`;
      const everything = fromScratch(t.hub, undefined, [other]);
      expect(alerts.all(), label).toEqual(everything);
      expect(alerts.list({ page: 3, pageSize: 7 }), label).toEqual({ items: everything.slice(14, 21), total: everything.length, page: 3, pageSize: 7 });
      const customerId = pick(customerIds);
      const own = fromScratch(t.hub, customerId, [other]);
      expect(alerts.all(customerId), label).toEqual(own);
      expect(alerts.countOpen(customerId), label).toBe(own.filter((a) => !a.acknowledged).length);
      const expected = fromScratch(t.hub, undefined, [other]).filter((a) => a.severity === 'warning' && a.acknowledged === null);
      const page = alerts.list({ severity: ['warning'], acknowledged: false, page: 2, pageSize: 3 });
      expect(page, label).toEqual({ items: expected.slice(3, 6), total: expected.length, page: 2, pageSize: 3 });
    };

    check(0, 'start');
    for (let step = 1; step <= 400; step++) {
      const roll = random();
      let what: string;
      const all = [...store.all(policies)];
      if (roll < 0.3 && all.length) {
        const p = pick(all);
        const next = randomPolicy({ id: p.id, createdAt: p.createdAt, ...(random() < 0.7 && { customerId: p.customerId }) });
        await store.write((tx) => tx.put(policies, next));
        what = `policy ${p.id} changed`;
      } else if (roll < 0.37) {
        const p = randomPolicy();
        await store.write((tx) => tx.put(policies, p));
        what = `policy ${p.id} added`;
      } else if (roll < 0.42 && all.length) {
        const p = pick(all);
        await store.write((tx) => tx.delete(policies, p.id));
        what = `policy ${p.id} removed`;
      } else if (roll < 0.55) {
        const id = pick(customerIds);
        const current = store.get(customers, id) ?? testCustomer({ id });
        const next: Customer = {
          ...current,
          status: pick(STATUSES),
          displayName: random() < 0.3 ? `Renamed ${step}` : current.displayName,
          tenantDomain: random() < 0.2 ? `t${step}.onmicrosoft.com` : current.tenantDomain,
          backedUpAccounts: Math.floor(random() * 130),
          storageConsumedGb: Math.floor(random() * 120),
        };
        await store.write((tx) => tx.put(customers, next));
        what = `customer ${id} changed`;
      } else if (roll < 0.58) {
        const id = pick(customerIds);
        if (store.get(customers, id)) await store.write((tx) => tx.delete(customers, id));
        what = `customer ${id} removed`;
      } else if (roll < 0.75) {
        clock.advance(Math.floor(random() * 6 * HOUR));
        what = 'time passes';
      } else if (roll < 0.78) {
        clock.set(clock.now().getTime() - Math.floor(random() * 5 * HOUR));
        what = 'the clock goes back';
      } else if (roll < 0.82) {
        const settings = { staleAfterHours: pick([12, 24, 48]), licenseThresholdPercent: pick([70, 80, 95]), storageThresholdPercent: pick([80, 90]) };
        await alerts.updateSettings(systemPrincipal('test'), settings);
        what = `thresholds ${JSON.stringify(settings)}`;
      } else if (roll < 0.92) {
        const open = alerts.all();
        if (open.length) {
          const a = pick(open);
          await alerts.acknowledge(systemPrincipal('test'), a.id, 'seen');
          what = `acknowledged ${a.id}`;
        } else what = 'nothing to acknowledge';
      } else if (roll < 0.96) {
        await alerts.monitor();
        what = 'monitor';
      } else {
        reshuffle();
        what = 'another area changes its alerts';
      }
      check(step, what);
    }
    // The run went through the cases that matter.
    expect(store.count(alertAcks)).toBeGreaterThan(0);
    expect(store.count(openAlerts)).toBeGreaterThan(0);
    expect(store.get(monitoringSettings, 'monitoring')).toBeDefined();
  });

  it('turns a policy stale when its moment comes, on a read at that moment', async () => {
    const clock = new FakeClock(MORNING);
    t = await createTestHub({ clock });
    await putMorning(t.hub);
    const alerts = t.hub.ctx.services.alerts;
    // Acme's Sites last succeeded 24/11 01:50: stale from 25/11 01:50.
    const stale = () =>
      alerts
        .all()
        .filter((a) => a.kind === 'staleProtection')
        .map((a) => a.id);
    expect(stale()).not.toContain('staleProtection.pol_acme_sites');
    clock.set(Date.parse('2026-11-25T01:49:59.999Z'));
    expect(stale()).not.toContain('staleProtection.pol_acme_sites');
    clock.set(Date.parse('2026-11-25T01:50:00.000Z'));
    expect(stale()).toContain('staleProtection.pol_acme_sites');
    expect(alerts.countOpen('cus_acme')).toBe(fromScratch(t.hub, 'cus_acme').length);
    // Changed at that very moment (renamed): still stale, under its new name.
    const sites = t.hub.ctx.store.get(policies, 'pol_acme_sites')!;
    await t.hub.ctx.store.write((tx) => tx.put(policies, { ...sites, name: 'Sites and OneDrive' }));
    expect(alerts.all().find((a) => a.id === 'staleProtection.pol_acme_sites')?.subject.name).toBe('Sites and OneDrive');
    // Should the clock go back, it is not stale yet again.
    clock.set(Date.parse('2026-11-25T01:49:00.000Z'));
    expect(stale()).not.toContain('staleProtection.pol_acme_sites');
    expect(alerts.all()).toEqual(fromScratch(t.hub));
  });
});
