import { z } from 'zod';
import { Id, IsoDate, IsoDateTime, listOf, Text } from './common.js';
import { CustomerStatus } from './customers.js';
import { PolicyResult } from './backup.js';

// What an SP checks each morning: alerts with their fixing action, the thresholds behind
// them, the dashboard widgets and the batch health the extension annotates tables with.

export const MonitoringSettings = z.object({
  /** An enabled policy without a successful session for this long is stale. */
  staleAfterHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30),
  /** License usage (protected users / licensed limit) at or above this is an alert. */
  licenseThresholdPercent: z.number().int().min(1).max(100),
  /** Storage consumed / quota at or above this is an alert (where a quota is set). */
  storageThresholdPercent: z.number().int().min(1).max(100),
});
export type MonitoringSettings = z.infer<typeof MonitoringSettings>;
export const DEFAULT_MONITORING_SETTINGS: MonitoringSettings = { staleAfterHours: 24, licenseThresholdPercent: 80, storageThresholdPercent: 90 };
export const MonitoringSettingsUpdate = z
  .strictObject({
    staleAfterHours: MonitoringSettings.shape.staleAfterHours.optional(),
    licenseThresholdPercent: MonitoringSettings.shape.licenseThresholdPercent.optional(),
    storageThresholdPercent: MonitoringSettings.shape.storageThresholdPercent.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'name at least one setting to change' });

export const AlertSeverity = z.enum(['critical', 'warning', 'info']);
export type AlertSeverity = z.infer<typeof AlertSeverity>;

/** Kinds raised by the built-in providers; other providers add their own kinds. @public Kept as documentation; no code reads it yet. */
export const BUILT_IN_ALERT_KINDS = ['backupFailed', 'backupWarning', 'tenantDisconnected', 'staleProtection', 'licenseThreshold', 'storageQuota'] as const;

/**
 * The one thing that fixes the condition, for a button: `startPolicy` {policyId},
 * `enablePolicy` {policyId}, `reconnectTenant` {customerId}, `increaseLicenses` {customerId},
 * `increaseStorageQuota` {customerId}; other providers add their own types.
 */
export const AlertAction = z.looseObject({
  type: z.string(),
  label: z.string(),
  policyId: Id.optional(),
  customerId: Id.optional(),
});
export type AlertAction = z.infer<typeof AlertAction>;

export const Acknowledgement = z.object({ by: z.string(), at: IsoDateTime, note: z.string().nullable() });

export const Alert = z.object({
  /** Stable for the same condition (same kind of problem on the same subject). */
  id: Id,
  kind: z.string(),
  severity: AlertSeverity,
  /** The provider that raised it. */
  source: z.string(),
  customerId: Id.nullable(),
  customerName: z.string().nullable(),
  subject: z.object({ type: z.string(), id: z.string(), name: z.string() }),
  reason: z.string(),
  /** Since when the condition holds. */
  since: IsoDateTime,
  action: AlertAction.nullable(),
  /** Set when someone acknowledged this occurrence of the condition. */
  acknowledged: Acknowledgement.nullable(),
});
export type Alert = z.infer<typeof Alert>;

export const AlertQuery = z.object({
  customerId: Id.optional(),
  kind: listOf(z.string().max(64)).optional(),
  severity: listOf(AlertSeverity).optional(),
  acknowledged: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(100),
});
export type AlertQuery = z.infer<typeof AlertQuery>;

export const AlertAcknowledgeInput = z.strictObject({ note: Text(500).optional() });

// ---- dashboard ----

