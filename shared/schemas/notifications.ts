import { z } from 'zod';
import { LANGUAGES } from '../i18n/index.js';
import { Email, Id, IsoDateTime, listOf, OptionalText, Page, PageQuery } from './common.js';

// ---- topics, languages, delivery ----

/** What a contact can subscribe to: the portal's topics plus the hub's own monitoring topics. */
export const TOPICS = ['backupComplete', 'backupFailed', 'restoreActivity', 'licenseChange', 'staleProtection', 'licenseThreshold', 'usageReportDue', 'serviceStatus', 'connectionFailing'] as const;
export const Topic = z.enum(TOPICS);
export type Topic = z.infer<typeof Topic>;

export const Language = z.enum(LANGUAGES);
export type Language = z.infer<typeof Language>;

/** One message per event, or one summary a day. */
export const Delivery = z.enum(['immediate', 'digest']);
export type Delivery = z.infer<typeof Delivery>;

const TopicList = z
  .array(Topic)
  .max(TOPICS.length * 2)
  .transform((topics) => [...new Set(topics)]);

// ---- contacts ----

/** Set by the dispatcher when a Teams channel answers 404/410 (gone); sending to it stops. */
export const ContactBroken = z.object({
  reason: z.string(),
  at: IsoDateTime,
  status: z.number().int().optional(),
});
export type ContactBroken = z.infer<typeof ContactBroken>;

const contactFields = {
  id: Id,
  label: z.string().optional(),
  topics: z.array(Topic),
  delivery: Delivery,
  enabled: z.boolean(),
  broken: ContactBroken.nullable(),
  /** Demo data: shown in settings, never sent to. */
  example: z.boolean().optional(),
};

export const EmailContact = z.object({ type: z.literal('email'), email: z.string(), ...contactFields });
export const TeamsContact = z.object({ type: z.literal('teams'), webhookUrl: z.string(), ...contactFields });
export const NotificationContact = z.discriminatedUnion('type', [EmailContact, TeamsContact]);
export type NotificationContact = z.infer<typeof NotificationContact>;
export type EmailContact = z.infer<typeof EmailContact>;
export type TeamsContact = z.infer<typeof TeamsContact>;

/**
 * A webhook URL's syntax; whether its host is allowed depends on the hub's configuration
 * (production, allowed hosts) and is checked by the server.
 */
export const WebhookUrl = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .refine((value) => URL.canParse(value), 'must be an absolute URL');

const contactInputFields = {
  /** Keeps a contact's identity (and broken mark) across edits; new contacts get one. */
  id: Id.optional(),
  label: OptionalText(100),
  topics: TopicList,
  delivery: Delivery.default('immediate'),
  enabled: z.boolean().default(true),
};

export const ContactInput = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('email'), email: Email, ...contactInputFields }),
  z.strictObject({ type: z.literal('teams'), webhookUrl: WebhookUrl, ...contactInputFields }),
]);
export type ContactInput = z.input<typeof ContactInput>;
export type ContactInputParsed = z.output<typeof ContactInput>;

export const MAX_CONTACTS = 50;
const ContactList = z.array(ContactInput).max(MAX_CONTACTS);

// ---- digest ----

export const DIGEST_SECTIONS = ['failed', 'warning', 'stale', 'license', 'invites', 'reportDue', 'activity'] as const;
export const DigestSection = z.enum(DIGEST_SECTIONS);
export type DigestSection = z.infer<typeof DigestSection>;

const TimeZone = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Berlin or UTC');

export const DigestSettings = z.object({
  /** Local hour (0-23) in `timeZone` at which the daily summary goes out. */
  hour: z.number().int().min(0).max(23),
  timeZone: z.string(),
  sections: z.array(DigestSection),
  /** Invitations count as pending in the summary once older than this. */
  invitePendingDays: z.number().int().min(1).max(90),
});
export type DigestSettings = z.infer<typeof DigestSettings>;

