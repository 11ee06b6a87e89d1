import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Collection } from '../collection.js';
import { stagedBatch } from '../staged-batch.js';
import { StoreError, type ChangeListener, type Store, type WriteBatch } from '../store.js';
import { migrate } from './migrations.js';

type Doc = { id: string };
/** One change: collection, id, the new record or null for a delete. */
type Op = [collection: string, id: string, doc: Doc | null];

interface PendingWrite {
  fn: (batch: WriteBatch) => unknown;
  ops: Op[];
  /** Keys (collection + id) the write read through its batch. */
  reads: Set<string>;
  result: unknown;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

export interface PgStoreOptions {
  /** postgres://… connection string. */
  url: string;
  /** Names this hub in the change log (defaults to a random id). */
  hubId?: string;
  /** Connections to PostgreSQL besides the one that listens. */
  poolSize?: number;
  /** Also look for other hubs' changes this often, should a notification be missed (ms). */
  pollMs?: number;
  /** Change-log rows older than this are pruned (ms); a hub further behind reloads everything. */
  keepChangesMs?: number;
  /** Apply pending migrations when opening (default true). */
  migrate?: boolean;
}

const key = (collection: string, id: string) => `${collection}\u0000${id}`;
const CHANNEL = 'sphub_store';

/**
 * One write, as one statement: $1 the change number this hub is at, $2 the records put (a json
 * array of {collection, id, doc}), $3/$4 the collections and ids deleted, $5 this hub, $6 the
 * changes for the log, $7 the channel to notify (with the change number and this hub, so the
 * hub skips its own). No row back: another hub committed first.
 */
const WRITE = `
WITH head AS (
  UPDATE store_head SET seq = seq + 1 WHERE seq = $1 RETURNING seq
), put AS (
  INSERT INTO records (collection, id, doc, seq)
  SELECT p.collection, p.id, p.doc, head.seq FROM head, json_to_recordset($2::json) AS p(collection text, id text, doc json)
  ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc, seq = excluded.seq
), removed AS (
  DELETE FROM records r USING head, unnest($3::text[], $4::text[]) AS d(collection, id)
  WHERE r.collection = d.collection AND r.id = d.id
), logged AS (
  INSERT INTO store_changes (seq, hub, ops) SELECT head.seq, $5, $6::json FROM head
)
SELECT head.seq, pg_notify($7, head.seq || ' ' || $5) FROM head`;

/**
 * The `Store` on PostgreSQL, for one hub or several on one database.
 *
 * Reads are served from memory like the embedded store: every record is loaded at open and
 * kept current. A write runs its function against memory at once (so it is visible as soon as
 * the function returns, as the interface promises), then commits with one statement (WRITE
 * below) that moves the one row of `store_head` on from the change this hub last saw (so
 * writers on every hub commit one at a time and change numbers have no gaps), writes the
 * records and a `store_changes` row, and notifies the other hubs. The promise resolves once
 * that has committed. Writes that arrive while a commit is under way go together in the next
 * one (a group commit).
 *
 * When another hub changed a record that a waiting write read (through its batch) or wrote,
 * the waiting writes are re-run against the new state before they commit, so concurrent
 * read-modify-writes on different hubs never lose an update (optimistic concurrency). A write
 * whose function fails on the re-run is refused with that error.
 *
 * Other hubs' changes reach memory (and the `onChange` listeners, so in-memory indexes follow)
 * on their NOTIFY, and by a slow poll should a notification be missed.
 */
export class PgStore implements Store {
  readonly dir = null;
  readonly hubId: string;
  readonly pool: pg.Pool;
  private readonly view = new Map<string, Map<string, Doc>>();
  private readonly listeners = new Map<string, ChangeListener<never>[]>();
  /** For every key a waiting write touched: its committed value (undefined when absent). */
  private readonly base = new Map<string, { collection: string; id: string; doc: Doc | undefined }>();
  private pending: PendingWrite[] = [];
  private seq = 0;
  private writes = 0;
  private io: Promise<void> = Promise.resolve();
  private commitScheduled = false;
  private catchUpScheduled = false;
  private listener: pg.Client | null = null;
  private readonly channels = new Map<string, ((payload: string) => void)[]>();
  private pollTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private commitsSincePrune = 0;

  private constructor(
    private readonly options: PgStoreOptions,
    pool: pg.Pool,
  ) {
    this.pool = pool;
    this.hubId = options.hubId ?? randomUUID();
  }

  static async open(options: PgStoreOptions): Promise<PgStore> {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 4 });
    const store = new PgStore(options, pool);
    // An idle connection that breaks (the server restarted) must not bring the hub down.
    pool.on('error', (error) => {
      if (!store.closed) console.error('postgres: an idle connection failed:', error.message);
    });
    try {
      if (options.migrate !== false) await migrate(pool);
      await store.listen();
      await store.load();
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
    return store;
  }

