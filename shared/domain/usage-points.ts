import DecimalJs from 'decimal.js';

/**
 * Points arithmetic of a monthly usage report. Every amount is a decimal (never a float), so
 * 2.5 x 14 is exactly 35 and a sum of thousands of lines never drifts. Amounts travel as
 * strings in the canonical form of `formatPoints`.
 */

// A private clone: other code changing Decimal's global settings cannot change our results.
const Decimal = DecimalJs.clone({ precision: 60, rounding: DecimalJs.ROUND_HALF_UP, toExpNeg: -100, toExpPos: 100 });
type Decimal = InstanceType<typeof Decimal>;

/** The SaaS product the hub reports for every customer, with its unit and points per unit. */
export const FLEX_PRODUCT = 'Veeam Data Cloud for Microsoft 365 Flex Per User';
export const FLEX_UNIT = 'User';
export const FLEX_POINTS_PER_UNIT = '2.5';

/** Amounts the API accepts: plain decimal notation, up to 9 integer and 4 fraction digits. */
export const DECIMAL_PATTERN = /^\d{1,9}(\.\d{1,4})?$/;

export function toDecimal(value: string | number): Decimal {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new RangeError(`"${value}" is not a decimal amount`);
  return new Decimal(text);
}

/**
 * The one string form of an amount: plain notation (no exponent, no thousands separator) with at
 * least one fraction digit and no trailing zeros past the first: 35 -> "35.0", 52.5 -> "52.5",
 * 6.75 -> "6.75", 1116 -> "1116.0".
 */
export function formatPoints(value: Decimal | string | number): string {
  const d = typeof value === 'object' ? value : toDecimal(value);
  let text = d.toFixed();
  if (text === '-0') text = '0';
  if (!text.includes('.')) return `${text}.0`;
  text = text.replace(/0+$/, '');
  return text.endsWith('.') ? `${text}0` : text;
}

/** points = points per unit x max(minimum commit, usage), exact. */
export function linePoints(pointsPerUnit: string, usage: number, minimumCommit = 0): string {
  assertUnits(usage, 'usage');
  assertUnits(minimumCommit, 'minimum commit');
  return formatPoints(toDecimal(pointsPerUnit).times(Math.max(minimumCommit, usage)));
}

export function sumPoints(amounts: Iterable<string>): string {
  let total = new Decimal(0);
  for (const amount of amounts) total = total.plus(toDecimal(amount));
  return formatPoints(total);
}

export interface PointsColumns {
  software: string;
  saas: string;
  total: string;
}

/** The totals block of a report, as Pulse lays it out (Software, SaaS and Total columns). */
export interface ReportTotals {
  /** Points of the lines as reported. */
  reportedPoints: PointsColumns;
  /** The agreement's minimum commit in points (it applies to the total). */
  minimumCommit: string;
  /** Points added because the reported total is under the minimum commit. */
  minimumCommitEnforcement: string;
  /** Reported points plus the enforcement. */
  subtotal: PointsColumns;
  /** Points above the minimum commit. */
  overage: string;
  totalPoints: string;
}

/**
 * Totals of a report from its line points: software and SaaS subtotals, then the minimum commit
 * of the rental agreement: a total under it is raised to it (enforcement), a total above it is
 * overage. Example from Pulse: 604 software + 512 SaaS = 1116, commit 200 -> overage 916.
 */
export function reportTotals(lines: readonly { kind: 'software' | 'saas'; points: string }[], minimumCommit: string): ReportTotals {
  let software = new Decimal(0);
  let saas = new Decimal(0);
  for (const line of lines) {
    if (line.kind === 'software') software = software.plus(toDecimal(line.points));
    else saas = saas.plus(toDecimal(line.points));
  }
  const reported = software.plus(saas);
  const commit = toDecimal(minimumCommit);
  const enforcement = Decimal.max(0, commit.minus(reported));
  const overage = Decimal.max(0, reported.minus(commit));
  const total = reported.plus(enforcement);
  return {
    reportedPoints: { software: formatPoints(software), saas: formatPoints(saas), total: formatPoints(reported) },
    minimumCommit: formatPoints(commit),
    minimumCommitEnforcement: formatPoints(enforcement),
    subtotal: { software: formatPoints(software), saas: formatPoints(saas), total: formatPoints(total) },
    overage: formatPoints(overage),
    totalPoints: formatPoints(total),
  };
}

function assertUnits(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a whole number of units, 0 or more (got ${value})`);
}
