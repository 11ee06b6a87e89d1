import { z } from 'zod';
import type { Language } from '../../../shared/i18n/index.js';
import type { NotificationView } from '../../../shared/schemas/cards.js';
import type { OutboxTopic, Recipient, Topic } from '../../../shared/schemas/notifications.js';
import { defineCollection } from '../../store/collection.js';
import type { WriteBatch } from '../../store/store.js';
import type { DeliveryChannel, MailTransport } from './delivery.js';
import type { Outbox } from './outbox.js';
import type { OutboxRecord } from './outbox-record.js';
import type { NotificationSettings } from './settings.js';

/**
 * The small interfaces between the parts of notifications. The service (service.ts) turns events
 * into outbox messages; the dispatcher job (jobs/outbox-dispatcher.ts) owns the delivery loop;
 * the digest job (jobs/digest.ts) adds the daily summaries. The jobs depend on these interfaces,
 * which the service implements, never on the service or on each other.
 */

/** Where event processing got to (so a restart picks up events that were logged but not yet turned into messages). */
const NotificationState = z.object({
  id: z.string(),
  eventId: z.number().int().optional(),
  at: z.string().optional(),
  /** The last local day a digest was made for. */
  lastDate: z.string().optional(),
});
export const notificationState = defineCollection('notificationState', NotificationState);

/** Where the messages of one enqueue come from. */
export interface EnqueueMeta {
  eventId: number | null;
  eventType: string | null;
  customerId?: string | undefined;
}

/** A message to enqueue for one recipient: who, in which language, and what it says. */
export interface Addressed {
  dedupeKey: string;
  topic: OutboxTopic;
  recipient: Recipient;
  language: Language;
  /** Email topics the contact receives (for the mail footer). */
  topics: readonly Topic[];
  view: NotificationView;
}

/** The configured mail transport, or null when no SMTP server is set. */
export interface MailSetup {
  transport: MailTransport;
  from: string;
  describe: string;
}

/** What the dispatcher needs to deliver the outbox: where each message goes and how. */
export interface OutboxSource {
  readonly settings: Pick<NotificationSettings, 'resolve' | 'customerAllowed' | 'setBroken'>;
  readonly channels: ReadonlyMap<string, DeliveryChannel>;
  readonly mail: MailSetup | null;
  /** How many finished messages the store holds (housekeeping moves them out past a bound); spooled messages come back through `refill`. */
  readonly outbox: Pick<Outbox, 'finished' | 'refill' | 'spool'>;
  /** Resolves once every event seen so far has been turned into messages. */
  flush(): Promise<void>;
  /** Calls `wake` whenever messages are added (or a dead one is retried); returns the unsubscribe. */
  onEnqueued(wake: () => void): () => void;
}

/** What the digest job needs: who prefers the summary, the channels, and a way to add messages. */
export interface DigestSource {
  readonly settings: Pick<NotificationSettings, 'partner' | 'digestRecipients'>;
  readonly channels: ReadonlyMap<string, DeliveryChannel>;
  /** Renders and persists messages (one write, with whatever else must commit with them). */
  enqueue(addressed: readonly Addressed[], meta: EnqueueMeta, alsoInWrite?: (tx: WriteBatch) => void): Promise<OutboxRecord[]>;
}
