import { z } from 'zod';
import { Email, Id, IsoDate, IsoDateTime, listOf, Month, PageQuery, Text } from './common.js';
import { SourceRef } from './connections.js';

// Flex backup policies, their sessions and log records, restores and the tenant connection
// the simulated runner checks. Names follow the VDC portal: Last Status, Next Run, Average
// Process Time, Processed Objects...

/** What a policy row shows as Last Status. `Never` until its first session, `Running` during one. */
export const PolicyStatus = z.enum(['Success', 'Warning', 'Failed', 'Running', 'Stopped', 'Disconnected', 'Never']);
export type PolicyStatus = z.infer<typeof PolicyStatus>;

export const SessionStatus = z.enum(['Running', 'Success', 'Warning', 'Failed', 'Stopped', 'Disconnected']);
export type SessionStatus = z.infer<typeof SessionStatus>;

/** How a session ended. */
export const SessionResult = z.enum(['Success', 'Warning', 'Failed', 'Stopped', 'Disconnected']);
export type SessionResult = z.infer<typeof SessionResult>;

/** A policy's last finished result, or Never. */
export const PolicyResult = z.enum(['Success', 'Warning', 'Failed', 'Stopped', 'Disconnected', 'Never']);
export type PolicyResult = z.infer<typeof PolicyResult>;

export const BackupType = z.enum(['EntireOrganization', 'SelectedItems']);
export type BackupType = z.infer<typeof BackupType>;

/** The Microsoft 365 services a policy protects (the onboarding wizard offers the same three). */
export const ProtectedService = z.enum(['Exchange Online', 'OneDrive and SharePoint', 'Teams']);
export type ProtectedService = z.infer<typeof ProtectedService>;
export const ALL_SERVICES: readonly ProtectedService[] = ProtectedService.options;

/** How a session came to run. */
export const SessionTrigger = z.enum(['schedule', 'manual', 'onboarding']);
export type SessionTrigger = z.infer<typeof SessionTrigger>;

export const LogStatus = z.enum(['Info', 'Success', 'Warning', 'Failed']);
export type LogStatus = z.infer<typeof LogStatus>;

// ---- policy objects ----

export const PolicyObjects = z.object({
  users: z.array(z.string()),
  groups: z.array(z.string()),
  sites: z.array(z.string()),
  teams: z.array(z.string()),
});
export type PolicyObjects = z.infer<typeof PolicyObjects>;
export const OBJECT_KINDS = ['users', 'groups', 'sites', 'teams'] as const;

