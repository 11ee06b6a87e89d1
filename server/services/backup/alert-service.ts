import { say, type Language, type Text } from '../../../shared/i18n/index.js';
import { acknowledgementCovers, compareAlerts, severityRank, type AlertDraft } from '../../../shared/domain/alert-rules.js';
import type { Page } from '../../../shared/schemas/common.js';
import { DEFAULT_MONITORING_SETTINGS, type Alert, type AlertQuery, type MonitoringSettings } from '../../../shared/schemas/monitoring.js';
import { systemPrincipal, type Principal } from '../../auth/principal.js';
import type { HubContext } from '../../context.js';
import { localizedError, notFound } from '../../http/errors.js';
import { recordChange } from '../changes.js';
import { AlertIndex, BUILT_IN_SOURCES } from './alert-index.js';
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
  /**
   * For alerts that mirror another system's (VSPC alarms): sends an acknowledgement or a
   * resolution there first, and throws (a HubError) when it did not confirm. A resolved alert
   * must be gone from `list` once this resolves.
   */
  forward?(action: 'acknowledge' | 'resolve', alert: Alert, principal: Principal, note?: string): Promise<void>;
}

/** Topics of notifications that follow from alerts being raised. */
const TOPIC_OF_KIND: Record<string, string> = { staleProtection: 'staleProtection', licenseThreshold: 'licenseThreshold', connectionFailing: 'connectionFailing' };

/**
 * The alert registry: providers, acknowledgements (per occurrence), thresholds, and a monitor
 * that turns alerts appearing and clearing into `alert.raised` / `alert.resolved` events. The
 * built-in alerts are kept up to date by an AlertIndex as their inputs change; other areas'
 * providers (a handful of account-level alerts) are asked on each call.
 */
export class AlertService {
  private readonly providers: AlertProvider[] = [];
  private readonly builtIn = new Set<string>();
  private readonly index: AlertIndex;

  constructor(
    private readonly ctx: HubContext,
    deps: { index: PolicyIndex; directory: CustomerDirectory },
  ) {
    this.index = new AlertIndex(ctx, deps);
    for (const provider of builtInProviders(this.index)) {
      this.register(provider);
      this.builtIn.add(provider.name);
    }
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
    const out: Alert[] = [];
    this.inOrder(customerId, this.ctx.clock.now(), (alert) => out.push(alert) > 0);
    return out;
  }

  /** A page of alerts; their reasons in `language` where the rule gave a catalog text (English otherwise). */
  list(query: AlertQuery, language: Language = 'en'): Page<Alert> {
    const page = this.listInEnglish(query);
    if (language === 'en') return page;
    let others: Map<string, Text> | undefined;
    return {
      ...page,
      items: page.items.map((a) => {
        const text = this.builtIn.has(a.source) ? this.index.reasonText(a.id) : (others ??= this.otherReasonTexts(query.customerId)).get(`${a.source}|${a.id}`);
        return text ? { ...a, reason: say(language, text) } : a;
      }),
    };
  }

  /** The catalog texts of other areas' alerts, by source and id: their providers are asked once more (a handful of account-level alerts). */
  private otherReasonTexts(customerId: string | undefined): Map<string, Text> {
    const out = new Map<string, Text>();
    const now = this.ctx.clock.now();
    const settings = this.settings();
    for (const provider of this.providers) {
      if (this.builtIn.has(provider.name)) continue;
      for (const draft of provider.list({ now, settings, ...(customerId && { customerId }) })) if (draft.reasonText) out.set(`${provider.name}|${draft.id}`, draft.reasonText);
    }
    return out;
  }

  private listInEnglish(query: AlertQuery): Page<Alert> {
    const kinds = query.kind?.length ? new Set(query.kind) : null;
    const severities = query.severity?.length ? new Set(query.severity) : null;
    const start = (query.page - 1) * query.pageSize;
    const end = start + query.pageSize;
    const items: Alert[] = [];
    const filtered = kinds !== null || severities !== null || query.acknowledged !== undefined;
    let total = 0;
    const count = this.inOrder(query.customerId, this.ctx.clock.now(), (a) => {
      if ((kinds && !kinds.has(a.kind)) || (severities && !severities.has(a.severity)) || (query.acknowledged !== undefined && (a.acknowledged !== null) !== query.acknowledged)) return true;
      if (total >= start && total < end) items.push(a);
      total += 1;
      // Without filters the total is known up front: stop once the page is full.
      return filtered || total < end;
    });
    return { items, total: filtered ? total : count, page: query.page, pageSize: query.pageSize };
  }

  /** Open, unacknowledged alerts of one customer: what batch health shows. */
  countOpen(customerId: string, now = this.ctx.clock.now()): number {
    return this.openCounter(now)(customerId);
  }

  /**
   * countOpen for many customers at one moment (batch health asks for up to 1,000): the other
   * areas' providers and the settings are looked up once, not per customer.
   */
  openCounter(now = this.ctx.clock.now()): (customerId: string) => number {
    const others = this.providers.filter((provider) => !this.builtIn.has(provider.name));
    const settings = others.length > 0 ? this.settings() : null;
    return (customerId) => {
      let count = this.index.countUnacknowledged(customerId, now);
      for (const provider of others) {
        for (const draft of provider.list({ now, settings: settings!, customerId })) if (!this.complete(draft, provider.name, now).acknowledged) count += 1;
      }
      return count;
    };
  }

