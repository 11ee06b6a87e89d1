import type { Clock } from '../../../shared/domain/clock.js';
import type { DomainEvent } from '../../../shared/schemas/events.js';
import { DEFAULT_EVENTS_IN_MEMORY, EVENT_RETAIN_MS, EventBus, eventsSince, RecentEvents, type CarriedAppend, type EventInput, type EventListener } from '../../services/events.js';
import { AppendLog } from '../append-log.js';
import { HISTORY_CHANNEL, HISTORY_LOCK, historyPlace, type PgAppendLog } from './pg-append-log.js';
import type { PgStore } from './pg-store.js';

const CHANNEL = 'sphub_events';
/** Serializes event inserts across hubs, so ids are committed in order and a reader never skips one. */
const EVENT_LOCK = 0x5350_4556; // 'SPEV'

interface QueuedEvent {
  day: string;
  /** The event's JSON without its id. */
  body: string;
  carried: readonly CarriedAppend[];
  resolve: (id: number) => void;
  reject: (error: unknown) => void;
}

/**
 * The event bus of hubs sharing one PostgreSQL database. Every event gets its id from one
 * sequence, in a transaction holding an advisory lock, so ids are committed in increasing order
 * and every hub reads them in the same order (the `events` table, told by NOTIFY, with the
 * store's poll as a safety net). So an SSE client sees the same ids on any hub and resumes on
 * another with Last-Event-ID.
 *
 * `subscribe` listeners (reactions such as notifications or recommended policies) hear the events
 * emitted on this hub only, as with one hub, so a reaction runs once however many hubs there
 * are; `subscribeAll` listeners (the SSE stream) hear every hub's events.
 */
export class ClusterEventBus extends EventBus {
  private readonly kept: RecentEvents;
  private readonly local = new Set<EventListener>();
  private readonly everyHub = new Set<EventListener>();
  private last = 0;
  private reading: Promise<void> = Promise.resolve();
  private readAgain = false;
  private readScheduled = false;
  /** Events waiting for the next transaction. */
  private queue: QueuedEvent[] = [];
  private committing = false;

  constructor(
    private readonly store: PgStore,
    private readonly time: Clock,
    /** Where the history lines an event carries go (in the event's transaction). */
    private readonly history: PgAppendLog | null = null,
    inMemory = DEFAULT_EVENTS_IN_MEMORY,
  ) {
    super(new AppendLog(null), time, 1);
    this.kept = new RecentEvents(inMemory);
  }

  override async load(): Promise<void> {
    const newest = await this.store.pool.query<{ id: string | null }>('SELECT max(id) AS id FROM events');
    // Only the most recent stay in memory; a resume from further back asks the table.
    const rows = await this.store.pool.query<{ record: DomainEvent }>('SELECT record FROM (SELECT id, record FROM events WHERE day >= $1 ORDER BY id DESC LIMIT $2) AS newest ORDER BY id', [
      this.from(),
      this.kept.capacity,
    ]);
    for (const row of rows.rows) this.kept.push(row.record);
    if (rows.rows.length === this.kept.capacity) this.kept.olderExist();
    this.last = Number(newest.rows[0]?.id ?? 0);
    // "<id> <hub>": this hub's own events are taken as committed, not read back.
    await this.store.onNotify(CHANNEL, (payload) => {
      if (payload.split(' ')[1] !== this.store.hubId) this.scheduleRead();
    });
  }

  /**
   * Numbers and stores the event. The history lines it carries (an audit entry, a session line)
   * are written in the same transaction, so none is visible without the others. Events emitted
   * while a transaction is under way go together in the next one (a group commit): one WAL flush
   * for all of them.
   */
  override async emit(input: EventInput, carried: readonly CarriedAppend[] = []): Promise<DomainEvent> {
    if (carried.length > 0 && !this.history) throw new Error('this event bus was opened without the histories, so it cannot write the lines an event carries');
    const at = this.time.now().toISOString();
    const data = input.data ?? {};
    const body = JSON.stringify({ ...input, data, at });
    const id = await new Promise<number>((resolve, reject) => {
      this.queue.push({ day: at.slice(0, 10), body, carried, resolve, reject });
      if (!this.committing) void this.commitQueued();
    });
    const event: DomainEvent = { id, ...input, data, at };
    for (const listener of this.local) {
      try {
        listener(event);
      } catch (error) {
        console.error(`event listener failed on ${event.type}:`, error);
      }
    }
    // Like the single hub's bus: once emit returns, lastId and the SSE streams have reached it.
    await this.caughtUp(id, event);
    return event;
  }