  get version(): number {
    return this.writes;
  }

  /** The database this store is on (other hub-wide parts open their own connections to it). */
  get url(): string {
    return this.options.url;
  }

  get<T extends Doc>(collection: Collection<T>, id: string): T | undefined {
    return this.view.get(collection.name)?.get(id) as T | undefined;
  }

  all<T extends Doc>(collection: Collection<T>): IterableIterator<T> {
    return this.table(collection.name).values() as IterableIterator<T>;
  }

  count(collection: Collection<Doc>): number {
    return this.view.get(collection.name)?.size ?? 0;
  }

  onChange<T extends Doc>(collection: Collection<T>, listener: ChangeListener<T>): void {
    const list = this.listeners.get(collection.name) ?? [];
    list.push(listener as ChangeListener<never>);
    this.listeners.set(collection.name, list);
    for (const doc of this.table(collection.name).values()) listener(undefined, doc as T);
  }

  write<R>(fn: (batch: WriteBatch) => R): Promise<R> {
    if (this.closed) return Promise.reject(new StoreError('the store is closed'));
    const write: PendingWrite = { fn: fn as (batch: WriteBatch) => unknown, ops: [], reads: new Set(), result: undefined, resolve: () => undefined, reject: () => undefined };
    // Runs now and throws to the caller as the embedded store does; nothing is applied then.
    this.run(write);
    if (write.ops.length === 0) return Promise.resolve(write.result as R);
    const done = new Promise<R>((resolve, reject) => {
      write.resolve = resolve as (r: unknown) => void;
      write.reject = reject;
    });
    this.pending.push(write);
    this.applyLocal(write);
    this.scheduleCommit();
    return done;
  }

  /** Waits until every write made so far is committed (or refused). */
  async settled(): Promise<void> {
    while (this.pending.length > 0 || this.commitScheduled) await this.io;
  }

