import type pg from 'pg';
import { AppendLog } from '../append-log.js';
import { HISTORY_TABLES } from './migrations.js';
import type { PgStore } from './pg-store.js';

/**
 * Where a history file's records live: `sessions/pol_1.jsonl` is the rows of session_history
 * whose policy_id is `pol_1`, `audit/2026-12.jsonl` those of audit_history for month `2026-12`,
 * and so on (see HISTORY_TABLES); `events/<day>.jsonl` is the events table.
 */
export function historyPlace(file: string): { table: string; column: string; part: string; prefix: string; shared: boolean } {
  const name = file.replace(/\.jsonl$/, '');
  if (name.startsWith('events/')) return { table: 'events', column: 'day', part: name.slice('events/'.length), prefix: 'events/', shared: false };
  const entry = HISTORY_TABLES.find((h) => name.startsWith(h.prefix))!;
  return { table: entry.table, column: entry.part, part: entry.prefix ? name.slice(entry.prefix.length) : file, prefix: entry.prefix, shared: entry.shared };
}

export const HISTORY_CHANNEL = 'sphub_history';
const CHANNEL = HISTORY_CHANNEL;
/** First key of the advisory locks that serialize appends to a shared history table. */
export const HISTORY_LOCK = 0x5350_4849; // 'SPHI'

interface Tail {
  table: string;
  column: string;
  prefix: string;
  /** The last row number read (or written by this hub). */
  last: number;
  /** Rows this hub added, not to be handed back to it. */
  own: Set<number>;
  listeners: { prefix: string; listener: (file: string, records: unknown[]) => void }[];
  reading: Promise<void>;
  scheduled: boolean;
  again: boolean;
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

