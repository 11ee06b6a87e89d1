import { strToU8, zipSync } from 'fflate';
import { compareText, formatBytes, formatDuration } from '../../../shared/domain/units.js';
import type { LogRecord, Session } from '../../../shared/schemas/backup.js';
import type { Customer } from '../../../shared/schemas/customers.js';
import type { HubContext } from '../../context.js';
import { deletedPolicies } from './collections.js';
import { csvTable } from '../../../shared/domain/csv.js';
import type { PolicyIndex } from './policy-index.js';
import type { SessionHistory } from './session-history.js';

export const SESSION_COLUMNS = [
  'Session ID',
  'Policy',
  'Customer',
  'Trigger',
  'Start Time',
  'End Time',
  'Status',
  'Progress',
  'Processed Objects',
  'Total Objects',
  'Excluded Objects',
  'Transferred Bytes',
  'Transferred',
  'Duration',
  'Summary',
  'Runner',
];
export const LOG_COLUMNS = ['Session ID', 'Policy', 'Time', 'Status', 'Message'];

export function sessionRow(s: Session, customerName: string): (string | number | null)[] {
  return [
    s.id,
    s.policyName,
    customerName,
    s.trigger,
    s.startedAt,
    s.endedAt,
    s.status,
    Math.round(s.progress),
    s.processedObjects,
    s.totalObjects,
    s.excludedObjects,
    s.transferredBytes,
    formatBytes(s.transferredBytes),
    s.durationMs === null ? null : formatDuration(s.durationMs),
    s.summary,
    s.runner,
  ];
}

/** One session's log records as CSV (Time, Status, Message), as "Download logs" gives them. */
export function sessionLogsCsv(records: readonly LogRecord[]): string {
  return csvTable(
    ['Time', 'Status', 'Message'],
    records.map((r) => [r.at, r.status, r.message]),
    { bom: true },
  );
}

/**
 * A customer's sessions that started in a month (UTC), with their log records: a ZIP holding
 * `sessions-<month>.csv` and `session-logs-<month>.csv`. Deleted policies' sessions are included.
 */
export async function customerMonthZip(
  ctx: HubContext,
  deps: { index: PolicyIndex; history: SessionHistory },
  customer: Customer,
  month: string,
): Promise<{ zip: Uint8Array<ArrayBuffer>; sessions: number; fileName: string }> {
  const policyIds = new Set(deps.index.ofCustomer(customer.id).map((p) => p.id));
  for (const d of ctx.store.all(deletedPolicies)) if (d.customerId === customer.id) policyIds.add(d.id);
  const sessions: Session[] = [];
  const logs: LogRecord[] = [];
  const names = new Map<string, string>();
  for (const policyId of policyIds) {
    const history = await deps.history.read(policyId);
    for (const s of history.sessions) {
      if (!s.startedAt.startsWith(month)) continue;
      sessions.push(s);
      names.set(s.id, s.policyName);
      logs.push(...(history.logs.get(s.id) ?? []));
    }
  }
  sessions.sort((a, b) => compareText(a.startedAt, b.startedAt) || compareText(a.id, b.id));
  logs.sort((a, b) => compareText(a.at, b.at));
  const sessionsCsv = csvTable(
    SESSION_COLUMNS,
    sessions.map((s) => sessionRow(s, customer.displayName)),
    { bom: true },
  );
  const logsCsv = csvTable(
    LOG_COLUMNS,
    logs.map((l) => [l.sessionId, names.get(l.sessionId) ?? '', l.at, l.status, l.message]),
    { bom: true },
  );
  const zip = zipSync({ [`sessions-${month}.csv`]: strToU8(sessionsCsv), [`session-logs-${month}.csv`]: strToU8(logsCsv) }, { level: 6 });
  const slug =
    customer.displayName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || customer.id;
  return { zip, sessions: sessions.length, fileName: `sessions-${slug}-${month}.zip` };
}