export const DigestSettingsInput = z.strictObject({
  hour: z.number().int().min(0).max(23),
  timeZone: TimeZone.default('UTC'),
  sections: z
    .array(DigestSection)
    .max(DIGEST_SECTIONS.length * 2)
    .transform((s) => [...new Set(s)])
    .default([...DIGEST_SECTIONS]),
  invitePendingDays: z.number().int().min(1).max(90).default(7),
});

// ---- partner settings ----

/** What a customer created from now on starts with, until its own settings are saved. */
export const CustomerDefaults = z.object({
  allowSystemNotifications: z.boolean(),
  language: Language,
  topics: z.array(Topic),
  /** Add the customer's contact email as a notification contact with `topics`. */
  notifyPrimaryContact: z.boolean(),
});
export type CustomerDefaults = z.infer<typeof CustomerDefaults>;
export const CustomerDefaultsInput = z.strictObject({
  allowSystemNotifications: z.boolean(),
  language: Language,
  topics: TopicList,
  notifyPrimaryContact: z.boolean().default(false),
});

export const PartnerNotificationSettings = z.object({
  language: Language,
  contacts: z.array(NotificationContact),
  /** Customers may receive notifications (and edit their own contacts). */
  allowCustomerNotifications: z.boolean(),
  customerDefaults: CustomerDefaults,
  digest: DigestSettings,
  updatedAt: IsoDateTime.nullable(),
  /** Read-only: how the hub delivers, from its configuration. */
  delivery: z.object({
    smtpConfigured: z.boolean(),
    mailFrom: z.string().nullable(),
    allowedWebhookHosts: z.array(z.string()),
    loopbackWebhooksAllowed: z.boolean(),
    channels: z.array(z.string()),
  }),
});
export type PartnerNotificationSettings = z.infer<typeof PartnerNotificationSettings>;

/** PUT replaces the contacts; `customerDefaults` and `digest` keep their values when left out. */
export const PartnerNotificationSettingsInput = z.strictObject({
  language: Language,
  contacts: ContactList,
  allowCustomerNotifications: z.boolean(),
  customerDefaults: CustomerDefaultsInput.optional(),
  digest: DigestSettingsInput.optional(),
});
export type PartnerNotificationSettingsInput = z.input<typeof PartnerNotificationSettingsInput>;

// ---- per-customer settings ----

export const CustomerNotificationSettings = z.object({
  customerId: Id,
  allowSystemNotifications: z.boolean(),
  language: Language,
  contacts: z.array(NotificationContact),
  /** True while the customer follows the partner's defaults (nothing saved for it yet). */
  inherited: z.boolean(),
  /** Whether anything is sent to this customer's contacts now (partner and customer both allow it). */
  effective: z.boolean(),
  updatedAt: IsoDateTime.nullable(),
});
export type CustomerNotificationSettings = z.infer<typeof CustomerNotificationSettings>;

export const CustomerNotificationSettingsInput = z.strictObject({
  allowSystemNotifications: z.boolean(),
  language: Language,
  contacts: ContactList,
});
export type CustomerNotificationSettingsInput = z.input<typeof CustomerNotificationSettingsInput>;

// ---- test send ----

export const TestSendInput = z.strictObject({
  contactId: Id,
  /** Send in this language instead of the contact's. */
  language: Language.optional(),
});
export type TestSendInput = z.input<typeof TestSendInput>;

export const TestSendResult = z.object({
  contactId: Id,
  ok: z.boolean(),
  outcome: z.enum(['delivered', 'failed', 'gone', 'no-smtp', 'example']),
  status: z.number().int().optional(),
  message: z.string(),
  durationMs: z.number().int(),
});
export type TestSendResult = z.infer<typeof TestSendResult>;

// ---- outbox ----

export const OUTBOX_STATES = ['pending', 'sending', 'delivered', 'failed-retrying', 'dead', 'undeliverable-no-smtp'] as const;
export const OutboxState = z.enum(OUTBOX_STATES);
export type OutboxState = z.infer<typeof OutboxState>;

