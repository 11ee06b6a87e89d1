import { z } from 'zod';
import { DECIMAL_PATTERN, formatPoints } from '../domain/usage-points.js';
import { Channel, Id, IsoDate, IsoDateTime, listOf, Month } from './common.js';

// Monthly usage reporting (VCSP Pulse). Amounts of points are decimal strings in one canonical
// form: plain notation with at least one fraction digit ("35.0", "52.5", "6.75"); units are
// whole numbers.

export const UsageReportStatus = z.enum(['Pending Service Provider Review', 'Saved', 'Submitted', 'Rejected']);
export type UsageReportStatus = z.infer<typeof UsageReportStatus>;

/** A points amount in canonical form. */
export const Points = z.string().regex(/^\d+\.\d+$/);

/** An amount as input, always a string ("2.5", "35"); stored and answered in canonical form ("2.5", "35.0"). */
export const DecimalAmount = z
  .string()
  .trim()
  .regex(DECIMAL_PATTERN, 'must be a decimal amount as a string, such as "2.5" (up to 4 decimals)')
  .transform((v) => formatPoints(v));

/** Units of a line (users, servers...). */
export const Units = z.number().int().min(0).max(10_000_000);

/** One customer's licensed-user count on one day, appended to usage/daily/YYYY-MM.jsonl. */
export const DailyUsageCount = z.object({
  day: IsoDate,
  customerId: Id,
  customerName: z.string(),
  externalId: z.string().nullable(),
  /** Protected accounts that consume a license (the customer's Licensed Users). */
  licensedUsers: z.number().int().min(0),
  /** Licensed limit that day. */
  licenses: z.number().int().min(0),
  recordedAt: IsoDateTime,
});
export type DailyUsageCount = z.infer<typeof DailyUsageCount>;

export const UsageLineKind = z.enum(['saas', 'software']);
export type UsageLineKind = z.infer<typeof UsageLineKind>;

/** A line as stored: `saas:<customerId>` lines come from daily counts, `sw:<n>` lines are added by hand. */
export const UsageLineRecord = z.object({
  id: z.string(),
  kind: UsageLineKind,
  product: z.string(),
  customerId: Id.nullable(),
  customer: z.string(),
  /** The customer's external (CRM) id, as the SaaS Usage Details page shows it. */
  tenantAccountCrmId: z.string().nullable(),
  /** First day of the month the customer was counted. */
  startDate: IsoDate.nullable(),
  unit: z.string(),
  licensed: z.number().int().min(0),
  reportedPreviousMonth: z.number().int().min(0),
  autoReported: z.number().int().min(0),
  /** What will be reported; starts as the auto-reported value and may be edited until submission. */
  currentMonthUsage: z.number().int().min(0),
  /** Units billed at least, whatever the usage. */
  minimumCommit: z.number().int().min(0),
  pointsPerUnit: Points,
});
export type UsageLineRecord = z.infer<typeof UsageLineRecord>;

export const UsageLine = UsageLineRecord.extend({
  /** pointsPerUnit x max(minimumCommit, currentMonthUsage). */
  points: Points,
  /** The current month usage differs from the auto-reported value. */
  edited: z.boolean(),
});
export type UsageLine = z.infer<typeof UsageLine>;

/** A row of Pulse's "SaaS Usage Details" page. */
export const SaasUsageDetail = z.object({
  usageMonthText: z.string(),
  customerId: Id.nullable(),
  customerName: z.string(),
  tenantAccountCrmId: z.string().nullable(),
  startDate: IsoDate.nullable(),
  productName: z.string(),
  unit: z.string(),
  reportedUnits: z.number().int().min(0),
  pointsPerUnit: Points,
  points: Points,
});
export type SaasUsageDetail = z.infer<typeof SaasUsageDetail>;

const PointsColumns = z.object({ software: Points, saas: Points, total: Points });
export const UsageTotals = z.object({
  reportedPoints: PointsColumns,
  minimumCommit: Points,
  minimumCommitEnforcement: Points,
  subtotal: PointsColumns,
  overage: Points,
  totalPoints: Points,
});
export type UsageTotals = z.infer<typeof UsageTotals>;

/** What happened to a report: one entry per step, newest last. */
export const UsageReportAction = z.enum(['generated', 'saved', 'usage-submitted', 'submitted', 'rejected', 'recomputed']);
export const UsageReportHistoryEntry = z.object({
  at: IsoDateTime,
  action: UsageReportAction,
  status: UsageReportStatus,
  actor: z.string(),
  channel: Channel,
  note: z.string().optional(),
});
export type UsageReportHistoryEntry = z.infer<typeof UsageReportHistoryEntry>;

