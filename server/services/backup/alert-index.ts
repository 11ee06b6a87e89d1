import type { Text } from '../../../shared/i18n/index.js';
import { acknowledgementCovers, alertId, compareAlerts, licenseAlert, policyResultAlert, staleAlert, storageAlert, tenantAlert, type AlertDraft } from '../../../shared/domain/alert-rules.js';
import { HOUR } from '../../../shared/domain/clock.js';
import { MinHeap } from '../../../shared/domain/min-heap.js';
import { staleAt } from '../../../shared/domain/health.js';
import type { Policy } from '../../../shared/schemas/backup.js';
import type { Customer } from '../../../shared/schemas/customers.js';
import { DEFAULT_MONITORING_SETTINGS, type Alert, type MonitoringSettings } from '../../../shared/schemas/monitoring.js';
import type { HubContext } from '../../context.js';
import { alertAcks, monitoringSettings, openAlerts } from './collections.js';
import type { CustomerDirectory } from './customer-directory.js';
import type { PolicyIndex } from './policy-index.js';

/** The built-in providers (their names are the alerts' `source`). */
export const BUILT_IN_SOURCES = { results: 'backup-results', stale: 'stale-protection', license: 'license-usage', storage: 'storage-quota' } as const;
export type BuiltInSource = (typeof BUILT_IN_SOURCES)[keyof typeof BUILT_IN_SOURCES];

interface Entry {
  draft: AlertDraft;
  source: BuiltInSource;
  customerId: string;
}

/**
 * The open built-in alerts (backup results, stale protection, license usage, storage quota),
 * kept up to date as policies, customers, thresholds, acknowledgements and the monitor's record
 * change, so a page of alerts is a read rather than a pass over every policy.
 *
 * Alerts whose start is known are kept in list order (worst, then oldest, then by id). Those
 * whose start is not known yet (a license or storage alert the monitor has not seen) start "now"
 * and are put in order when read. Stale protection is the one condition that appears by time
 * alone: policies that will turn stale wait in a heap by the moment they do, and are moved in
 * when a read (at that moment or later) comes.
 *
 * It is built on first use (about 0.2 s for 30,000 policies), so a hub's start does not wait
 * for it, and again when a threshold changes.
 */
export class AlertIndex {
  private settings: MonitoringSettings = { ...DEFAULT_MONITORING_SETTINGS };
  private readonly entries = new Map<string, Entry>();
  private readonly ofCustomer = new Map<string, Set<string>>();
  /** Alerts with a known start, in list order, and each by id. */
  private ordered: Alert[] = [];
  private readonly placed = new Map<string, Alert>();
  /** Per customer: how many of its placed alerts are not acknowledged (what batch health shows). */
  private readonly unacknowledged = new Map<string, number>();
  /** Alerts whose start is not known yet. */
  private readonly unseen = new Map<string, Entry>();
  /** Enabled policies of active customers: when each is (or will be) stale. */
  private readonly staleAtOf = new Map<string, number>();
  /** Policies that will turn stale after `mark`, by that moment (entries that no longer match are skipped). */
  private readonly upcoming = new MinHeap<{ at: number; id: string }>((a, b) => a.at - b.at);
  /** The moment stale protection was last brought up to. */
  private mark = 0;
  private building = false;
  /** Changes before the first use need no handling: the build reads them. */
  private built = false;

  constructor(
    private readonly ctx: HubContext,
    private readonly deps: { index: PolicyIndex; directory: CustomerDirectory },
  ) {
    deps.index.onChange((before, after) => this.built && this.onPolicy(before, after));
    deps.directory.onChange((customerId, before, after) => this.built && this.onCustomer(customerId, before, after));
    const replace = (record: { id: string } | undefined) => this.built && record && this.place(record.id);
    ctx.store.onChange(monitoringSettings, () => this.built && this.rebuild());
    ctx.store.onChange(openAlerts, (before, after) => replace(after ?? before));
    ctx.store.onChange(alertAcks, (before, after) => replace(after ?? before));
  }

  /** Every open built-in alert at `now`, in list order. */
  sorted(now: Date): { known: readonly Alert[]; unseen: Alert[] } {
    this.advanceTo(now.getTime());
    const at = now.toISOString();
    return { known: this.ordered, unseen: [...this.unseen.values()].map((e) => this.complete(e, at)).sort(compareAlerts) };
  }

  /** A customer's open built-in alerts at `now` (in no particular order). */
  ofCustomerAt(customerId: string, now: Date): Alert[] {
    this.advanceTo(now.getTime());
    const out: Alert[] = [];
    for (const id of this.ofCustomer.get(customerId) ?? []) out.push(this.alertAt(id, now)!);
    return out;
  }

