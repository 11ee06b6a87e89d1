import { HOUR } from '../../../shared/domain/clock.js';
import { licensePercent, staleAt, worstResult } from '../../../shared/domain/health.js';
import type { Customer } from '../../../shared/schemas/customers.js';
import type { CustomerHealth, HealthAnswer, HealthRequest } from '../../../shared/schemas/monitoring.js';
import type { HubContext } from '../../context.js';
import type { AlertService } from './alert-service.js';
import { hasPendingInvite, type CustomerDirectory } from './customer-directory.js';
import type { PolicyIndex } from './policy-index.js';

/**
 * The health of many customers in one call (the extension annotates a whole table with it).
 * Each customer costs a few map lookups: its handful of policies from the index, its alert
 * count from the alert service's cache; no policy is scanned per request.
 */
export class HealthService {
  constructor(
    private readonly ctx: HubContext,
    private readonly deps: { directory: CustomerDirectory; index: PolicyIndex; alerts: AlertService },
  ) {}

  batch(request: HealthRequest): HealthAnswer {
    const items: CustomerHealth[] = [];
    const unmatched: string[] = [];
    const done = new Set<string>();
    const add = (customer: Customer) => {
      if (done.has(customer.id)) return;
      done.add(customer.id);
      items.push(this.of(customer));
    };
    for (const id of request.ids) {
      const customer = this.deps.directory.get(id);
      if (customer) add(customer);
      else unmatched.push(id);
    }
    for (const name of request.names) {
      const ids = this.deps.directory.byNameOrDomain(name);
      if (ids.size === 0) {
        unmatched.push(name);
        continue;
      }
      for (const id of ids) {
        const customer = this.deps.directory.get(id);
        if (customer) add(customer);
      }
    }
    return { items, unmatched };
  }

  of(customer: Customer): CustomerHealth {
    const now = this.ctx.clock.now().getTime();
    const staleAfterMs = this.deps.alerts.settings().staleAfterHours * HOUR;
    const policies = this.deps.index.ofCustomer(customer.id);
    let running = 0;
    let staleSince: number | null = null;
    for (const p of policies) {
      if (p.runningSessionId) running += 1;
      const at = customer.status === 'active' ? staleAt(p, staleAfterMs) : null;
      if (at !== null && at <= now && (staleSince === null || at < staleSince)) staleSince = at;
    }
    return {
      id: customer.id,
      displayName: customer.displayName,
      status: customer.status,
      lastResult: worstResult(policies.map((p) => p.lastResult)),
      policies: policies.length,
      running,
      stale: staleSince !== null,
      staleSince: staleSince === null ? null : new Date(staleSince).toISOString(),
      licensePercent: licensePercent(customer),
      pendingInvite: hasPendingInvite(customer),
      alerts: this.deps.alerts.countOpen(customer.id),
    };
  }
}
