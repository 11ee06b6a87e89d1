import type { LogStatus, PolicyStatus, SessionResult } from '../../../shared/schemas/backup.js';
import type { AlertSeverity } from '../../../shared/schemas/monitoring.js';

// VSPC's words to the hub's, as plain functions. VSPC marks its enums extensible: a value the
// hub does not know is kept as text (on the record's source) and shown, never a crashed run.

const POLICY_STATUS: Record<string, PolicyStatus> = {
  Success: 'Success',
  Warning: 'Warning',
  Failed: 'Failed',
  Running: 'Running',
  Queued: 'Running',
  Starting: 'Running',
  Stopping: 'Running',
  Stopped: 'Stopped',
  Disconnected: 'Disconnected',
  NotConfigured: 'Never',
  Unknown: 'Never',
  Deleting: 'Stopped',
};

/** The policy's Last Status for a VB365 job's lastStatus; `known` is false for a value the hub has no word for (shown as Warning with the text). */
export function policyStatusOf(raw: string | null | undefined): { status: PolicyStatus; known: boolean } {
  if (raw === null || raw === undefined || raw === '') return { status: 'Never', known: true };
  const status = POLICY_STATUS[raw];
  return status ? { status, known: true } : { status: 'Warning', known: false };
}

/** How the run behind `lastRun` ended, or 'Running', or null when there is no run to record. */
export function runOutcomeOf(raw: string | null | undefined): SessionResult | 'Running' | null {
  const { status, known } = policyStatusOf(raw);
  if (!known) return 'Warning';
  if (status === 'Never') return null;
  return status;
}

export function logStatusOf(raw: string | null | undefined): LogStatus {
  switch (raw) {
    case 'Success':
      return 'Success';
    case 'Warning':
      return 'Warning';
    case 'Error':
      return 'Failed';
    default:
      return 'Info';
  }
}

export function alarmSeverityOf(raw: string | null | undefined): AlertSeverity {
  if (raw === 'Error') return 'critical';
  if (raw === 'Warning') return 'warning';
  return 'info';
}

/** Alarms VSPC still lists but that need nobody's attention. */
export const isClosedAlarm = (raw: string | null | undefined): boolean => raw === 'Resolved';

/** Names compare as the portal shows them: trimmed, case and inner spacing ignored. */
export const nameKey = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();

export const domainKey = (domain: string | null | undefined): string | null => {
  const d = domain?.trim().toLowerCase().replace(/\.$/, '');
  return d ? d : null;
};

export type MatchResult<T> = { kind: 'none' } | { kind: 'one'; match: T; by: 'name' | 'domain' | 'name and domain' } | { kind: 'ambiguous'; candidates: T[] };

/**
 * Finds the one hub customer a company is: by exact display name or by domain. Two or more
 * candidates (or a name pointing to one and the domain to another) is ambiguous: reported,
 * never guessed.
 */
export function matchCustomer<T extends { id: string; displayName: string; domain?: string | undefined }>(
  company: { name: string; domain: string | null },
  byName: ReadonlyMap<string, readonly T[]>,
  byDomain: ReadonlyMap<string, readonly T[]>,
): MatchResult<T> {
  const named = byName.get(nameKey(company.name)) ?? [];
  const key = domainKey(company.domain);
  const domained = key ? (byDomain.get(key) ?? []) : [];
  const all = new Map<string, T>();
  for (const c of [...named, ...domained]) all.set(c.id, c);
  if (all.size === 0) return { kind: 'none' };
  if (all.size > 1) return { kind: 'ambiguous', candidates: [...all.values()] };
  const match = [...all.values()][0]!;
  const by = named.length > 0 && domained.length > 0 ? 'name and domain' : named.length > 0 ? 'name' : 'domain';
  return { kind: 'one', match, by };
}

/** A company's protected users: the Vb365ProtectedUsers counters of its latest day, over its locations. */
export function protectedUsersByCompany(
  rows: readonly { companyUid?: string; date?: string; counters?: { type?: string; value?: number }[] }[],
): Map<string, { users: number; backupBytes: number; day: string }> {
  const out = new Map<string, { users: number; backupBytes: number; day: string }>();
  for (const row of rows) {
    if (!row.companyUid || !row.date) continue;
    const users = row.counters?.find((c) => c.type === 'Vb365ProtectedUsers')?.value ?? 0;
    const bytes = row.counters?.find((c) => c.type === 'Vb365BackupSize')?.value ?? 0;
    const seen = out.get(row.companyUid);
    if (!seen || row.date > seen.day) out.set(row.companyUid, { users, backupBytes: bytes, day: row.date });
    else if (row.date === seen.day) out.set(row.companyUid, { users: seen.users + users, backupBytes: seen.backupBytes + bytes, day: seen.day });
  }
  return out;
}

/** A company's licensed VB365 units (rental licences) from the licence usage answer. */
export function licensedUnitsByOrganization(rows: readonly { organizationUid?: string; servers?: { serverType?: string; workloads?: { rentalCount?: number }[] }[] }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of rows) {
    if (!row.organizationUid) continue;
    let total = 0;
    for (const server of row.servers ?? []) if (server.serverType === 'VB365') for (const w of server.workloads ?? []) total += w.rentalCount ?? 0;
    out.set(row.organizationUid, (out.get(row.organizationUid) ?? 0) + total);
  }
  return out;
}