  /** How many of a customer's open built-in alerts at `now` are not acknowledged, without building them. */
  countUnacknowledged(customerId: string, now: Date): number {
    this.advanceTo(now.getTime());
    let count = this.unacknowledged.get(customerId) ?? 0;
    if (this.unseen.size > 0) {
      for (const id of this.ofCustomer.get(customerId) ?? []) {
        const entry = this.unseen.get(id);
        if (!entry) continue;
        // Not seen yet, so it starts now: covered only by an acknowledgement given for that start.
        const ack = this.ctx.store.get(alertAcks, id);
        if (!ack || !acknowledgementCovers(ack, { since: now.toISOString(), severity: entry.draft.severity })) count += 1;
      }
    }
    return count;
  }

  /** One open built-in alert at `now`, or undefined. */
  get(id: string, now: Date): Alert | undefined {
    this.advanceTo(now.getTime());
    return this.alertAt(id, now);
  }

  /** The drafts of one built-in provider at `now` (of one customer when given). */
  drafts(source: BuiltInSource, now: Date, customerId?: string): AlertDraft[] {
    this.advanceTo(now.getTime());
    const ids = customerId ? (this.ofCustomer.get(customerId) ?? []) : this.entries.keys();
    const out: AlertDraft[] = [];
    for (const id of ids) {
      const entry = this.entries.get(id)!;
      if (entry.source === source) out.push(entry.draft);
    }
    return out;
  }

  // ---- keeping up ----

  /** An alert's reason as a catalog text, while the alert is open. */
  reasonText(id: string): Text | undefined {
    return this.entries.get(id)?.draft.reasonText;
  }

  private alertAt(id: string, now: Date): Alert | undefined {
    const placed = this.placed.get(id);
    if (placed) return placed;
    const entry = this.unseen.get(id);
    return entry && this.complete(entry, now.toISOString());
  }

  /** Everything again: at the start, and when a threshold changes. */
  private rebuild(): void {
    this.entries.clear();
    this.ofCustomer.clear();
    this.ordered = [];
    this.placed.clear();
    this.unacknowledged.clear();
    this.unseen.clear();
    this.staleAtOf.clear();
    this.upcoming.clear();
    const stored = this.ctx.store.get(monitoringSettings, 'monitoring');
    this.settings = stored
      ? { staleAfterHours: stored.staleAfterHours, licenseThresholdPercent: stored.licenseThresholdPercent, storageThresholdPercent: stored.storageThresholdPercent }
      : { ...DEFAULT_MONITORING_SETTINGS };
    this.mark = this.ctx.clock.now().getTime();
    this.building = true;
    try {
      for (const customer of this.deps.directory.all()) this.putCustomerOwn(customer.id, customer);
      for (const customerId of [...this.deps.index.customerIds()]) this.putPolicies(customerId);
    } finally {
      this.building = false;
    }
    this.ordered.sort(compareAlerts);
    this.upcoming.heapify();
  }

  private onPolicy(before: Policy | undefined, after: Policy | undefined): void {
    if (before) this.dropPolicy(before);
    if (after) this.putPolicy(after);
    const touched = new Set<string>();
    // Only Disconnected policies make the tenant alert.
    if (before?.lastResult === 'Disconnected') touched.add(before.customerId);
    if (after?.lastResult === 'Disconnected') touched.add(after.customerId);
    for (const customerId of touched) this.putTenant(customerId);
  }

  private onCustomer(customerId: string, before: Customer | undefined, after: Customer | undefined): void {
    this.putCustomerOwn(customerId, after);
    // Policy alerts name the customer; stale protection and the tenant alert read its status and tenant.
    if (before && after && before.displayName === after.displayName && before.status === after.status && before.tenantDomain === after.tenantDomain) return;
    for (const policy of this.deps.index.ofCustomer(customerId)) this.dropPolicy(policy);
    this.putPolicies(customerId);
  }

  private putPolicies(customerId: string): void {
    const customer = this.deps.directory.get(customerId);
    const own = this.deps.index.ofCustomer(customerId);
    for (const policy of own) this.putPolicy(policy, customer);
    this.putTenant(customerId, customer, own);
  }

  private dropPolicy(policy: Policy): void {
    this.set(alertId('backupFailed', policy.id), null);
    this.set(alertId('backupWarning', policy.id), null);
    this.set(alertId('staleProtection', policy.id), null);
    this.staleAtOf.delete(policy.id);
  }

  private putPolicy(policy: Policy, customer = this.deps.directory.get(policy.customerId)): void {
    if (!customer) return;
    const result = policyResultAlert(policy, customer);
    if (result) this.set(result.id, { draft: result, source: BUILT_IN_SOURCES.results, customerId: customer.id });
    if (customer.status !== 'active') return;
    const at = staleAt(policy, this.settings.staleAfterHours * HOUR);
    if (at === null) return;
    this.staleAtOf.set(policy.id, at);
    if (at <= this.mark) this.putStale(policy, customer);
    else if (this.building) this.upcoming.add({ at, id: policy.id });
    else this.upcoming.push({ at, id: policy.id });
  }

  private putStale(policy: Policy, customer: Customer): void {
    const alert = staleAlert(policy, customer, this.settings, new Date(this.mark));
    if (alert) this.set(alert.id, { draft: alert, source: BUILT_IN_SOURCES.stale, customerId: customer.id });
  }