/** Case-insensitively de-duplicated, order kept. */
const uniqueList = <T extends z.ZodType<string>>(item: T, max: number) =>
  z
    .array(item)
    .max(max)
    .transform((list) => {
      const seen = new Set<string>();
      return list.filter((v) => {
        const key = v.toLowerCase();
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    });

export const PolicyObjectsInput = z.strictObject({
  /** User principal names (mailbox and OneDrive). */
  users: uniqueList(Email, 5000).default([]),
  /** Microsoft 365 groups by name or mail address. */
  groups: uniqueList(Text(256), 2000).default([]),
  /** SharePoint sites by URL or title. */
  sites: uniqueList(Text(512), 2000).default([]),
  /** Teams by name. */
  teams: uniqueList(Text(256), 2000).default([]),
});
export type PolicyObjectsInput = z.input<typeof PolicyObjectsInput>;

export const emptyObjects = (): PolicyObjects => ({ users: [], groups: [], sites: [], teams: [] });

// ---- policies ----

export const Policy = z.object({
  id: Id,
  customerId: Id,
  name: z.string(),
  policyType: z.literal('Flex'),
  backupType: BackupType,
  services: z.array(ProtectedService),
  /** For SelectedItems: what is backed up. Empty for EntireOrganization. */
  selected: PolicyObjects,
  /** Objects left out (both backup types). */
  excluded: PolicyObjects,
  /** Whether the schedule starts the policy. */
  enabled: z.boolean(),
  /** The schedule: every N hours (24 by default). */
  scheduleHours: z.number().int().min(1).max(168),
  /**
   * Set by a connection's sync: VSPC's `scheduleEditingAvailable` for its jobs, false for VDC
   * policies (their schedule changes only through a Veeam support case). Absent on hub-native policies.
   */
  scheduleEditingAvailable: z.boolean().optional(),
  /** When the last session started. */
  lastRun: IsoDateTime.nullable(),
  lastStatus: PolicyStatus,
  /** The last finished session's result (Running does not hide it). */
  lastResult: PolicyResult,
  /** One line on how the last session ended (a failure reason...). */
  lastMessage: z.string().nullable(),
  /** The last session that ended Success or Warning. */
  lastSuccessAt: IsoDateTime.nullable(),
  /** Since when sessions keep ending without success (null when the last one succeeded). */
  failingSince: IsoDateTime.nullable(),
  /** When the schedule starts it next; null while disabled. */
  nextRun: IsoDateTime.nullable(),
  /** Mean duration of sessions that ran to the end (Success, Warning, Failed). */
  averageProcessMs: z.number().min(0),
  timedRuns: z.number().int().min(0),
  runCount: z.number().int().min(0),
  runningSessionId: Id.nullable(),
  lastSessionId: Id.nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  createdBy: z.string(),
  /** Set on policies synced from a connection: actions go upstream, the hub's runner leaves them alone. */
  source: SourceRef.optional(),
});
export type Policy = z.infer<typeof Policy>;

/** A session in progress, as the policy list shows it. */
export const LiveProgress = z.object({
  sessionId: Id,
  startedAt: IsoDateTime,
  progress: z.number().min(0).max(100),
  processedObjects: z.number().int().min(0),
  transferredBytes: z.number().min(0),
});

/** A policy as the API answers it: the record plus the customer's name and derived columns. */
export const PolicyView = Policy.extend({
  customerName: z.string(),
  /** Average process time as HH:MM:SS. */
  averageProcessTime: z.string(),
  /** Enabled and without a successful session within the stale threshold. */
  stale: z.boolean(),
  running: LiveProgress.nullable(),
  /** Whether the schedule may change here; when not, the support-case text that asks Veeam to change it. */
  schedule: z.object({ everyHours: z.number().int(), editable: z.boolean(), supportCase: z.string().nullable() }),
});
export type PolicyView = z.infer<typeof PolicyView>;

/** The policies of many customers in one answer (`POST /customers/policies`, asked by id or name like batch health). */
export const CustomerPolicies = z.object({ customerId: Id, displayName: z.string(), policies: z.array(PolicyView) });
export type CustomerPolicies = z.infer<typeof CustomerPolicies>;
export const CustomerPoliciesAnswer = z.object({ items: z.array(CustomerPolicies), unmatched: z.array(z.string()) });
export type CustomerPoliciesAnswer = z.infer<typeof CustomerPoliciesAnswer>;

export const PolicyInput = z.strictObject({
  customerId: Id,
  name: Text(128),
  backupType: BackupType,
  services: z
    .array(ProtectedService)
    .min(1)
    .max(3)
    .default([...ProtectedService.options]),
  selected: PolicyObjectsInput.default(emptyObjects()),
  excluded: PolicyObjectsInput.default(emptyObjects()),
  scheduleHours: z.number().int().min(1).max(168).default(24),
  enabled: z.boolean().default(true),
});
export type PolicyInput = z.infer<typeof PolicyInput>;

/** Editing a policy: its name, type, services and objects (and the schedule interval). */
export const PolicyUpdate = z
  .strictObject({
    name: Text(128).optional(),
    backupType: BackupType.optional(),
    services: z.array(ProtectedService).min(1).max(3).optional(),
    selected: PolicyObjectsInput.optional(),
    excluded: PolicyObjectsInput.optional(),
    scheduleHours: z.number().int().min(1).max(168).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'name at least one field to change' });
export type PolicyUpdate = z.infer<typeof PolicyUpdate>;

export const PolicyQuery = PageQuery.extend({
  customerId: Id.optional(),
  status: listOf(PolicyStatus).optional(),
  enabled: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  backupType: BackupType.optional(),
  sort: z
    .string()
    .regex(
      /^-?(name|customer|lastRun|nextRun|lastStatus|averageProcessTime|createdAt)$/,
      'must be one of name, customer, lastRun, nextRun, lastStatus, averageProcessTime, createdAt (prefix - for descending)',
    )
    .optional(),
});
export type PolicyQuery = z.infer<typeof PolicyQuery>;

// ---- sessions and logs ----

export const Session = z.object({
  id: Id,
  policyId: Id,
  policyName: z.string(),
  customerId: Id,
  trigger: SessionTrigger,
  /** Who started it (a user, an API key, the scheduler). */
  startedBy: z.string(),
  /** Which runner executed it (the built-in one is `SimulatedRunner`). */
  runner: z.string(),
  startedAt: IsoDateTime,
  endedAt: IsoDateTime.nullable(),
  status: SessionStatus,
  /** Percent done, 0 to 100. */
  progress: z.number().min(0).max(100),
  totalObjects: z.number().int().min(0),
  excludedObjects: z.number().int().min(0),
  processedObjects: z.number().int().min(0),
  transferredBytes: z.number().min(0),
  durationMs: z.number().min(0).nullable(),
  /** One line on how it ended (the failure reason...). */
  summary: z.string().nullable(),
});
export type Session = z.infer<typeof Session>;

export const LogRecord = z.object({
  sessionId: Id,
  at: IsoDateTime,
  status: LogStatus,
  message: z.string(),
});
export type LogRecord = z.infer<typeof LogRecord>;

/** A day (YYYY-MM-DD, whole UTC day) or a date-time. */
const DateOrDateTime = z.union([IsoDate, IsoDateTime]);

export const SessionQuery = z.object({
  status: listOf(SessionStatus).optional(),
  from: DateOrDateTime.optional(),
  to: DateOrDateTime.optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(30),
});
export type SessionQuery = z.infer<typeof SessionQuery>;

export const LogQuery = z.object({
  status: listOf(LogStatus).optional(),
});
export type LogQuery = z.infer<typeof LogQuery>;

export const SessionLogs = z.object({ session: Session, items: z.array(LogRecord) });
export type SessionLogs = z.infer<typeof SessionLogs>;

export const SessionExportQuery = z.object({ month: Month });

// ---- tenant connection ----

/** The Microsoft 365 organization connection the runner uses; broken means sessions end Disconnected. */
export const TenantConnectionStatus = z.enum(['connected', 'broken']);
export const TenantConnection = z.object({
  id: Id,
  customerId: Id,
  status: TenantConnectionStatus,
  reason: z.string().nullable(),
  since: IsoDateTime,
});
export type TenantConnection = z.infer<typeof TenantConnection>;
export const TenantConnectionInput = z.strictObject({
  status: TenantConnectionStatus,
  reason: Text(300).optional(),
});
export type TenantConnectionInput = z.infer<typeof TenantConnectionInput>;

// ---- restores ----

export const RestoreKind = z.enum(['mailItem', 'oneDriveFile', 'sharePointItem', 'teamsItem']);
export type RestoreKind = z.infer<typeof RestoreKind>;
/** Managed by the service provider, or started by the customer's users themselves. */
export const RestoreMode = z.enum(['managed', 'selfService']);
export const RestoreStatus = z.enum(['Running', 'Success', 'Warning', 'Failed']);
export type RestoreStatus = z.infer<typeof RestoreStatus>;

export const Restore = z.object({
  id: Id,
  customerId: Id,
  customerName: z.string(),
  kind: RestoreKind,
  mode: RestoreMode,
  /** What is restored (a mail folder, a file path, a site item, a channel...). */
  item: z.string(),
  /** Who asked for it. */
  requestedBy: z.string(),
  status: RestoreStatus,
  /** What came of it. */
  outcome: z.string().nullable(),
  restoredItems: z.number().int().min(0).nullable(),
  requestedAt: IsoDateTime,
  completedAt: IsoDateTime.nullable(),
  /** The hub actor that recorded it. */
  recordedBy: z.string(),
});
export type Restore = z.infer<typeof Restore>;

export const RestoreInput = z.strictObject({
  customerId: Id,
  kind: RestoreKind,
  item: Text(500),
  requestedBy: Text(200).optional(),
  mode: RestoreMode.default('managed'),
  status: RestoreStatus.default('Running'),
  outcome: Text(1000).optional(),
  restoredItems: z.number().int().min(0).max(10_000_000).optional(),
});
export type RestoreInput = z.infer<typeof RestoreInput>;

export const RestoreUpdate = z.strictObject({
  status: z.enum(['Success', 'Warning', 'Failed']),
  outcome: Text(1000).optional(),
  restoredItems: z.number().int().min(0).max(10_000_000).optional(),
});
export type RestoreUpdate = z.infer<typeof RestoreUpdate>;

export const RestoreQuery = PageQuery.omit({ sort: true }).extend({
  customerId: Id.optional(),
  kind: listOf(RestoreKind).optional(),
  status: listOf(RestoreStatus).optional(),
  month: Month.optional(),
});
export type RestoreQuery = z.infer<typeof RestoreQuery>;

// ---- domain events of this area ----

/**
 * Event types this area emits (ctx.events; SSE, outbox, bot). `data.topic` names the
 * notification topic where one applies (backupComplete, backupFailed, restoreActivity,
 * staleProtection, licenseThreshold).
 * @public Kept as the list of what the area emits, though no code reads it yet.
 */
export const BACKUP_EVENT_TYPES = [
  'policy.created',
  'policy.updated',
  'policy.deleted',
  'policy.enabled',
  'policy.disabled',
  'session.started',
  'session.finished',
  'restore.requested',
  'restore.completed',
  'tenant.connection.changed',
  'alert.raised',
  'alert.resolved',
  'alert.acknowledged',
  'settings.monitoring.updated',
] as const;
