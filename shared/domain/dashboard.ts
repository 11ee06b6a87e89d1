import type { DailyFigures, Dashboard } from '../schemas/monitoring.js';
import { DAY } from './clock.js';
import { compareText, dayOf, monthOf, previousMonth } from './units.js';

// The three dashboard widgets from small daily counters: no session or restore is read.

export interface DashboardInput {
  now: Date;
  /** Days of history in each graph, ending today. */
  days: number;
  /** Daily figures in any order, covering at least last month and the history range. */
  daily: readonly DailyFigures[];
  /** Backup jobs (policies) now. */
  jobs: { count: number; running: number; latest: { Success: number; Warning: number; Failed: number } };
  /** Active customers and their licensed total now. */
  current: { customers: number; licenses: number };
  customerName: (id: string) => string | undefined;
}

const twoDecimals = (n: number) => Math.round(n * 100) / 100;
const sum = (values: Iterable<number>) => {
  let total = 0;
  for (const v of values) total += v;
  return total;
};

export function computeDashboard(input: DashboardInput): Dashboard {
  const byDay = new Map(input.daily.map((d) => [d.id, d]));
  const today = dayOf(input.now);
  const range: string[] = [];
  for (let i = input.days - 1; i >= 0; i--) range.push(dayOf(input.now.getTime() - i * DAY));

  // Jobs: sessions finished per day. Disconnected is a failure on this graph.
  const jobHistory = range.map((date) => {
    const jobs = byDay.get(date)?.jobs;
    return { date, Success: jobs?.Success ?? 0, Warning: jobs?.Warning ?? 0, Failed: (jobs?.Failed ?? 0) + (jobs?.Disconnected ?? 0) };
  });

  // Restores this month and last month, the customer with most restores this month.
  const thisMonth = monthOf(input.now);
  const lastMonth = previousMonth(thisMonth);
  const perCustomer = new Map<string, number>();
  let restoresThisMonth = 0;
  let restoresLastMonth = 0;
  for (const day of input.daily) {
    const month = day.id.slice(0, 7);
    if (month === thisMonth && day.id <= today) {
      for (const [customerId, n] of Object.entries(day.restores)) {
        perCustomer.set(customerId, (perCustomer.get(customerId) ?? 0) + n);
        restoresThisMonth += n;
      }
    } else if (month === lastMonth) {
      restoresLastMonth += sum(Object.values(day.restores));
    }
  }
  let highest: Dashboard['restores']['highest'] = null;
  for (const [customerId, count] of perCustomer) {
    const customerName = input.customerName(customerId) ?? customerId;
    if (!highest || count > highest.count || (count === highest.count && customerName.localeCompare(highest.customerName) < 0)) {
      highest = { customerId, customerName, count };
    }
  }

  // Customers and licenses per day: the last figure seen that day, carried forward over days
  // without one; today is the live figure.
  const known = [...input.daily].filter((d) => d.customers !== null && d.licenses !== null).sort((a, b) => compareText(a.id, b.id));
  const figureOn = (date: string): { customers: number; licenses: number } | null => {
    if (date === today) return input.current;
    let found: DailyFigures | undefined;
    for (const d of known) {
      if (d.id > date) break;
      found = d;
    }
    return found ? { customers: found.customers!, licenses: found.licenses! } : null;
  };
  const licenseHistory = range.flatMap((date) => {
    const figure = figureOn(date);
    return figure ? [{ date, ...figure }] : [];
  });
  const endOfLastMonth = [...known].reverse().find((d) => d.id.slice(0, 7) === lastMonth) ?? [...known].reverse().find((d) => d.id.slice(0, 7) < thisMonth);

  const restoreHistory = range.map((date) => {
    const restores = sum(Object.values(byDay.get(date)?.restores ?? {}));
    const customers = figureOn(date)?.customers ?? input.current.customers;
    return { date, restores, customers, perCustomer: customers > 0 ? twoDecimals(restores / customers) : 0 };
  });

  return {
    generatedAt: input.now.toISOString(),
    jobs: { count: input.jobs.count, running: input.jobs.running, latest: input.jobs.latest, history: jobHistory },
    restores: {
      thisMonth: restoresThisMonth,
      lastMonth: restoresLastMonth,
      change: restoresThisMonth - restoresLastMonth,
      averagePerCustomer: input.current.customers > 0 ? twoDecimals(restoresThisMonth / input.current.customers) : 0,
      highest,
      history: restoreHistory,
    },
    licenses: {
      customers: input.current.customers,
      licenses: input.current.licenses,
      customerChange: endOfLastMonth ? input.current.customers - endOfLastMonth.customers! : null,
      licenseChange: endOfLastMonth ? input.current.licenses - endOfLastMonth.licenses! : null,
      history: licenseHistory,
    },
  };
}
