import { z } from 'zod';
import { Id, IsoDateTime, Text } from './common.js';

// Connections: links from the hub to the Veeam systems where the real estate lives: VSPC REST
// API v3 (`vspc`) and the VDC Public API (`vdc`, read-only reports of one VDC tenancy). Each kind
// is a value here and a folder under server/connections/. Secrets go in, never out: answers only
// say whether one is set.

const CONNECTION_KINDS = ['vspc', 'vdc'] as const;
export const ConnectionKind = z.enum(CONNECTION_KINDS);
export type ConnectionKind = z.infer<typeof ConnectionKind>;

/** Where a synced record comes from; hub-native records have none. */
export const SourceRef = z.object({
  connectionId: Id,
  kind: z.string(),
  /** The record's id upstream (a VSPC company or job UID...). */
  upstreamId: z.string(),
  /** Set when upstream no longer lists the record; the hub keeps it and its history. */
  goneAt: IsoDateTime.nullable().default(null),
  /** The status as upstream words it, kept as text when the hub has no word for it (extensible enums). */
  upstreamStatus: z.string().nullable().optional(),
  /** The upstream record's container, where its actions are addressed (a VB365 job's server). */
  parentId: z.string().nullable().optional(),
});
export type SourceRef = z.infer<typeof SourceRef>;

const ApiKeyAuthInput = z.strictObject({ type: z.literal('apiKey'), apiKey: Text(4096) });
const PasswordAuthInput = z.strictObject({ type: z.literal('password'), username: Text(2048), password: z.string().min(1).max(128) });
export const ConnectionAuthInput = z.discriminatedUnion('type', [ApiKeyAuthInput, PasswordAuthInput]);
export type ConnectionAuthInput = z.infer<typeof ConnectionAuthInput>;

const Pem = z
  .string()
  .max(64 * 1024)
  .refine((v) => /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(v), 'must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)');

export const ConnectionInput = z.strictObject({
  kind: ConnectionKind,
  name: Text(120),
  /** The API root, such as https://vspc.example:1280/api/v3. */
  baseUrl: z.string().trim().max(2048),
  auth: ConnectionAuthInput,
  /** The private CA that signed the server's certificate (VSPC installs often use one). */
  caCertificatePem: Pem.optional(),
  /** Accept any certificate. Shown on the connection and in the start banner. */
  insecureSkipVerify: z.boolean().default(false),
  syncIntervalMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(10),
  /** For `vdc`: the hub customer the VDC tenancy (its API key) belongs to. */
  customerId: Id.optional(),
});
export type ConnectionInput = z.infer<typeof ConnectionInput>;

export const ConnectionUpdate = z
  .strictObject({
    name: Text(120).optional(),
    baseUrl: z.string().trim().max(2048).optional(),
    auth: ConnectionAuthInput.optional(),
    /** null removes the CA. */
    caCertificatePem: Pem.nullable().optional(),
    insecureSkipVerify: z.boolean().optional(),
    syncIntervalMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .optional(),
    /** Pause the scheduled sync (a manual sync still runs). */
    enabled: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'name at least one field to change' });
export type ConnectionUpdate = z.infer<typeof ConnectionUpdate>;

export const ConnectionStatus = z.enum(['new', 'ok', 'failing']);
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

/** Created, updated, unchanged and gone records of one kind in one run. */
export const SyncCounts = z.object({
  created: z.number().int().min(0),
  updated: z.number().int().min(0),
  unchanged: z.number().int().min(0),
  gone: z.number().int().min(0),
});
export type SyncCounts = z.infer<typeof SyncCounts>;

export const SyncError = z.object({
  message: z.string(),
  /** The upstream path (without the query) and status, when an upstream answer caused it. */
  path: z.string().nullable(),
  status: z.number().int().nullable(),
  /** The X-Request-id the hub sent, to find the call in the upstream's logs. */
  requestId: z.string().nullable(),
});
export type SyncError = z.infer<typeof SyncError>;

const SyncRunResult = z.enum(['running', 'success', 'failed', 'interrupted']);
export const SyncRun = z.object({
  id: Id,
  connectionId: Id,
  trigger: z.enum(['manual', 'schedule']),
  startedAt: IsoDateTime,
  endedAt: IsoDateTime.nullable(),
  result: SyncRunResult,
  /** Per kind of record (customers, tenants, policies, sessions, alarms, usage). */
  counts: z.record(z.string(), SyncCounts),
  requests: z.number().int().min(0),
  errors: z.array(SyncError),
  /** What the run saw but left alone (an ambiguous customer match...). */
  notes: z.array(z.string()),
});
export type SyncRun = z.infer<typeof SyncRun>;

export const ConnectionView = z.object({
  id: Id,
  kind: ConnectionKind,
  name: z.string(),
  baseUrl: z.string(),
  /** The kind of credentials and, for a password, the user name; never the secret. */
  auth: z.object({ type: z.enum(['apiKey', 'password']), username: z.string().nullable(), secretSet: z.boolean() }),
  caCertificate: z.boolean(),
  insecureSkipVerify: z.boolean(),
  syncIntervalMinutes: z.number().int(),
  enabled: z.boolean(),
  /** The customer a `vdc` connection's tenancy belongs to (null for `vspc`). */
  customerId: Id.nullable(),
  status: ConnectionStatus,
  /** Why the last run failed, in the hub's words (no secret in it). */
  lastError: z.string().nullable(),
  lastRun: SyncRun.nullable(),
  lastSuccessAt: IsoDateTime.nullable(),
  /** A run holds the connection now. */
  syncing: z.boolean(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type ConnectionView = z.infer<typeof ConnectionView>;

const ConnectionTestStage = z.enum(['url', 'dns', 'tcp', 'tls', 'http', 'auth', 'permission', 'version', 'ok']);
export const ConnectionTestResult = z.object({
  ok: z.boolean(),
  /** Where it went wrong (or `ok`). */
  stage: ConnectionTestStage,
  message: z.string(),
  /** What the upstream said it is (the API version it answered with), when known. */
  apiVersion: z.string().nullable(),
  requestId: z.string().nullable(),
});
export type ConnectionTestResult = z.infer<typeof ConnectionTestResult>;

export const RunsQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
});

/** An explicit link of a hub customer to an upstream record (`PUT /customers/{id}/source`). */
export const CustomerSourceInput = z.strictObject({ connectionId: Id, upstreamId: Text(128) });
export type CustomerSourceInput = z.infer<typeof CustomerSourceInput>;

/** An upstream alarm as the hub keeps it (id = `<connectionId>.<alarm uid>`). */
export const SyncedAlarm = z.object({
  id: Id,
  connectionId: Id,
  upstreamId: z.string(),
  customerId: Id.nullable(),
  /** Upstream status, kept as text (the enum is extensible). */
  status: z.string(),
  message: z.string(),
  objectName: z.string(),
  objectType: z.string(),
  since: IsoDateTime,
  repeatCount: z.number().int().min(0),
});
export type SyncedAlarm = z.infer<typeof SyncedAlarm>;
