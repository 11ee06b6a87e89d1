import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { Language } from '../../../shared/i18n/index.js';
import type { NotificationView } from '../../../shared/schemas/cards.js';
import type { DomainEvent } from '../../../shared/schemas/events.js';
import { DEFAULT_MONITORING_SETTINGS, type MonitoringSettings } from '../../../shared/schemas/monitoring.js';
import type { TestSendResult, Topic } from '../../../shared/schemas/notifications.js';
import { requirePermission, type Principal } from '../../auth/principal.js';
import type { HubContext } from '../../context.js';
import { localizedError } from '../../http/errors.js';
import { collectionNamed } from '../../store/collection.js';
import type { WriteBatch } from '../../store/store.js';
import { recordChange } from '../changes.js';
import { customers } from '../customer-collection.js';
import { postWebhook, sendMail, type DeliveryChannel, type MailTransport, type SendResult } from './delivery.js';
import { notificationState, type Addressed, type DigestSource, type EnqueueMeta, type MailSetup, type OutboxSource } from './interfaces.js';
import type { NotificationOptions } from './options.js';
import { Outbox, publicMessage, type MessageDraft } from './outbox.js';
import type { OutboxRecord } from './outbox-record.js';
import { renderChannel, renderEmail, renderTeams, type RenderContext, type Rendered } from './render.js';
import { isRoutedType, routeEvent, type RouteLookup } from './routing.js';
import { INVITATION_EVENT_TYPES, invitationDrafts } from './invitations.js';
import { NotificationSettings, type ResolvedContact } from './settings.js';

const CURSOR_PERSIST_EVERY = 200;
/** Events turned into messages together, in one store write (bounds the size of that write). */
const EVENTS_PER_WRITE = 200;

/** What a card needs of a policy (read from the backup area's collection, if it is there). */
const PolicyFacts = z.object({ name: z.string(), failingSince: z.string().nullable(), lastSuccessAt: z.string().nullable() });

/**
 * Notifications: settings, the outbox and the turning of domain events into messages. Every
 * event matching a contact's topic becomes one persisted message per destination (deduped by
 * event and destination, also across restarts); the dispatcher job delivers them. The jobs see
 * it only through OutboxSource and DigestSource (interfaces.ts).
 */
export class NotificationService implements OutboxSource, DigestSource {
  readonly settings: NotificationSettings;
  readonly outbox: Outbox;
  readonly channels = new Map<string, DeliveryChannel>();
  readonly mail: MailSetup | null;
  private queue: Promise<void> = Promise.resolve();
  /** Events received and not yet taken up by the queue. */
  private backlog: DomainEvent[] = [];
  private unsubscribe: (() => void) | null = null;
  private cursor = { eventId: 0, at: '' };
  private persistedEventId = 0;
  private readonly wakers = new Set<() => void>();
  /** A customer's licensed limit before its latest change, caught as the change is written (events carry only the new one). */
  private readonly licenseHistory = new Map<string, { previous: number; current: number }[]>();

  constructor(
    private readonly ctx: HubContext,
    readonly options: NotificationOptions,
  ) {
    this.settings = new NotificationSettings(ctx, options.webhook);
    this.outbox = new Outbox(ctx, { window: options.outbox.window, total: options.outbox.maxWaiting });
    ctx.store.onChange(customers, (before, after) => {
      if (!before || !after || (before.licenseLimit ?? 0) === (after.licenseLimit ?? 0)) return;
      const changes = this.licenseHistory.get(after.id) ?? [];
      changes.push({ previous: before.licenseLimit ?? 0, current: after.licenseLimit ?? 0 });
      this.licenseHistory.set(after.id, changes.slice(-20));
    });
    const injected = ctx.services.mailTransport;
    if (injected) this.mail = { transport: injected, from: options.smtp?.from ?? 'SP Hub <no-reply@sp-hub.invalid>', describe: 'injected transport' };
    else if (options.smtp)
      this.mail = { transport: nodemailer.createTransport(options.smtp.transport as string) as unknown as MailTransport, from: options.smtp.from, describe: options.smtp.describe };
    else this.mail = null;
  }