  private putTenant(customerId: string, customer = this.deps.directory.get(customerId), own?: Policy[]): void {
    const alert = customer ? tenantAlert(customer, own ?? this.deps.index.ofCustomer(customerId)) : null;
    this.set(alertId('tenantDisconnected', customerId), alert && { draft: alert, source: BUILT_IN_SOURCES.results, customerId });
  }

  private putCustomerOwn(customerId: string, customer: Customer | undefined): void {
    const license = customer ? licenseAlert(customer, this.settings) : null;
    const storage = customer ? storageAlert(customer, this.settings) : null;
    this.set(alertId('licenseThreshold', customerId), license && { draft: license, source: BUILT_IN_SOURCES.license, customerId });
    this.set(alertId('storageQuota', customerId), storage && { draft: storage, source: BUILT_IN_SOURCES.storage, customerId });
  }

  /** Stale protection as of `now`: policies whose moment has come turn stale (and back, should the clock go back). */
  private advanceTo(now: number): void {
    if (!this.built) {
      this.rebuild();
      this.built = true;
    }
    if (now === this.mark) return;
    if (now < this.mark) {
      this.mark = now;
      for (const [policyId, at] of this.staleAtOf) {
        const id = alertId('staleProtection', policyId);
        if (at > now && this.entries.has(id)) {
          this.set(id, null);
          this.upcoming.push({ at, id: policyId });
        }
      }
      return;
    }
    this.mark = now;
    for (let next = this.upcoming.peek(); next && next.at <= now; next = this.upcoming.peek()) {
      this.upcoming.pop();
      if (this.staleAtOf.get(next.id) !== next.at || this.entries.has(alertId('staleProtection', next.id))) continue;
      const policy = this.deps.index.get(next.id);
      const customer = policy && this.deps.directory.get(policy.customerId);
      if (policy && customer) this.putStale(policy, customer);
    }
    // Moments left behind by policies that changed since: drop them once they outnumber the live ones.
    if (this.upcoming.size > 2 * this.staleAtOf.size + 1024) this.upcoming.retain(({ at, id }) => this.staleAtOf.get(id) === at && !this.entries.has(alertId('staleProtection', id)));
  }

  private set(id: string, entry: Entry | null): void {
    const old = this.entries.get(id);
    if (!old && !entry) return;
    if (old) {
      this.entries.delete(id);
      const ids = this.ofCustomer.get(old.customerId);
      ids?.delete(id);
      if (ids?.size === 0) this.ofCustomer.delete(old.customerId);
    }
    if (entry) {
      this.entries.set(id, entry);
      let ids = this.ofCustomer.get(entry.customerId);
      if (!ids) this.ofCustomer.set(entry.customerId, (ids = new Set()));
      ids.add(id);
    }
    this.place(id);
  }

  /** Puts alert `id` where it belongs now: in list order, among the unseen, or nowhere. */
  private place(id: string): void {
    const previous = this.placed.get(id);
    if (previous) {
      this.placed.delete(id);
      if (!previous.acknowledged) this.countUnacknowledgedOf(previous.customerId, -1);
      if (!this.building) this.ordered.splice(this.indexOf(previous), 1);
      else this.ordered = this.ordered.filter((a) => a !== previous);
    }
    this.unseen.delete(id);
    const entry = this.entries.get(id);
    if (!entry) return;
    const since = entry.draft.since ?? this.ctx.store.get(openAlerts, id)?.firstSeenAt ?? null;
    if (since === null) {
      this.unseen.set(id, entry);
      return;
    }
    const alert = this.complete(entry, since);
    this.placed.set(id, alert);
    if (!alert.acknowledged) this.countUnacknowledgedOf(alert.customerId, 1);
    if (this.building) this.ordered.push(alert);
    else this.ordered.splice(this.insertionPoint(alert), 0, alert);
  }

  private countUnacknowledgedOf(customerId: string | null, change: number): void {
    // Built-in alerts always name their customer.
    if (customerId === null) return;
    const count = (this.unacknowledged.get(customerId) ?? 0) + change;
    if (count === 0) this.unacknowledged.delete(customerId);
    else this.unacknowledged.set(customerId, count);
  }

  private complete(entry: Entry, since: string): Alert {
    const ack = this.ctx.store.get(alertAcks, entry.draft.id);
    const covered = ack && acknowledgementCovers(ack, { since, severity: entry.draft.severity });
    const { reasonText: _text, ...draft } = entry.draft;
    return { ...draft, since, source: entry.source, acknowledged: covered ? { by: ack.by, at: ack.at, note: ack.note } : null };
  }

  /** The first position whose alert comes after `alert`. */
  private insertionPoint(alert: Alert): number {
    let lo = 0;
    let hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareAlerts(this.ordered[mid]!, alert) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private indexOf(alert: Alert): number {
    let lo = 0;
    let hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareAlerts(this.ordered[mid]!, alert) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (this.ordered[lo] !== alert) throw new Error(`alert index out of order at ${alert.id}`);
    return lo;
  }
}
