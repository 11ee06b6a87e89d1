import type { Customer } from '../../../shared/schemas/customers.js';
import type { HubContext } from '../../context.js';
import { customers } from '../customer-collection.js';

/** The fields of the customers area's invitation list this area reads (it may be absent). */
type WithInvites = Customer & { invites?: { acceptedAt?: string | null }[] };

/**
 * What the backup area needs to know about customers, kept in memory from store.onChange:
 * lookup by display name, tenant domain or domain (case-insensitive), and the active totals
 * the dashboard graphs.
 */
export class CustomerDirectory {
  private readonly byName = new Map<string, Set<string>>();
  private activeCount = 0;
  private activeLicenses = 0;
  private readonly listeners: ((customerId: string, before: Customer | undefined, after: Customer | undefined) => void)[] = [];

  constructor(private readonly ctx: HubContext) {
    ctx.store.onChange(customers, (before, after) => {
      // Nothing before and nothing after (a delete of a record that was not there) changes nothing.
      if (!before && !after) return;
      if (before) {
        for (const key of nameKeys(before)) this.byName.get(key)?.delete(before.id);
        if (before.status === 'active') {
          this.activeCount -= 1;
          this.activeLicenses -= before.licenses;
        }
      }
      if (after) {
        for (const key of nameKeys(after)) {
          let ids = this.byName.get(key);
          if (!ids) this.byName.set(key, (ids = new Set()));
          ids.add(after.id);
        }
        if (after.status === 'active') {
          this.activeCount += 1;
          this.activeLicenses += after.licenses;
        }
      }
      const id = (after ?? before)!.id;
      for (const listener of this.listeners) listener(id, before, after);
    });
  }

  get(id: string): Customer | undefined {
    return this.ctx.store.get(customers, id);
  }

  all(): IterableIterator<Customer> {
    return this.ctx.store.all(customers);
  }

  /** Customers whose display name, M365 tenant domain or domain is this text (any case). */
  byNameOrDomain(name: string): ReadonlySet<string> {
    return this.byName.get(name.trim().toLowerCase()) ?? EMPTY;
  }

  /**
   * The customers a batch request names, by id then by name (each once, in that order), and
   * the ids and names that matched nobody.
   */
  lookup(request: { ids: readonly string[]; names: readonly string[] }): { customers: Customer[]; unmatched: string[] } {
    const found = new Map<string, Customer>();
    const unmatched: string[] = [];
    for (const id of request.ids) {
      const customer = this.get(id);
      if (customer) found.set(customer.id, customer);
      else unmatched.push(id);
    }
    for (const name of request.names) {
      const ids = this.byNameOrDomain(name);
      if (ids.size === 0) unmatched.push(name);
      for (const id of ids) {
        const customer = this.get(id);
        if (customer && !found.has(id)) found.set(id, customer);
      }
    }
    return { customers: [...found.values()], unmatched };
  }

  /** Active customers and their licensed total, now. */
  activeTotals(): { customers: number; licenses: number } {
    return { customers: this.activeCount, licenses: this.activeLicenses };
  }

  onChange(listener: (customerId: string, before: Customer | undefined, after: Customer | undefined) => void): void {
    this.listeners.push(listener);
  }
}

const EMPTY: ReadonlySet<string> = new Set();

function nameKeys(customer: Customer): string[] {
  const keys = [customer.displayName, customer.domain, customer.tenantDomain].filter((v): v is string => !!v).map((v) => v.trim().toLowerCase());
  return [...new Set(keys)];
}

/** An invitation was sent and not accepted yet. */
export function hasPendingInvite(customer: Customer): boolean {
  return ((customer as WithInvites).invites ?? []).some((invite) => !invite.acceptedAt);
}
