import {
  addMonths,
  dayOf,
  deadline,
  dueDate,
  isOverdue,
  monthLabel,
  monthOf,
  nextMonth,
  previousMonth,
  suspensionState,
  wasLate,
  type SuspensionState,
} from '../../../shared/domain/usage-calendar.js';
import { because, type AlertDraft } from '../../../shared/domain/alert-rules.js';
import type { MonthlyCustomerUsage } from '../../../shared/domain/usage-counts.js';
import { FLEX_POINTS_PER_UNIT, FLEX_PRODUCT, FLEX_UNIT, formatPoints, linePoints, reportTotals, toDecimal } from '../../../shared/domain/usage-points.js';
import type { Customer } from '../../../shared/schemas/customers.js';
import {
  DecimalAmount,
  UsageReportRecord,
  UsageSettings,
  type DailyCountsView,
  type SaasUsageDetail,
  type UsageLine,
  type UsageLineRecord,
  type UsageReport,
  type UsageReportChanges,
  type UsageReportHistoryEntry,
  type UsageReportingState,
  type UsageReportList,
  type UsageReportQuery,
  type UsageReportSummary,
  type UsageSettingsView,
} from '../../../shared/schemas/usage.js';
import { systemPrincipal, type Principal } from '../../auth/principal.js';
import type { HubContext } from '../../context.js';
import { businessRule, invalid, localizedError, type FieldError } from '../../http/errors.js';
import { say, type Language, type Text } from '../../../shared/i18n/index.js';
import { defineCollection } from '../../store/collection.js';
import { recordChange } from '../changes.js';
import { customers } from '../customer-collection.js';
import { csvTable, type CsvValue as CsvCell } from '../../../shared/domain/csv.js';
import { DailyCounts, type DailyCountInput } from './daily-counts.js';

export const usageReports = defineCollection('usageReports', UsageReportRecord);
export const usageSettings = defineCollection('usageSettings', UsageSettings);

const TOPIC = 'usageReportDue';
const SUBMITTED = 'Submitted';

export interface UsageServiceOptions {
  /** A customer's licensed users today; by default its backed-up accounts (the Licensed Users it protects). */
  licensedUsersOf?: (customer: Customer) => number;
}

export interface ScheduledRun {
  day: string;
  recorded: number;
  generated: string | null;
  notices: string[];
}

/**
 * Monthly usage reporting as Pulse runs it: daily licensed-user counts are recorded per
 * customer; on the 1st the previous month's report is generated from the highest daily counts;
 * the service provider reviews and edits it, Submit Usage saves it for confirmation, and Confirm
 * to Submit sends it to the aggregator (status Submitted). The aggregator may reject it with a
 * reason; it can then be corrected and confirmed again. Reports are due by the 3rd; two
 * consecutive overdue months suspend license management.
 */
