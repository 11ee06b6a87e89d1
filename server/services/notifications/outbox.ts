import { createHash } from 'node:crypto';
import {
  OUTBOX_STATES,
  type Language,
  type OutboxMessage,
  type OutboxMessageDetail,
  type OutboxPage,
  type OutboxState,
  type OutboxTopic,
  type Recipient,
} from '../../../shared/schemas/notifications.js';
import type { HubContext } from '../../context.js';
import { notFound, localizedError } from '../../http/errors.js';
import type { WriteBatch } from '../../store/store.js';
import { destinationKey, noteUndelivered, outboxDestinations } from './destination-states.js';
import { outboxMessages, type OutboxRecord } from './outbox-record.js';
import type { Rendered } from './render.js';
import { laneOf, OutboxSpool, type SpoolLimits } from './spool.js';

/** States of a message still to be sent: these count against its lane's window. */
const WAITING: ReadonlySet<OutboxState> = new Set(['pending', 'failed-retrying', 'sending']);

export interface MessageDraft {
  dedupeKey: string;
  topic: OutboxTopic;
  eventId: number | null;
  eventType: string | null;
  customerId?: string | undefined;
  recipient: Recipient;
  language: Language;
  rendered: Rendered;
  /** pending, or undeliverable-no-smtp for mail while no SMTP server is configured. */
  state: 'pending' | 'undeliverable-no-smtp';
}

/** Ids come from the dedupe key, so the store itself refuses a second message for the same event and destination. */
export function messageId(dedupeKey: string): string {
  return `obx_${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 40)}`;
}

export const historyFile = (day: string) => `outbox-history/${day.slice(0, 10)}.jsonl`;