export const UsageReportRecord = z.object({
  /** The usage month, YYYY-MM: one report per month. */
  id: Month,
  number: z.string().regex(/^MU-\d{8}$/),
  rentalAgreementNumber: z.string().nullable(),
  usageMonth: Month,
  status: UsageReportStatus,
  /** Pulse's "Usage Confirmed": set by Confirm to Submit. */
  usageConfirmed: z.boolean(),
  /** Submit Usage was done on the current values; Confirm to Submit is the next step. */
  readyToConfirm: z.boolean(),
  purchaseOrder: z.string(),
  comment: z.string(),
  rejectionReason: z.string().nullable(),
  minimumCommit: Points,
  lines: z.array(UsageLineRecord),
  generatedAt: IsoDateTime,
  savedAt: IsoDateTime.nullable(),
  submittedAt: IsoDateTime.nullable(),
  submittedBy: z.string().nullable(),
  history: z.array(UsageReportHistoryEntry),
  /** Announcements already made, so each is made once across restarts. */
  notices: z.object({ due: IsoDateTime.optional(), overdue: IsoDateTime.optional() }),
});
export type UsageReportRecord = z.infer<typeof UsageReportRecord>;

/** What to do next with a report. */
export const UsageNextStep = z.enum(['review', 'confirm', 'none', 'wait-for-month-end']);

const ReportState = {
  usageMonth: Month,
  usageMonthText: z.string(),
  /** A computed mid-month snapshot of the running month, never saved. */
  snapshot: z.boolean(),
  number: z.string().nullable(),
  rentalAgreementNumber: z.string().nullable(),
  /** The report header's "Usage Reporting Administrator" and "Aggregator Account". */
  usageReportingAdministrator: z.string().nullable(),
  aggregatorAccount: z.string(),
  status: UsageReportStatus.nullable(),
  usageConfirmed: z.boolean(),
  readyToConfirm: z.boolean(),
  nextStep: UsageNextStep,
  rejectionReason: z.string().nullable(),
  dueDate: IsoDate,
  /** The instant the report becomes overdue (end of the due date, UTC). */
  deadline: IsoDateTime,
  overdue: z.boolean(),
  /** Submitted after the deadline. */
  late: z.boolean(),
  licenseManagementSuspended: z.boolean(),
  customers: z.number().int(),
  totalPoints: Points,
  generatedAt: IsoDateTime.nullable(),
  submittedAt: IsoDateTime.nullable(),
};

export const UsageReportSummary = z.object(ReportState);
export type UsageReportSummary = z.infer<typeof UsageReportSummary>;

export const UsageReport = z.object({
  ...ReportState,
  purchaseOrder: z.string(),
  comment: z.string(),
  lines: z.array(UsageLine),
  saasUsage: z.array(SaasUsageDetail),
  totals: UsageTotals,
  savedAt: IsoDateTime.nullable(),
  submittedBy: z.string().nullable(),
  /** When the figures were computed (the snapshot's moment, or the report's last change). */
  computedAt: IsoDateTime,
  /** Deadline and suspension warnings, ready to show. */
  warnings: z.array(z.string()),
  history: z.array(UsageReportHistoryEntry),
});
export type UsageReport = z.infer<typeof UsageReport>;

export const UsageReportingState = z.object({
  overdueMonths: z.array(Month),
  licenseManagementSuspended: z.boolean(),
  /** The two consecutive overdue months behind a suspension. */
  suspensionCause: z.array(Month).nullable(),
  suspendedSince: IsoDateTime.nullable(),
  /** The oldest report still to submit, with its deadline. */
  nextDue: z.object({ usageMonth: Month, dueDate: IsoDate, deadline: IsoDateTime, overdue: z.boolean(), status: UsageReportStatus }).nullable(),
  warnings: z.array(z.string()),
});
export type UsageReportingState = z.infer<typeof UsageReportingState>;

export const UsageReportList = z.object({
  items: z.array(UsageReportSummary),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  summary: UsageReportingState,
});
export type UsageReportList = z.infer<typeof UsageReportList>;

