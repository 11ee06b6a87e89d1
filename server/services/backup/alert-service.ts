import { compareText } from '../../../shared/domain/units.js';
import {
  acknowledgementCovers,
  licenseAlert,
  policyResultAlert,
  severityRank,
  staleAlert,
  storageAlert,
  tenantAlert,
  type AlertDraft,
  type CustomerFacts,
} from '../../../shared/domain/alert-rules.js';
import { HOUR } from '../../../shared/domain/clock.js';
import { staleAt } from '../../../shared/domain/health.js';
import type { Page } from '../../../shared/schemas/common.js';
import type { Customer } from '../../../shared/schemas/customers.js';
import { DEFAULT_MONITORING_SETTINGS, type Alert, type AlertQuery, type MonitoringSettings } from '../../../shared/schemas/monitoring.js';
import { systemPrincipal, type Principal } from '../../auth/principal.js';
import type { HubContext } from '../../context.js';
import { notFound } from '../../http/errors.js';
import { recordChange } from '../changes.js';
import { alertAcks, monitoringSettings, openAlerts, type OpenAlert } from './collections.js';
import type { CustomerDirectory } from './customer-directory.js';
import type { PolicyIndex } from './policy-index.js';

export type { AlertDraft } from '../../../shared/domain/alert-rules.js';

/**
 * A source of alerts. The backup area registers four (backup results, stale protection,
 * license usage, storage quota); other areas add theirs with `ctx.services.alerts.register()`.
 */
export interface AlertProvider {
  /** Unique, shown as the alert's `source`. */
  readonly name: string;
  /** The kinds it raises (for the docs and the kind filter). */
  readonly kinds: readonly string[];
  /**
   * The open alerts now; only those of `customerId` when given. Keep the per-customer call
   * cheap (a map lookup or two): batch health calls it for up to 1,000 customers at once.
   * Give `since` when the condition knows its start; otherwise the first time the monitor saw
   * the alert is used.
   */
  list(input: { now: Date; settings: MonitoringSettings; customerId?: string }): AlertDraft[];
}

/** Topics of notifications that follow from alerts being raised. */
const TOPIC_OF_KIND: Record<string, string> = { staleProtection: 'staleProtection', licenseThreshold: 'licenseThreshold' };

/**
 * The alert registry: providers, acknowledgements (per occurrence), thresholds, and a monitor
 * that turns alerts appearing and clearing into `alert.raised` / `alert.resolved` events.
 */
export class AlertService {
  private readonly providers: AlertProvider[] = [];
  private readonly builtIn = new Set<string>();
  /** Open, unacknowledged built-in alerts per customer, valid until a change or a time. */
  private readonly countCache = new Map<string, { count: number; validUntil: number }>();

  constructor(
    private readonly ctx: HubContext,
    private readonly deps: { index: PolicyIndex; directory: CustomerDirectory },
  ) {
    for (const provider of builtInProviders(deps, (id) => this.customerFacts(id))) {
      this.register(provider);
      this.builtIn.add(provider.name);
    }
    const forget = (customerId: string | null | undefined) => (customerId ? this.countCache.delete(customerId) : undefined);
    deps.index.onChange((before, after) => {
      forget(before?.customerId);
      forget(after?.customerId);
    });
    deps.directory.onChange((customerId) => forget(customerId));
    ctx.store.onChange(alertAcks, (before, after) => {
      forget(before?.customerId);
      forget(after?.customerId);
    });
    ctx.store.onChange(openAlerts, (before, after) => {
      forget(before?.customerId);
      forget(after?.customerId);
    });
    ctx.store.onChange(monitoringSettings, () => this.countCache.clear());
  }

  register(provider: AlertProvider): void {
    if (this.providers.some((p) => p.name === provider.name)) throw new Error(`An alert provider named "${provider.name}" is already registered`);
    this.providers.push(provider);
  }

  get kinds(): string[] {
    return this.providers.flatMap((p) => [...p.kinds]);
  }

  // ---- settings ----

  settings(): MonitoringSettings {
    const stored = this.ctx.store.get(monitoringSettings, 'monitoring');
    if (!stored) return { ...DEFAULT_MONITORING_SETTINGS };
    return { staleAfterHours: stored.staleAfterHours, licenseThresholdPercent: stored.licenseThresholdPercent, storageThresholdPercent: stored.storageThresholdPercent };
  }

  async updateSettings(principal: Principal, update: Partial<MonitoringSettings>): Promise<MonitoringSettings> {
    const next = { ...this.settings(), ...update };
    await this.ctx.store.write((tx) => tx.put(monitoringSettings, { id: 'monitoring', ...next, updatedAt: this.ctx.clock.now().toISOString(), updatedBy: principal.actor.name }));
    await recordChange(this.ctx, principal, { action: 'settings.monitoring.updated', target: { type: 'settings', id: 'monitoring', name: 'Monitoring' }, details: { ...update } });
    return next;
  }

