import { z } from 'zod';
import { Id } from './common.js';

/**
 * The data of a card button the bot handles (`Action.Execute` verb + data; the same object is the
 * `Action.Submit` fallback's data, so `verb` travels inside it too). Cards build these, the bot
 * parses invokes with this union, so a button and its handler cannot drift apart.
 */
/** A list card the bot pages through: which list and which page (a button from a row keeps its place). */
export const ListName = z.enum(['customers', 'failed', 'stale']);
export type ListName = z.infer<typeof ListName>;
const ListPlace = z.object({ list: z.enum(['failed', 'stale']), page: z.number().int().min(1).max(1000) });
export type ListPlace = z.infer<typeof ListPlace>;

export const CardAction = z.discriminatedUnion('verb', [
  z.object({ verb: z.literal('policy.start'), policyId: Id, customerId: Id.optional(), from: ListPlace.optional() }),
  /** Start a policy again after a failed session. */
  z.object({ verb: z.literal('policy.retry'), policyId: Id, customerId: Id.optional(), sessionId: Id.optional(), from: ListPlace.optional() }),
  z.object({ verb: z.literal('policy.stop'), policyId: Id, customerId: Id.optional(), confirmed: z.boolean().optional() }),
  z.object({ verb: z.literal('policy.enable'), policyId: Id, customerId: Id.optional(), from: ListPlace.optional() }),
  /** Shows a policy's card (Cancel on a stop or disable confirmation). */
  z.object({ verb: z.literal('policy.show'), policyId: Id, customerId: Id.optional() }),
  z.object({ verb: z.literal('policy.disable'), policyId: Id, customerId: Id.optional(), confirmed: z.boolean().optional() }),
  z.object({ verb: z.literal('invite.resend'), customerId: Id }),
  /** Sends a self-service onboarding invite to these addresses (the bot's `send invite`). */
  z.object({ verb: z.literal('invite.send'), customerId: Id, emails: z.array(z.string().min(3).max(254)).min(1).max(20) }),
  /** Runs a bot command as if it had been typed (help buttons, "did you mean" answers). */
  z.object({ verb: z.literal('command'), text: z.string().min(1).max(500) }),
  z.object({ verb: z.literal('customer.status'), customerId: Id }),
  /** Acknowledges an open alert by its id (`<kind>.<subject id>`, such as `staleProtection.pol_…`). */
  z.object({ verb: z.literal('alert.acknowledge'), alertId: Id, customerId: Id.optional(), from: ListPlace.optional() }),
  /** Another page of a list card, replacing it in place (`q`: the customers search text). */
  z.object({ verb: z.literal('list.page'), list: ListName, page: z.number().int().min(1).max(1000), q: z.string().min(1).max(200).optional() }),
]);
export type CardAction = z.infer<typeof CardAction>;
export type CardVerb = CardAction['verb'];

// ---- notification card view models ----
// What a notification card (and the mail with the same content) shows. The server builds these
// from domain events and state; the builders in shared/cards/notifications.ts turn them into cards.

const Ref = z.object({ id: z.string(), name: z.string() });
const Iso = z.string();

export const BackupFailedView = z.object({
  kind: z.literal('backupFailed'),
  customer: Ref,
  policy: Ref,
  /** `Failed` or `Disconnected`. */
  status: z.string(),
  sessionId: z.string().optional(),
  startedAt: Iso.optional(),
  endedAt: Iso.optional(),
  /** The session's last error line. */
  message: z.string().optional(),
  failingSince: Iso.optional(),
  consecutiveFailures: z.number().int().optional(),
  /** The monitoring alert for this condition, for an Acknowledge button. */
  alertId: z.string().optional(),
});

export const BackupCompletedView = z.object({
  kind: z.literal('backupCompleted'),
  customer: Ref,
  policy: Ref,
  /** `Success`, `Warning` or `Stopped`. */
  status: z.string(),
  sessionId: z.string().optional(),
  startedAt: Iso.optional(),
  endedAt: Iso.optional(),
  processedObjects: z.number().optional(),
  transferredBytes: z.number().optional(),
  message: z.string().optional(),
});