  /** One open alert (the first in list order, should two providers use the same id), or undefined. */
  get(id: string): Alert | undefined {
    const now = this.ctx.clock.now();
    let found = this.index.get(id, now);
    for (const alert of this.others(undefined, now)) if (alert.id === id && (!found || compareAlerts(alert, found) < 0)) found = alert;
    return found;
  }

  async acknowledge(principal: Principal, id: string, note?: string): Promise<Alert> {
    const alert = this.get(id);
    if (!alert) throw notFound('Open alert', id);
    if (alert.acknowledged) return alert;
    await this.providers.find((p) => p.name === alert.source)?.forward?.('acknowledge', alert, principal, note);
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

  /** Resolves an alert whose provider mirrors another system (the hub's own alerts clear with their condition). */
  async resolve(principal: Principal, id: string, note?: string): Promise<void> {
    const alert = this.get(id);
    if (!alert) throw notFound('Open alert', id);
    const provider = this.providers.find((p) => p.name === alert.source);
    if (!provider?.forward) throw localizedError('conflict', { key: 'api.alert.clearsByItself', params: { kind: alert.kind } });
    await provider.forward('resolve', alert, principal, note);
    await recordChange(this.ctx, principal, {
      action: 'alert.resolve.forwarded',
      target: { type: 'alert', id, name: alert.subject.name },
      ...(alert.customerId && { customerId: alert.customerId }),
      details: { kind: alert.kind, source: alert.source, ...(note && { note }) },
    });
    await this.monitor();
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

  /**
   * Calls `visit` with the open alerts (of one customer, when given) in list order, until it
   * returns false: the built-in ones as kept by the index, merged with those of the other
   * providers. Where two compare equal, the built-in one comes first (as a stable sort of
   * built-in then others would). Returns how many alerts there are in all.
   */
  private inOrder(customerId: string | undefined, now: Date, visit: (alert: Alert) => boolean): number {
    const others = this.others(customerId, now);
    if (customerId) {
      const alerts = [...this.index.ofCustomerAt(customerId, now), ...others].sort(compareAlerts);
      for (const alert of alerts) if (!visit(alert)) break;
      return alerts.length;
    }
    const { known, unseen } = this.index.sorted(now);
    const lists = [known, unseen, others];
    const at = [0, 0, 0];
    for (;;) {
      let pick = -1;
      for (let l = 0; l < lists.length; l++) {
        const candidate = lists[l]![at[l]!];
        if (candidate && (pick < 0 || compareAlerts(candidate, lists[pick]![at[pick]!]!) < 0)) pick = l;
      }
      if (pick < 0 || !visit(lists[pick]![at[pick]!]!)) break;
      at[pick]! += 1;
    }
    return known.length + unseen.length + others.length;
  }

  /** The alerts of the providers other areas registered, in list order. */
  private others(customerId: string | undefined, now: Date): Alert[] {
    if (this.providers.length === this.builtIn.size) return [];
    const settings = this.settings();
    const out: Alert[] = [];
    for (const provider of this.providers) {
      if (this.builtIn.has(provider.name)) continue;
      for (const draft of provider.list({ now, settings, ...(customerId && { customerId }) })) out.push(this.complete(draft, provider.name, now));
    }
    return out.sort(compareAlerts);
  }

  private complete(draft: AlertDraft, source: string, now: Date): Alert {
    const since = draft.since ?? this.ctx.store.get(openAlerts, draft.id)?.firstSeenAt ?? now.toISOString();
    const ack = this.ctx.store.get(alertAcks, draft.id);
    const covered = ack && acknowledgementCovers(ack, { since, severity: draft.severity });
    const { reasonText: _text, ...rest } = draft;
    return { ...rest, since, source, acknowledged: covered ? { by: ack.by, at: ack.at, note: ack.note } : null };
  }
}

/** The four built-in providers: their alerts come from the index (the registry lists them for their names and kinds). */
function builtInProviders(index: AlertIndex): AlertProvider[] {
  return [
    { name: BUILT_IN_SOURCES.results, kinds: ['backupFailed', 'backupWarning', 'tenantDisconnected'], list: ({ now, customerId }) => index.drafts(BUILT_IN_SOURCES.results, now, customerId) },
    { name: BUILT_IN_SOURCES.stale, kinds: ['staleProtection'], list: ({ now, customerId }) => index.drafts(BUILT_IN_SOURCES.stale, now, customerId) },
    { name: BUILT_IN_SOURCES.license, kinds: ['licenseThreshold'], list: ({ now, customerId }) => index.drafts(BUILT_IN_SOURCES.license, now, customerId) },
    { name: BUILT_IN_SOURCES.storage, kinds: ['storageQuota'], list: ({ now, customerId }) => index.drafts(BUILT_IN_SOURCES.storage, now, customerId) },
  ];
}