export class Outbox {
  private readonly counts = new Map<OutboxState, number>(OUTBOX_STATES.map((s) => [s, 0]));
  /** Per destination, the one mail message held while no SMTP server is configured (bounded by contacts). */
  private readonly held = new Map<string, string>();
  /** Waiting messages in the store, per lane (spool.ts) and in all. */
  private readonly waitingByLane = new Map<string, number>();
  private waitingTotal = 0;
  /** Where messages wait while their lane's window in the store is full. */
  readonly spool: OutboxSpool;
  /** Enqueues and refills run one at a time: both read and change the spool's lanes. */
  private serial: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: HubContext,
    limits: SpoolLimits,
  ) {
    ctx.store.onChange(outboxMessages, (before, after) => {
      if (before) this.counts.set(before.state, (this.counts.get(before.state) ?? 1) - 1);
      if (after) this.counts.set(after.state, (this.counts.get(after.state) ?? 0) + 1);
      const record = (after ?? before)!;
      const key = destinationKey(record.recipient);
      if (after?.state === 'undeliverable-no-smtp') this.held.set(key, after.id);
      else if (this.held.get(key) === record.id) this.held.delete(key);
      const change = (after && WAITING.has(after.state) ? 1 : 0) - (before && WAITING.has(before.state) ? 1 : 0);
      if (change !== 0) {
        const lane = laneOf(record.recipient, key);
        const count = (this.waitingByLane.get(lane) ?? 0) + change;
        if (count > 0) this.waitingByLane.set(lane, count);
        else this.waitingByLane.delete(lane);
        this.waitingTotal += change;
      }
    });
    this.spool = new OutboxSpool(ctx, limits, { lane: (lane) => this.waitingByLane.get(lane) ?? 0, total: () => this.waitingTotal });
  }

  /** Runs `fn` after the enqueues and refills before it. */
  private serialized<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.serial.then(fn, fn);
    this.serial = run.catch(() => undefined);
    return run;
  }

  /** Takes spooled messages back into the store where their lane's window has room (the dispatcher calls it). */
  refill(): Promise<number> {
    return this.serialized(() => this.spool.refill());
  }

  /**
   * Adds the drafts not already in the outbox, in one durable write; returns the ones added to
   * the store. Mail that cannot go out (no SMTP) is held once per contact; the others go to the
   * history. Messages whose lane's window is full go to the spool, committed in the same write.
   */
  enqueue(drafts: readonly MessageDraft[], alsoInWrite?: (tx: WriteBatch) => void): Promise<OutboxRecord[]> {
    return this.serialized(() => this.enqueueNow(drafts, alsoInWrite));
  }

  private async enqueueNow(drafts: readonly MessageDraft[], alsoInWrite?: (tx: WriteBatch) => void): Promise<OutboxRecord[]> {
    const now = this.ctx.clock.now().toISOString();
    const toHistory: OutboxMessage[] = [];
    const holding = new Set<string>();
    for (const draft of drafts) {
      if (draft.state !== 'undeliverable-no-smtp') continue;
      const key = destinationKey(draft.recipient);
      if (this.held.has(key) || holding.has(key)) toHistory.push(publicMessage(this.record(draft, now)));
      else holding.add(key);
    }
    const diverted = new Set(toHistory.map((m) => m.id));
    // History first: a crash before the write leaves a message in the history only, never nowhere.
    if (toHistory.length) await this.ctx.logs.append(historyFile(now), toHistory);
    const spooled = this.overflow(drafts, diverted, now);
    const spooling = spooled.records.length ? await this.spool.append(spooled.records, spooled.lanes) : null;
    const spooledIds = new Set(spooled.records.map((r) => r.id));
    try {
      return await this.ctx.store.write((tx) => {
        const added: OutboxRecord[] = [];
        for (const draft of drafts) {
          const id = messageId(draft.dedupeKey);
          if (spooledIds.has(id)) continue;
          if (!diverted.has(id) && tx.get(outboxMessages, id)) continue;
          if (draft.state === 'undeliverable-no-smtp') {
            noteUndelivered(tx, draft.recipient, { state: 'undeliverable-no-smtp', reason: 'no SMTP server is configured', at: now, summary: draft.rendered.summary });
            if (diverted.has(id)) continue;
          }
          const record = this.record(draft, now);
          tx.put(outboxMessages, record);
          added.push(record);
        }
        spooling?.commit(tx);
        alsoInWrite?.(tx);
        return added;
      });
    } catch (error) {
      spooling?.failed();
      throw error;
    }
  }

  /** The pending drafts that must wait in the spool (their lane spools already, or its window is full), in order, with their lanes. */
  private overflow(drafts: readonly MessageDraft[], diverted: ReadonlySet<string>, now: string): { records: OutboxRecord[]; lanes: string[] } {
    const records: OutboxRecord[] = [];
    const lanes: string[] = [];
    const perLane = new Map<string, number>();
    let added = 0;
    const seen = new Set<string>();
    for (const draft of drafts) {
      const id = messageId(draft.dedupeKey);
      if (draft.state !== 'pending' || diverted.has(id) || seen.has(id) || this.ctx.store.get(outboxMessages, id)) continue;
      seen.add(id);
      const lane = laneOf(draft.recipient, destinationKey(draft.recipient));
      const inLane = perLane.get(lane) ?? 0;
      if (this.spool.mustSpool(lane, inLane, added)) {
        records.push(this.record(draft, now));
        lanes.push(lane);
        // Once a lane spools, the rest of its messages follow in order.
        perLane.set(lane, Number.POSITIVE_INFINITY);
      } else {
        perLane.set(lane, inLane + 1);
        added += 1;
      }
    }
    return { records, lanes };
  }

  /** Messages waiting in the spool (not in the store). */
  get spooled(): number {
    return this.spool.messages;
  }

  private record(draft: MessageDraft, now: string): OutboxRecord {
    return {
      id: messageId(draft.dedupeKey),
      dedupeKey: draft.dedupeKey,
      topic: draft.topic,
      eventId: draft.eventId,
      eventType: draft.eventType,
      ...(draft.customerId && { customerId: draft.customerId }),
      recipient: draft.recipient,
      language: draft.language,
      summary: draft.rendered.summary,
      state: draft.state,
      attempts: 0,
      nextAttemptAt: draft.state === 'pending' ? now : null,
      lastAttemptAt: null,
      lastError: null,
      createdAt: now,
      updatedAt: now,
      deliveredAt: null,
      bytes: draft.rendered.bytes,
      payload: draft.rendered.payload,
    };
  }

  get(id: string): OutboxRecord | undefined {
    return this.ctx.store.get(outboxMessages, id);
  }

  detail(id: string): OutboxMessageDetail {
    const record = this.get(id);
    if (!record) throw notFound('Outbox message', id);
    return record;
  }

  list(query: {
    q?: string | undefined;
    state?: OutboxState[] | undefined;
    contactId?: string | undefined;
    topic?: OutboxTopic | undefined;
    customerId?: string | undefined;
    page: number;
    pageSize: number;
  }): OutboxPage {
    const q = query.q?.toLowerCase();
    const states = query.state && query.state.length ? new Set(query.state) : null;
    const items: OutboxMessage[] = [];
    for (const record of this.ctx.store.all(outboxMessages)) {
      if (states && !states.has(record.state)) continue;
      if (query.contactId && record.recipient.contactId !== query.contactId) continue;
      if (query.topic && record.topic !== query.topic) continue;
      if (query.customerId && record.customerId !== query.customerId && record.recipient.customerId !== query.customerId) continue;
      if (q && !`${record.summary} ${record.recipient.target} ${record.eventType ?? ''}`.toLowerCase().includes(q)) continue;
      items.push(publicMessage(record));
    }
    items.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
    const start = (query.page - 1) * query.pageSize;
    return {
      items: items.slice(start, start + query.pageSize),
      total: items.length,
      page: query.page,
      pageSize: query.pageSize,
      counts: Object.fromEntries(OUTBOX_STATES.map((s) => [s, this.counts.get(s) ?? 0])) as Record<OutboxState, number>,
      spooled: this.spool.messages,
      destinations: [...this.ctx.store.all(outboxDestinations)]
        .filter((d) => !query.contactId || d.recipient.contactId === query.contactId)
        .filter((d) => !query.customerId || d.recipient.customerId === query.customerId)
        .sort((a, b) => b.lastAt.localeCompare(a.lastAt) || a.id.localeCompare(b.id)),
    };
  }

  /** Messages that are finished (delivered, dead, or held for want of SMTP). */
  get finished(): number {
    return (this.counts.get('delivered') ?? 0) + (this.counts.get('dead') ?? 0) + (this.counts.get('undeliverable-no-smtp') ?? 0);
  }

  countIn(state: OutboxState): number {
    return this.counts.get(state) ?? 0;
  }

  /** A dead (or waiting) message goes out again now, with a fresh set of attempts. */
  async retry(id: string, check: (record: OutboxRecord) => void): Promise<OutboxRecord> {
    const now = this.ctx.clock.now().toISOString();
    const record = this.get(id);
    if (!record) throw notFound('Outbox message', id);
    if (record.state !== 'dead' && record.state !== 'failed-retrying') {
      throw localizedError('conflict', { key: 'api.notify.notRetriable', params: { state: record.state } });
    }
    if (!record.payload) throw localizedError('conflict', { key: 'api.notify.noPayload' });
    check(record);
    return this.ctx.store.write((tx) => {
      const current = tx.get(outboxMessages, id)!;
      const next: OutboxRecord = { ...current, state: 'pending', attempts: 0, nextAttemptAt: now, updatedAt: now };
      tx.put(outboxMessages, next);
      return next;
    });
  }
}

export function publicMessage(record: OutboxRecord): OutboxMessage {
  const { payload: _payload, ...message } = record;
  return message;
}
