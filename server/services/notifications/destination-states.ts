import { OutboxDestinationState, type Recipient } from '../../../shared/schemas/notifications.js';
import { defineCollection } from '../../store/collection.js';
import type { WriteBatch } from '../../store/store.js';

/**
 * One record per destination that is not working: mail while no SMTP server is configured, a
 * contact whose messages die. It counts the messages that did not go out (they are in the
 * append-only history), so the store holds one state per destination however long it fails,
 * never a copy of each message. A delivery to the destination clears it.
 */
export const outboxDestinations = defineCollection('outbox-destinations', OutboxDestinationState);

/** The destination a message waits in line for: one contact (of the partner or a customer) or one channel subscriber. */
export function destinationKey(r: Recipient): string {
  return `${r.scope}|${r.channel ?? ''}|${r.customerId ?? ''}|${r.contactId}`;
}

/** Counts `count` more messages of a destination that did not go out. */
export function noteUndelivered(tx: WriteBatch, recipient: Recipient, what: { state: OutboxDestinationState['state']; reason: string; at: string; summary: string; count?: number }): void {
  const id = destinationKey(recipient);
  const current = tx.get(outboxDestinations, id);
  const count = what.count ?? 1;
  tx.put(
    outboxDestinations,
    current && current.state === what.state
      ? { ...current, reason: what.reason, lastAt: what.at, messages: current.messages + count, lastSummary: what.summary }
      : { id, recipient, state: what.state, reason: what.reason, since: what.at, lastAt: what.at, messages: count, lastSummary: what.summary },
  );
}
