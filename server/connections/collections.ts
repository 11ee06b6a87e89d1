import { z } from 'zod';
import { Id, IsoDateTime } from '../../shared/schemas/common.js';
import { ConnectionKind, ConnectionStatus, SyncedAlarm, SyncRun } from '../../shared/schemas/connections.js';
import { defineCollection } from '../store/collection.js';

/** Who holds a connection's sync now, until when (renewed while the run lasts). */
const SyncLease = z.object({ runId: Id, holder: z.string(), expiresAt: IsoDateTime });
type SyncLease = z.infer<typeof SyncLease>;

/** A connection as stored: its secret only sealed (AES-256-GCM, secrets.ts). */
export const ConnectionRecord = z.object({
  id: Id,
  kind: ConnectionKind,
  name: z.string(),
  baseUrl: z.string(),
  authType: z.enum(['apiKey', 'password']),
  username: z.string().nullable(),
  /** The API key or password, sealed. */
  sealedSecret: z.string(),
  caCertificatePem: z.string().nullable(),
  insecureSkipVerify: z.boolean(),
  syncIntervalMinutes: z.number().int(),
  enabled: z.boolean(),
  /** For kinds that serve one customer (vdc). */
  customerId: Id.nullable().default(null),
  status: ConnectionStatus,
  lastError: z.string().nullable(),
  /** Since when runs keep failing (the connectionFailing alert's start). */
  failingSince: IsoDateTime.nullable(),
  lastRun: SyncRun.nullable(),
  lastSuccessAt: IsoDateTime.nullable(),
  lease: SyncLease.nullable(),
  /** What the kind's sync keeps between runs (watermarks...). */
  state: z.record(z.string(), z.unknown()),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  createdBy: z.string(),
});
export type ConnectionRecord = z.infer<typeof ConnectionRecord>;

export const connections = defineCollection('connections', ConnectionRecord);

/** Alarms mirrored from upstream (id = `<connectionId>.<alarm uid>`). */
export const syncedAlarms = defineCollection('connectionAlarms', SyncedAlarm);
