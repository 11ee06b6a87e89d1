import { listText, say, type Text } from '../i18n/index.js';
/**
 * The calendar of monthly usage reporting, in UTC: a month's report is generated on the 1st of
 * the next month and is due by the end of the 3rd; not submitted by then, it is overdue, and two
 * consecutive overdue months suspend license management.
 */

export const DUE_DAY = 3;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function parts(month: string): [number, number] {
  const m = MONTH.exec(month);
  if (!m) throw new RangeError(`"${month}" is not a month as YYYY-MM`);
  return [Number(m[1]), Number(m[2])];
}

/** The first instant of a month (UTC). */
export function monthStart(month: string): Date {
  const [y, m] = parts(month);
  return new Date(Date.UTC(y, m - 1, 1));
}

export function addMonths(month: string, delta: number): string {
  const [y, m] = parts(month);
  return monthOf(new Date(Date.UTC(y, m - 1 + delta, 1)));
}

export const previousMonth = (month: string) => addMonths(month, -1);
export const nextMonth = (month: string) => addMonths(month, 1);

/** Days of a month as YYYY-MM-DD. */
export function daysOf(month: string): string[] {
  const start = monthStart(month);
  const end = monthStart(nextMonth(month));
  const days: string[] = [];
  for (let t = start.getTime(); t < end.getTime(); t += 86_400_000) days.push(dayOf(new Date(t)));
  return days;
}

/** The last calendar day a month's report may be submitted (the 3rd of the next month). */
export function dueDate(month: string): string {
  return `${nextMonth(month)}-0${DUE_DAY}`;
}

/** The instant a month's report becomes overdue: the end of its due date. */
export function deadline(month: string): Date {
  const [y, m] = parts(nextMonth(month));
  return new Date(Date.UTC(y, m - 1, DUE_DAY + 1));
}

/** Human form of a usage month, as Pulse shows it ("March 2025"). */
export function monthLabel(month: string): string {
  return monthStart(month).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export interface ReportTiming {
  month: string;
  /** True once the report has reached the aggregator (status Submitted). */
  submitted: boolean;
  submittedAt?: string | null;
}

export function isOverdue(report: ReportTiming, now: Date): boolean {
  return !report.submitted && now.getTime() >= deadline(report.month).getTime();
}

/** Submitted, but after its deadline. */
export function wasLate(report: ReportTiming): boolean {
  return report.submitted && !!report.submittedAt && Date.parse(report.submittedAt) >= deadline(report.month).getTime();
}

export interface SuspensionState {
  /** Months whose report is past its deadline and not submitted, oldest first. */
  overdueMonths: string[];
  suspended: boolean;
  /** The consecutive overdue months that cause the suspension (the latest such pair). */
  cause: [string, string] | null;
  /** When the suspension took effect: the deadline of the second month of the earliest such pair. */
  since: string | null;
}

/**
 * Pulse: "If you delay submitting a report for two consecutive months, your license management
 * will be suspended." While it is, licence changes are refused with this sentence: the reason and
 * how to lift it. Null when licence management is not suspended.
 */
export function licenseManagementRefusal(state: SuspensionState): string | null {
  const text = licenseManagementRefusalText(state);
  return text ? say('en', text) : null;
}

/** licenseManagementRefusal as a catalog text, said in the caller's language. */
export function licenseManagementRefusalText(state: SuspensionState): Text | null {
  if (!state.suspended || !state.cause) return null;
  const [first, second] = state.cause;
  const lifting = liftingMonths(state.overdueMonths);
  const how: Text =
    lifting.length > 0
      ? {
          key: 'api.license.liftOne',
          params: {
            months: listText(
              lifting.map((month) => ({ month })),
              'api.list.or',
            ),
            month: lifting[0]!,
          },
        }
      : {
          key: 'api.license.liftAll',
          params: {
            months: listText(
              state.overdueMonths.map((month) => ({ month })),
              'api.list.comma',
            ),
          },
        };
  return { key: 'api.license.suspended', params: { first: { month: first }, second: { month: second }, how } };
}

/** The overdue months whose submission alone leaves no two consecutive overdue months. */
export function liftingMonths(overdueMonths: readonly string[]): string[] {
  const hasPair = (months: Set<string>) => [...months].some((m) => months.has(nextMonth(m)));
  return overdueMonths.filter((m) => !hasPair(new Set(overdueMonths.filter((x) => x !== m))));
}

/**
 * License management is suspended while the reports of two consecutive months are both overdue.
 * Submitting either report of every such pair lifts it.
 */
export function suspensionState(reports: readonly ReportTiming[], now: Date): SuspensionState {
  const overdue = new Set(reports.filter((r) => isOverdue(r, now)).map((r) => r.month));
  const overdueMonths = [...overdue].sort();
  let cause: [string, string] | null = null;
  let since: string | null = null;
  for (const month of overdueMonths) {
    const following = nextMonth(month);
    if (!overdue.has(following)) continue;
    cause = [month, following];
    since ??= deadline(following).toISOString();
  }
  return { overdueMonths, suspended: cause !== null, cause, since };
}
