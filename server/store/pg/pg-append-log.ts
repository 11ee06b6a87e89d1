import type pg from 'pg';
import { AppendLog } from '../append-log.js';
import { HISTORY_TABLES } from './migrations.js';

/**
 * Where a history file's records live: `sessions/pol_1.jsonl` is the rows of session_history
 * whose policy_id is `pol_1`, `audit/2026-12.jsonl` those of audit_history for month `2026-12`,
 * and so on (see HISTORY_TABLES); `events/<day>.jsonl` is the events table.
 */
export function historyPlace(file: string): { table: string; column: string; part: string } {
  const name = file.replace(/\.jsonl$/, '');
  if (name.startsWith('events/')) return { table: 'events', column: 'day', part: name.slice('events/'.length) };
  const entry = HISTORY_TABLES.find((h) => name.startsWith(h.prefix))!;
  return { table: entry.table, column: entry.part, part: entry.prefix ? name.slice(entry.prefix.length) : file };
}

/**
 * The append-only histories (sessions and their logs, audit, events, usage days, outbox and
 * restore history) as PostgreSQL tables, behind the same interface as the files: `append` adds
 * rows in order in one statement (durable when it resolves), `read` returns a file's rows in the
 * order they were added, through an index on (part, n), so its cost follows that file's size,
 * never the table's.
 */
export class PgAppendLog extends AppendLog {
  /** Per file, the records waiting for the insert under way to finish: appends keep their order, and those that wait go in together. */
  private readonly waiting = new Map<string, { records: unknown[]; waiters: { resolve: () => void; reject: (e: unknown) => void }[] }>();

  constructor(private readonly pool: pg.Pool) {
    super(null);
  }

  override get openFiles(): number {
    return 0;
  }

  override append(file: string, records: readonly unknown[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    let queue = this.waiting.get(file);
    const start = !queue;
    if (!queue) this.waiting.set(file, (queue = { records: [], waiters: [] }));
    queue.records.push(...records);
    const done = new Promise<void>((resolve, reject) => queue.waiters.push({ resolve, reject }));
    if (start) void this.drainFile(file);
    return done;
  }

  private async drainFile(file: string): Promise<void> {
    const queue = this.waiting.get(file)!;
    while (queue.records.length > 0) {
      const records = queue.records;
      const waiters = queue.waiters;
      queue.records = [];
      queue.waiters = [];
      try {
        await this.insert(file, records);
        for (const w of waiters) w.resolve();
      } catch (error) {
        for (const w of waiters) w.reject(error);
      }
    }
    this.waiting.delete(file);
  }

  private async insert(file: string, records: readonly unknown[]): Promise<void> {
    const { table, column, part } = historyPlace(file);
    const json = JSON.stringify(records);
    if (table === 'events') {
      await this.pool.query(
        `INSERT INTO events (id, day, record) SELECT (r.value->>'id')::bigint, $1, r.value FROM json_array_elements($2::json) AS r
         ON CONFLICT (id) DO UPDATE SET record = excluded.record`,
        [part, json],
      );
      // Ids written here (an import) must not be handed out again.
      await this.pool.query(`SELECT setval('event_ids', GREATEST((SELECT max(id) FROM events), (SELECT last_value FROM event_ids)))`);
      return;
    }
    await this.pool.query(`INSERT INTO ${table} (${column}, record) SELECT $1, r.value FROM json_array_elements($2::json) WITH ORDINALITY AS r ORDER BY r.ordinality`, [
      part,
      json,
    ]);
  }

  override async read<T>(file: string): Promise<T[]> {
    const { table, column, part } = historyPlace(file);
    const order = table === 'events' ? 'id' : 'n';
    const rows = await this.pool.query<{ record: T }>(`SELECT record FROM ${table} WHERE ${column} = $1 ORDER BY ${order}`, [part]);
    return rows.rows.map((r) => r.record);
  }

  override async exists(file: string): Promise<boolean> {
    const { table, column, part } = historyPlace(file);
    return (await this.pool.query(`SELECT 1 FROM ${table} WHERE ${column} = $1 LIMIT 1`, [part])).rowCount! > 0;
  }

  override async close(): Promise<void> {
    // The pool belongs to the store, which closes it.
  }
}
