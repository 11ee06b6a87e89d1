import { compareText } from '../../../shared/domain/units.js';
import type { Policy, PolicyResult } from '../../../shared/schemas/backup.js';
import type { HubContext } from '../../context.js';
import { policies } from './collections.js';

/**
 * In-memory indexes over the policies collection, kept by store.onChange: policies per
 * customer, the schedule's due times and the counts the dashboard shows. Nothing here scans
 * the collection per request.
 */
export class PolicyIndex {
  private readonly byCustomer = new Map<string, Set<string>>();
  /** Enabled, idle policies with a next run: id -> due time. */
  private readonly due = new Map<string, number>();
  private readonly results = new Map<PolicyResult, number>();
  private runningCount = 0;
  private readonly listeners: ((before: Policy | undefined, after: Policy | undefined) => void)[] = [];

  constructor(private readonly ctx: HubContext) {
    ctx.store.onChange(policies, (before, after) => {
      if (before) {
        this.byCustomer.get(before.customerId)?.delete(before.id);
        this.due.delete(before.id);
        this.results.set(before.lastResult, (this.results.get(before.lastResult) ?? 1) - 1);
        if (before.runningSessionId) this.runningCount -= 1;
      }
      if (after) {
        let ids = this.byCustomer.get(after.customerId);
        if (!ids) this.byCustomer.set(after.customerId, (ids = new Set()));
        ids.add(after.id);
        // Synced policies run upstream on its own schedule: the hub's scheduler never starts them.
        if (after.enabled && after.nextRun && !after.runningSessionId && !after.source) this.due.set(after.id, Date.parse(after.nextRun));
        this.results.set(after.lastResult, (this.results.get(after.lastResult) ?? 0) + 1);
        if (after.runningSessionId) this.runningCount += 1;
      }
      if (before && after === undefined && this.byCustomer.get(before.customerId)?.size === 0) this.byCustomer.delete(before.customerId);
      for (const listener of this.listeners) listener(before, after);
    });
  }

  get(id: string): Policy | undefined {
    return this.ctx.store.get(policies, id);
  }

  all(): IterableIterator<Policy> {
    return this.ctx.store.all(policies);
  }

  count(): number {
    return this.ctx.store.count(policies);
  }

  /** The customer's policies (a handful), in creation order. */
  ofCustomer(customerId: string): Policy[] {
    const out: Policy[] = [];
    for (const id of this.byCustomer.get(customerId) ?? []) {
      const policy = this.ctx.store.get(policies, id);
      if (policy) out.push(policy);
    }
    return out.sort((a, b) => compareText(a.createdAt, b.createdAt) || compareText(a.id, b.id));
  }

  countOfCustomer(customerId: string): number {
    return this.byCustomer.get(customerId)?.size ?? 0;
  }

  customerIds(): IterableIterator<string> {
    return this.byCustomer.keys();
  }

  /** Ids of policies due at `now`, earliest first, at most `limit`. */
  dueAt(now: number, limit = Infinity): string[] {
    const ready: [string, number][] = [];
    for (const entry of this.due) if (entry[1] <= now) ready.push(entry);
    ready.sort((a, b) => a[1] - b[1]);
    return ready.slice(0, limit).map(([id]) => id);
  }

  /** Jobs by latest result for the dashboard (Disconnected counts as Failed). */
  latestResults(): { Success: number; Warning: number; Failed: number } {
    const n = (r: PolicyResult) => this.results.get(r) ?? 0;
    return { Success: n('Success'), Warning: n('Warning'), Failed: n('Failed') + n('Disconnected') };
  }

  get running(): number {
    return this.runningCount;
  }

  onChange(listener: (before: Policy | undefined, after: Policy | undefined) => void): void {
    this.listeners.push(listener);
  }
}