  // ---- alerts ----

  /** Every open alert (all providers), acknowledged or not, worst and oldest first. */
  all(customerId?: string): Alert[] {
    const now = this.ctx.clock.now();
    const settings = this.settings();
    const out: Alert[] = [];
    for (const provider of this.providers) {
      for (const draft of provider.list({ now, settings, ...(customerId && { customerId }) })) out.push(this.complete(draft, provider.name, now));
    }
    return out.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || compareText(a.since, b.since) || compareText(a.id, b.id));
  }

  list(query: AlertQuery): Page<Alert> {
    const kinds = query.kind?.length ? new Set(query.kind) : null;
    const severities = query.severity?.length ? new Set(query.severity) : null;
    const items = this.all(query.customerId).filter(
      (a) => (!kinds || kinds.has(a.kind)) && (!severities || severities.has(a.severity)) && (query.acknowledged === undefined || (a.acknowledged !== null) === query.acknowledged),
    );
    const start = (query.page - 1) * query.pageSize;
    return { items: items.slice(start, start + query.pageSize), total: items.length, page: query.page, pageSize: query.pageSize };
  }

  /** Open, unacknowledged alerts of one customer: what batch health shows. */
  countOpen(customerId: string): number {
    const now = this.ctx.clock.now();
    let builtIn = this.countCache.get(customerId);
    if (!builtIn || builtIn.validUntil <= now.getTime()) {
      builtIn = this.countBuiltIn(customerId, now);
      this.countCache.set(customerId, builtIn);
    }
    let count = builtIn.count;
    if (this.providers.length > this.builtIn.size) {
      const settings = this.settings();
      for (const provider of this.providers) {
        if (this.builtIn.has(provider.name)) continue;
        for (const draft of provider.list({ now, settings, customerId })) if (!this.complete(draft, provider.name, now).acknowledged) count += 1;
      }
    }
    return count;
  }

  async acknowledge(principal: Principal, id: string, note?: string): Promise<Alert> {
    const alert = this.all().find((a) => a.id === id);
    if (!alert) throw notFound('Open alert', id);
    if (alert.acknowledged) return alert;
    const at = this.ctx.clock.now().toISOString();
    await this.ctx.store.write((tx) => {
      tx.put(alertAcks, { id, customerId: alert.customerId, since: alert.since, severity: alert.severity, by: principal.actor.name, at, note: note ?? null });
      // Pin the start of a condition the monitor has not recorded yet, so the acknowledgement keeps matching it.
      if (!tx.get(openAlerts, id)) {
        tx.put(openAlerts, { id, kind: alert.kind, customerId: alert.customerId, severity: alert.severity, since: alert.since, firstSeenAt: alert.since });
      }
    });
    await recordChange(this.ctx, principal, {
      action: 'alert.acknowledged',
      target: { type: 'alert', id, name: alert.subject.name },
      ...(alert.customerId && { customerId: alert.customerId }),
      details: { kind: alert.kind, severity: alert.severity, since: alert.since, ...(note && { note }) },
    });
    return { ...alert, acknowledged: { by: principal.actor.name, at, note: note ?? null } };
  }

  /**
   * Compares the open alerts with those seen last time: new (or worse) ones are raised, gone
   * ones resolved, each once (the set seen is stored, so a restart raises nothing twice).
   */
  async monitor(): Promise<{ raised: number; resolved: number }> {
    const now = this.ctx.clock.now();
    const current = this.all();
    const seen = new Map<string, OpenAlert>();
    for (const open of this.ctx.store.all(openAlerts)) seen.set(open.id, open);
    const raised: Alert[] = [];
    const records: OpenAlert[] = [];
    const stillOpen = new Set<string>();
    for (const alert of current) {
      stillOpen.add(alert.id);
      const before = seen.get(alert.id);
      if (before && severityRank(before.severity) >= severityRank(alert.severity) && before.since === alert.since) continue;
      if (!before || severityRank(alert.severity) > severityRank(before.severity) || before.since !== alert.since) raised.push(alert);
      records.push({ id: alert.id, kind: alert.kind, customerId: alert.customerId, severity: alert.severity, since: alert.since, firstSeenAt: before?.firstSeenAt ?? now.toISOString() });
    }
    const resolved = [...seen.values()].filter((open) => !stillOpen.has(open.id));
    if (records.length === 0 && resolved.length === 0) return { raised: 0, resolved: 0 };
    const staleAcks = resolved.filter((open) => this.ctx.store.get(alertAcks, open.id));
    await this.ctx.store.write((tx) => {
      for (const r of records) tx.put(openAlerts, r);
      for (const open of resolved) tx.delete(openAlerts, open.id);
      for (const open of staleAcks) tx.delete(alertAcks, open.id);
    });
    const principal = systemPrincipal('SP Hub monitor');
    await Promise.all([
      ...raised.map((alert) =>
        this.ctx.events.emit({
          type: 'alert.raised',
          ...(alert.customerId && { customerId: alert.customerId }),
          subject: { type: alert.subject.type, id: alert.subject.id, name: alert.subject.name },
          data: {
            alertId: alert.id,
            kind: alert.kind,
            severity: alert.severity,
            reason: alert.reason,
            since: alert.since,
            action: alert.action,
            customerName: alert.customerName,
            ...(TOPIC_OF_KIND[alert.kind] && { topic: TOPIC_OF_KIND[alert.kind] }),
            actor: principal.actor.name,
            channel: principal.actor.channel,
          },
        }),
      ),
      ...resolved.map((open) =>
        this.ctx.events.emit({
          type: 'alert.resolved',
          ...(open.customerId && { customerId: open.customerId }),
          subject: { type: 'alert', id: open.id },
          data: { alertId: open.id, kind: open.kind, openSince: open.since, actor: principal.actor.name, channel: principal.actor.channel },
        }),
      ),
    ]);
    return { raised: raised.length, resolved: resolved.length };
  }

  // ---- internals ----

  private complete(draft: AlertDraft, source: string, now: Date): Alert {
    const since = draft.since ?? this.ctx.store.get(openAlerts, draft.id)?.firstSeenAt ?? now.toISOString();
    const ack = this.ctx.store.get(alertAcks, draft.id);
    const covered = ack && acknowledgementCovers(ack, { since, severity: draft.severity });
    return { ...draft, since, source, acknowledged: covered ? { by: ack.by, at: ack.at, note: ack.note } : null };
  }

  private countBuiltIn(customerId: string, now: Date): { count: number; validUntil: number } {
    const settings = this.settings();
    let count = 0;
    for (const provider of this.providers) {
      if (!this.builtIn.has(provider.name)) continue;
      for (const draft of provider.list({ now, settings, customerId })) if (!this.complete(draft, provider.name, now).acknowledged) count += 1;
    }
    // Stale protection is the one built-in condition that appears by time alone.
    let validUntil = Infinity;
    const staleAfterMs = settings.staleAfterHours * HOUR;
    for (const policy of this.deps.index.ofCustomer(customerId)) {
      const at = staleAt(policy, staleAfterMs);
      if (at !== null && at > now.getTime()) validUntil = Math.min(validUntil, at);
    }
    return { count, validUntil };
  }

  private customerFacts(id: string): CustomerFacts | undefined {
    return this.deps.directory.get(id);
  }
}