/** Message topics: the contact topics, plus the daily digest and test sends, and customers' invitation and welcome mails. */
export const OutboxTopic = z.enum([...TOPICS, 'digest', 'invitation']);
export type OutboxTopic = z.infer<typeof OutboxTopic>;

export const Recipient = z.object({
  /** partner and customer contacts come from settings; channel subscribers from a registered channel (the bot); status subscribers from the status page's "Subscribe to updates". */
  scope: z.enum(['partner', 'customer', 'channel', 'subscriber']),
  contactId: z.string(),
  customerId: Id.optional(),
  channel: z.string().optional(),
  type: z.enum(['email', 'teams', 'channel']),
  /** The email address, the webhook's host (the full URL is a secret), or the channel subscriber's label. */
  target: z.string(),
});
export type Recipient = z.infer<typeof Recipient>;

export const DeliveryError = z.object({
  at: IsoDateTime,
  status: z.number().int().optional(),
  message: z.string(),
});
export type DeliveryError = z.infer<typeof DeliveryError>;

export const OutboxMessage = z.object({
  id: Id,
  /** `<event>:<recipient>`: one event never yields two messages to one recipient. */
  dedupeKey: z.string(),
  topic: OutboxTopic,
  eventId: z.number().int().nullable(),
  eventType: z.string().nullable(),
  customerId: Id.optional(),
  recipient: Recipient,
  language: Language,
  /** One line saying what the message is about (the card title or mail subject). */
  summary: z.string(),
  state: OutboxState,
  attempts: z.number().int().min(0),
  nextAttemptAt: IsoDateTime.nullable(),
  lastAttemptAt: IsoDateTime.nullable(),
  lastError: DeliveryError.nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  deliveredAt: IsoDateTime.nullable(),
  /** Size of the rendered payload in bytes (Teams allows 28 KB). */
  bytes: z.number().int().min(0),
});
export type OutboxMessage = z.infer<typeof OutboxMessage>;

/** What is sent: the Teams webhook body, the bot's card, or the mail parts. Dropped once delivered. */
export const OutboxPayload = z.discriminatedUnion('type', [
  z.object({ type: z.literal('teams'), body: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('channel'), card: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('email'), subject: z.string(), text: z.string(), html: z.string() }),
]);
export type OutboxPayload = z.infer<typeof OutboxPayload>;

export const OutboxMessageDetail = OutboxMessage.extend({ payload: OutboxPayload.nullable() });
export type OutboxMessageDetail = z.infer<typeof OutboxMessageDetail>;

export const OutboxQuery = PageQuery.extend({
  state: listOf(OutboxState).optional(),
  contactId: z.string().max(128).optional(),
  topic: OutboxTopic.optional(),
  customerId: Id.optional(),
});
export type OutboxQuery = z.input<typeof OutboxQuery>;

/**
 * A destination that is not working (mail without an SMTP server, messages that died): one state
 * per destination, counting its messages, instead of a stored copy of each.
 */
export const OutboxDestinationState = z.object({
  /** The destination: scope, channel, customer and contact. */
  id: z.string(),
  recipient: Recipient,
  state: z.enum(['undeliverable-no-smtp', 'failing']),
  reason: z.string(),
  since: IsoDateTime,
  lastAt: IsoDateTime,
  /** Messages for this destination that did not go out and were moved to the history. */
  messages: z.number().int().min(0),
  lastSummary: z.string(),
});
export type OutboxDestinationState = z.infer<typeof OutboxDestinationState>;

export const OutboxPage = Page(OutboxMessage).extend({
  /** Messages per state over the whole outbox (not only this page). */
  counts: z.record(OutboxState, z.number().int()),
  /** Messages waiting in the spool on disk, behind the ones listed: their lane's window in the store was full when they were made. */
  spooled: z.number().int().min(0),
  /** Destinations that are not working, with how many of their messages went to the history. */
  destinations: z.array(OutboxDestinationState),
});
export type OutboxPage = z.infer<typeof OutboxPage>;
