import type { Clock } from '../../../shared/domain/clock.js';
import type { DomainEvent } from '../../../shared/schemas/events.js';
import { DEFAULT_EVENTS_IN_MEMORY, EVENT_RETAIN_MS, EventBus, eventsSince, RecentEvents, type EventInput, type EventListener } from '../../services/events.js';
import { AppendLog } from '../append-log.js';
import type { PgStore } from './pg-store.js';

const CHANNEL = 'sphub_events';
/** Serializes event inserts across hubs, so ids are committed in order and a reader never skips one. */
const EVENT_LOCK = 0x5350_4556; // 'SPEV'

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

  constructor(
    private readonly store: PgStore,
    private readonly time: Clock,
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
    await this.store.onNotify(CHANNEL, () => this.scheduleRead());
  }

  override async emit(input: EventInput): Promise<DomainEvent> {
    const at = this.time.now().toISOString();
    const data = input.data ?? {};
    // One statement, committed on its own: the lock (held until that commit) makes ids commit in
    // order across hubs, so a hub reading "after the last id I saw" never skips one.
    const row = await this.store.pool.query<{ id: string }>(
      `WITH locked AS (SELECT pg_advisory_xact_lock($1))
       , numbered AS (SELECT nextval('event_ids') AS id FROM locked)
       , added AS (
         INSERT INTO events (id, day, record)
         -- the event's JSON as the hub wrote it, with "id": first: '{"id":7,' || '"type":…}'
         SELECT numbered.id, $2, ('{"id":' || numbered.id || ',' || substr($3, 2))::json FROM numbered
         RETURNING id
       )
       SELECT id, pg_notify($4, id::text) FROM added`,
      [EVENT_LOCK, at.slice(0, 10), JSON.stringify({ ...input, data, at }), CHANNEL],
    );
    const id = Number(row.rows[0]!.id);
    const event: DomainEvent = { id, ...input, data, at };
    for (const listener of this.local) {
      try {
        listener(event);
      } catch (error) {
        console.error(`event listener failed on ${event.type}:`, error);
      }
    }
    // Like the single hub's bus: once emit returns, lastId and the SSE streams have reached it.
    await this.caughtUp(id);
    return event;
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
          for (const { record } of rows.rows) {
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
        } catch (error) {
          console.error(`events: could not read other hubs' events: ${(error as Error).message}`);
        }
      } while (this.readAgain);
      this.readScheduled = false;
    });
  }

  /** Waits until the events committed so far (or at least up to `id`) have been read. */
  async caughtUp(id = Number.POSITIVE_INFINITY): Promise<void> {
    if (this.last >= id) return;
    this.scheduleRead();
    await this.reading;
  }

  override get listenerCount(): number {
    return this.local.size + this.everyHub.size;
  }

  /** The first day a resume reaches. */
  private from(): string {
    return new Date(this.time.now().getTime() - EVENT_RETAIN_MS).toISOString().slice(0, 10);
  }
}
