import type { z } from 'zod';
import { OutboxMessage, OutboxPayload } from '../../../shared/schemas/notifications.js';
import { defineCollection } from '../../store/collection.js';

/** A message as stored: what the API shows plus what is sent (dropped once delivered). */
export const OutboxRecord = OutboxMessage.extend({ payload: OutboxPayload.nullable() });
export type OutboxRecord = z.infer<typeof OutboxRecord>;

/**
 * The durable outbox: the messages waiting to go out (at most a window per lane, the rest wait in
 * the spool, spool.ts) and those finished lately, persisted with the rest of the data. Finished
 * messages stay listed for a while (delivered a few days, dead ones minutes, and never more than
 * a bound in all), then move to an append-only history file, so the store stays the same size
 * however long the hub runs. Mail for a contact while no SMTP server is configured is held once
 * per contact; the rest of it goes straight to the history and is counted in the contact's one
 * destination state (destination-states.ts).
 */
export const outboxMessages = defineCollection('outbox', OutboxRecord);
