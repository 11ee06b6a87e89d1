import type { Clock } from '../../shared/domain/clock.js';
import { DAY } from '../../shared/domain/clock.js';
import type { DomainEvent } from '../../shared/schemas/events.js';
import type { AppendLog } from '../store/append-log.js';

export type EventInput = Omit<DomainEvent, 'id' | 'at' | 'data'> & { data?: Record<string, unknown> };
export type EventListener = (event: DomainEvent) => void;

/** How far back a resume (SSE Last-Event-ID) and `since` reach. */
export const EVENT_RETAIN_MS = 2 * DAY;
/** The most recent events kept in memory by default; older ones are read back from the log. */
export const DEFAULT_EVENTS_IN_MEMORY = 10_000;

/**
 * History lines an event announces (an audit entry, a session line): they are durable before the
 * event is, so whoever hears the event can read them. On PostgreSQL they are written in the
 * event's own transaction (one commit instead of one each).
 */
export interface CarriedAppend {
  file: string;
  records: readonly unknown[];
}

/**
 * Every state change becomes a numbered domain event. Events are appended to a file per day
 * (so the SSE stream can resume after a restart with Last-Event-ID). Only the most recent ones
 * stay in memory (a ring of `inMemory` events), so memory does not grow with the hub's activity;
 * a resume from further back reads the last two days' files.
 */
export class EventBus {
  private readonly recent: RecentEvents;
  private readonly listeners = new Set<EventListener>();
  private nextId = 1;

  constructor(
    private readonly logs: AppendLog,
    private readonly clock: Clock,
    inMemory = DEFAULT_EVENTS_IN_MEMORY,
  ) {
    this.recent = new RecentEvents(inMemory);
  }

  /** Reads the last two days so ids keep counting up, and keeps the most recent in memory. */
  async load(): Promise<void> {
    for (const event of await this.readLogged()) {
      this.recent.push(event);
      this.nextId = Math.max(this.nextId, event.id + 1);
    }
  }

  async emit(input: EventInput, carried: readonly CarriedAppend[] = []): Promise<DomainEvent> {
    await Promise.all(carried.map((c) => this.logs.append(c.file, c.records)));
    const event: DomainEvent = { ...input, data: input.data ?? {}, id: this.nextId++, at: this.clock.now().toISOString() };
    this.recent.push(event);
    await this.logs.append(eventFile(this.clock.now()), [event]);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        console.error(`event listener failed on ${event.type}:`, error);
      }
    }
    return event;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Every event, wherever it was emitted, in id order: the SSE stream. With one hub that is what
   * `subscribe` sees; with several on one database (ClusterEventBus) `subscribe` sees the events
   * of its own hub (so a reaction to an event runs once) and this one those of all hubs.
   */
  subscribeAll(listener: EventListener): () => void {
    return this.subscribe(listener);
  }

  /** Listeners subscribed now (an SSE stream that closed must not stay among them). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /**
   * Events after the given id (for SSE resume), oldest first, as far back as two days: from
   * memory when the ring still holds the next one, else from the log.
   */
  async since(lastId: number): Promise<DomainEvent[]> {
    const cutoff = this.cutoff();
    return eventsSince(lastId, this.recent, cutoff, () => this.readLogged());
  }

  /** How many events memory holds now (bounded by `inMemory`). */
  get inMemoryCount(): number {
    return this.recent.size;
  }

  get lastId(): number {
    return this.nextId - 1;
  }

  /** The oldest time `since` still answers. */
  private cutoff(): string {
    return new Date(this.clock.now().getTime() - EVENT_RETAIN_MS).toISOString();
  }

  private async readLogged(): Promise<DomainEvent[]> {
    const now = this.clock.now().getTime();
    const events: DomainEvent[] = [];
    // One by one, not push(...day): a busy day holds more events than a call takes arguments.
    for (const offset of [2, 1, 0]) for (const event of await this.logs.read<DomainEvent>(eventFile(new Date(now - offset * DAY)))) events.push(event);
    return events;
  }
}

/**
 * The events after `lastId` not older than `cutoff`: from memory when it reaches back far enough,
 * else what the log holds before memory's oldest event joined with memory. Memory is taken after
 * the log was read; if the ring moved past what was read meanwhile, the log is read again.
 */
export async function eventsSince(lastId: number, recent: RecentEvents, cutoff: string, read: () => Promise<DomainEvent[]>): Promise<DomainEvent[]> {
  if (recent.holdsAfter(lastId)) return recent.after(lastId).filter((e) => e.at >= cutoff);
  for (let attempt = 0; ; attempt++) {
    const logged = await read();
    const inMemory = recent.after(lastId);
    const firstInMemory = inMemory[0]?.id ?? Number.POSITIVE_INFINITY;
    const lastLogged = logged.at(-1)?.id ?? lastId;
    if (inMemory.length > 0 && lastLogged < firstInMemory - 1 && attempt < 3) continue;
    return [...logged.filter((e) => e.id > lastId && e.id < firstInMemory), ...inMemory].filter((e) => e.at >= cutoff);
  }
}

/** The most recent events in id order, at most `capacity` of them (a ring buffer). */
export class RecentEvents {
  private readonly ring: (DomainEvent | undefined)[];
  private start = 0;
  private count = 0;
  private evicted = false;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`events in memory must be a positive whole number: ${capacity}`);
    this.ring = Array.from<DomainEvent | undefined>({ length: capacity });
  }

  get size(): number {
    return this.count;
  }

  /** Tells the ring that older events exist elsewhere than here (it was filled with only the newest). */
  olderExist(): void {
    this.evicted = true;
  }

  push(event: DomainEvent): void {
    if (this.count < this.capacity) {
      this.ring[(this.start + this.count) % this.capacity] = event;
      this.count += 1;
    } else {
      this.ring[this.start] = event;
      this.start = (this.start + 1) % this.capacity;
      this.evicted = true;
    }
  }

  private at(index: number): DomainEvent {
    return this.ring[(this.start + index) % this.capacity]!;
  }

  /** True when every event after `lastId` is here: none was ever pushed out, or memory reaches back to `lastId + 1`. */
  holdsAfter(lastId: number): boolean {
    return !this.evicted || this.at(0).id <= lastId + 1;
  }

  /** The events here with an id above `lastId`, oldest first. */
  after(lastId: number): DomainEvent[] {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.at(mid).id <= lastId) lo = mid + 1;
      else hi = mid;
    }
    const out: DomainEvent[] = [];
    for (let i = lo; i < this.count; i++) out.push(this.at(i));
    return out;
  }
}

const eventFile = (day: Date) => `events/${day.toISOString().slice(0, 10)}.jsonl`;
