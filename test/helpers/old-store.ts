import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Data folders as SP Hub wrote them before issue 18 (store version 1), built from that version's
 * shapes (`git show aadabdb:shared/schemas/customers.ts`) rather than copied files, so a test says
 * exactly what the old hub left on disk.
 */

/** A customer of store version 1: `licenses` was the purchased limit, there was no `licenseLimit`. */
export function customerV1(id: string, licenses: number, backedUpAccounts: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const domain = `${id.replace(/_/g, '-')}.example.com`;
  return {
    id,
    displayName: `Customer ${id}`,
    domain,
    contact: { firstName: 'Ada', lastName: 'Admin', email: `ada@${domain}` },
    status: 'active',
    createdAt: '2026-01-05T10:00:00.000Z',
    provisionedAt: '2026-01-05T10:10:00.000Z',
    subscriptionIds: [],
    contractType: 'Month to month',
    licenses,
    licenseModel: 'Variable',
    sourceType: 'VCSP Pulse',
    storageConsumedGb: 120,
    backedUpAccounts,
    totalActiveAccounts: backedUpAccounts + 3,
    userChangeThisMonth: 0,
    userChangeLastMonth: 0,
    invites: [],
    admins: [],
    ...extra,
  };
}

/** A v1 offboarding request the old lifecycle finished: state `completed`, which today's schema refuses. */
export function completedOffboardingV1(): Record<string, unknown> {
  return {
    status: 'completed',
    date: '2026-03-01',
    reason: 'Contract ended',
    licenseCount: 12,
    requestedAt: '2026-02-20T09:00:00.000Z',
    requestedBy: 'Ada Admin',
    decidedAt: '2026-02-21T09:00:00.000Z',
    decidedBy: 'Bob Support',
  };
}

/**
 * Writes a version-1 folder: `hub.json` as the old hub wrote it (header, no checksum needed) with
 * `seq`, and the journal lines (`{s, o: [[collection, id, doc]]}`) it had not folded in yet.
 */
export async function writeStoreV1(dir: string, collections: Record<string, unknown[]>, seq: number, journal: { s: number; o: [string, string, unknown][] }[] = []): Promise<void> {
  await mkdir(join(dir, 'journal'), { recursive: true, mode: 0o700 });
  const snapshot = { format: 'sp-hub-store', version: 1, seq, savedAt: '2026-11-30T18:00:00.000Z', collections };
  await writeFile(join(dir, 'hub.json'), JSON.stringify(snapshot), { mode: 0o600 });
  if (journal.length) await writeFile(join(dir, 'journal', '00000001.jsonl'), journal.map((l) => JSON.stringify(l) + '\n').join(''), { mode: 0o600 });
}