export class UsageService {
  readonly daily: DailyCounts;
  private readonly licensedUsersOf: (customer: Customer) => number;
  private announcing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: HubContext,
    options: UsageServiceOptions = {},
  ) {
    this.daily = new DailyCounts(ctx.logs);
    this.licensedUsersOf = options.licensedUsersOf ?? ((customer) => customer.backedUpAccounts);
  }

  // ---- settings ----

  settings(): UsageSettings {
    return this.ctx.store.get(usageSettings, 'usage') ?? this.defaultSettings();
  }

  settingsView(): UsageSettingsView {
    const { id: _id, lastNumber: _n, suspension: _s, ...view } = this.settings();
    return { ...view, ...this.header() };
  }

  /** The report header fields Pulse shows; the aggregator account reads "Service Provider" until set. */
  header(): { usageReportingAdministrator: string | null; aggregatorAccount: string } {
    const s = this.settings();
    return { usageReportingAdministrator: s.usageReportingAdministrator ?? null, aggregatorAccount: s.aggregatorAccount ?? 'Service Provider' };
  }

  async updateSettings(
    principal: Principal,
    input: {
      rentalAgreementNumber?: string | null;
      minimumCommit?: string;
      customerMinimumCommits?: Record<string, number>;
      usageReportingAdministrator?: string | null;
      aggregatorAccount?: string;
    },
  ): Promise<UsageSettingsView> {
    const now = this.ctx.clock.now().toISOString();
    await this.ctx.store.write((tx) => {
      const current = tx.get(usageSettings, 'usage') ?? this.defaultSettings();
      const next: UsageSettings = {
        ...current,
        ...(input.rentalAgreementNumber !== undefined && { rentalAgreementNumber: input.rentalAgreementNumber }),
        ...(input.minimumCommit !== undefined && { minimumCommit: input.minimumCommit }),
        ...(input.usageReportingAdministrator !== undefined && { usageReportingAdministrator: input.usageReportingAdministrator }),
        ...(input.aggregatorAccount !== undefined && { aggregatorAccount: input.aggregatorAccount }),
        ...(input.customerMinimumCommits !== undefined && {
          customerMinimumCommits: Object.fromEntries(Object.entries(input.customerMinimumCommits).filter(([, units]) => units > 0)),
        }),
        updatedAt: now,
        updatedBy: principal.actor.name,
      };
      tx.put(usageSettings, next);
      // Reports not yet with the aggregator follow the agreement; submitted ones stay as sent.
      for (const report of this.ctx.store.all(usageReports)) {
        if (report.status === SUBMITTED) continue;
        tx.put(usageReports, {
          ...report,
          rentalAgreementNumber: next.rentalAgreementNumber,
          minimumCommit: next.minimumCommit,
          lines: report.lines.map((line) => (line.kind === 'saas' && line.customerId ? { ...line, minimumCommit: next.customerMinimumCommits[line.customerId] ?? 0 } : line)),
        });
      }
    });
    await recordChange(this.ctx, principal, { action: 'usage-settings.updated', target: { type: 'usageSettings', id: 'usage' }, details: input });
    return this.settingsView();
  }

  private defaultSettings(): UsageSettings {
    const env = this.ctx.config.env;
    const commit = DecimalAmount.safeParse(env.SPHUB_USAGE_MINIMUM_COMMIT ?? '0');
    const agreement = env.SPHUB_RENTAL_AGREEMENT_NUMBER?.trim();
    return {
      id: 'usage',
      rentalAgreementNumber: agreement && /^\d{1,20}$/.test(agreement) ? agreement : null,
      minimumCommit: commit.success ? commit.data : '0.0',
      customerMinimumCommits: {},
      lastNumber: 0,
      updatedAt: null,
      updatedBy: null,
      suspension: null,
    };
  }

  // ---- daily counts ----

  /**
   * Today's licensed-user count of every active customer, as it would be recorded now. A customer
   * offboarded today still counts today (its tombstone keeps the last counts).
   */
  liveCounts(now = this.ctx.clock.now()): DailyCountInput[] {
    const out: DailyCountInput[] = [];
    const today = dayOf(now);
    for (const customer of this.ctx.store.all(customers)) {
      const offboardedToday = customer.status === 'offboarded' && customer.offboardedAt?.slice(0, 10) === today;
      if (customer.status !== 'active' && !offboardedToday) continue;
      out.push({
        customerId: customer.id,
        customerName: customer.displayName,
        externalId: customer.externalId ?? null,
        licensedUsers: Math.max(0, Math.trunc(this.licensedUsersOf(customer))),
        licenses: customer.licenseLimit ?? 0,
      });
    }
    return out;
  }

  /** Records today's counts; running it again the same day adds nothing unless a count went up. */
  async recordDailyCounts(now = this.ctx.clock.now()): Promise<{ day: string; recorded: number }> {
    const day = dayOf(now);
    return { day, recorded: await this.daily.record(day, this.liveCounts(now), now) };
  }

  /**
   * Records one customer's licensed-user count for today, whatever its status (an import of its
   * licensed users is the provider saying how many it protects now). Returns the day, or null for
   * a customer that is gone.
   */
  async recordCustomerCount(customerId: string, now = this.ctx.clock.now()): Promise<string | null> {
    const customer = this.ctx.store.get(customers, customerId);
    if (!customer || customer.status === 'offboarded') return null;
    const day = dayOf(now);
    await this.daily.record(
      day,
      [
        {
          customerId: customer.id,
          customerName: customer.displayName,
          externalId: customer.externalId ?? null,
          licensedUsers: Math.max(0, Math.trunc(this.licensedUsersOf(customer))),
          licenses: customer.licenseLimit ?? 0,
        },
      ],
      now,
    );
    return day;
  }

  async dailyCounts(month: string): Promise<DailyCountsView> {
    this.assertNotFuture(month);
    const usage = new Map((await this.daily.usage(month)).map((u) => [u.customerId, u]));
    const days = new Map<string, Map<string, { licensedUsers: number; licenses: number }>>();
    for (const record of await this.daily.records(month)) {
      let perDay = days.get(record.customerId);
      if (!perDay) days.set(record.customerId, (perDay = new Map()));
      const seen = perDay.get(record.day);
      if (!seen || record.licensedUsers > seen.licensedUsers) perDay.set(record.day, { licensedUsers: record.licensedUsers, licenses: record.licenses });
    }
    return {
      usageMonth: month,
      customers: [...usage.values()]
        .sort((a, b) => a.customerName.localeCompare(b.customerName, 'en'))
        .map((u) => ({
          customerId: u.customerId,
          customerName: u.customerName,
          highest: u.highest,
          highestDay: u.highestDay,
          days: [...(days.get(u.customerId) ?? new Map()).entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, v]) => ({ day, ...v })),
        })),
    };
  }

  // ---- the scheduler's work ----

  /**
   * One pass of the scheduler: record today's counts, generate the previous month's report when it
   * is missing (from the 1st on; only for a month with counts; the month before too if the hub
   * missed its 1st), then announce what is due, overdue or suspended. Safe to run as often as wanted.
   */
  async runScheduled(now = this.ctx.clock.now()): Promise<ScheduledRun> {
    const { day, recorded } = await this.recordDailyCounts(now);
    let generated: string | null = null;
    // The previous month, and the one before when the hub was down over its 1st.
    for (const month of [addMonths(monthOf(now), -2), previousMonth(monthOf(now))]) {
      if (this.ctx.store.get(usageReports, month) || !(await this.daily.hasMonth(month))) continue;
      await this.generate(month, systemPrincipal());
      generated = month;
    }
    const notices = await this.announce(now);
    return { day, recorded, generated, notices };
  }

  /** Creates the report of a finished month from its daily counts. */
  async generate(month: string, principal: Principal): Promise<UsageReportRecord> {
    const now = this.ctx.clock.now();
    if (month >= monthOf(now)) throw localizedError('conflict', { key: 'api.usage.notOver', params: { month: { month } } });
    if (this.ctx.store.get(usageReports, month)) throw localizedError('conflict', { key: 'api.usage.exists', params: { month: { month } } });
    const usage = await this.daily.usage(month);
    const record = await this.ctx.store.write((tx) => {
      if (tx.get(usageReports, month)) return null;
      const settings = tx.get(usageSettings, 'usage') ?? this.defaultSettings();
      const lastNumber = settings.lastNumber + 1;
      tx.put(usageSettings, { ...settings, lastNumber });
      const report: UsageReportRecord = {
        id: month,
        number: `MU-${String(lastNumber).padStart(8, '0')}`,
        rentalAgreementNumber: settings.rentalAgreementNumber,
        usageMonth: month,
        status: 'Pending Service Provider Review',
        usageConfirmed: false,
        readyToConfirm: false,
        purchaseOrder: '',
        comment: '',
        rejectionReason: null,
        minimumCommit: settings.minimumCommit,
        lines: this.saasLines(usage, settings, tx.get(usageReports, previousMonth(month)), undefined),
        generatedAt: now.toISOString(),
        savedAt: null,
        submittedAt: null,
        submittedBy: null,
        history: [entry(now, 'generated', 'Pending Service Provider Review', principal)],
        notices: {},
      };
      tx.put(usageReports, report);
      return report;
    });
    if (!record) throw localizedError('conflict', { key: 'api.usage.exists', params: { month: { month } } });
    const totals = reportTotals(this.lineViews(record.lines), record.minimumCommit);
    await recordChange(this.ctx, principal, {
      action: 'usage-report.generated',
      target: { type: 'usageReport', id: month, name: record.number },
      details: { usageMonth: month, number: record.number, customers: usage.length, totalPoints: totals.totalPoints, dueDate: dueDate(month) },
      data: { usageMonth: month, number: record.number, customers: usage.length, totalPoints: totals.totalPoints, dueDate: dueDate(month), topic: TOPIC },
    });
    return record;
  }

  /** Announces, once each: a report due, a report overdue, a suspension and its lifting. */
  announce(now = this.ctx.clock.now()): Promise<string[]> {
    // One pass at a time, so a scheduler pass and a confirmation never announce the same thing twice.
    const run = this.announcing.then(() => this.announceNow(now));
    this.announcing = run.catch(() => undefined);
    return run;
  }

  private async announceNow(now: Date): Promise<string[]> {
    const notices: string[] = [];
    for (const report of this.allReports()) {
      if (report.status === SUBMITTED) continue;
      const overdue = isOverdue(timing(report), now);
      const kind = overdue ? 'overdue' : 'due';
      if (report.notices[kind]) continue;
      if (kind === 'due' && report.notices.overdue) continue;
      await this.ctx.store.write((tx) => {
        const current = tx.get(usageReports, report.id);
        if (current) tx.put(usageReports, { ...current, notices: { ...current.notices, [kind]: now.toISOString() } });
      });
      await this.ctx.events.emit({
        type: `usage-report.${kind}`,
        subject: { type: 'usageReport', id: report.id, name: report.number },
        data: {
          usageMonth: report.id,
          usageMonthText: monthLabel(report.id),
          number: report.number,
          status: report.status,
          dueDate: dueDate(report.id),
          deadline: deadline(report.id).toISOString(),
          topic: TOPIC,
        },
      });
      notices.push(`usage-report.${kind}:${report.id}`);
    }
    const suspension = this.suspension(now);
    const announced = this.settings().suspension;
    if (suspension.suspended && !announced) {
      const since = suspension.since ?? now.toISOString();
      await this.ctx.store.write((tx) => {
        const current = tx.get(usageSettings, 'usage') ?? this.defaultSettings();
        tx.put(usageSettings, { ...current, suspension: { since, cause: suspension.cause ?? [] } });
      });
      await this.ctx.events.emit({
        type: 'license-management.suspended',
        subject: { type: 'usageReport', id: suspension.cause![1] },
        data: { overdueMonths: suspension.overdueMonths, cause: suspension.cause, since, topic: TOPIC },
      });
      notices.push('license-management.suspended');
    } else if (!suspension.suspended && announced) {
      await this.ctx.store.write((tx) => {
        const current = tx.get(usageSettings, 'usage') ?? this.defaultSettings();
        tx.put(usageSettings, { ...current, suspension: null });
      });
      await this.ctx.events.emit({
        type: 'license-management.restored',
        subject: { type: 'usageReport', id: announced.cause[1] ?? announced.cause[0] ?? '' },
        data: { suspendedSince: announced.since, overdueMonths: suspension.overdueMonths, topic: TOPIC },
      });
      notices.push('license-management.restored');
    }
    return notices;
  }

  // ---- reading ----

  private allReports(): UsageReportRecord[] {
    return [...this.ctx.store.all(usageReports)].sort((a, b) => a.id.localeCompare(b.id));
  }

  suspension(now = this.ctx.clock.now()): SuspensionState {
    return suspensionState(this.allReports().map(timing), now);
  }

  /** Where reporting stands; `warnings` in `language` (the caller's Accept-Language). */
  reportingState(now = this.ctx.clock.now(), language: Language = 'en'): UsageReportingState {
    const suspension = this.suspension(now);
    const open = this.allReports().filter((r) => r.status !== SUBMITTED);
    const next = open[0];
    const warnings: Text[] = [];
    if (suspension.suspended) warnings.push(suspendedWarningText(suspension));
    for (const month of suspension.overdueMonths) warnings.push({ key: 'api.usage.monthOverdue', params: { month: { month }, due: dueDate(month) } });
    return {
      overdueMonths: suspension.overdueMonths,
      licenseManagementSuspended: suspension.suspended,
      suspensionCause: suspension.cause,
      suspendedSince: suspension.since,
      nextDue: next ? { usageMonth: next.id, dueDate: dueDate(next.id), deadline: deadline(next.id).toISOString(), overdue: isOverdue(timing(next), now), status: next.status } : null,
      warnings: warnings.map((w) => say(language, w)),
    };
  }

  list(query: UsageReportQuery, language: Language = 'en'): UsageReportList {
    const now = this.ctx.clock.now();
    const suspension = this.suspension(now);
    const q = query.q?.toLowerCase();
    const rows: { summary: UsageReportSummary }[] = [];
    for (const report of this.allReports()) {
      if (query.status && !query.status.includes(report.status)) continue;
      if (query.from && report.id < query.from) continue;
      if (query.to && report.id > query.to) continue;
      if (query.overdue !== undefined && isOverdue(timing(report), now) !== query.overdue) continue;
      if (q && !report.number.toLowerCase().includes(q) && !report.lines.some((l) => l.customer.toLowerCase().includes(q))) continue;
      rows.push({ summary: this.summaryOf(report, suspension, now) });
    }
    const [key, dir] = query.sort.startsWith('-') ? [query.sort.slice(1), -1] : [query.sort, 1];
    rows.sort((a, b) => {
      const order = key === 'totalPoints' ? toDecimal(a.summary.totalPoints).comparedTo(toDecimal(b.summary.totalPoints)) : a.summary.usageMonth.localeCompare(b.summary.usageMonth);
      return (order || a.summary.usageMonth.localeCompare(b.summary.usageMonth)) * dir;
    });
    const start = (query.page - 1) * query.pageSize;
    return {
      items: rows.slice(start, start + query.pageSize).map((r) => r.summary),
      total: rows.length,
      page: query.page,
      pageSize: query.pageSize,
      summary: this.reportingState(now, language),
    };
  }

  /** A month's report; for the running month, a computed snapshot that is never saved. */
  async report(month: string, language: Language = 'en'): Promise<UsageReport> {
    const now = this.ctx.clock.now();
    const record = this.ctx.store.get(usageReports, month);
    if (record) return this.view(record, now, language);
    if (month === monthOf(now)) return this.snapshot(month, now, language);
    throw this.noReport(month, now);
  }

  history(month: string): UsageReportHistoryEntry[] {
    return this.existing(month).history;
  }

  async csv(month: string, part: 'all' | 'details'): Promise<{ filename: string; body: string }> {
    const report = await this.report(month);
    const header = [
      'Usage Month',
      'Report Number',
      'Line Type',
      'Customer Name',
      'Tenant Account CRM ID',
      'Start Date',
      'Product Name',
      'Unit',
      'Licensed',
      'Reported Prev Month',
      'Auto Reported',
      'Current Month Usage',
      'Minimum Commit',
      'Points Per Unit',
      'Points',
    ];
    const rows: CsvCell[][] = report.lines.map((l) => [
      report.usageMonth,
      report.number ?? 'snapshot',
      l.kind === 'saas' ? 'SaaS' : 'Software',
      l.customer,
      l.tenantAccountCrmId,
      l.startDate,
      l.product,
      l.unit,
      l.licensed,
      l.reportedPreviousMonth,
      l.autoReported,
      l.currentMonthUsage,
      l.minimumCommit,
      l.pointsPerUnit,
      l.points,
    ]);
    if (part === 'all') {
      const t = report.totals;
      const total = (label: string, points: string): CsvCell[] => [report.usageMonth, report.number ?? 'snapshot', 'Total', '', '', '', label, '', '', '', '', '', '', '', points];
      rows.push(
        total('Reported Points (Software)', t.reportedPoints.software),
        total('Reported Points (SaaS)', t.reportedPoints.saas),
        total('Reported Points', t.reportedPoints.total),
        total('Minimum Commit', t.minimumCommit),
        total('Minimum Commit Enforcement', t.minimumCommitEnforcement),
        total('Subtotal', t.subtotal.total),
        total('Overage', t.overage),
        total('Total Points', t.totalPoints),
      );
    }
    const filename = report.number ? `usage-report-${report.usageMonth}-${report.number}.csv` : `usage-snapshot-${report.usageMonth}.csv`;
    return { filename, body: csvTable(header, rows) };
  }

  // ---- changing a report ----

  /** Edits before submission (usage per line, purchase order, comment, hand-added products); saves -> Saved. */
  async update(principal: Principal, month: string, changes: UsageReportChanges, language: Language = 'en'): Promise<UsageReport> {
    return this.change(principal, month, 'saved', (report) => ({ ...this.applyChanges(report, changes), readyToConfirm: false }), changes, language);
  }

  /** Pulse's "Submit Usage": saves the reviewed values (with any last edits) for confirmation. */
  async submitUsage(principal: Principal, month: string, changes: UsageReportChanges | undefined, language: Language = 'en'): Promise<UsageReport> {
    return this.change(principal, month, 'usage-submitted', (report) => ({ ...this.applyChanges(report, changes ?? {}), readyToConfirm: true }), changes, language);
  }

  /** Pulse's "Confirm to Submit": sends the submitted usage to the aggregator -> Submitted. */
  async confirm(principal: Principal, month: string, language: Language = 'en'): Promise<UsageReport> {
    const now = this.ctx.clock.now();
    const result = await this.change(
      principal,
      month,
      'submitted',
      (report) => {
        if (!report.readyToConfirm) {
          throw localizedError('conflict', { key: 'api.usage.submitFirst', params: { month: { month }, id: month } });
        }
        return {
          ...report,
          status: SUBMITTED,
          usageConfirmed: true,
          readyToConfirm: false,
          rejectionReason: null,
          submittedAt: now.toISOString(),
          submittedBy: principal.actor.name,
        };
      },
      undefined,
      language,
    );
    await this.announce(now);
    return result;
  }

  /** The aggregator sent a submitted report back: it can be corrected and confirmed again. */
  async reject(principal: Principal, month: string, reason: string, language: Language = 'en'): Promise<UsageReport> {
    const now = this.ctx.clock.now();
    const record = this.existing(month);
    if (record.status !== SUBMITTED) throw localizedError('conflict', { key: 'api.usage.rejectOnlySubmitted', params: { month: { month }, status: record.status } });
    const updated = await this.ctx.store.write((tx) => {
      const current = tx.get(usageReports, month)!;
      if (current.status !== SUBMITTED) throw localizedError('conflict', { key: 'api.usage.rejectOnlySubmitted', params: { month: { month }, status: current.status } });
      const next: UsageReportRecord = {
        ...current,
        status: 'Rejected',
        usageConfirmed: false,
        readyToConfirm: false,
        rejectionReason: reason,
        submittedAt: null,
        submittedBy: null,
        history: [...current.history, entry(now, 'rejected', 'Rejected', principal, reason)],
      };
      tx.put(usageReports, next);
      return next;
    });
    await recordChange(this.ctx, principal, {
      action: 'usage-report.rejected',
      target: { type: 'usageReport', id: month, name: updated.number },
      details: { usageMonth: month, number: updated.number, reason },
      data: { usageMonth: month, number: updated.number, reason, topic: TOPIC },
    });
    await this.announce(now);
    return this.view(updated, now, language);
  }

  /** Re-reads the month's daily counts into a report not yet submitted; hand edits are kept. */
  async recompute(principal: Principal, month: string, language: Language = 'en'): Promise<UsageReport> {
    const usage = await this.daily.usage(month);
    return this.change(
      principal,
      month,
      'recomputed',
      (report) => {
        const settings = this.settings();
        const saas = this.saasLines(usage, settings, this.ctx.store.get(usageReports, previousMonth(month)), report);
        const lines = [...saas, ...report.lines.filter((l) => l.kind === 'software')];
        const changed = JSON.stringify(lines) !== JSON.stringify(report.lines);
        return { ...report, lines, readyToConfirm: report.readyToConfirm && !changed };
      },
      undefined,
      language,
    );
  }

  private async change(
    principal: Principal,
    month: string,
    action: 'saved' | 'usage-submitted' | 'submitted' | 'recomputed',
    apply: (report: UsageReportRecord) => UsageReportRecord,
    changes?: UsageReportChanges,
    language: Language = 'en',
  ): Promise<UsageReport> {
    const now = this.ctx.clock.now();
    this.assertEditable(this.existing(month), month);
    const updated = await this.ctx.store.write((tx) => {
      const current = tx.get(usageReports, month)!;
      this.assertEditable(current, month);
      const applied = apply(current);
      const status = action === 'submitted' ? SUBMITTED : action === 'recomputed' ? current.status : 'Saved';
      const next: UsageReportRecord = {
        ...applied,
        status,
        savedAt: action === 'saved' || action === 'usage-submitted' ? now.toISOString() : applied.savedAt,
        history: [...current.history, entry(now, action, status, principal)],
      };
      tx.put(usageReports, next);
      return next;
    });
    const totals = reportTotals(this.lineViews(updated.lines), updated.minimumCommit);
    const details = {
      usageMonth: month,
      number: updated.number,
      status: updated.status,
      totalPoints: totals.totalPoints,
      ...(changes && summarizeChanges(changes)),
    };
    await recordChange(this.ctx, principal, {
      action: `usage-report.${action}`,
      target: { type: 'usageReport', id: month, name: updated.number },
      details,
      data: { ...details, readyToConfirm: updated.readyToConfirm, usageConfirmed: updated.usageConfirmed, topic: TOPIC },
    });
    return this.view(updated, now, language);
  }

  private applyChanges(report: UsageReportRecord, changes: UsageReportChanges): UsageReportRecord {
    const errors: FieldError[] = [];
    const byId = new Map(report.lines.map((l) => [l.id, l]));
    const usage = new Map<string, number>();
    changes.lines?.forEach((change, i) => {
      if (!byId.has(change.id)) errors.push({ field: `body.lines.${i}.id`, message: `no line "${change.id}" on this report` });
      else if (usage.has(change.id)) errors.push({ field: `body.lines.${i}.id`, message: `line "${change.id}" is given twice` });
      usage.set(change.id, change.currentMonthUsage);
    });
    const removed = new Set<string>();
    changes.removeLineIds?.forEach((id, i) => {
      const line = byId.get(id);
      if (!line) errors.push({ field: `body.removeLineIds.${i}`, message: `no line "${id}" on this report` });
      else if (line.kind === 'saas') errors.push({ field: `body.removeLineIds.${i}`, message: 'lines counted from daily usage cannot be removed; set their usage instead' });
      else removed.add(id);
    });
    if (errors.length > 0) {
      const rule = errors.some((e) => e.message.startsWith('lines counted'));
      const message = `The changes do not fit the report: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`.slice(0, 500);
      throw rule ? businessRule(message, errors) : invalid(message, errors);
    }
    let lines = report.lines.filter((l) => !removed.has(l.id)).map((l) => (usage.has(l.id) ? { ...l, currentMonthUsage: usage.get(l.id)! } : l));
    if (changes.addLines?.length) {
      let seq = report.lines.reduce((max, l) => (l.id.startsWith('sw:') ? Math.max(max, Number(l.id.slice(3)) || 0) : max), 0);
      const previous = this.ctx.store.get(usageReports, previousMonth(report.id));
      for (const add of changes.addLines) {
        seq += 1;
        const before = previous?.lines.find((l) => l.kind === 'software' && l.product === add.product && l.unit === add.unit && l.customer === add.customer);
        lines = [
          ...lines,
          {
            id: `sw:${seq}`,
            kind: 'software',
            product: add.product,
            customerId: null,
            customer: add.customer,
            tenantAccountCrmId: null,
            startDate: null,
            unit: add.unit,
            licensed: add.licensed,
            reportedPreviousMonth: before?.currentMonthUsage ?? 0,
            autoReported: 0,
            currentMonthUsage: add.currentMonthUsage,
            minimumCommit: 0,
            pointsPerUnit: add.pointsPerUnit,
          },
        ];
      }
    }
    return {
      ...report,
      lines,
      ...(changes.purchaseOrder !== undefined && { purchaseOrder: changes.purchaseOrder }),
      ...(changes.comment !== undefined && { comment: changes.comment }),
    };
  }

  private assertEditable(report: UsageReportRecord, month: string): void {
    if (report.status === SUBMITTED) {
      throw localizedError('conflict', { key: 'api.usage.submittedFixed', params: { month: { month }, number: report.number } });
    }
  }

  private existing(month: string): UsageReportRecord {
    const record = this.ctx.store.get(usageReports, month);
    if (record) return record;
    const now = this.ctx.clock.now();
    if (month === monthOf(now)) {
      throw localizedError('conflict', { key: 'api.usage.running', params: { month: { month }, id: month, next: nextMonth(month) } });
    }
    throw this.noReport(month, now);
  }

  private noReport(month: string, now: Date) {
    if (month > monthOf(now)) return localizedError('not_found', { key: 'api.usage.noUsageYet', params: { month: { month } } });
    return localizedError('not_found', { key: 'api.usage.noReport', params: { month: { month } } });
  }

  private assertNotFuture(month: string): void {
    if (month > monthOf(this.ctx.clock.now())) throw localizedError('not_found', { key: 'api.usage.noUsageYet', params: { month: { month } } });
  }

  // ---- views ----

  private saasLines(usage: MonthlyCustomerUsage[], settings: UsageSettings, previous: UsageReportRecord | undefined, current: UsageReportRecord | undefined): UsageLineRecord[] {
    const before = new Map(previous?.lines.map((l) => [l.id, l]));
    const existing = new Map(current?.lines.map((l) => [l.id, l]));
    return usage.map((u) => {
      const id = `saas:${u.customerId}`;
      const edited = existing.get(id);
      const keepEdit = edited && edited.currentMonthUsage !== edited.autoReported;
      return {
        id,
        kind: 'saas',
        product: FLEX_PRODUCT,
        customerId: u.customerId,
        customer: u.customerName,
        tenantAccountCrmId: u.externalId,
        startDate: u.firstDay,
        unit: FLEX_UNIT,
        licensed: u.licensed,
        reportedPreviousMonth: before.get(id)?.currentMonthUsage ?? 0,
        autoReported: u.highest,
        currentMonthUsage: keepEdit ? edited.currentMonthUsage : u.highest,
        minimumCommit: settings.customerMinimumCommits[u.customerId] ?? 0,
        pointsPerUnit: formatPoints(FLEX_POINTS_PER_UNIT),
      };
    });
  }

  private lineViews(lines: readonly UsageLineRecord[]): UsageLine[] {
    return lines.map((l) => ({ ...l, points: linePoints(l.pointsPerUnit, l.currentMonthUsage, l.minimumCommit), edited: l.currentMonthUsage !== l.autoReported }));
  }

  private summaryOf(report: UsageReportRecord, suspension: SuspensionState, now: Date): UsageReportSummary {
    const totals = reportTotals(this.lineViews(report.lines), report.minimumCommit);
    return {
      usageMonth: report.id,
      usageMonthText: monthLabel(report.id),
      snapshot: false,
      number: report.number,
      rentalAgreementNumber: report.rentalAgreementNumber,
      ...this.header(),
      status: report.status,
      usageConfirmed: report.usageConfirmed,
      readyToConfirm: report.readyToConfirm,
      nextStep: report.status === SUBMITTED ? 'none' : report.readyToConfirm ? 'confirm' : 'review',
      rejectionReason: report.rejectionReason,
      dueDate: dueDate(report.id),
      deadline: deadline(report.id).toISOString(),
      overdue: isOverdue(timing(report), now),
      late: wasLate(timing(report)),
      licenseManagementSuspended: suspension.suspended,
      customers: report.lines.filter((l) => l.kind === 'saas').length,
      totalPoints: totals.totalPoints,
      generatedAt: report.generatedAt,
      submittedAt: report.submittedAt,
    };
  }

  private view(report: UsageReportRecord, now: Date, language: Language): UsageReport {
    const suspension = this.suspension(now);
    const lines = this.lineViews(report.lines);
    const summary = this.summaryOf(report, suspension, now);
    const texts: Text[] = [];
    if (suspension.suspended) texts.push(suspendedWarningText(suspension));
    if (summary.overdue) texts.push({ key: 'api.usage.reportOverdue', params: { due: summary.dueDate } });
    else if (report.status !== SUBMITTED) texts.push({ key: 'api.usage.reportDue', params: { due: summary.dueDate } });
    // The aggregator's reason is quoted as it came.
    if (report.status === 'Rejected')
      texts.push(report.rejectionReason ? { key: 'api.usage.reportRejected', params: { reason: report.rejectionReason } } : { key: 'api.usage.reportRejectedNoReason' });
    if (report.readyToConfirm) texts.push({ key: 'api.usage.notConfirmed' });
    const warnings = texts.map((w) => say(language, w));
    const last = report.history.at(-1)?.at ?? report.generatedAt;
    return {
      ...summary,
      purchaseOrder: report.purchaseOrder,
      comment: report.comment,
      lines,
      saasUsage: saasDetails(report.id, lines),
      totals: reportTotals(lines, report.minimumCommit),
      savedAt: report.savedAt,
      submittedBy: report.submittedBy,
      computedAt: last,
      warnings,
      history: report.history,
    };
  }

  private async snapshot(month: string, now: Date, language: Language): Promise<UsageReport> {
    const acc = await this.daily.accumulator(month);
    const today = dayOf(now);
    for (const live of this.liveCounts(now)) acc.add({ ...live, day: today });
    const settings = this.settings();
    const lines = this.lineViews(this.saasLines(acc.result(), settings, this.ctx.store.get(usageReports, previousMonth(month)), undefined));
    const suspension = this.suspension(now);
    const totals = reportTotals(lines, settings.minimumCommit);
    const texts: Text[] = [{ key: 'api.usage.snapshot', params: { month: { month }, generated: `${nextMonth(month)}-01` } }];
    if (suspension.suspended) texts.unshift(suspendedWarningText(suspension));
    const warnings = texts.map((w) => say(language, w));
    return {
      usageMonth: month,
      usageMonthText: monthLabel(month),
      snapshot: true,
      number: null,
      rentalAgreementNumber: settings.rentalAgreementNumber,
      ...this.header(),
      status: null,
      usageConfirmed: false,
      readyToConfirm: false,
      nextStep: 'wait-for-month-end',
      rejectionReason: null,
      dueDate: dueDate(month),
      deadline: deadline(month).toISOString(),
      overdue: false,
      late: false,
      licenseManagementSuspended: suspension.suspended,
      customers: lines.length,
      totalPoints: totals.totalPoints,
      generatedAt: null,
      submittedAt: null,
      purchaseOrder: '',
      comment: '',
      lines,
      saasUsage: saasDetails(month, lines),
      totals,
      savedAt: null,
      submittedBy: null,
      computedAt: now.toISOString(),
      warnings,
      history: [],
    };
  }

  // ---- alerts ----

  /**
   * Reports due or overdue and a suspension, as alerts of the monitoring registry. They concern
   * the partner account, not one customer (customerId null).
   */
  alerts(now = this.ctx.clock.now()): AlertDraft[] {
    const suspension = this.suspension(now);
    const alerts: AlertDraft[] = [];
    const open = (month: string) => ({ type: 'openUsageReport', label: 'Review, submit and confirm the report', usageMonth: month });
    if (suspension.suspended) {
      const month = suspension.cause![1];
      alerts.push({
        id: `licenseManagementSuspended.${month}`,
        kind: 'licenseManagementSuspended',
        severity: 'critical',
        customerId: null,
        customerName: null,
        subject: { type: 'usageReport', id: month, name: `Usage reports ${suspension.cause!.map(monthLabel).join(' and ')}` },
        ...because(suspendedWarningText(suspension)),
        since: suspension.since,
        action: open(suspension.cause![0]),
      });
    }
    for (const report of this.allReports()) {
      if (report.status === SUBMITTED) continue;
      const overdue = isOverdue(timing(report), now);
      const kind = overdue ? 'usageReportOverdue' : 'usageReportDue';
      alerts.push({
        id: `${kind}.${report.id}`,
        kind,
        severity: overdue ? 'warning' : 'info',
        customerId: null,
        customerName: null,
        subject: { type: 'usageReport', id: report.id, name: `${report.number} (${monthLabel(report.id)})` },
        ...because({ key: overdue ? 'api.usage.overdueAlert' : 'api.usage.dueAlert', params: { month: { month: report.id }, number: report.number, status: report.status, due: dueDate(report.id) } }),
        since: overdue ? deadline(report.id).toISOString() : report.generatedAt,
        action: open(report.id),
      });
    }
    return alerts;
  }
}