  private readonly tails = new Map<string, Tail>();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly store: PgStore | null,
  ) {
    super(null);
  }

  /**
   * The histories on the store's database. Rows other hubs add to the shared tables (audit,
   * restores, usage days) from now on reach `onAppended` listeners, in order, on NOTIFY
   * sphub_history and on the store's poll.
   */
  static async open(pool: pg.Pool, store: PgStore | null = null): Promise<PgAppendLog> {
    const log = new PgAppendLog(pool, store);
    for (const h of HISTORY_TABLES.filter((t) => t.shared)) {
      const last = Number((await pool.query<{ n: string | null }>(`SELECT max(n) AS n FROM ${h.table}`)).rows[0]?.n ?? 0);
      log.tails.set(h.table, { table: h.table, column: h.part, prefix: h.prefix, last, own: new Set(), listeners: [], reading: Promise.resolve(), scheduled: false, again: false });
    }
    await store?.onNotify(CHANNEL, (payload) => {
      // "<table> <hub>"; rows this hub added are not read back ('' after a reconnect: read all).
      const [table, hub] = payload.split(' ');
      if (!table) for (const name of log.tails.keys()) log.readTail(name);
      else if (hub !== store.hubId) log.readTail(table);
    });
    return log;
  }

  override onAppended(prefix: string, listener: (file: string, records: unknown[]) => void): void {
    const { table } = historyPlace(`${prefix}x.jsonl`);
    const tail = this.tails.get(table);
    if (!tail) throw new Error(`${prefix} is not a shared history: its appends are not announced to other hubs`);
    tail.listeners.push({ prefix, listener });
  }

  /** Reads the rows other hubs added to a shared table since the last read, and tells the listeners. */
  private readTail(table: string): void {
    const tail = this.tails.get(table);
    if (!tail || tail.listeners.length === 0) return;
    if (tail.scheduled) {
      tail.again = true;
      return;
    }
    tail.scheduled = true;
    tail.reading = tail.reading.then(async () => {
      do {
        tail.again = false;
        try {
          const rows = await this.pool.query<{ n: string; part: string; record: unknown }>(`SELECT n, ${tail.column} AS part, record FROM ${tail.table} WHERE n > $1 ORDER BY n`, [tail.last]);
          for (const row of rows.rows) {
            const n = Number(row.n);
            tail.last = n;
            if (tail.own.delete(n)) continue;
            const file = `${tail.prefix}${row.part}.jsonl`;
            for (const { prefix, listener } of tail.listeners) {
              if (!file.startsWith(prefix)) continue;
              try {
                listener(file, [row.record]);
              } catch (error) {
                console.error(`history listener failed on ${file}:`, error);
              }
            }
          }
        } catch (error) {
          console.error(`histories: could not read other hubs' rows of ${table}: ${(error as Error).message}`);
        }
      } while (tail.again);
      tail.scheduled = false;
    });
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
    // Left: callers of appendsDone, waiting for the appends made before they asked, now done.
    for (const w of queue.waiters) w.resolve();
    this.waiting.delete(file);
  }

  /** Resolves once the appends to `file` made so far are done (committed or failed). */
  appendsDone(file: string): Promise<void> {
    const queue = this.waiting.get(file);
    if (!queue) return Promise.resolve();
    return new Promise<void>((resolve) => queue.waiters.push({ resolve, reject: () => resolve() }));
  }

  /** Rows of a shared table this hub added itself (the event bus, with an event): not to be handed back to it. */
  noteOwnRows(table: string, rows: readonly number[]): void {
    const tail = this.tails.get(table);
    if (tail && tail.listeners.length > 0) for (const n of rows) tail.own.add(n);
  }

  private async insert(file: string, records: readonly unknown[]): Promise<void> {
    const { table, column, part, shared } = historyPlace(file);
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
    const tail = shared ? this.tails.get(table) : undefined;
    if (!tail) {
      await this.pool.query(`INSERT INTO ${table} (${column}, record) SELECT $1, r.value FROM json_array_elements($2::json) WITH ORDINALITY AS r ORDER BY r.ordinality`, [part, json]);
      return;
    }
    // Appends to a shared table commit one at a time across hubs (the lock is held until the
    // statement commits), so row numbers become visible in order and a hub reading "after the
    // last row I saw" never skips one. One statement: one round trip.
    const rows = await this.pool.query<{ n: string }>(
      `WITH locked AS (SELECT pg_advisory_xact_lock($3, hashtext($4)))
       , added AS (
         INSERT INTO ${table} (${column}, record)
         SELECT $1, r.value FROM locked, json_array_elements($2::json) WITH ORDINALITY AS r ORDER BY r.ordinality
         RETURNING n
       )
       SELECT n, pg_notify($5, $6) FROM added`,
      [part, json, HISTORY_LOCK, table, CHANNEL, `${table} ${this.store?.hubId ?? ''}`],
    );
    if (tail.listeners.length > 0) for (const row of rows.rows) tail.own.add(Number(row.n));
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

  override async remove(file: string): Promise<void> {
    const { table, column, part, shared } = historyPlace(file);
    if (shared || table === 'events') throw new Error(`${file} is a history: it is never removed`);
    await this.appendsDone(file);
    await this.pool.query(`DELETE FROM ${table} WHERE ${column} = $1`, [part]);
  }

  override async list(prefix: string): Promise<string[]> {
    const { table, column, prefix: tablePrefix } = historyPlace(`${prefix}x.jsonl`);
    // Parts of the catch-all table are whole file names; elsewhere the part follows the table's prefix.
    const rows = await this.pool.query<{ part: string }>(`SELECT DISTINCT ${column} AS part FROM ${table} WHERE ${column} LIKE $1 ORDER BY 1`, [
      `${(tablePrefix ? prefix.slice(tablePrefix.length) : prefix).replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    ]);
    return rows.rows.map((r) => (tablePrefix ? `${tablePrefix}${r.part}.jsonl` : r.part));
  }

  override async close(): Promise<void> {
    // The pool belongs to the store, which closes it.
  }
}
