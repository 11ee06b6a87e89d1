import type { SaasUsageDetail, UsageLine, UsageReport } from '../../shared/schemas/usage.js';
import type { ChipView } from './health-view.js';
import { t, uiLanguage } from './i18n.js';

/**
 * Comparing what a Pulse page shows with the hub's own computation, line by line. Pure: the
 * Pulse features read the page and paint; the rules are here.
 */
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** "March 2025", "March 2025 (3)", "2025-03" -> "2025-03". */
export function parseUsageMonth(text: string): string | null {
  const iso = /\b(\d{4})-(0[1-9]|1[0-2])\b/.exec(text);
  if (iso) return `${iso[1]}-${iso[2]}`;
  const named = /\b([A-Za-z]{3,9})\.?\s+(\d{4})\b/.exec(text);
  if (!named) return null;
  const word = named[1]!.toLowerCase();
  const index = MONTHS.findIndex((m) => m === word || (word.length >= 3 && m.startsWith(word)));
  return index < 0 ? null : `${named[2]}-${String(index + 1).padStart(2, '0')}`;
}

/** "1,116" -> 1116, "35.0" -> 35, "-" or "" -> null. */
export function parseAmount(text: string): number | null {
  const clean = text.replace(/[\s,\u00a0']/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(clean)) return null;
  return Number(clean);
}

/** Pulse's SaaS details show "Test A (1)": the count of grouped rows is not part of the name. */
export function cleanCustomerName(text: string): string {
  return text.replace(/\s*\(\d+\)\s*$/, '').trim();
}

const same = (a: number | null, b: number | string) => a !== null && Math.abs(a - Number(b)) < 0.00005;

export interface PageLine {
  customer: string;
  product: string;
  units: number | null;
  points: number | null;
}

export interface LineComparison {
  view: ChipView;
  differs: boolean;
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

function compare(page: PageLine, hubUnits: number, hubPoints: string): LineComparison {
  const unitsSame = same(page.units, hubUnits);
  const pointsSame = page.points === null || same(page.points, hubPoints);
  const details = [t('usage.hubCounts', hubUnits, [String(hubUnits), hubPoints])];
  if (!unitsSame && page.units !== null) details.push(t('usage.pageShows', [String(page.units), signed(page.units - hubUnits)]));
  if (!pointsSame && page.points !== null) details.push(t('usage.pointsDiffer', [String(page.points), hubPoints]));
  const differs = !unitsSame || !pointsSame;
  const label = differs ? t('usage.labelDiffers', [`${hubUnits}${page.units !== null ? ` (${signed(page.units - hubUnits)})` : ''}`, hubPoints]) : t('usage.labelSame', [String(hubUnits), hubPoints]);
  return { view: { tone: differs ? 'bad' : 'ok', label, details }, differs };
}

const keyOf = (customer: string, product: string) => `${customer.trim().toLowerCase()}\u0000${product.trim().toLowerCase()}`;

/** A line of the Monthly Usage page against the report's lines (by customer and product). */
export function compareReportLine(page: PageLine, report: UsageReport): LineComparison | null {
  const lines = report.lines.filter((line: UsageLine) => keyOf(line.customer, line.product) === keyOf(page.customer, page.product));
  if (lines.length === 0) return null;
  const units = lines.reduce((sum, line) => sum + line.currentMonthUsage, 0);
  const points = lines.length === 1 ? lines[0]!.points : lines.reduce((sum, line) => sum + Number(line.points), 0).toFixed(1);
  return compare(page, units, points);
}

/** A row of the SaaS Usage Details page against the report's SaaS usage (by customer name). */
export function compareSaasRow(page: PageLine, report: UsageReport): LineComparison | null {
  const row = report.saasUsage.find(
    (detail: SaasUsageDetail) => detail.customerName.trim().toLowerCase() === page.customer.trim().toLowerCase() && (!page.product || detail.productName.toLowerCase() === page.product.toLowerCase()),
  );
  if (!row) return null;
  return compare(page, row.reportedUnits, row.points);
}

export const notInReport = (what: 'line' | 'customer'): ChipView => ({ tone: 'muted', label: t('chip.notInHub'), details: [t(what === 'line' ? 'usage.noLine' : 'usage.noCustomer')] });

/** The report's deadline and suspension state, as lines for the status bar (the hub's own warnings first). */
export function reportWarnings(report: UsageReport): { tone: 'ok' | 'warn' | 'bad'; text: string }[] {
  const lines: { tone: 'ok' | 'warn' | 'bad'; text: string }[] = [];
  const language = uiLanguage();
  const due = new Date(`${report.dueDate}T00:00:00Z`).toLocaleDateString(/^en\b/i.test(language) ? 'en-GB' : language, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  if (report.status === 'Submitted') lines.push({ tone: 'ok', text: t(report.late ? 'usage.submittedLate' : 'usage.submitted') });
  // The hub's own warnings come in the browser's language (Accept-Language): their tone follows the
  // report's state, never their words. When license management is suspended, the hub says so first.
  report.warnings.forEach((warning, i) => lines.push({ tone: report.overdue || (report.licenseManagementSuspended && i === 0) ? 'bad' : 'warn', text: warning }));
  if (report.status !== 'Submitted' && report.warnings.length === 0) lines.push({ tone: report.overdue ? 'bad' : 'warn', text: t(report.overdue ? 'usage.overdue' : 'usage.due', [due]) });
  if (report.licenseManagementSuspended && report.warnings.length === 0) lines.push({ tone: 'bad', text: t('usage.suspended') });
  return lines;
}
