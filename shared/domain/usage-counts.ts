/**
 * From daily licensed-user counts to a month's usage: a customer's reported usage for a month is
 * the highest count recorded on any day of that month. Offboarded or deleted customers keep the
 * days they were counted, so they are still reported for the month they were active.
 */

export interface DailyCountInput {
  day: string;
  customerId: string;
  customerName: string;
  externalId?: string | null;
  licensedUsers: number;
  licenses: number;
}

export interface MonthlyCustomerUsage {
  customerId: string;
  /** The name on the latest day counted (a customer may be renamed during the month). */
  customerName: string;
  externalId: string | null;
  /** Licensed limit on the latest day counted. */
  licensed: number;
  /** The month's highest daily count of licensed users: the usage to report. */
  highest: number;
  /** The first day the highest count was seen. */
  highestDay: string;
  firstDay: string;
  lastDay: string;
}

/** Folds daily counts, in any order, into each customer's month; cheap to keep up to date. */
export class MonthlyUsageAccumulator {
  private readonly byCustomer = new Map<string, MonthlyCustomerUsage>();

  add(r: DailyCountInput): void {
    const seen = this.byCustomer.get(r.customerId);
    if (!seen) {
      this.byCustomer.set(r.customerId, {
        customerId: r.customerId,
        customerName: r.customerName,
        externalId: r.externalId ?? null,
        licensed: r.licenses,
        highest: r.licensedUsers,
        highestDay: r.day,
        firstDay: r.day,
        lastDay: r.day,
      });
      return;
    }
    // Records are immutable values shared with callers: replace, never mutate.
    const next = { ...seen };
    if (r.licensedUsers > next.highest || (r.licensedUsers === next.highest && r.day < next.highestDay)) {
      next.highest = r.licensedUsers;
      next.highestDay = r.day;
    }
    if (r.day < next.firstDay) next.firstDay = r.day;
    if (r.day >= next.lastDay) {
      next.lastDay = r.day;
      next.customerName = r.customerName;
      next.externalId = r.externalId ?? null;
      next.licensed = r.licenses;
    }
    this.byCustomer.set(r.customerId, next);
  }

  /** An independent copy (to add live counts to without touching the recorded month). */
  clone(): MonthlyUsageAccumulator {
    const copy = new MonthlyUsageAccumulator();
    for (const [id, usage] of this.byCustomer) copy.byCustomer.set(id, usage);
    return copy;
  }

  get(customerId: string): MonthlyCustomerUsage | undefined {
    return this.byCustomer.get(customerId);
  }

  get size(): number {
    return this.byCustomer.size;
  }

  /** Customers sorted by name. */
  result(): MonthlyCustomerUsage[] {
    return [...this.byCustomer.values()].sort((a, b) => a.customerName.localeCompare(b.customerName, 'en') || a.customerId.localeCompare(b.customerId));
  }
}

export function monthlyUsage(records: Iterable<DailyCountInput>): MonthlyCustomerUsage[] {
  const acc = new MonthlyUsageAccumulator();
  for (const r of records) acc.add(r);
  return acc.result();
}