/** The four built-in providers over policies and customers. */
function builtInProviders(deps: { index: PolicyIndex; directory: CustomerDirectory }, facts: (id: string) => CustomerFacts | undefined): AlertProvider[] {
  /** Customers with policies: all of them, or the one asked for. */
  const customersWithPolicies = function* (customerId?: string): Generator<[CustomerFacts, ReturnType<PolicyIndex['ofCustomer']>]> {
    const ids = customerId ? [customerId] : deps.index.customerIds();
    for (const id of ids) {
      const customer = facts(id);
      if (customer) yield [customer, deps.index.ofCustomer(id)];
    }
  };
  const customersOf = function* (customerId?: string): Generator<Customer> {
    if (customerId) {
      const c = deps.directory.get(customerId);
      if (c) yield c;
    } else yield* deps.directory.all();
  };
  return [
    {
      name: 'backup-results',
      kinds: ['backupFailed', 'backupWarning', 'tenantDisconnected'],
      list: ({ customerId }) => {
        const out: AlertDraft[] = [];
        for (const [customer, policies] of customersWithPolicies(customerId)) {
          for (const policy of policies) {
            const alert = policyResultAlert(policy, customer);
            if (alert) out.push(alert);
          }
          const tenant = tenantAlert(customer, policies);
          if (tenant) out.push(tenant);
        }
        return out;
      },
    },
    {
      name: 'stale-protection',
      kinds: ['staleProtection'],
      list: ({ customerId, settings, now }) => {
        const out: AlertDraft[] = [];
        for (const [customer, policies] of customersWithPolicies(customerId)) {
          for (const policy of policies) {
            const alert = staleAlert(policy, customer, settings, now);
            if (alert) out.push(alert);
          }
        }
        return out;
      },
    },
    {
      name: 'license-usage',
      kinds: ['licenseThreshold'],
      list: ({ customerId, settings }) => [...customersOf(customerId)].flatMap((c) => licenseAlert(c, settings) ?? []),
    },
    {
      name: 'storage-quota',
      kinds: ['storageQuota'],
      list: ({ customerId, settings }) => [...customersOf(customerId)].flatMap((c) => storageAlert(c, settings) ?? []),
    },
  ];
}
