import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { IsoDateTime } from '../../../shared/schemas/common.js';
import type { Recipient } from '../../../shared/schemas/notifications.js';
import type { HubContext } from '../../context.js';
import { defineCollection } from '../../store/collection.js';
import type { WriteBatch } from '../../store/store.js';
import { outboxMessages, type OutboxRecord } from './outbox-record.js';

/**
 * The overflow of the outbox. Each lane (all mail, which goes through the one SMTP server, or one
 * Teams contact, or one channel subscriber) keeps at most a window of waiting messages in the
 * store; messages made while its window is full wait in order in append-only chunk files under
 * `outbox-spool/`, and come back into the store, oldest chunk first, as the window empties. So
 * however far mail falls behind (a slow relay, a server down for a day) the store, and the
 * snapshot rewritten from it, hold a bounded number of messages; only the spool on disk grows,
 * by the messages not yet sent, and is removed chunk by chunk as they go out.
 *
 * The store is the commit point: a lane's record lists its chunks with the number of messages
 * committed in each, written in the same write as the rest of the enqueue (the event cursor
 * among it). A crash after a chunk append and before that write leaves lines past the committed
 * count, which are never read (their events are handled again at the next start), and the chunk
 * is not appended to again. Each process appends to chunks of its own, so hubs sharing
 * PostgreSQL never write one chunk together.
 */
export const SpoolLane = z.object({
  /** The lane: `mail`, or the destination key of a Teams contact or channel subscriber. */
  id: z.string(),
  chunks: z.array(z.object({ file: z.string(), count: z.number().int().min(0) })),
  /** Messages waiting in the chunks. */
  messages: z.number().int().min(0),
  /** When the lane began to spool (its oldest waiting message was made then or later). */
  since: IsoDateTime,
});
export type SpoolLane = z.infer<typeof SpoolLane>;
export const outboxSpools = defineCollection('outbox-spools', SpoolLane);

export const SPOOL_PREFIX = 'outbox-spool/';
/** Messages per chunk before a new one is begun (a chunk is read whole when taken in). */
const CHUNK_MESSAGES = 250;
/** A chunk no lane refers to is removed at start once it is this old. */
const STRAY_AFTER_MS = 60_000;

/** All mail shares the SMTP server's pace; Teams contacts and channel subscribers each have their own. */
export function laneOf(recipient: Recipient, destination: string): string {
  return recipient.type === 'email' ? 'mail' : destination;
}

export interface SpoolLimits {
  /** Waiting messages (pending, retrying, sending) one lane keeps in the store. */
  window: number;
  /** Waiting messages the store holds over all lanes. */
  total: number;
}

/** Waiting messages in the store, per lane and in all (kept by the outbox's change listener). */
export interface WaitingCounts {
  lane(lane: string): number;
  total(): number;
}

export class OutboxSpool {
  /** A name for this process's chunks (hubs sharing a database each append to their own). */
  private readonly owner = randomUUID().slice(0, 8);
  private sequence = 0;
  /** Per lane, the chunk this process appends to next, while it is known to end at its committed count. */
  private readonly open = new Map<string, { file: string; count: number }>();
  /** Messages a chunk is begun for: at most half a window, so a chunk comes back in while half the window is still to send. */
  private readonly chunkMessages: number;

  constructor(
    private readonly ctx: HubContext,
    private readonly limits: SpoolLimits,
    private readonly waiting: WaitingCounts,
  ) {
    this.chunkMessages = Math.max(1, Math.min(CHUNK_MESSAGES, Math.floor(limits.window / 2)));
  }

  /** Messages waiting in the spool, over all lanes. */
  get messages(): number {
    let total = 0;
    for (const lane of this.ctx.store.all(outboxSpools)) total += lane.messages;
    return total;
  }

  /** Whether a new message of `lane` must wait in the spool: its lane spools already, or the window (of the lane, or of all) is full. */
  mustSpool(lane: string, addedToLane: number, added: number): boolean {
    return this.ctx.store.get(outboxSpools, lane) !== undefined || this.waiting.lane(lane) + addedToLane >= this.limits.window || this.waiting.total() + added >= this.limits.total;
  }

