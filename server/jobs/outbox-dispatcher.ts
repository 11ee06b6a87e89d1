import { seededRandom } from '../../shared/domain/random.js';
import type { DeliveryError } from '../../shared/schemas/notifications.js';
import type { Job } from '../area.js';
import type { HubContext } from '../context.js';
import { postWebhook, sendMail, type SendResult } from '../services/notifications/delivery.js';
import type { OutboxOptions } from '../services/notifications/options.js';
import { destinationKey, noteUndelivered, outboxDestinations } from '../services/notifications/destination-states.js';
import { DueQueue } from '../services/notifications/due-queue.js';
import { historyFile, publicMessage } from '../services/notifications/outbox.js';
import { outboxMessages, type OutboxRecord } from '../services/notifications/outbox-record.js';
import { RateLimiter } from '../services/notifications/rate-limit.js';
import { outboxSpools } from '../services/notifications/spool.js';
import { retryDelay } from '../services/notifications/retry.js';
import type { OutboxSource } from '../services/notifications/interfaces.js';

const HOUSEKEEPING_EVERY_MS = 60_000;
/** Finished messages moved to the history in one go at most (a backlog takes a few rounds). */
const PRUNE_BATCH = 5000;

/**
 * Delivers the outbox. Each due message (pending, or failed-retrying whose time has come) is
 * marked sending, sent, and marked delivered, failed-retrying (backoff with jitter, or the
 * receiver's Retry-After), or dead (after `maxAttempts`, or when retrying cannot help). At most
 * `concurrency` sends run at once; each destination gets its requests spaced at its pace (about
 * 4 a second for Teams, see RateLimiter), with up to half of `concurrency` of them answering at
 * the same time, so a destination is limited by its pace rather than by the round trip; a
 * 404/410 from a Teams webhook marks the contact broken and stops all sending to it. State lives
 * in the store, so a restart resumes where it stopped. The state changes of sends running side
 * by side are issued without waiting for each other, so the store saves them with one flush.
 *
 * Running, it wakes when messages are added, when a send ends, when a destination's pace allows
 * the next request, and on a polling timer; tests leave it stopped and drive it with `tick()` /
 * `drain()` on a fake clock.
 */
