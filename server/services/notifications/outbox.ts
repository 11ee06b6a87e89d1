import { createHash } from 'node:crypto';
import type { z } from 'zod';
import {
  OUTBOX_STATES,
  OutboxMessage,
  OutboxPayload,
  type Language,
  type OutboxMessageDetail,
  type OutboxPage,
  type OutboxState,
  type OutboxTopic,
  type Recipient,
} from '../../../shared/schemas/notifications.js';
import type { HubContext } from '../../context.js';
import { notFound, localizedError } from '../../http/errors.js';
import { defineCollection } from '../../store/collection.js';
import type { WriteBatch } from '../../store/store.js';
import { destinationKey, noteUndelivered, outboxDestinations } from './destination-states.js';
import type { Rendered } from './render.js';

/** A message as stored: what the API shows plus what is sent (dropped once delivered). */
export const OutboxRecord = OutboxMessage.extend({ payload: OutboxPayload.nullable() });
export type OutboxRecord = z.infer<typeof OutboxRecord>;

/**
 * The durable outbox: every message waiting to go out, persisted with the rest of the data.
 * Finished messages stay listed for a while (delivered a few days, dead ones minutes, and never
 * more than a bound in all), then move to an append-only history file, so the store stays the
 * same size however long the hub runs. Mail for a contact while no SMTP server is configured is
 * held once per contact; the rest of it goes straight to the history and is counted in the
 * contact's one destination state (destination-states.ts).
 */
export const outboxMessages = defineCollection('outbox', OutboxRecord);

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

  constructor(private readonly ctx: HubContext) {
    ctx.store.onChange(outboxMessages, (before, after) => {
      if (before) this.counts.set(before.state, (this.counts.get(before.state) ?? 1) - 1);
      if (after) this.counts.set(after.state, (this.counts.get(after.state) ?? 0) + 1);
      const record = (after ?? before)!;
      const key = destinationKey(record.recipient);
      if (after?.state === 'undeliverable-no-smtp') this.held.set(key, after.id);
      else if (this.held.get(key) === record.id) this.held.delete(key);
    });
  }

  /**
   * Adds the drafts not already in the outbox, in one durable write; returns the ones added.
   * Mail that cannot go out (no SMTP) is held once per contact; the others go to the history.
   */
  async enqueue(drafts: readonly MessageDraft[], alsoInWrite?: (tx: WriteBatch) => void): Promise<OutboxRecord[]> {
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
    return this.ctx.store.write((tx) => {
      const added: OutboxRecord[] = [];
      for (const draft of drafts) {
        const id = messageId(draft.dedupeKey);
        if (!diverted.has(id) && tx.get(outboxMessages, id)) continue;
        if (draft.state === 'undeliverable-no-smtp') {
          noteUndelivered(tx, draft.recipient, { state: 'undeliverable-no-smtp', reason: 'no SMTP server is configured', at: now, summary: draft.rendered.summary });
          if (diverted.has(id)) continue;
        }
        const record = this.record(draft, now);
        tx.put(outboxMessages, record);
        added.push(record);
      }
      alsoInWrite?.(tx);
      return added;
    });
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
