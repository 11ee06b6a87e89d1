import type { Clock } from '../../shared/domain/clock.js';
import { DAY } from '../../shared/domain/clock.js';
import type { DomainEvent } from '../../shared/schemas/events.js';
import type { AppendLog } from '../store/append-log.js';

export type EventInput = Omit<DomainEvent, 'id' | 'at' | 'data'> & { data?: Record<string, unknown> };
export type EventListener = (event: DomainEvent) => void;

/**
 * History lines an event announces (an audit entry, a session line): they are durable before the
 * event is, so whoever hears the event can read them. On PostgreSQL they are written in the
 * event's own transaction (one commit instead of one each).
 */
export interface CarriedAppend {
  file: string;
  records: readonly unknown[];
}

const RETAIN_MS = 2 * DAY;

/**
 * Every state change becomes a numbered domain event. Events are appended to a file per day
 * (so the SSE stream can resume after a restart with Last-Event-ID) and kept in memory for
 * at least a day.
 */
export class EventBus {
  private readonly recent: DomainEvent[] = [];
  private readonly listeners = new Set<EventListener>();
  private nextId = 1;

  constructor(
    private readonly logs: AppendLog,
    private readonly clock: Clock,
  ) {}

  /** Loads the last two days so ids keep counting up and resume works across restarts. */
  async load(): Promise<void> {
    const now = this.clock.now().getTime();
    for (const offset of [1, 0]) {
      for (const event of await this.logs.read<DomainEvent>(eventFile(new Date(now - offset * DAY)))) {
        this.recent.push(event);
        this.nextId = Math.max(this.nextId, event.id + 1);
      }
    }
  }

  async emit(input: EventInput, carried: readonly CarriedAppend[] = []): Promise<DomainEvent> {
    await Promise.all(carried.map((c) => this.logs.append(c.file, c.records)));
    const event: DomainEvent = { ...input, data: input.data ?? {}, id: this.nextId++, at: this.clock.now().toISOString() };
    this.recent.push(event);
    this.prune();
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

  /** Events after the given id (for SSE resume), oldest first. */
  since(lastId: number): DomainEvent[] {
    let lo = 0;
    let hi = this.recent.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.recent[mid]!.id <= lastId) lo = mid + 1;
      else hi = mid;
    }
    return this.recent.slice(lo);
  }

  get lastId(): number {
    return this.nextId - 1;
  }

  private prune(): void {
    const cutoff = this.clock.now().getTime() - RETAIN_MS;
    let drop = 0;
    while (drop < this.recent.length && Date.parse(this.recent[drop]!.at) < cutoff) drop++;
    if (drop > 0) this.recent.splice(0, drop);
  }
}

const eventFile = (day: Date) => `events/${day.toISOString().slice(0, 10)}.jsonl`;