export const UsageReportQuery = z.object({
  /** Matches the report number or a customer on a line. */
  q: z.string().trim().max(200).optional(),
  status: listOf(UsageReportStatus).optional(),
  from: Month.optional(),
  to: Month.optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  sort: z.enum(['month', '-month', 'totalPoints', '-totalPoints']).default('-month'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
});
export type UsageReportQuery = z.infer<typeof UsageReportQuery>;

export const MonthParams = z.object({ month: Month });
/** A month's report file: `2025-03.csv` or `2025-03.xlsx`. */
export const ReportFileParams = z.object({ file: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])\.(csv|xlsx)$/, 'must be YYYY-MM.csv or YYYY-MM.xlsx') });
export const CsvQuery = z.object({
  /** `details`: only the lines, as Pulse's "Details Only" export; default adds the totals rows. */
  part: z.enum(['all', 'details']).default('all'),
});

const SoftwareLineInput = z.strictObject({
  product: z.string().trim().min(1).max(120),
  unit: z.string().trim().min(1).max(40),
  customer: z.string().trim().max(120).default(''),
  licensed: Units.default(0),
  currentMonthUsage: Units,
  pointsPerUnit: DecimalAmount,
});

/** Changes to a report before submission; every field optional. */
export const UsageReportChanges = z.strictObject({
  lines: z
    .array(z.strictObject({ id: z.string().min(1).max(80), currentMonthUsage: Units }))
    .max(20_000)
    .optional(),
  purchaseOrder: z.string().trim().max(80).optional(),
  comment: z.string().trim().max(1000).optional(),
  /** Products reported by hand (Pulse's "Select a Product, Add"). */
  addLines: z.array(SoftwareLineInput).max(50).optional(),
  removeLineIds: z.array(z.string().min(1).max(80)).max(50).optional(),
});
export type UsageReportChanges = z.infer<typeof UsageReportChanges>;
export type UsageReportUpdateInput = z.input<typeof UsageReportChanges>;
/** PUT: at least one change. */
export const UsageReportUpdate = UsageReportChanges.refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'give at least one change' });
/** Submit Usage may carry last edits, like saving the form, or nothing. */
export const UsageReportSubmit = UsageReportChanges.optional();

export const UsageReportReject = z.strictObject({ reason: z.string().trim().min(1).max(1000) });

export const UsageSettings = z.object({
  id: z.literal('usage'),
  /** The rental agreement the reports are made under (Pulse's Rental Agreement Number). */
  rentalAgreementNumber: z.string().nullable(),
  /** The agreement's minimum commit in points per month (applies to the total). */
  minimumCommit: Points,
  /** Per-customer minimum commit in units (billed at least this many users). */
  customerMinimumCommits: z.record(Id, z.number().int().min(0)),
  /** Last report number handed out (MU-00000001, MU-00000002...). */
  lastNumber: z.number().int().min(0),
  updatedAt: IsoDateTime.nullable(),
  updatedBy: z.string().nullable(),
  /** The suspension last announced, so it is announced once and its lifting too. */
  suspension: z.object({ since: IsoDateTime, cause: z.array(Month) }).nullable(),
  /** Pulse's report header: "Usage Reporting Administrator" (the reporting account's id) and "Aggregator Account". */
  usageReportingAdministrator: z.string().nullable().optional(),
  aggregatorAccount: z.string().optional(),
});
export type UsageSettings = z.infer<typeof UsageSettings>;
export const UsageSettingsView = UsageSettings.omit({ id: true, lastNumber: true, suspension: true });
export type UsageSettingsView = z.infer<typeof UsageSettingsView>;

export const UsageSettingsUpdate = z
  .strictObject({
    rentalAgreementNumber: z
      .string()
      .trim()
      .regex(/^\d{1,20}$/, 'must be digits')
      .nullable()
      .optional(),
    minimumCommit: DecimalAmount.optional(),
    customerMinimumCommits: z.record(Id, Units).optional(),
    usageReportingAdministrator: z.string().trim().min(1).max(60).nullable().optional(),
    aggregatorAccount: z.string().trim().min(1).max(120).optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'give at least one setting' });
export type UsageSettingsUpdateInput = z.input<typeof UsageSettingsUpdate>;

/** The daily counts behind a month, per customer. */
export const DailyCountsView = z.object({
  usageMonth: Month,
  customers: z.array(
    z.object({
      customerId: Id,
      customerName: z.string(),
      highest: z.number().int(),
      highestDay: IsoDate,
      days: z.array(z.object({ day: IsoDate, licensedUsers: z.number().int(), licenses: z.number().int() })),
    }),
  ),
});
export type DailyCountsView = z.infer<typeof DailyCountsView>;
