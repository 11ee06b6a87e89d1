import type { Job } from '../area.js';
import type { HubContext } from '../context.js';
import { collectDigestFacts, digestView, localDayAndHour, sectionsFor } from '../services/notifications/digest.js';
import { notificationState, type Addressed, type DigestSource } from '../services/notifications/interfaces.js';

export interface DigestRun {
  /** The local day the summary is for. */
  date: string;
  /** Messages added to the outbox. */
  messages: number;
}

/**
 * Sends the daily summary to the contacts that prefer it, once a day at the configured local
 * hour. The day last sent is stored with the messages (one write), and each message's dedupe key
 * names the day, so a restart neither skips nor repeats a day. Running, it checks every minute;
 * tests call `tick()` after moving the clock.
 */
export class DigestJob implements Job {
  readonly name = 'notification-digest';
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<DigestRun | null> | null = null;

  constructor(
    private readonly ctx: HubContext,
    private readonly service: DigestSource,
    private readonly pollMs = 60_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick().catch((error) => console.error('digest: the daily summary failed:', error)), this.pollMs);
    this.timer.unref?.();
    void this.tick().catch((error) => console.error('digest: the daily summary failed:', error));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Makes today's summary if its hour has come and it has not been made yet; null otherwise. */
  tick(): Promise<DigestRun | null> {
    this.running ??= this.due()
      ? this.run(this.today()).finally(() => {
          this.running = null;
        })
      : null;
    return this.running ?? Promise.resolve(null);
  }

  private today(): string {
    return localDayAndHour(this.ctx.clock.now(), this.service.settings.partner().digest.timeZone).date;
  }

  private due(): boolean {
    const { digest } = this.service.settings.partner();
    const { date, hour } = localDayAndHour(this.ctx.clock.now(), digest.timeZone);
    if (hour < digest.hour) return false;
    const last = this.ctx.store.get(notificationState, 'digest')?.lastDate;
    return !last || last < date;
  }

  /** Builds and enqueues the summaries for `date` (a local day, YYYY-MM-DD). */
  async run(date: string): Promise<DigestRun> {
    const now = this.ctx.clock.now();
    const settings = this.service.settings.partner().digest;
    const facts = await collectDigestFacts(this.ctx, now, settings);
    const accountName = this.ctx.services.access?.account().displayName ?? 'SP Hub';
    const addressed: Addressed[] = [];
    for (const r of this.service.settings.digestRecipients()) {
      const scope = r.recipient.scope === 'customer' ? 'customer' : 'partner';
      const sections = sectionsFor(settings, r.contact.topics, scope);
      addressed.push({
        dedupeKey: `digest:${date}|${r.destination}`,
        topic: 'digest',
        recipient: r.recipient,
        language: r.language,
        topics: r.contact.topics,
        view: digestView(facts, { date, accountName, settings, sections, customer: r.customer, topics: r.contact.topics }),
      });
    }
    // Channel subscribers (Teams conversations) that asked for the digest get the partner-wide one.
    const partnerWide = digestView(facts, { date, accountName, settings, sections: sectionsFor(settings, 'all', 'partner'), topics: 'all' });
    for (const [name, channel] of this.service.channels) {
      const subscribers = await Promise.resolve(channel.subscribers('digest', {})).catch(() => []);
      for (const s of subscribers) {
        addressed.push({
          dedupeKey: `digest:${date}|channel:${name}:${s.id}`,
          topic: 'digest',
          recipient: { scope: 'channel', channel: name, contactId: s.id, type: 'channel', target: s.label },
          language: s.language,
          topics: [],
          view: partnerWide,
        });
      }
    }
    const added = await this.service.enqueue(addressed, { eventId: null, eventType: 'digest' }, (tx) => {
      tx.put(notificationState, { ...tx.get(notificationState, 'digest'), id: 'digest', lastDate: date });
    });
    return { date, messages: added.length };
  }
}