/**
 * The usage area's provider for the monitoring alerts registry (`ctx.services.alerts.register`):
 * account-level alerts, so none when one customer's alerts are asked for.
 */
export function usageAlertProvider(usage: UsageService) {
  return {
    name: 'usage-reports',
    kinds: ['usageReportDue', 'usageReportOverdue', 'licenseManagementSuspended'] as const,
    list: (input: { now: Date; customerId?: string }): AlertDraft[] => (input.customerId ? [] : usage.alerts(input.now)),
  };
}

function timing(report: UsageReportRecord) {
  return { month: report.id, submitted: report.status === SUBMITTED, submittedAt: report.submittedAt };
}

function entry(now: Date, action: UsageReportHistoryEntry['action'], status: UsageReportHistoryEntry['status'], principal: Principal, note?: string): UsageReportHistoryEntry {
  return { at: now.toISOString(), action, status, actor: principal.actor.name, channel: principal.actor.channel, ...(note && { note }) };
}

function saasDetails(month: string, lines: readonly UsageLine[]): SaasUsageDetail[] {
  return lines
    .filter((l) => l.kind === 'saas')
    .map((l) => ({
      usageMonthText: monthLabel(month),
      customerId: l.customerId,
      customerName: l.customer,
      tenantAccountCrmId: l.tenantAccountCrmId,
      startDate: l.startDate,
      productName: l.product,
      unit: l.unit,
      reportedUnits: l.currentMonthUsage,
      pointsPerUnit: l.pointsPerUnit,
      points: l.points,
    }));
}

function suspendedWarningText(suspension: SuspensionState): Text {
  const [a, b] = suspension.cause ?? [];
  return { key: 'api.usage.suspendedWarning', params: { first: a ? { month: a } : '?', second: b ? { month: b } : '?' } };
}

function summarizeChanges(changes: UsageReportChanges): Record<string, unknown> {
  return {
    ...(changes.lines && { linesChanged: changes.lines.length }),
    ...(changes.purchaseOrder !== undefined && { purchaseOrder: changes.purchaseOrder }),
    ...(changes.comment !== undefined && { commentChanged: true }),
    ...(changes.addLines && { linesAdded: changes.addLines.map((l) => l.product) }),
    ...(changes.removeLineIds && { linesRemoved: changes.removeLineIds }),
  };
}