  /**
   * Picks up where the last run stopped: events logged after the saved cursor (a crash between
   * an event and its messages) are processed again; dedupe keys make that safe. Then listens.
   */
  async start(): Promise<void> {
    const saved = this.ctx.store.get(notificationState, 'cursor');
    let backlog: DomainEvent[] = [];
    if (!saved || saved.eventId === undefined) {
      this.cursor = { eventId: this.ctx.events.lastId, at: this.ctx.clock.now().toISOString() };
      await this.persistCursor();
    } else {
      this.cursor = { eventId: saved.eventId, at: saved.at ?? '' };
      this.persistedEventId = saved.eventId;
      // Event ids restart after a long stop (the bus keeps two days); then the time decides.
      backlog = this.ctx.events.lastId >= saved.eventId ? await this.ctx.events.since(saved.eventId) : (await this.ctx.events.since(0)).filter((e) => e.at > (saved.at ?? ''));
    }
    for (const event of backlog) this.enqueueEvent(event);
    this.unsubscribe = this.ctx.events.subscribe((event) => this.enqueueEvent(event));
    await this.flush();
  }

  /** Resolves once every event seen so far has been turned into messages. */
  flush(): Promise<void> {
    return this.queue;
  }

  /** Lets the bot (or another area) deliver topic cards to its own subscribers through the outbox. */
  registerChannel(name: string, channel: DeliveryChannel): void {
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(name)) throw new Error(`A channel name is lower-case letters, digits and dashes: ${name}`);
    this.channels.set(name, channel);
  }

  /** The dispatcher asks to be woken when messages are added. */
  onEnqueued(wake: () => void): () => void {
    this.wakers.add(wake);
    return () => this.wakers.delete(wake);
  }

  /** Stops listening (events after this are picked up from the log at the next start) and saves where it got to. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.flush();
    if (this.cursor.eventId !== this.persistedEventId) await this.persistCursor().catch(() => undefined);
    this.mail?.transport.close?.();
  }

  // ---- events to messages ----

  /**
   * Events are handled in order. Those that arrive while earlier ones are being handled wait in
   * the backlog and are then handled together: their messages and the cursor go into one write.
   */
  private enqueueEvent(event: DomainEvent): void {
    this.backlog.push(event);
    if (this.backlog.length > 1) return; // the queue already holds a turn that takes this one too
    this.queue = this.queue.then(() => this.handleBacklog()).catch((error) => console.error('notifications: events could not be processed:', error));
  }

  private async handleBacklog(): Promise<void> {
    while (this.backlog.length > 0) {
      const events = this.backlog.splice(0, EVENTS_PER_WRITE);
      // A failed write leaves the store refusing writes, so the saved cursor stays before these events and the next start replays them.
      await this.handleEvents(events).catch((error) => console.error(`notifications: events ${events[0]!.id} to ${events.at(-1)!.id} could not be processed:`, error));
    }
  }

  private async handleEvents(events: readonly DomainEvent[]): Promise<void> {
    const batches: { addressed: Addressed[]; meta: EnqueueMeta }[] = [];
    const invitations: MessageDraft[] = [];
    for (const event of events) {
      try {
        if (INVITATION_EVENT_TYPES.has(event.type)) invitations.push(...this.invitationDrafts(event));
        const routed = isRoutedType(event.type) ? routeEvent(event, this.lookup()) : null;
        const key = `evt:${event.id}@${event.at}`;
        const addressed = routed ? await this.addressees(routed.topic, event.customerId, key, routed.view) : [];
        if (addressed.length) batches.push({ addressed, meta: { eventId: event.id, eventType: event.type, customerId: event.customerId } });
      } catch (error) {
        console.error(`notifications: event ${event.id} (${event.type}) could not be processed:`, error);
      }
      this.cursor = { eventId: Math.max(this.cursor.eventId, event.id), at: event.at > this.cursor.at ? event.at : this.cursor.at };
    }
    if (batches.length === 0 && invitations.length === 0) {
      // Nobody to tell: the cursor is saved now and then (a replay of these events finds nobody either).
      if (this.cursor.eventId - this.persistedEventId >= CURSOR_PERSIST_EVERY) await this.persistCursor();
      return;
    }
    await this.enqueueAll(batches, (tx) => this.putCursor(tx), invitations);
  }

  /** Invitation and welcome mails to the customer's people, in the customer's notification language. */
  private invitationDrafts(event: DomainEvent): MessageDraft[] {
    return invitationDrafts(event, { language: (id) => this.settings.customer(id).language, portalUrl: this.ctx.config.portalUrl, smtp: this.mail !== null });
  }

  /** Every destination that gets `topic` now for this view: partner and customer contacts, channel subscribers. */
  async addressees(topic: Topic, customerId: string | undefined, key: string, view: NotificationView): Promise<Addressed[]> {
    const out: Addressed[] = [];
    const seen = new Set<string>();
    for (const r of this.settings.immediateRecipients(topic, customerId)) {
      if (seen.has(r.destination)) continue;
      seen.add(r.destination);
      out.push({ dedupeKey: `${key}|${r.destination}`, topic, recipient: r.recipient, language: r.language, topics: r.contact.topics, view });
    }
    if (topic === 'serviceStatus') {
      // "Subscribe to updates": addresses on the status page's list get the status card by email.
      for (const s of this.ctx.services.status?.subscribers() ?? []) {
        const destination = `status-subscriber:${s.email}`;
        if (seen.has(destination)) continue;
        seen.add(destination);
        out.push({ dedupeKey: `${key}|${destination}`, topic, recipient: { scope: 'subscriber', contactId: s.id, type: 'email', target: s.email }, language: s.language, topics: [topic], view });
      }
    }
    for (const [name, channel] of this.channels) {
      let subscribers: Awaited<ReturnType<DeliveryChannel['subscribers']>> = [];
      try {
        subscribers = await channel.subscribers(topic, customerId ? { customerId } : {});
      } catch (error) {
        console.error(`notifications: channel ${name} could not list its subscribers:`, error);
      }
      for (const s of subscribers) {
        const destination = `channel:${name}:${s.id}`;
        if (seen.has(destination)) continue;
        seen.add(destination);
        out.push({
          dedupeKey: `${key}|${destination}`,
          topic,
          recipient: { scope: 'channel', channel: name, contactId: s.id, type: 'channel', target: s.label, ...(customerId && { customerId }) },
          language: s.language,
          topics: [topic],
          view,
        });
      }
    }
    return out;
  }

  /** Renders and persists messages (one write, with whatever else must commit with them). */
  enqueue(addressed: readonly Addressed[], meta: EnqueueMeta, alsoInWrite?: (tx: WriteBatch) => void): Promise<OutboxRecord[]> {
    return this.enqueueAll([{ addressed, meta }], alsoInWrite);
  }

  /** The messages of several events in one write. */
  private async enqueueAll(
    batches: readonly { addressed: readonly Addressed[]; meta: EnqueueMeta }[],
    alsoInWrite?: (tx: WriteBatch) => void,
    ready: readonly MessageDraft[] = [],
  ): Promise<OutboxRecord[]> {
    const cache = new Map<NotificationView, Map<string, Rendered>>();
    const drafts: MessageDraft[] = batches.flatMap(({ addressed, meta }) =>
      addressed.map((a): MessageDraft => {
        const rendered = this.render(a, cache);
        return {
          dedupeKey: a.dedupeKey,
          topic: a.topic,
          eventId: meta.eventId,
          eventType: meta.eventType,
          customerId: meta.customerId ?? a.recipient.customerId,
          recipient: a.recipient,
          language: a.language,
          rendered,
          state: a.recipient.type === 'email' && !this.mail ? 'undeliverable-no-smtp' : 'pending',
        };
      }),
    );
    drafts.push(...ready);
    if (drafts.length === 0 && !alsoInWrite) return [];
    const added = await this.outbox.enqueue(drafts, alsoInWrite);
    if (added.some((m) => m.state === 'pending')) for (const wake of this.wakers) wake();
    return added;
  }

  /** Teams and channel cards are the same for every recipient of one view in one language: rendered once. */
  private render(a: Addressed, cache: Map<NotificationView, Map<string, Rendered>>): Rendered {
    const rc = this.renderContext(a.language);
    if (a.recipient.type === 'email') return renderEmail(a.view, rc, a.topics); // the footer names the contact's topics
    let byKind = cache.get(a.view);
    if (!byKind) cache.set(a.view, (byKind = new Map()));
    const key = `${a.recipient.type}:${a.language}`;
    let rendered = byKind.get(key);
    if (!rendered) {
      rendered = a.recipient.type === 'teams' ? renderTeams(a.view, rc) : renderChannel(a.view, rc);
      byKind.set(key, rendered);
    }
    return rendered;
  }

  renderContext(language: Language): RenderContext {
    return { language, timeZone: this.settings.partner().digest.timeZone, links: this.links() };
  }

  links(): { portal?: string; hub?: string } {
    const { portalUrl, publicUrl } = this.ctx.config;
    return { ...(portalUrl && { portal: portalUrl }), ...(publicUrl && { hub: publicUrl }) };
  }

  lookup(): RouteLookup {
    const thresholds = this.monitoringThresholds();
    const policies = collectionNamed('policies');
    return {
      customer: (id) => {
        const c = this.ctx.store.get(customers, id);
        return c && { name: c.displayName, licenses: c.licenseLimit ?? 0, backedUpAccounts: c.backedUpAccounts };
      },
      policy: (id) => {
        const parsed = PolicyFacts.safeParse(policies ? this.ctx.store.get(policies, id) : undefined);
        return parsed.success ? parsed.data : undefined;
      },
      previousLicenses: (id, current) => {
        // Changes are taken in order, so two quick edits each find their own previous value.
        const changes = this.licenseHistory.get(id) ?? [];
        const at = changes.findIndex((c) => c.current === current);
        if (at < 0) return undefined;
        const [change] = changes.splice(0, at + 1).slice(-1);
        return change?.previous;
      },
      staleHours: thresholds.staleAfterHours,
      licensePercent: thresholds.licenseThresholdPercent,
    };
  }

  /** The monitoring area's thresholds (its defaults when that area is not part of this hub). */
  monitoringThresholds(): MonitoringSettings {
    const alerts = this.ctx.services.alerts as HubContext['services']['alerts'] | undefined;
    return alerts?.settings() ?? DEFAULT_MONITORING_SETTINGS;
  }

  private putCursor(tx: WriteBatch): void {
    const current = tx.get(notificationState, 'cursor');
    tx.put(notificationState, { ...current, id: 'cursor', eventId: this.cursor.eventId, at: this.cursor.at });
    this.persistedEventId = this.cursor.eventId;
  }

  private async persistCursor(): Promise<void> {
    await this.ctx.store.write((tx) => this.putCursor(tx));
  }

  // ---- test send and retry ----

  /** Sends a test card or mail to one contact now (not through the outbox) and says how it went. */
  async testSend(principal: Principal, input: { contactId: string; language?: Language | undefined }, customerId?: string): Promise<TestSendResult> {
    const target = this.settings.findContact(input.contactId, customerId);
    const { contact } = target;
    const language = input.language ?? target.language;
    const started = Date.now();
    const view: NotificationView = { kind: 'test', sentBy: principal.actor.name, contact: contact.label ?? target.recipient.target };
    let result: TestSendResult;
    if (contact.example) {
      result = { contactId: contact.id, ok: false, outcome: 'example', message: 'This is an example contact: nothing is sent to it. Replace its address with a real one.', durationMs: 0 };
    } else if (contact.type === 'email' && !this.mail) {
      result = {
        contactId: contact.id,
        ok: false,
        outcome: 'no-smtp',
        message: 'No SMTP server is configured (SPHUB_SMTP_URL or SPHUB_SMTP_HOST), so mail cannot be sent. Messages to this contact wait in the outbox.',
        durationMs: 0,
      };
    } else {
      const sent = await this.sendTest(target, view, language);
      const durationMs = Date.now() - started;
      const status = sent.status !== undefined ? { status: sent.status } : {};
      if (sent.outcome === 'delivered') {
        result = {
          contactId: contact.id,
          ok: true,
          outcome: 'delivered',
          ...status,
          message: contact.type === 'email' ? `The mail server accepted the test mail for ${contact.email}.` : `The Teams webhook accepted the test card${sent.status ? ` (${sent.status})` : ''}.`,
          durationMs,
        };
        if (contact.broken) await this.settings.setBroken(target.recipient, null);
      } else if (sent.outcome === 'gone') {
        result = { contactId: contact.id, ok: false, outcome: 'gone', ...status, message: `${capitalize(sent.message)}. The contact is marked broken; fix its URL.`, durationMs };
        await this.settings.setBroken(target.recipient, { reason: sent.message, at: this.ctx.clock.now().toISOString(), ...status });
      } else {
        result = { contactId: contact.id, ok: false, outcome: 'failed', ...status, message: `${capitalize(sent.message)}.`, durationMs };
      }
    }
    await recordChange(this.ctx, principal, {
      action: 'notification-contact.tested',
      target: { type: 'notificationContact', id: contact.id, name: target.recipient.target },
      ...(customerId && { customerId }),
      details: { outcome: result.outcome, ...(result.status !== undefined && { status: result.status }) },
    });
    return result;
  }

  private async sendTest(target: ResolvedContact, view: NotificationView, language: Language): Promise<SendResult> {
    const rc = this.renderContext(language);
    const timeoutMs = this.options.outbox.timeoutMs;
    if (target.contact.type === 'teams') {
      const rendered = renderTeams(view, rc);
      if (rendered.payload.type !== 'teams') throw new Error('unexpected payload');
      return postWebhook(target.contact.webhookUrl, rendered.payload.body, { timeoutMs, messageId: `test_${Date.now().toString(36)}`, now: () => this.ctx.clock.now() });
    }
    const rendered = renderEmail(view, rc, target.contact.topics);
    if (rendered.payload.type !== 'email') throw new Error('unexpected payload');
    return sendMail(this.mail!.transport, {
      from: this.mail!.from,
      to: target.contact.email,
      subject: rendered.payload.subject,
      text: rendered.payload.text,
      html: rendered.payload.html,
      messageId: `test_${Date.now().toString(36)}`,
    });
  }

  /** A dead message goes out again, unless what made it dead still holds. */
  async retry(principal: Principal, id: string) {
    const record = await this.outbox.retry(id, (message) => {
      if (message.recipient.scope === 'customer') requirePermission(principal, 'customerManagement', { key: 'api.forbidden.why.retryCustomer' });
      if (message.recipient.scope === 'channel') {
        if (!this.channels.has(message.recipient.channel ?? '')) throw localizedError('conflict', { key: 'api.notify.noChannel', params: { channel: message.recipient.channel ?? '' } });
        return;
      }
      const resolved = this.settings.resolve(message.recipient);
      if (!resolved) throw localizedError('conflict', { key: 'api.notify.contactRemoved' });
      if (resolved.contact.broken) throw localizedError('conflict', { key: 'api.notify.contactBroken', params: { reason: resolved.contact.broken.reason } });
      if (!resolved.contact.enabled) throw localizedError('conflict', { key: 'api.notify.contactDisabled' });
      if (resolved.contact.type === 'email' && !this.mail) throw localizedError('conflict', { key: 'api.notify.noSmtp' });
    });
    await recordChange(this.ctx, principal, {
      action: 'outbox.retried',
      target: { type: 'outboxMessage', id, name: record.summary },
      ...(record.customerId && { customerId: record.customerId }),
      details: { recipient: record.recipient.target, topic: record.topic },
    });
    for (const wake of this.wakers) wake();
    return publicMessage(record);
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

declare module '../../context.js' {
  interface HubServices {
    notifications: NotificationService;
    /** A mail transport to use instead of the SMTP settings (tests, or another transport). */
    mailTransport?: MailTransport;
  }
}
