import type { Clock } from '../../shared/domain/clock.js';
import type { Actor, AuditEntry } from '../../shared/schemas/access.js';
import type { Page } from '../../shared/schemas/common.js';
import { newId } from '../ids.js';
import type { AppendLog } from '../store/append-log.js';
import type { CarriedAppend } from './events.js';

export interface AuditQuery {
  q?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  channel?: string;
  page: number;
  pageSize: number;
}

/** Entries kept in memory at most; a busy hub's older entries of the two months are read from their files when asked for. */
export const AUDIT_IN_MEMORY = 20_000;

/**
 * Who changed what, when, and through which channel. Entries are appended to a file per
 * month; queries cover the current and previous months. The newest entries are kept in memory
 * (at most AUDIT_IN_MEMORY, so memory does not grow with the hub's activity); when older ones
 * have been let go, a query reads the two months' files.
 */
export class AuditLog {
  private entries: AuditEntry[] = [];
  /** Some entries of the two months are no longer in memory. */
  private truncated = false;

  constructor(
    private readonly logs: AppendLog,
    private readonly clock: Clock,
    private readonly maxInMemory = AUDIT_IN_MEMORY,
  ) {
    // Entries other hubs on the same database record (never the same entry twice).
    logs.onAppended('audit/', (_file, records) => {
      for (const entry of records as AuditEntry[]) if (!this.entries.some((e) => e.id === entry.id)) this.entries.push(entry);
    });
  }

  async load(): Promise<void> {
    this.entries = await this.readMonths();
    this.truncated = false;
    this.trim(this.maxInMemory);
  }

  async record(actor: Actor, action: string, target: AuditEntry['target'], details?: Record<string, unknown>): Promise<AuditEntry> {
    const { entry, append } = this.prepare(actor, action, target, details);
    await this.logs.append(append.file, append.records);
    return entry;
  }

  /**
   * An entry listed from now on, and the append that makes it durable, for the caller to write
   * (with the event that announces it: see recordChange).
   */
  prepare(actor: Actor, action: string, target: AuditEntry['target'], details?: Record<string, unknown>): { entry: AuditEntry; append: CarriedAppend } {
    const entry: AuditEntry = { id: newId('aud'), at: this.clock.now().toISOString(), actor, action, target, ...(details && { details }) };
    this.entries.push(entry);
    // Trimmed in steps, so recording stays cheap.
    if (this.entries.length > this.maxInMemory * 1.25) this.trim(this.maxInMemory);
    return { entry, append: { file: auditFile(this.clock.now()), records: [entry] } };
  }

  /** Entries held in memory now (bounded). */
  get inMemory(): number {
    return this.entries.length;
  }

  /** Newest first. */
  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const entries = this.truncated ? await this.readMonths() : this.entries;
    const q = query.q?.toLowerCase();
    const matches: AuditEntry[] = [];
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i]!;
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

  private async readMonths(): Promise<AuditEntry[]> {
    const now = this.clock.now();
    const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    return [...(await this.logs.read<AuditEntry>(auditFile(previous))), ...(await this.logs.read<AuditEntry>(auditFile(now)))];
  }

  private trim(max: number): void {
    if (this.entries.length <= max) return;
    this.entries.splice(0, this.entries.length - max);
    this.truncated = true;
  }
}

const auditFile = (day: Date) => `audit/${day.toISOString().slice(0, 7)}.jsonl`;