  /**
   * Calls `handler` on every NOTIFY on `channel` (a lower-case name), on the connection the store
   * listens on; also with '' after that connection was re-established, since notifications sent
   * meanwhile are lost. Other hub-wide parts (the event bus) use it.
   */
  async onNotify(channel: string, handler: (payload: string) => void): Promise<void> {
    if (!/^[a-z_]+$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
    const handlers = this.channels.get(channel);
    if (handlers) return void handlers.push(handler);
    this.channels.set(channel, [handler]);
    await this.listener?.query(`LISTEN ${channel}`);
  }

  /** Reads the changes other hubs committed since this hub last looked (tests call it to skip the wait for NOTIFY). */
  refresh(): Promise<void> {
    return this.enqueue(async () => void (await this.catchUp()));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    await this.io;
    await this.settled().catch(() => undefined);
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  // ---- memory ----

  private table(name: string): Map<string, Doc> {
    let table = this.view.get(name);
    if (!table) this.view.set(name, (table = new Map()));
    return table;
  }

  /** Runs a write's function on top of what is visible now, collecting its changes. */
  private run(write: PendingWrite): void {
    const reads = new Set<string>();
    // What the write read of the shared state, so a change another hub commits meanwhile re-runs it.
    const { batch, staged } = stagedBatch((collection, id) => {
      reads.add(key(collection.name, id));
      return this.get(collection, id);
    });
    write.result = write.fn(batch);
    write.ops = [];
    for (const [name, docs] of staged) for (const [id, doc] of docs) write.ops.push([name, id, doc]);
    write.reads = reads;
  }

  /** Makes a waiting write visible, remembering the committed value of what it touches. */
  private applyLocal(write: PendingWrite): void {
    for (const [name, id, doc] of write.ops) {
      const k = key(name, id);
      if (!this.base.has(k)) this.base.set(k, { collection: name, id, doc: this.table(name).get(id) });
      this.set(name, id, doc);
    }
    this.writes += 1;
  }

  private set(name: string, id: string, doc: Doc | null): void {
    const table = this.table(name);
    const before = table.get(id);
    if (doc === null) table.delete(id);
    else table.set(id, doc);
    if (before === undefined && doc === null) return;
    if (before === doc) return;
    for (const listener of this.listeners.get(name) ?? []) (listener as ChangeListener<unknown>)(before, doc ?? undefined);
  }

  /**
   * Puts memory back to the committed state under the waiting writes and runs them again, in
   * order; `drop` writes at the front are refused with `error` instead.
   */
  private rebase(drop: number, error?: unknown): void {
    const waiting = this.pending;
    for (const { collection, id, doc } of this.base.values()) this.set(collection, id, doc ?? null);
    this.base.clear();
    this.pending = [];
    for (const write of waiting.slice(0, drop)) write.reject(error);
    this.rerun(waiting.slice(drop));
  }

  /** Runs waiting writes again, in order, on top of the committed state in memory. */
  private rerun(writes: readonly PendingWrite[]): void {
    for (const write of writes) {
      try {
        this.run(write);
      } catch (failure) {
        write.reject(failure);
        continue;
      }
      if (write.ops.length === 0) {
        write.resolve(write.result);
        continue;
      }
      this.pending.push(write);
      this.applyLocal(write);
    }
  }

  /**
   * Applies changes another hub committed. Returns true when one of them touches what a waiting
   * write read or wrote: those writes must then run again.
   */
  private applyRemote(ops: readonly Op[]): boolean {
    let conflict = false;
    const reads = new Set<string>();
    for (const w of this.pending) for (const k of w.reads) reads.add(k);
    for (const [name, id, doc] of ops) {
      const k = key(name, id);
      const under = this.base.get(k);
      if (under) {
        under.doc = doc ?? undefined;
        conflict = true;
        continue;
      }
      if (reads.has(k)) conflict = true;
      this.set(name, id, doc);
    }
    this.writes += 1;
    return conflict;
  }

  // ---- database ----

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.io.then(task, task);
    this.io = next.catch(() => undefined);
    return next;
  }

  private scheduleCommit(): void {
    if (this.commitScheduled) return;
    this.commitScheduled = true;
    void this.enqueue(async () => {
      this.commitScheduled = false;
      await this.commit();
    });
  }

  private scheduleCatchUp(): void {
    if (this.catchUpScheduled || this.closed) return;
    this.catchUpScheduled = true;
    void this.enqueue(async () => {
      this.catchUpScheduled = false;
      await this.catchUp().catch((error) => console.error(`postgres: could not read other hubs' changes: ${(error as Error).message}`));
    });
  }

  /** Every record and the change number they are at, read in one snapshot. */
  private async fetchAll(): Promise<{ seq: number; tables: Map<string, Map<string, Doc>> }> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const head = await client.query<{ seq: string }>('SELECT seq FROM store_head');
      const rows = await client.query<{ collection: string; id: string; doc: Doc }>('SELECT collection, id, doc FROM records');
      await client.query('COMMIT');
      const tables = new Map<string, Map<string, Doc>>();
      for (const row of rows.rows) {
        let table = tables.get(row.collection);
        if (!table) tables.set(row.collection, (table = new Map()));
        table.set(row.id, row.doc);
      }
      return { seq: Number(head.rows[0]!.seq), tables };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async load(): Promise<void> {
    const { seq, tables } = await this.fetchAll();
    for (const [name, table] of tables) for (const [id, doc] of table) this.table(name).set(id, doc);
    this.seq = seq;
  }

  /**
   * Replaces memory with the records as they are now (after falling too far behind), telling the
   * listeners what differs, and runs the waiting writes again on top.
   */
  private async reload(): Promise<void> {
    const { seq, tables } = await this.fetchAll();
    for (const { collection, id, doc } of this.base.values()) this.set(collection, id, doc ?? null);
    this.base.clear();
    for (const [name, table] of this.view) for (const id of [...table.keys()]) if (!tables.get(name)?.has(id)) this.set(name, id, null);
    for (const [name, table] of tables) for (const [id, doc] of table) if (this.table(name).get(id) !== doc) this.set(name, id, doc);
    this.seq = seq;
    const waiting = this.pending;
    this.pending = [];
    this.rerun(waiting);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.url });
    client.on('error', (error) => {
      console.error(`postgres: the connection that listens for other hubs' changes failed (${error.message}); polling until it is back`);
      if (this.listener === client) this.listener = null;
    });
    client.on('notification', (message) => {
      if (message.channel === CHANNEL) {
        // "<change number> <hub>": this hub's own commits are taken from their answer, not read back.
        const [seq, hub] = (message.payload ?? '').split(' ');
        if (hub !== this.hubId && Number(seq) > this.seq) this.scheduleCatchUp();
      }
      for (const handler of this.channels.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    await client.connect();
    for (const channel of [CHANNEL, ...this.channels.keys()]) await client.query(`LISTEN ${channel}`);
    this.listener = client;
    // Whatever was sent while this hub was not listening is for the pollers to pick up.
    for (const handlers of this.channels.values()) for (const handler of handlers) handler('');
    const pollMs = this.options.pollMs ?? 1_000;
    this.pollTimer = setInterval(() => {
      if (!this.listener && !this.closed) void this.listen().catch(() => undefined);
      this.scheduleCatchUp();
      for (const handlers of this.channels.values()) for (const handler of handlers) handler('');
    }, pollMs);
    this.pollTimer.unref();
  }

  /** Applies other hubs' committed changes after `this.seq`, in order; reloads if they were pruned. Returns true when waiting writes had to run again. */
  private async catchUp(): Promise<boolean> {
    const rows = (await this.pool.query<{ seq: string; ops: Op[] }>('SELECT seq, ops FROM store_changes WHERE seq > $1 ORDER BY seq', [this.seq])).rows;
    if (rows.length > 0 && Number(rows[0]!.seq) !== this.seq + 1) {
      // The changes this hub missed were pruned: start again from the records themselves.
      await this.reload();
      return true;
    }
    let conflict = false;
    for (const row of rows) {
      if (this.applyRemote(row.ops)) conflict = true;
      this.seq = Number(row.seq);
    }
    if (conflict) this.rebase(0);
    return conflict;
  }

  /**
   * Commits every waiting write with one statement (one round trip, one WAL flush). It moves
   * `store_head` on only if it is still at the change this hub last saw: when another hub
   * committed meanwhile it writes nothing, and this hub reads that change (running again the
   * writes it affects) and tries again. Updating the one head row also makes writers on all
   * hubs commit one after the other, so change numbers are committed in order, without gaps.
   */
  private async commit(): Promise<void> {
    for (let attempt = 0; this.pending.length > 0; attempt++) {
      if (attempt > 50) {
        this.rebase(this.pending.length, new StoreError('write not saved: too many concurrent changes to the same records'));
        return;
      }
      const batch = this.pending.slice();
      const ops = collapse(batch);
      const puts = ops.filter((op) => op[2] !== null).map(([collection, id, doc]) => ({ collection, id, doc }));
      const deletes = ops.filter((op) => op[2] === null);
      let committed: number | null;
      try {
        const result = await this.pool.query<{ seq: string }>(WRITE, [
          this.seq,
          JSON.stringify(puts),
          deletes.map((op) => op[0]),
          deletes.map((op) => op[1]),
          this.hubId,
          JSON.stringify(ops),
          CHANNEL,
        ]);
        committed = result.rows[0] ? Number(result.rows[0].seq) : null;
        if (committed === null) {
          // Another hub committed first: take its changes (re-running what they touch), then again.
          const moved = this.seq;
          await this.catchUp();
          if (this.seq === moved) await this.reloadIfBehind();
          continue;
        }
      } catch (error) {
        // Unknown whether it committed: if it did, it comes back as a change from the log.
        this.rebase(batch.length, new StoreError(`write not saved: ${(error as Error).message}`));
        this.scheduleCatchUp();
        if (this.pending.length > 0) this.scheduleCommit();
        return;
      }
      this.seq = committed;
      this.settle(batch);
      if (++this.commitsSincePrune >= 1_000) {
        this.commitsSincePrune = 0;
        await this.prune();
      }
    }
  }

  /** The head moved on but no change rows follow this hub's: they were pruned, so reload. */
  private async reloadIfBehind(): Promise<void> {
    const head = Number((await this.pool.query<{ seq: string }>('SELECT seq FROM store_head')).rows[0]!.seq);
    if (head > this.seq) await this.reload();
  }

  /** The writes of a commit are done: memory's committed state moves past them. */
  private settle(batch: PendingWrite[]): void {
    this.pending = this.pending.slice(batch.length);
    const still = new Set<string>();
    for (const w of this.pending) for (const [name, id] of w.ops) still.add(key(name, id));
    for (const w of batch) {
      for (const [name, id] of w.ops) {
        const k = key(name, id);
        if (!still.has(k)) this.base.delete(k);
      }
    }
    // What later waiting writes sit on is now the committed value of the writes just done.
    for (const k of still) {
      const entry = this.base.get(k);
      if (!entry) continue;
      for (const w of batch) for (const [name, id, doc] of w.ops) if (key(name, id) === k) entry.doc = doc ?? undefined;
    }
    for (const w of batch) w.resolve(w.result);
  }

  private async prune(): Promise<void> {
    const keepMs = this.options.keepChangesMs ?? 10 * 60_000;
    await this.pool.query(`DELETE FROM store_changes WHERE at < now() - make_interval(secs => $1) AND seq < (SELECT seq FROM store_head)`, [keepMs / 1000]).catch(() => undefined);
  }
}

/** The last change of each record across the writes, in order of first touch. */
function collapse(writes: readonly PendingWrite[]): Op[] {
  const last = new Map<string, Op>();
  for (const w of writes) for (const op of w.ops) last.set(key(op[0], op[1]), op);
  return [...last.values()];
}
