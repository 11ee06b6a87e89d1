import type { ConnectionKind, ConnectionTestResult, SyncCounts, SyncError } from '../../shared/schemas/connections.js';
import type { Alert } from '../../shared/schemas/monitoring.js';
import type { Policy } from '../../shared/schemas/backup.js';
import type { HubContext } from '../context.js';
import type { ForwardedAction, PolicyAction } from '../services/backup/policy-actions.js';
import type { WriteBatch } from '../store/store.js';
import type { ConnectionRecord } from './collections.js';

// What a connection kind brings: one folder per kind (vspc/ ...) exporting a ConnectionKindModule.
// The engine (sync-engine.ts) owns leases, runs, retries of whole runs and the one store write;
// a kind reads its upstream and says what that write must do.

export interface SyncInput {
  ctx: HubContext;
  connection: ConnectionRecord;
  /** The opened secret (API key or password). */
  secret: string;
  now: Date;
  signal: AbortSignal;
}

/**
 * Everything one run changes. Nothing is written while upstream is read: `prepare` appends what
 * goes to append-only files (idempotent: ids derive from upstream ids), `apply` is the one store
 * write, `after` announces what changed once it is durable.
 */
export interface SyncPlan {
  counts: Record<string, SyncCounts>;
  notes: string[];
  /** Upstream calls made. */
  requests: number;
  /** What the kind keeps for the next run (watermarks). */
  state: Record<string, unknown>;
  prepare(): Promise<void>;
  apply(tx: WriteBatch): void;
  after(): Promise<void>;
}

export interface ConnectionKindModule {
  kind: ConnectionKind;
  /** "VSPC": used in sentences. */
  label: string;
  /** A connection of this kind serves one hub customer (given as customerId when it is added). */
  needsCustomer?: boolean;
  test(connection: ConnectionRecord, secret: string): Promise<ConnectionTestResult>;
  read(input: SyncInput): Promise<SyncPlan>;
  /** Forwards a policy action; a read-only kind throws a 409 saying where to act. */
  policyAction?(connection: ConnectionRecord, secret: string, action: PolicyAction, policy: Policy): Promise<ForwardedAction>;
  /** Forwards an alarm's acknowledgement or resolution. */
  alarmAction?(connection: ConnectionRecord, secret: string, action: 'acknowledge' | 'resolve', alert: Alert, upstreamId: string, note?: string): Promise<void>;
  /** Turns an error thrown while reading into a run error (message without secrets). */
  describeError(error: unknown): SyncError;
}

export const emptyCounts = (): SyncCounts => ({ created: 0, updated: 0, unchanged: 0, gone: 0 });