export const JobsWidget = z.object({
  /** Number of backup jobs (policies). */
  count: z.number().int(),
  running: z.number().int(),
  /** Jobs by their latest result (Disconnected counts as Failed). */
  latest: z.object({ Success: z.number().int(), Warning: z.number().int(), Failed: z.number().int() }),
  /** Sessions finished per day by result. */
  history: z.array(z.object({ date: IsoDate, Success: z.number().int(), Warning: z.number().int(), Failed: z.number().int() })),
});
export const RestoresWidget = z.object({
  thisMonth: z.number().int(),
  lastMonth: z.number().int(),
  /** thisMonth - lastMonth. */
  change: z.number().int(),
  /** Restores this month per active customer, two decimals. */
  averagePerCustomer: z.number(),
  highest: z.object({ customerId: Id, customerName: z.string(), count: z.number().int() }).nullable(),
  history: z.array(z.object({ date: IsoDate, restores: z.number().int(), customers: z.number().int(), perCustomer: z.number() })),
});
export const LicensesWidget = z.object({
  customers: z.number().int(),
  licenses: z.number().int(),
  /** Active customers now minus at the end of last month (null without last month's figure). */
  customerChange: z.number().int().nullable(),
  licenseChange: z.number().int().nullable(),
  history: z.array(z.object({ date: IsoDate, customers: z.number().int(), licenses: z.number().int() })),
});
export const Dashboard = z.object({
  generatedAt: IsoDateTime,
  jobs: JobsWidget,
  restores: RestoresWidget,
  licenses: LicensesWidget,
});
export type Dashboard = z.infer<typeof Dashboard>;
export const DashboardQuery = z.object({ days: z.coerce.number().int().min(7).max(90).default(30) });

// ---- batch health ----

export const HealthRequest = z
  .strictObject({
    ids: z.array(Id).max(1000).default([]),
    /** Display name, M365 tenant domain or domain, case-insensitive. */
    names: z.array(z.string().trim().min(1).max(256)).max(1000).default([]),
  })
  .refine((v) => v.ids.length + v.names.length >= 1, { message: 'give at least one id or name' })
  .refine((v) => v.ids.length + v.names.length <= 1000, { message: 'at most 1,000 ids and names together' });
export type HealthRequest = z.infer<typeof HealthRequest>;

export const CustomerHealth = z.object({
  id: Id,
  displayName: z.string(),
  status: CustomerStatus,
  /** The worst last result among the customer's policies (Never without any result). */
  lastResult: PolicyResult,
  policies: z.number().int(),
  running: z.number().int(),
  /** An enabled policy has no successful session within the stale threshold. */
  stale: z.boolean(),
  staleSince: IsoDateTime.nullable(),
  /** Protected users / licensed limit in percent (one decimal); null without a limit. */
  licensePercent: z.number().nullable(),
  /** An invitation was sent and not yet accepted. */
  pendingInvite: z.boolean(),
  /** Open, unacknowledged alerts. */
  alerts: z.number().int(),
});
export type CustomerHealth = z.infer<typeof CustomerHealth>;
export const HealthAnswer = z.object({ items: z.array(CustomerHealth), unmatched: z.array(z.string()) });
export type HealthAnswer = z.infer<typeof HealthAnswer>;

// ---- daily figures behind the dashboard ----

/** One UTC day of counters, updated as sessions finish, restores arrive and customers change. */
export const DailyFigures = z.object({
  /** The day, YYYY-MM-DD. */
  id: IsoDate,
  jobs: z.object({
    Success: z.number().int(),
    Warning: z.number().int(),
    Failed: z.number().int(),
    Stopped: z.number().int(),
    Disconnected: z.number().int(),
  }),
  /** Restores requested that day, per customer id. */
  restores: z.record(z.string(), z.number().int()),
  /** Active customers and their licensed total as last seen that day. */
  customers: z.number().int().nullable(),
  licenses: z.number().int().nullable(),
});
export type DailyFigures = z.infer<typeof DailyFigures>;

// ---- the event stream ----

export const EventStreamQuery = z.object({
  /** Event types to receive; a trailing `*` matches a prefix (`session.*`). All when absent. */
  types: listOf(
    z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_.-]+\*?$/, 'must be an event type, optionally ending in *'),
  ).optional(),
  customerId: Id.optional(),
  /** Resume after this event id (the same as the Last-Event-ID header). */
  lastEventId: z.coerce.number().int().min(0).optional(),
});
export type EventStreamQuery = z.infer<typeof EventStreamQuery>;