  /** Commits the waiting events, all at once; should that fail, one by one (so one bad event sinks only itself). */
  private async commitQueued(): Promise<void> {
    this.committing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      try {
        const ids = await this.commit(batch);
        batch.forEach((e, i) => e.resolve(ids[i]!));
      } catch (error) {
        if (batch.length === 1) batch[0]!.reject(error);
        else {
          for (const e of batch) {
            try {
              e.resolve((await this.commit([e]))[0]!);
            } catch (failure) {
              e.reject(failure);
            }
          }
        }
      }
    }
    this.committing = false;
  }

  /**
   * One statement (one round trip, one commit): the carried lines, then the events. Each shared
   * history table and then the event ids are locked until the commit, always in that order (so
   * two hubs never wait on each other): rows and ids commit in order across hubs, and a hub
   * reading "after the last one I saw" never skips one. The ids are consecutive, in the order of
   * `batch`, and returned so.
   */
  private async commit(batch: readonly QueuedEvent[]): Promise<number[]> {
    const appends = batch.flatMap((e) => e.carried);
    // What was appended to these files before must be committed first.
    await Promise.all([...new Set(appends.map((a) => a.file))].map((file) => this.history!.appendsDone(file)));
    const params: unknown[] = [];
    const p = (value: unknown) => `$${params.push(value)}`;
    const tables = new Map<string, { column: string; shared: boolean; rows: { part: string; record: unknown }[] }>();
    for (const { file, records } of appends) {
      const place = historyPlace(file);
      if (place.table === 'events') throw new Error('events are written by the event bus, not carried by an event');
      let table = tables.get(place.table);
      if (!table) tables.set(place.table, (table = { column: place.column, shared: place.shared, rows: [] }));
      for (const record of records) table.rows.push({ part: place.part, record });
    }
    const names = [...tables.keys()].sort();
    const shared = names.filter((name) => tables.get(name)!.shared);
    const ctes: string[] = [];
    let held = '';
    shared.forEach((name, i) => {
      ctes.push(`lock${i} AS (SELECT pg_advisory_xact_lock(${p(HISTORY_LOCK)}::int, hashtext(${p(name)}))${held && ` FROM ${held}`})`);
      held = `lock${i}`;
    });
    ctes.push(`event_lock AS (SELECT pg_advisory_xact_lock(${p(EVENT_LOCK)}::bigint)${held && ` FROM ${held}`})`);
    ctes.push(`first AS (SELECT nextval('event_ids') AS id FROM event_lock)`);
    ctes.push(`reserved AS (SELECT id, setval('event_ids', id + ${p(batch.length)}::bigint - 1) FROM first)`);
    names.forEach((name, i) => {
      const { column, rows } = tables.get(name)!;
      const lock = shared.includes(name) ? `lock${shared.indexOf(name)}, ` : '';
      ctes.push(
        `added${i} AS (INSERT INTO ${name} (${column}, record) SELECT r.value->>'part', r.value->'record' FROM ${lock}json_array_elements(${p(JSON.stringify(rows))}::json) WITH ORDINALITY AS r(value, ord) ORDER BY r.ord RETURNING n)`,
      );
    });
    // the event's JSON as the hub wrote it, with "id": first: '{"id":7,' || '"type":…}'
    ctes.push(
      `events_added AS (INSERT INTO events (id, day, record) SELECT reserved.id + e.ord - 1, e.day, ('{"id":' || (reserved.id + e.ord - 1) || ',' || substr(e.body, 2))::json FROM reserved, unnest(${p(batch.map((e) => e.day))}::text[], ${p(batch.map((e) => e.body))}::text[]) WITH ORDINALITY AS e(day, body, ord) RETURNING id)`,
    );
    const owned = shared.map((name) => `(SELECT json_agg(n) FROM added${names.indexOf(name)})`);
    const notes = shared.map((name) => `, pg_notify(${p(HISTORY_CHANNEL)}, ${p(`${name} ${this.store.hubId}`)})`).join('');
    const sql = `WITH ${ctes.join('\n, ')}
      SELECT (SELECT min(id) FROM events_added) AS first, json_build_array(${owned.join(', ')}) AS owned, pg_notify(${p(CHANNEL)}, (SELECT max(id) FROM events_added) || ' ' || ${p(this.store.hubId)})${notes}`;
    const row = (await this.store.pool.query<{ first: string; owned: (number[] | null)[] }>(sql, params)).rows[0]!;
    shared.forEach((name, i) => this.history!.noteOwnRows(name, row.owned[i] ?? []));
    const first = Number(row.first);
    return batch.map((_, i) => first + i);
  }

  override subscribe(listener: EventListener): () => void {
    this.local.add(listener);
    return () => this.local.delete(listener);
  }

  override subscribeAll(listener: EventListener): () => void {
    this.everyHub.add(listener);
    return () => this.everyHub.delete(listener);
  }

  /** Events after `lastId` this hub has read, from memory or (further back than memory reaches, up to two days) from the table. */
  override async since(lastId: number): Promise<DomainEvent[]> {
    const cutoff = new Date(this.time.now().getTime() - EVENT_RETAIN_MS).toISOString();
    return eventsSince(lastId, this.kept, cutoff, async () => {
      const upTo = this.last;
      const rows = await this.store.pool.query<{ record: DomainEvent }>('SELECT record FROM events WHERE id > $1 AND id <= $2 AND day >= $3 ORDER BY id', [lastId, upTo, this.from()]);
      return rows.rows.map((row) => row.record);
    });
  }

  override get inMemoryCount(): number {
    return this.kept.size;
  }

  override get lastId(): number {
    return this.last;
  }

  /** Reads the events after the last one seen, in id order, and hands them to the SSE listeners. */
  private scheduleRead(): void {
    if (this.readScheduled) {
      this.readAgain = true;
      return;
    }
    this.readScheduled = true;
    this.reading = this.reading.then(async () => {
      do {
        this.readAgain = false;
        try {
          const rows = await this.store.pool.query<{ record: DomainEvent }>('SELECT record FROM events WHERE id > $1 ORDER BY id', [this.last]);
          for (const { record } of rows.rows) if (record.id > this.last) this.deliver(record);
        } catch (error) {
          console.error(`events: could not read other hubs' events: ${(error as Error).message}`);
        }
      } while (this.readAgain);
      this.readScheduled = false;
    });
  }

  /**
   * Waits until the events committed so far (or at least up to `id`) have been read. `own` is
   * event `id` as this hub just committed it: when every id before it has been read and no read
   * is under way, it is taken as it is, without reading it back (one round trip less per event).
   */
  async caughtUp(id = Number.POSITIVE_INFINITY, own?: DomainEvent): Promise<void> {
    if (this.last >= id) return;
    if (own && own.id === id && this.last === id - 1 && !this.readScheduled) {
      this.deliver(own);
      return;
    }
    this.scheduleRead();
    await this.reading;
  }

  /** An event read or committed here, next in id order, to the SSE listeners. */
  private deliver(record: DomainEvent): void {
    this.kept.push(record);
    this.last = record.id;
    for (const listener of this.everyHub) {
      try {
        listener(record);
      } catch (error) {
        console.error(`event listener failed on ${record.type}:`, error);
      }
    }
  }

  override get listenerCount(): number {
    return this.local.size + this.everyHub.size;
  }

  /** The first day a resume reaches. */
  private from(): string {
    return new Date(this.time.now().getTime() - EVENT_RETAIN_MS).toISOString().slice(0, 10);
  }
}
