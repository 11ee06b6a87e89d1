import type { SyncError } from '../../shared/schemas/connections.js';
import { UpstreamError } from './upstream-error.js';

/** A run's error as the runs list shows it: what failed, where, and the request id to look up upstream. */
export function describeUpstreamError(error: unknown): SyncError {
  if (error instanceof UpstreamError) return { message: error.message, path: error.path, status: error.status, requestId: error.requestId };
  return { message: `The run failed inside SP Hub: ${(error as Error)?.message ?? String(error)}`, path: null, status: null, requestId: null };
}
