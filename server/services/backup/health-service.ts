import { HOUR } from '../../../shared/domain/clock.js';
import { licensePercent, worstResult } from '../../../shared/domain/health.js';
import type { PolicyResult } from '../../../shared/schemas/backup.js';
import type { Customer } from '../../../shared/schemas/customers.js';
import type { CustomerHealth, HealthAnswer, HealthRequest } from '../../../shared/schemas/monitoring.js';
import type { HubContext } from '../../context.js';
import type { AlertService } from './alert-service.js';
import { monitoringSettings, policies } from './collections.js';
import { hasPendingInvite, type CustomerDirectory } from './customer-directory.js';

/** What the health of one customer needs from its policies, kept up to date by store.onChange. */
interface PolicyAggregate {
  results: Map<string, PolicyResult>;
  running: Set<string>;
  /** Enabled policies: their last protecting session (or creation), ms. */
  anchors: Map<string, number>;
}

/**
 * The health of many customers in one call (the extension annotates a whole table with it).
 * Per-customer aggregates of their policies are kept in memory as policies change, and each
 * customer's answer is kept serialized until something about it changes (its policies, the
 * customer, the thresholds, or the moment a policy turns stale); only the alert count, cached by
 * the alert service, is added per request. So a request costs a map lookup or two per customer.
 */
const ITEMS_OPEN = Buffer.from('{"items":[');
const COMMA = 0x2c;
const CLOSE_BRACE = 0x7d;

export class HealthService {
  private readonly aggregates = new Map<string, PolicyAggregate>();
  private readonly fragments = new Map<string, { prefix: Buffer; validUntil: number }>();

  constructor(
    private readonly ctx: HubContext,
    private readonly deps: { directory: CustomerDirectory; alerts: AlertService },
  ) {
    ctx.store.onChange(policies, (before, after) => {
      if (before) {
        const aggregate = this.aggregates.get(before.customerId);
        if (aggregate) {
          aggregate.results.delete(before.id);
          aggregate.running.delete(before.id);
          aggregate.anchors.delete(before.id);
          if (aggregate.results.size === 0) this.aggregates.delete(before.customerId);
        }
        this.fragments.delete(before.customerId);
      }
      if (after) {
        let aggregate = this.aggregates.get(after.customerId);
        if (!aggregate) this.aggregates.set(after.customerId, (aggregate = { results: new Map(), running: new Set(), anchors: new Map() }));
        aggregate.results.set(after.id, after.lastResult);
        if (after.runningSessionId) aggregate.running.add(after.id);
        if (after.enabled) aggregate.anchors.set(after.id, Date.parse(after.lastSuccessAt ?? after.createdAt));
        this.fragments.delete(after.customerId);
      }
    });
    deps.directory.onChange((customerId) => this.fragments.delete(customerId));
    ctx.store.onChange(monitoringSettings, () => this.fragments.clear());
  }

  /**
   * The answer as UTF-8 JSON, what the route sends: each customer's cached bytes up to its alert
   * count, the count, and the punctuation, copied into one buffer.
   */
  batchBytes(request: HealthRequest): Buffer<ArrayBuffer> {
    const now = this.ctx.clock.now();
    const at = now.getTime();
    const parts: Buffer[] = [];
    const counts: string[] = [];
    const unmatched: string[] = [];
    const done = new Set<string>();
    let size = 0;
    const countOpen = this.deps.alerts.openCounter(now);
    const addPrefix = (id: string, prefix: Buffer) => {
      const count = String(countOpen(id));
      parts.push(prefix);
      counts.push(count);
      size += prefix.length + count.length + 2;
    };
    const add = (customer: Customer) => {
      if (done.has(customer.id)) return;
      done.add(customer.id);
      addPrefix(customer.id, this.prefix(customer, at));
    };
    for (const id of request.ids) {
      // A cached answer still valid means the customer is there as it was (a change drops it):
      // no need to read the record.
      const cached = this.fragments.get(id);
      if (cached && cached.validUntil > at) {
        if (done.has(id)) continue;
        done.add(id);
        addPrefix(id, cached.prefix);
        continue;
      }
      const customer = this.deps.directory.get(id);
      if (customer) add(customer);
      else unmatched.push(id);
    }
    for (const name of request.names) {
      const ids = this.deps.directory.byNameOrDomain(name);
      if (ids.size === 0) unmatched.push(name);
      for (const id of ids) {
        const customer = this.deps.directory.get(id);
        if (customer) add(customer);
      }
    }
    const tail = Buffer.from(`],"unmatched":${JSON.stringify(unmatched)}}`);
    const out = Buffer.allocUnsafe(ITEMS_OPEN.length + size - (parts.length > 0 ? 1 : 0) + tail.length);
    let offset = ITEMS_OPEN.copy(out, 0);
    for (let i = 0; i < parts.length; i++) {
      if (i > 0) out[offset++] = COMMA;
      offset += parts[i]!.copy(out, offset);
      // The count is ASCII digits: written byte by byte, cheaper than a Buffer.write per customer.
      const count = counts[i]!;
      for (let d = 0; d < count.length; d++) out[offset++] = count.charCodeAt(d);
      out[offset++] = CLOSE_BRACE;
    }
    tail.copy(out, offset);
    return out;
  }

  batch(request: HealthRequest): HealthAnswer {
    return JSON.parse(this.batchBytes(request).toString('utf8')) as HealthAnswer;
  }

  of(customer: Customer): CustomerHealth {
    const now = this.ctx.clock.now().getTime();
    return { ...this.build(customer, now).item, alerts: this.deps.alerts.countOpen(customer.id) };
  }

  /** A customer's answer up to its alert count, as UTF-8: `{"id":…,"pendingInvite":…,"alerts":`. */
  private prefix(customer: Customer, now: number): Buffer {
    const cached = this.fragments.get(customer.id);
    if (cached && cached.validUntil > now) return cached.prefix;
    const { item, validUntil } = this.build(customer, now);
    const prefix = Buffer.from(`${JSON.stringify(item).slice(0, -1)},"alerts":`);
    this.fragments.set(customer.id, { prefix, validUntil });
    return prefix;
  }

  /** Everything but the alert count, and until when it holds (the next policy to turn stale). */
  private build(customer: Customer, now: number): { item: Omit<CustomerHealth, 'alerts'>; validUntil: number } {
    const aggregate = this.aggregates.get(customer.id);
    const staleAfterMs = this.deps.alerts.settings().staleAfterHours * HOUR;
    let staleSince: number | null = null;
    let validUntil = Infinity;
    if (aggregate && customer.status === 'active') {
      for (const anchor of aggregate.anchors.values()) {
        const at = anchor + staleAfterMs;
        if (at <= now) staleSince = staleSince === null ? at : Math.min(staleSince, at);
        else validUntil = Math.min(validUntil, at);
      }
    }
    return {
      item: {
        id: customer.id,
        displayName: customer.displayName,
        status: customer.status,
        lastResult: aggregate ? worstResult(aggregate.results.values()) : 'Never',
        policies: aggregate?.results.size ?? 0,
        running: aggregate?.running.size ?? 0,
        stale: staleSince !== null,
        staleSince: staleSince === null ? null : new Date(staleSince).toISOString(),
        licensePercent: licensePercent(customer),
        pendingInvite: hasPendingInvite(customer),
      },
      validUntil,
    };
  }
}