export const RestoreView = z.object({
  kind: z.literal('restore'),
  customer: Ref,
  restoreId: z.string(),
  /** mailItem, oneDriveFile, sharePointItem, teamsItem (or the source's own words). */
  restoreKind: z.string(),
  /** What is restored (a mail folder, a file path...). */
  item: z.string().optional(),
  /** requested, running, completed, failed. */
  status: z.string(),
  requestedBy: z.string().optional(),
  items: z.number().optional(),
  at: Iso.optional(),
  message: z.string().optional(),
});

export const LicenseThresholdView = z.object({
  kind: z.literal('licenseThreshold'),
  customer: Ref,
  used: z.number(),
  licensed: z.number(),
  thresholdPercent: z.number(),
  alertId: z.string().optional(),
});

export const LicenseChangeView = z.object({
  kind: z.literal('licenseChange'),
  customer: Ref,
  previous: z.number(),
  current: z.number(),
  changedBy: z.string().optional(),
});

export const StaleProtectionView = z.object({
  kind: z.literal('staleProtection'),
  customer: Ref,
  policy: Ref,
  lastSuccessAt: Iso.nullable(),
  thresholdHours: z.number(),
  alertId: z.string().optional(),
});

export const UsageReportDueView = z.object({
  kind: z.literal('usageReportDue'),
  month: z.string(),
  number: z.string().optional(),
  dueDate: z.string(),
  status: z.string(),
  overdue: z.boolean(),
  suspended: z.boolean(),
});

export const ServiceStatusView = z.object({
  kind: z.literal('serviceStatus'),
  /** What moved: each service of a region whose state changed. */
  changes: z
    .array(
      z.object({
        region: z.string(),
        service: z.string(),
        /** operational, degraded, outage, maintenance. */
        status: z.string(),
        previous: z.string().optional(),
        since: Iso.optional(),
        message: z.string().optional(),
      }),
    )
    .min(1),
});

/** A policy (or, for a lost Microsoft 365 connection, the whole customer) needing attention. */
const DigestPolicyLine = z.object({ customer: Ref, policy: Ref.optional(), status: z.string(), at: Iso.optional() });
export const DigestView = z.object({
  kind: z.literal('digest'),
  /** The local day the summary is for, YYYY-MM-DD. */
  date: z.string(),
  accountName: z.string(),
  /** Set when the summary is for one customer's contacts. */
  customer: Ref.optional(),
  sections: z.array(z.enum(['failed', 'warning', 'stale', 'license', 'invites', 'reportDue', 'activity'])),
  staleHours: z.number(),
  licensePercent: z.number(),
  invitePendingDays: z.number(),
  failed: z.array(DigestPolicyLine),
  warning: z.array(DigestPolicyLine),
  stale: z.array(z.object({ customer: Ref, policy: Ref, lastSuccessAt: Iso.nullable() })),
  license: z.array(z.object({ customer: Ref, used: z.number(), licensed: z.number() })),
  invites: z.array(z.object({ customer: Ref, email: z.string(), invitedAt: Iso })),
  reports: z.array(z.object({ month: z.string(), status: z.string(), dueDate: z.string(), overdue: z.boolean() })),
  /** Counts of the last 24 hours; a count is null when the recipient does not follow its topic. */
  activity: z.object({ completed: z.number().int().nullable(), failed: z.number().int().nullable(), restores: z.number().int().nullable() }).nullable(),
});

export const TestView = z.object({
  kind: z.literal('test'),
  sentBy: z.string(),
  contact: z.string(),
});

/** A connection to VSPC or VDC keeps failing: the hub shows the last complete state until a sync succeeds. */
export const ConnectionFailingView = z.object({
  kind: z.literal('connectionFailing'),
  connection: Ref,
  reason: z.string(),
  since: Iso.optional(),
  alertId: z.string().optional(),
});

export const NotificationView = z.discriminatedUnion('kind', [
  BackupFailedView,
  BackupCompletedView,
  RestoreView,
  LicenseThresholdView,
  LicenseChangeView,
  StaleProtectionView,
  UsageReportDueView,
  ServiceStatusView,
  ConnectionFailingView,
  DigestView,
  TestView,
]);
export type NotificationView = z.infer<typeof NotificationView>;
export type DigestView = z.infer<typeof DigestView>;
