import { createHash } from 'node:crypto';

/**
 * The hub id of a record synced from `upstreamId` through a connection: derived, so a run that
 * was interrupted and runs again writes the same ids (append-only files included).
 */
export function syncedId(prefix: string, connectionId: string, upstreamId: string): string {
  return `${prefix}_s${createHash('sha256').update(`${connectionId}\u0000${upstreamId}`).digest('hex').slice(0, 20)}`;
}
