import type { Clock } from '../../shared/domain/clock.js';
import type { Actor, AuditEntry } from '../../shared/schemas/access.js';
import type { Page } from '../../shared/schemas/common.js';
import { newId } from '../ids.js';
import type { AppendLog } from '../store/append-log.js';

export interface AuditQuery {
  q?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  channel?: string;
  page: number;
  pageSize: number;
}

/**
 * Who changed what, when, and through which channel. Entries are appended to a file per
 * month; the current and previous months are kept in memory for queries.
 */
export class AuditLog {
  private entries: AuditEntry[] = [];

  constructor(
    private readonly logs: AppendLog,
    private readonly clock: Clock,
  ) {
    // Entries other hubs on the same database record (never the same entry twice).
    logs.onAppended('audit/', (_file, records) => {
      for (const entry of records as AuditEntry[]) if (!this.entries.some((e) => e.id === entry.id)) this.entries.push(entry);
    });
  }

  async load(): Promise<void> {
    const now = this.clock.now();
    const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    this.entries = [...(await this.logs.read<AuditEntry>(auditFile(previous))), ...(await this.logs.read<AuditEntry>(auditFile(now)))];
  }

  async record(actor: Actor, action: string, target: AuditEntry['target'], details?: Record<string, unknown>): Promise<AuditEntry> {
    const entry: AuditEntry = { id: newId('aud'), at: this.clock.now().toISOString(), actor, action, target, ...(details && { details }) };
    this.entries.push(entry);
    await this.logs.append(auditFile(this.clock.now()), [entry]);
    return entry;
  }

  /** Newest first. */
  list(query: AuditQuery): Page<AuditEntry> {
    const q = query.q?.toLowerCase();
    const matches: AuditEntry[] = [];
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (query.action && e.action !== query.action) continue;
      if (query.targetType && e.target.type !== query.targetType) continue;
      if (query.targetId && e.target.id !== query.targetId) continue;
      if (query.channel && e.actor.channel !== query.channel) continue;
      if (q && !`${e.action} ${e.target.name ?? ''} ${e.actor.name}`.toLowerCase().includes(q)) continue;
      matches.push(e);
    }
    const start = (query.page - 1) * query.pageSize;
    return { items: matches.slice(start, start + query.pageSize), total: matches.length, page: query.page, pageSize: query.pageSize };
  }
}

const auditFile = (day: Date) => `audit/${day.toISOString().slice(0, 7)}.jsonl`;