export class OutboxDispatcher implements Job {
  readonly name = 'outbox-dispatcher';
  /** Messages that are pending or failed-retrying, by destination, with when each is due (ms). */
  private readonly due = new DueQueue();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly limiter: RateLimiter;
  private readonly random: () => number;
  private timer: ReturnType<typeof setInterval> | null = null;
  /** A wake-up before the next poll, for a destination whose pace allows its next request sooner. */
  private wake: { at: number; handle: ReturnType<typeof setTimeout> } | null = null;
  private recovering: Promise<void> | null = null;
  private pumping = false;
  private pumpAgain = false;
  private stopping = false;
  /** Attempts started so far, counted to tell which were under way when a destination was found gone. */
  private attemptsStarted = 0;
  /** Per destination found gone, the attempts started by then: their gone answers are not told again. */
  private readonly goneAfter = new Map<string, number>();
  private lastHousekeeping = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ctx: HubContext,
    private readonly service: OutboxSource,
    private readonly options: OutboxOptions,
  ) {
    this.random = seededRandom(options.seed);
    const perDestination = Math.max(1, Math.floor(options.concurrency / 2));
    this.limiter = new RateLimiter(
      (key) => (key.startsWith('webhook:') ? options.webhookPerSecond : key === 'smtp' ? options.smtpPerSecond : options.channelPerSecond),
      () => perDestination,
    );
    ctx.store.onChange(outboxMessages, (before, after) => {
      if (after && (after.state === 'pending' || after.state === 'failed-retrying') && after.nextAttemptAt) this.due.set(after.id, destinationOf(after), Date.parse(after.nextAttemptAt));
      else this.due.delete((after ?? before)!.id);
    });
    service.onEnqueued(() => this.kick());
  }

  async start(): Promise<void> {
    this.stopping = false;
    await this.recover();
    this.timer = setInterval(() => void this.pump(), this.options.pollMs);
    this.timer.unref?.();
    void this.pump();
  }

  /** Stops polling and waits for sends in flight (each is bounded by the request timeout). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.wake) clearTimeout(this.wake.handle);
    this.wake = null;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Starts what is due now, waits for those sends, and tidies up; returns how many were sent. */
  async tick(): Promise<number> {
    await this.service.flush();
    await this.recover();
    await this.refill();
    const { launched } = this.launch();
    await Promise.allSettled(launched);
    await this.housekeeping();
    return launched.length;
  }

  /** Ticks until nothing is due at the current time and nothing is in flight. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const sent = await this.tick();
      total += sent;
      if (sent === 0) {
        if (this.inFlight.size === 0) return total;
        await Promise.allSettled([...this.inFlight.values()]);
      }
    }
  }

  /** When the next message becomes sendable (its retry time, or its destination's pacing), or null. */
  nextWakeAt(): Date | null {
    let next = Number.POSITIVE_INFINITY;
    for (const { id, at } of this.due.heads()) {
      if (this.inFlight.has(id)) continue;
      const record = this.ctx.store.get(outboxMessages, id);
      const readyAt = record ? (this.limiter.readyAt(this.rateKey(record)) ?? 0) : 0;
      next = Math.min(next, Math.max(at, readyAt));
    }
    return Number.isFinite(next) ? new Date(next) : null;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  private kick(): void {
    if (this.timer) void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.stopping) return;
    if (this.pumping) {
      // Woken while busy (a send ended meanwhile): look again right after.
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        await this.recover();
        await this.refill();
        const { wakeAt } = this.launch();
        this.wakeAt(wakeAt);
        // Every minute, and at once when finished messages pile up past the bound.
        if (this.ctx.clock.now().getTime() - this.lastHousekeeping >= HOUSEKEEPING_EVERY_MS || this.service.outbox.finished > this.options.keepFinished) await this.housekeeping();
      } while (this.pumpAgain && !this.stopping);
    } catch (error) {
      console.error('outbox: dispatching failed:', error);
    } finally {
      this.pumping = false;
    }
  }

  /** Spooled messages come back into the store as their lanes' windows empty. */
  private async refill(): Promise<void> {
    if (this.ctx.store.count(outboxSpools) === 0) return;
    try {
      await this.service.outbox.refill();
    } catch (error) {
      console.error('outbox: spooled messages could not be taken back in:', error);
    }
  }

  /** Running: pumps at `at` when that comes before the next poll (a pace of more than 4 a second needs it). */
  private wakeAt(at: number): void {
    if (!this.timer || this.stopping || !Number.isFinite(at)) return;
    const delay = at - this.ctx.clock.now().getTime();
    if (delay >= this.options.pollMs || (this.wake && this.wake.at <= at)) return;
    if (this.wake) clearTimeout(this.wake.handle);
    const handle = setTimeout(
      () => {
        this.wake = null;
        void this.pump();
      },
      Math.max(1, delay),
    );
    handle.unref?.();
    this.wake = { at, handle };
  }

  /**
   * Once per start: a message left `sending` by a stop in the middle of a send is retried (it may
   * have arrived: delivery is at least once across a crash, exactly once otherwise); mail waiting
   * for SMTP goes out if SMTP is configured now, and mail waits if it no longer is.
   */
  private recover(): Promise<void> {
    this.recovering ??= (async () => {
      const now = this.ctx.clock.now().toISOString();
      const smtp = this.service.mail !== null;
      const changes: OutboxRecord[] = [];
      for (const record of this.ctx.store.all(outboxMessages)) {
        if (record.state === 'sending') {
          changes.push({
            ...record,
            state: 'failed-retrying',
            nextAttemptAt: now,
            updatedAt: now,
            lastError: { at: now, message: 'the hub stopped during this attempt; it may or may not have arrived' },
          });
        } else if (record.state === 'undeliverable-no-smtp' && smtp) {
          changes.push({ ...record, state: 'pending', nextAttemptAt: now, updatedAt: now });
        } else if (record.recipient.type === 'email' && !smtp && (record.state === 'pending' || record.state === 'failed-retrying')) {
          changes.push({ ...record, state: 'undeliverable-no-smtp', nextAttemptAt: null, updatedAt: now });
        }
      }
      // With SMTP configured again, mail destinations work: their "no SMTP" state goes.
      const working = smtp ? [...this.ctx.store.all(outboxDestinations)].filter((d) => d.state === 'undeliverable-no-smtp') : [];
      if (changes.length || working.length)
        await this.ctx.store.write((tx) => {
          changes.forEach((c) => tx.put(outboxMessages, c));
          working.forEach((d) => tx.delete(outboxDestinations, d.id));
        });
      const strays = await this.service.outbox.spool.removeStrays().catch((error: unknown) => {
        console.error('outbox: could not look for spool chunks left by a crash:', error);
        return 0;
      });
      if (strays) console.log(`outbox: removed ${strays} spool chunk${strays === 1 ? '' : 's'} a crash left behind (their messages were never committed, or already taken in)`);
    })();
    return this.recovering;
  }

  /**
   * Starts the due messages whose destination is ready, earliest first, up to the concurrency.
   * Returns the sends started and when a destination waiting for its pace or its next message
   * could go next.
   */
  private launch(): { launched: Promise<void>[]; wakeAt: number } {
    const launched: Promise<void>[] = [];
    let wakeAt = Number.POSITIVE_INFINITY;
    if (this.stopping) return { launched, wakeAt };
    const now = this.ctx.clock.now().getTime();
    for (const { group } of this.due.heads()) {
      for (;;) {
        if (this.inFlight.size >= this.options.concurrency) return { launched, wakeAt };
        const head = this.due.head(group);
        if (!head) break;
        if (head.at > now) {
          wakeAt = Math.min(wakeAt, head.at);
          break;
        }
        if (this.inFlight.has(head.id)) break; // retrying already while its last send winds up: it ends soon and wakes us
        const record = this.ctx.store.get(outboxMessages, head.id);
        if (!record) {
          this.due.delete(head.id);
          continue;
        }
        const key = this.rateKey(record);
        if (!this.limiter.ready(key, now)) {
          const readyAt = this.limiter.readyAt(key);
          if (readyAt !== null) wakeAt = Math.min(wakeAt, readyAt);
          break;
        }
        launched.push(this.dispatch(record, key, now));
        // The claim has taken it out of the queue; if saving the claim failed, it stays at the head.
        if (this.due.has(head.id)) break;
      }
    }
    return { launched, wakeAt };
  }

  private dispatch(record: OutboxRecord, key: string, now: number): Promise<void> {
    this.limiter.begin(key, now);
    let released = false;
    // The destination is free again once its answer is in, before the outcome is saved.
    const release = () => {
      if (released) return;
      released = true;
      this.limiter.end(key);
      this.kick();
    };
    const done = this.deliver(record, key, release, ++this.attemptsStarted)
      .catch((error) => console.error(`outbox: delivering ${record.id} failed unexpectedly:`, error))
      .finally(() => {
        this.inFlight.delete(record.id);
        release();
        this.kick();
      });
    this.inFlight.set(record.id, done);
    return done;
  }

  /** Pacing is per destination: each webhook URL, each channel subscriber, and the SMTP server as one. */
  private rateKey(record: OutboxRecord): string {
    const r = record.recipient;
    if (r.scope === 'channel') return `channel:${r.channel}:${r.contactId}`;
    if (r.type === 'email') return 'smtp';
    const resolved = this.service.settings.resolve(r);
    return resolved?.contact.type === 'teams' ? `webhook:${resolved.contact.webhookUrl}` : `message:${record.id}`;
  }

  private async deliver(record: OutboxRecord, key: string, release: () => void, attempt: number): Promise<void> {
    const blocked = this.blocker(record);
    if (blocked) {
      release();
      await this.update(record.id, (r) => (blocked.state === 'undeliverable-no-smtp' ? { ...r, state: blocked.state, nextAttemptAt: null } : this.dead(r, { message: blocked.message })));
      return;
    }
    const startedAt = this.ctx.clock.now().toISOString();
    const claimed = await this.update(record.id, (r) =>
      r.state === 'pending' || r.state === 'failed-retrying' ? { ...r, state: 'sending', attempts: r.attempts + 1, lastAttemptAt: startedAt, nextAttemptAt: null } : null,
    );
    if (!claimed) {
      // Still waiting: the claim could not be saved (the store refuses writes). Not again at once.
      if (this.due.has(record.id)) this.limiter.holdUntil(key, this.ctx.clock.now().getTime() + 1000);
      release();
      return;
    }
    const result = await this.send(claimed).catch((error: unknown): SendResult => ({ outcome: 'retry', message: `sending failed: ${error instanceof Error ? error.message : String(error)}` }));
    if (result.outcome === 'retry' && result.retryAfterMs !== undefined) this.limiter.holdUntil(key, this.ctx.clock.now().getTime() + result.retryAfterMs);
    release();
    await this.settle(claimed, result, attempt);
  }

  /** Why a message cannot go out at all now, checked before each attempt. */
  private blocker(record: OutboxRecord): { state: 'dead' | 'undeliverable-no-smtp'; message: string } | null {
    const r = record.recipient;
    if (!record.payload) return { state: 'dead', message: 'the message has no content to send' };
    if (r.scope === 'channel') return null; // an unregistered channel is retried (the bot may come back)
    // Invitation and welcome mails go to the address typed for the customer, not to a notification contact.
    if (record.topic === 'invitation') return this.service.mail ? null : { state: 'undeliverable-no-smtp', message: 'no SMTP server is configured' };
    if (r.scope === 'subscriber') {
      if (!this.ctx.services.status?.subscribers().some((s) => s.id === r.contactId)) return { state: 'dead', message: 'the address unsubscribed from status updates' };
      return this.service.mail ? null : { state: 'undeliverable-no-smtp', message: 'no SMTP server is configured' };
    }
    const resolved = this.service.settings.resolve(r);
    if (!resolved) return { state: 'dead', message: 'the contact was removed from the notification settings' };
    const { contact } = resolved;
    if (contact.example) return { state: 'dead', message: 'the contact is an example and is never sent to' };
    if (contact.broken) return { state: 'dead', message: `the contact is marked broken: ${contact.broken.reason}` };
    if (!contact.enabled) return { state: 'dead', message: 'the contact is disabled' };
    if (r.scope === 'customer' && r.customerId && !this.service.settings.customerAllowed(r.customerId)) return { state: 'dead', message: 'notifications to this customer are turned off' };
    if (contact.type === 'email' && !this.service.mail) return { state: 'undeliverable-no-smtp', message: 'no SMTP server is configured' };
    return null;
  }

  private async send(record: OutboxRecord): Promise<SendResult> {
    const payload = record.payload!;
    const r = record.recipient;
    if (payload.type === 'channel') {
      const channel = this.service.channels.get(r.channel ?? '');
      if (!channel) return { outcome: 'retry', message: `the ${r.channel} channel is not available in this hub` };
      return channel.send(r.contactId, payload.card as never, { messageId: record.id, topic: record.topic });
    }
    if ((record.topic === 'invitation' || r.scope === 'subscriber') && payload.type === 'email' && r.type === 'email' && this.service.mail) {
      const { transport, from } = this.service.mail;
      return sendMail(transport, { from, to: r.target, subject: payload.subject, text: payload.text, html: payload.html, messageId: record.id });
    }
    const resolved = this.service.settings.resolve(r);
    if (!resolved) return { outcome: 'failed', message: 'the contact was removed from the notification settings' };
    if (payload.type === 'teams' && resolved.contact.type === 'teams') {
      return postWebhook(resolved.contact.webhookUrl, payload.body, { timeoutMs: this.options.timeoutMs, messageId: record.id, now: () => this.ctx.clock.now() });
    }
    if (payload.type === 'email' && resolved.contact.type === 'email' && this.service.mail) {
      const { transport, from } = this.service.mail;
      return sendMail(transport, { from, to: resolved.contact.email, subject: payload.subject, text: payload.text, html: payload.html, messageId: record.id });
    }
    return { outcome: 'failed', message: 'the contact changed kind since the message was written' };
  }

  private async settle(record: OutboxRecord, result: SendResult, attempt: number): Promise<void> {
    const now = this.ctx.clock.now();
    const at = now.toISOString();
    if (result.outcome === 'delivered') {
      await this.update(record.id, (r) => ({ ...r, state: 'delivered', deliveredAt: at, nextAttemptAt: null, lastError: null, payload: null }));
      // The destination works: it is no longer listed as failing.
      const failing = destinationKey(record.recipient);
      if (this.ctx.store.get(outboxDestinations, failing)) await this.ctx.store.write((tx) => tx.delete(outboxDestinations, failing)).catch(() => undefined);
      return;
    }
    const error: DeliveryError = { at, message: result.message, ...(result.status !== undefined && { status: result.status }) };
    if (result.outcome === 'retry') {
      await this.update(record.id, (r) => {
        if (r.attempts >= this.options.maxAttempts) return this.dead(r, { ...error, message: `${error.message} (gave up after ${r.attempts} attempts)` });
        const delay = retryDelay(r.attempts, result.retryAfterMs, this.options, this.random);
        return { ...r, state: 'failed-retrying', nextAttemptAt: new Date(now.getTime() + delay).toISOString(), lastError: error };
      });
      return;
    }
    await this.update(record.id, (r) => this.dead(r, error));
    if (result.outcome === 'gone') await this.markGone(record, error, attempt);
  }

  /**
   * The destination no longer exists: mark it, and dead-letter everything else waiting for it.
   * Several sends to it may have been answering at once: only the first gone answer is told.
   */
  private async markGone(record: OutboxRecord, error: DeliveryError, attempt: number): Promise<void> {
    const r = record.recipient;
    const destination = destinationOf(record);
    if ((this.goneAfter.get(destination) ?? 0) >= attempt) return;
    this.goneAfter.set(destination, this.attemptsStarted);
    if (r.scope === 'channel') {
      const channel = this.service.channels.get(r.channel ?? '');
      await Promise.resolve(channel?.gone?.(r.contactId, error.message)).catch((e) => console.error('outbox: the channel could not forget a subscriber:', e));
    } else {
      await this.service.settings.setBroken(r, { reason: error.message, at: error.at, ...(error.status !== undefined && { status: error.status }) });
    }
    const sameDestination = (m: OutboxRecord) =>
      m.id !== record.id &&
      !this.inFlight.has(m.id) &&
      (m.state === 'pending' || m.state === 'failed-retrying') &&
      m.recipient.scope === r.scope &&
      m.recipient.contactId === r.contactId &&
      m.recipient.customerId === r.customerId &&
      m.recipient.channel === r.channel;
    const others = [...this.ctx.store.all(outboxMessages)].filter(sameDestination);
    if (others.length === 0) return;
    const message = r.scope === 'channel' ? `the conversation is gone: ${error.message}` : `the contact is marked broken: ${error.message}`;
    await this.ctx.store.write((tx) => {
      for (const m of others) {
        const current = tx.get(outboxMessages, m.id);
        if (current && sameDestination(current)) tx.put(outboxMessages, this.dead(current, { at: error.at, message }));
      }
    });
  }

  private dead(r: OutboxRecord, error: Omit<DeliveryError, 'at'> & { at?: string }): OutboxRecord {
    const at = error.at ?? this.ctx.clock.now().toISOString();
    return { ...r, state: 'dead', nextAttemptAt: null, lastError: { ...error, at } };
  }

  /** Applies a change to the stored message (null leaves it as is); returns the new record. */
  private async update(id: string, change: (record: OutboxRecord) => OutboxRecord | null): Promise<OutboxRecord | null> {
    try {
      return await this.ctx.store.write((tx) => {
        const current = tx.get(outboxMessages, id);
        if (!current) return null;
        const next = change(current);
        if (!next) return null;
        const stamped = { ...next, updatedAt: this.ctx.clock.now().toISOString() };
        tx.put(outboxMessages, stamped);
        return stamped;
      });
    } catch (error) {
      console.error(`outbox: could not save the state of ${id}:`, error);
      return null;
    }
  }

  /**
   * Keeps the collection bounded: delivered messages older than the retention, dead ones (and
   * mail held for want of SMTP) after a short while, and, past `keepFinished` finished messages,
   * the oldest of them, move to the append-only history file of the day they ended, then leave
   * the store. A dead message is counted in its destination's state as it goes.
   */
  async housekeeping(): Promise<number> {
    const now = this.ctx.clock.now().getTime();
    this.lastHousekeeping = now;
    this.limiter.sweep(now);
    const finished: { record: OutboxRecord; endedAt: number }[] = [];
    for (const record of this.ctx.store.all(outboxMessages)) {
      const endedAt = record.state === 'delivered' ? record.deliveredAt : record.state === 'dead' || record.state === 'undeliverable-no-smtp' ? record.updatedAt : null;
      if (endedAt) finished.push({ record, endedAt: Date.parse(endedAt) });
    }
    finished.sort((a, b) => a.endedAt - b.endedAt);
    const beyondBound = Math.max(0, finished.length - this.options.keepFinished);
    const old: OutboxRecord[] = [];
    for (const [i, { record, endedAt }] of finished.entries()) {
      if (old.length >= PRUNE_BATCH) break;
      const retain = record.state === 'delivered' ? this.options.retainDeliveredMs : this.options.retainDeadMs;
      if (i < beyondBound || now - endedAt > retain) old.push(record);
    }
    if (old.length === 0) return 0;
    const byDay = new Map<string, ReturnType<typeof publicMessage>[]>();
    for (const record of old) {
      const day = (record.deliveredAt ?? record.updatedAt).slice(0, 10);
      byDay.set(day, [...(byDay.get(day) ?? []), publicMessage(record)]);
    }
    // History first: a crash in between leaves a message in both places, never in neither.
    for (const [day, records] of byDay) await this.ctx.logs.append(historyFile(day), records);
    const at = new Date(now).toISOString();
    await this.ctx.store.write((tx) => {
      for (const record of old) {
        const current = tx.get(outboxMessages, record.id);
        if (!current || current.state !== record.state || current.updatedAt !== record.updatedAt) continue;
        tx.delete(outboxMessages, record.id);
        if (record.state === 'dead')
          noteUndelivered(tx, record.recipient, { state: 'failing', reason: record.lastError?.message ?? 'the message could not be delivered', at, summary: record.summary });
      }
    });
    return old.length;
  }
}

/** The destination a message waits in line for: one contact (of the partner or a customer) or one channel subscriber. */
function destinationOf(record: OutboxRecord): string {
  return destinationKey(record.recipient);
}