  /**
   * Appends the messages to their lanes' chunks (durable when this resolves) and returns the
   * change to make in the write that commits them. The caller serializes spool operations.
   */
  async append(records: readonly OutboxRecord[], lanes: readonly string[]): Promise<{ commit: (tx: WriteBatch) => void; failed: () => void }> {
    const byLane = new Map<string, OutboxRecord[]>();
    records.forEach((r, i) => byLane.set(lanes[i]!, [...(byLane.get(lanes[i]!) ?? []), r]));
    const written: { lane: string; file: string; count: number }[] = [];
    for (const [lane, list] of byLane) {
      let chunk = this.open.get(lane);
      // Not appendable until its write commits (a failed append may have left part of a line).
      this.open.delete(lane);
      for (let from = 0; from < list.length;) {
        if (!chunk || chunk.count >= this.chunkMessages) chunk = { file: this.chunkName(lane), count: 0 };
        const part = list.slice(from, from + this.chunkMessages - chunk.count);
        await this.ctx.logs.append(chunk.file, part);
        chunk = { file: chunk.file, count: chunk.count + part.length };
        written.push({ lane, ...chunk });
        from += part.length;
      }
    }
    const now = this.ctx.clock.now().toISOString();
    return {
      commit: (tx) => {
        for (const w of written) {
          const current = tx.get(outboxSpools, w.lane);
          const added = w.count - (current?.chunks.find((c) => c.file === w.file)?.count ?? 0);
          const chunks = current ? current.chunks.filter((c) => c.file !== w.file) : [];
          const at = current?.chunks.findIndex((c) => c.file === w.file) ?? -1;
          chunks.splice(at === -1 ? chunks.length : at, 0, { file: w.file, count: w.count });
          tx.put(outboxSpools, { id: w.lane, chunks, messages: (current?.messages ?? 0) + added, since: current?.since ?? now });
        }
        for (const w of written) this.open.set(w.lane, { file: w.file, count: w.count });
      },
      failed: () => {
        for (const w of written) this.open.delete(w.lane);
      },
    };
  }

  /**
   * Takes messages back into the store for lanes whose window has room: the oldest chunk of
   * each, one write, then removes the chunks taken. Returns how many messages came back.
   * A record already in the store (the same message spooled twice) is skipped.
   */
  async refill(): Promise<number> {
    const taken: { lane: SpoolLane; file: string; records: OutboxRecord[] }[] = [];
    let room = this.limits.total - this.waiting.total();
    for (const lane of this.ctx.store.all(outboxSpools)) {
      const chunk = lane.chunks[0];
      if (!chunk) continue;
      // A chunk comes in whole once it fits (or once nothing else waits: a chunk larger than a small window still goes).
      const inLane = this.waiting.lane(lane.id);
      if ((inLane > 0 && inLane + chunk.count > this.limits.window) || (room < chunk.count && room < this.limits.total)) continue;
      // This process appends no more to a chunk being taken in.
      if (this.open.get(lane.id)?.file === chunk.file) this.open.delete(lane.id);
      const records = (await this.ctx.logs.read<OutboxRecord>(chunk.file)).slice(0, chunk.count);
      if (records.length < chunk.count) console.error(`outbox: the spool chunk ${chunk.file} holds ${records.length} of its ${chunk.count} messages; the missing ones cannot be sent`);
      taken.push({ lane, file: chunk.file, records });
      room -= chunk.count;
    }
    if (taken.length === 0) return 0;
    const now = this.ctx.clock.now().toISOString();
    const added = await this.ctx.store.write((tx) => {
      let count = 0;
      for (const { lane, file, records } of taken) {
        const current = tx.get(outboxSpools, lane.id);
        const chunk = current?.chunks.find((c) => c.file === file);
        if (!current || !chunk) continue; // another hub took it in meanwhile
        for (const record of records.slice(0, chunk.count)) {
          if (tx.get(outboxMessages, record.id)) continue;
          tx.put(outboxMessages, { ...record, nextAttemptAt: record.state === 'pending' ? now : record.nextAttemptAt, updatedAt: now });
          count += 1;
        }
        const chunks = current.chunks.filter((c) => c.file !== file);
        if (chunks.length === 0) tx.delete(outboxSpools, lane.id);
        else tx.put(outboxSpools, { ...current, chunks, messages: Math.max(0, current.messages - chunk.count) });
      }
      return count;
    });
    for (const { file } of taken) await this.ctx.logs.remove(file).catch((error) => console.error(`outbox: could not remove the spool chunk ${file}:`, error));
    return added;
  }

  /**
   * Removes chunk files no lane refers to: taken in just before a crash, or appended and never
   * committed. Only those begun over a minute ago: on a shared database another hub's newest
   * chunk may be between its append and its commit.
   */
  async removeStrays(): Promise<number> {
    const referenced = new Set<string>();
    for (const lane of this.ctx.store.all(outboxSpools)) for (const c of lane.chunks) referenced.add(c.file);
    const before = this.ctx.clock.now().getTime() - STRAY_AFTER_MS;
    let removed = 0;
    for (const file of await this.ctx.logs.list(SPOOL_PREFIX)) {
      const begun = Number(/\/(\d{13})-[^/]*\.jsonl$/.exec(file)?.[1] ?? Number.NaN);
      if (referenced.has(file) || !(begun < before)) continue;
      await this.ctx.logs.remove(file);
      removed += 1;
    }
    return removed;
  }

  /** `outbox-spool/<lane>/<ms when begun>-<process>-<n>.jsonl` */
  private chunkName(lane: string): string {
    const begun = String(this.ctx.clock.now().getTime()).padStart(13, '0');
    return `${SPOOL_PREFIX}${laneFolder(lane)}/${begun}-${this.owner}-${String(++this.sequence).padStart(8, '0')}.jsonl`;
  }
}

/** A file-name-safe folder per lane. */
function laneFolder(lane: string): string {
  return lane === 'mail' ? 'mail' : createHash('sha256').update(lane).digest('hex').slice(0, 16);
}
