import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DAY, FakeClock, systemClock } from '../../shared/domain/clock.js';
import type { ContactInput } from '../../shared/schemas/notifications.js';
import { createTestHub, type TestHub } from '../../test/helpers/hub.js';
import { systemPrincipal } from '../auth/principal.js';
import { always, perMessage, runOutbox, startWebhookReceiver, type WebhookReceiver } from '../../test/helpers/receivers.js';
import type { DeliveryChannel, SendResult } from '../services/notifications/delivery.js';
import { historyFile } from '../services/notifications/outbox.js';
import { outboxMessages, type OutboxRecord } from '../services/notifications/outbox-record.js';
import { notificationState } from '../services/notifications/interfaces.js';
import { SPOOL_PREFIX } from '../services/notifications/spool.js';
import { customers } from '../services/customer-collection.js';
import { AppendLog } from '../store/append-log.js';
import { JournalStore } from '../store/journal-store.js';

const ENV = {
  SPHUB_OUTBOX_TIMEOUT_SECONDS: '0.3',
  SPHUB_OUTBOX_MAX_ATTEMPTS: '4',
  SPHUB_OUTBOX_BASE_DELAY_SECONDS: '2',
  SPHUB_OUTBOX_MAX_DELAY_SECONDS: '60',
  SPHUB_OUTBOX_CONCURRENCY: '4',
};

let clock: FakeClock;
let receiver: WebhookReceiver;
const hubs: TestHub[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  clock = new FakeClock('2026-11-24T09:00:00.000Z');
  receiver = await startWebhookReceiver(clock);
});
afterAll(() => receiver.close());
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.close().catch(() => undefined);
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function hub(options: { store?: JournalStore; env?: Record<string, string> } = {}): Promise<TestHub> {
  const t = await createTestHub({ clock, ...(options.store && { store: options.store }), config: { env: { ...ENV, ...options.env }, ...(options.store && { dataDir: options.store.dir }) } });
  hubs.push(t);
  return t;
}

async function tempStore(): Promise<{ dir: string; open: () => Promise<JournalStore> }> {
  const dir = await mkdtemp(join(tmpdir(), 'sphub-outbox-'));
  dirs.push(dir);
  return { dir, open: () => JournalStore.open({ dir }) };
}

let unique = 0;
/** A path on the receiver no other test uses, with its behaviour. */
function hook(name: string, behaviour = always(202)): string {
  const path = `/${name}-${++unique}`;
  receiver.on(path, behaviour);
  return path;
}

const teams = (path: string, topics: ContactInput['topics'] = ['backupFailed']): ContactInput => ({ type: 'teams', webhookUrl: receiver.url(path), topics });

async function contacts(t: TestHub, list: ContactInput[], extra: { language?: 'en' | 'de'; allowCustomerNotifications?: boolean } = {}) {
  return (await t.admin.updateNotificationSettings({ language: extra.language ?? 'en', allowCustomerNotifications: extra.allowCustomerNotifications ?? true, contacts: list })).contacts;
}

let policySeq = 0;
/** Emits `n` failed sessions of distinct policies (the backup area's event shape). */
async function failures(t: TestHub, n: number, customerId = 'cus_demo'): Promise<void> {
  for (let i = 0; i < n; i++) {
    const id = `pol_${++policySeq}`;
    await t.hub.ctx.events.emit({
      type: 'session.finished',
      customerId,
      subject: { type: 'policy', id, name: `Policy ${policySeq}` },
      data: { policyId: id, policyName: `Policy ${policySeq}`, sessionId: `ses_${policySeq}`, status: 'Failed', summary: 'Access denied' },
    });
  }
  await t.hub.ctx.services.notifications.flush();
}

const dispatcher = (t: TestHub) => t.hub.ctx.services.notificationJobs.dispatcher;
const messages = (t: TestHub): OutboxRecord[] => [...t.hub.ctx.store.all(outboxMessages)];
const byContact = (t: TestHub, contactId: string) => messages(t).filter((m) => m.recipient.contactId === contactId);
const requestsOf = (path: string, messageId: string) => receiver.requests(path).filter((r) => r.messageId === messageId);

describe('outbox delivery to real webhooks', () => {
  it('delivers every message exactly once or dead-letters it: 202, 429 with Retry-After, 500, 410, slow', async () => {
    const t = await hub();
    const paths = {
      ok: hook('ok'),
      throttled: hook('throttled', perMessage([{ status: 429, headers: { 'retry-after': '3' } }], { status: 202 })),
      throttledDate: hook(
        'throttled-date',
        (request) => perMessageOnce(request.messageId, () => ({ status: 429, headers: { 'retry-after': new Date(clock.now().getTime() + 5000).toUTCString() } })) ?? { status: 202 },
      ),
      flaky: hook('flaky', perMessage([{ status: 500, body: 'Internal error' }, { status: 503 }], { status: 202 })),
      slow: hook('slow', perMessage([{ status: 202, delayMs: 800 }], { status: 202, delayMs: 20 })),
      down: hook('down', always(500)),
      gone: hook('gone', always(410, { body: 'Gone' })),
    };
    const saved = await contacts(
      t,
      Object.values(paths).map((p) => teams(p)),
    );
    const id = Object.fromEntries(Object.keys(paths).map((k, i) => [k, saved[i]!.id])) as Record<keyof typeof paths, string>;
    await failures(t, 6);
    expect(messages(t)).toHaveLength(42);
    expect(messages(t).every((m) => m.state === 'pending')).toBe(true);

    await runOutbox(dispatcher(t), clock);

    // Nothing is left in between, nothing is lost, nothing arrives twice.
    for (const m of messages(t)) {
      expect(['delivered', 'dead'], m.id).toContain(m.state);
      const accepted = receiver.acceptedCounts().get(m.id) ?? 0;
      expect(accepted, `${m.state} ${m.recipient.target}`).toBe(m.state === 'delivered' ? 1 : 0);
    }
    for (const key of ['ok', 'throttled', 'throttledDate', 'flaky', 'slow'] as const) {
      expect(
        byContact(t, id[key]).map((m) => m.state),
        key,
      ).toEqual(Array(6).fill('delivered'));
    }

    // Retry-After is honoured, in seconds and as an HTTP date.
    for (const m of byContact(t, id.throttled)) {
      const [first, second] = requestsOf(paths.throttled, m.id);
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(3000);
    }
    for (const m of byContact(t, id.throttledDate)) {
      const [first, second] = requestsOf(paths.throttledDate, m.id);
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(4000);
    }
    // 500, 503, then success: three attempts, backing off.
    for (const m of byContact(t, id.flaky)) {
      expect(m.attempts).toBe(3);
      const [a, b, c] = requestsOf(paths.flaky, m.id);
      expect(b!.at - a!.at).toBeGreaterThanOrEqual(1000);
      expect(c!.at - b!.at).toBeGreaterThanOrEqual(2000);
    }
    // The slow receiver: the first answer came too late (timeout), the retry was accepted.
    for (const m of byContact(t, id.slow)) {
      expect(requestsOf(paths.slow, m.id).map((r) => r.accepted)).toEqual([false, true]);
    }
    // Always 500: dead after the configured 4 attempts, with growing gaps.
    for (const m of byContact(t, id.down)) {
      expect(m).toMatchObject({ state: 'dead', attempts: 4, payload: expect.anything() });
      expect(m.lastError).toMatchObject({ status: 500, message: expect.stringContaining('gave up after 4 attempts') });
      const at = requestsOf(paths.down, m.id).map((r) => r.at);
      expect(at).toHaveLength(4);
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(1000);
      expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(2000);
      expect(at[3]! - at[2]!).toBeGreaterThanOrEqual(4000);
    }
    // 410: one request, the contact is marked broken, everything else for it is dead without trying.
    expect(receiver.requests(paths.gone)).toHaveLength(1);
    expect(byContact(t, id.gone).every((m) => m.state === 'dead')).toBe(true);
    expect(
      byContact(t, id.gone)
        .filter((m) => m.attempts === 0)
        .every((m) => /marked broken/.test(m.lastError!.message)),
    ).toBe(true);
    const goneContact = (await t.admin.notificationSettings()).contacts.find((c) => c.id === id.gone)!;
    expect(goneContact.broken).toMatchObject({ status: 410, at: expect.any(String), reason: expect.stringContaining('410') });
    // ... and gets nothing more.
    await failures(t, 2);
    expect(byContact(t, id.gone)).toHaveLength(6);
    expect(byContact(t, id.ok)).toHaveLength(8);
  });

  it('paces each webhook at about 4 requests a second, while different webhooks go out side by side', async () => {
    const t = await hub();
    const a = hook('paced-a');
    const b = hook('paced-b');
    const c = hook('paced-c');
    await contacts(t, [teams(a), teams(b), teams(c)]);
    await failures(t, 20);
    await runOutbox(dispatcher(t), clock);
    for (const path of [a, b, c]) {
      const at = receiver
        .requests(path)
        .map((r) => r.at)
        .sort((x, y) => x - y);
      expect(at).toHaveLength(20);
      for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(250);
      for (let i = 4; i < at.length; i++) expect(at[i]! - at[i - 4]!, 'at most 4 in any second').toBeGreaterThanOrEqual(1000);
      expect(at.at(-1)! - at[0]!).toBeLessThan(20 * 300); // and not much slower than the limit
    }
    // The three webhooks are served in the same instants: the limit is per webhook, not global.
    const firstOf = (path: string) =>
      receiver
        .requests(path)
        .map((r) => r.at)
        .sort((x, y) => x - y)[0];
    expect(new Set([firstOf(a), firstOf(b), firstOf(c)]).size).toBe(1);
    expect(messages(t).every((m) => m.state === 'delivered')).toBe(true);
  });

  it('keeps at most the configured number of sends in flight', async () => {
    const t = await hub({ env: { SPHUB_OUTBOX_CONCURRENCY: '3' } });
    const started = receiver.maxInFlight;
    const paths = Array.from({ length: 9 }, (_, i) => hook(`parallel-${i}`, always(202, { delayMs: 120 })));
    await contacts(
      t,
      paths.map((p) => teams(p)),
    );
    await failures(t, 1);
    const sent = await dispatcher(t).drain();
    expect(sent).toBe(9);
    expect(messages(t).every((m) => m.state === 'delivered')).toBe(true);
    expect(receiver.maxInFlight).toBeLessThanOrEqual(Math.max(3, started));
    expect(receiver.maxInFlight).toBeGreaterThanOrEqual(2);
  });
});

describe('a fast destination', () => {
  it('gets several requests answering at the same time within its pace, on the real clock', async () => {
    const own = await startWebhookReceiver(systemClock);
    const t = await createTestHub({ clock: systemClock, config: { env: { ...ENV, SPHUB_OUTBOX_TIMEOUT_SECONDS: '5', SPHUB_WEBHOOK_RATE_PER_SECOND: '40', SPHUB_OUTBOX_CONCURRENCY: '8' } } });
    try {
      own.on('/fast', always(202, { delayMs: 150 }));
      await t.hub.ctx.services.notifications.settings.updatePartner(systemPrincipal(), {
        language: 'en',
        allowCustomerNotifications: true,
        contacts: [{ type: 'teams', webhookUrl: own.url('/fast'), topics: ['backupFailed'], delivery: 'immediate', enabled: true }],
      });
      await t.hub.start();
      await failures(t, 12);
      const deadline = Date.now() + 20_000;
      const settled = () => own.acceptedCounts('/fast').size >= 12 && messages(t).every((m) => m.state === 'delivered');
      while (!settled() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(own.acceptedCounts('/fast').size).toBe(12);
      expect([...own.acceptedCounts('/fast').values()].every((n) => n === 1)).toBe(true);
      // One at a time, each answer taking 150 ms, would allow only one; half the concurrency may overlap.
      expect(own.maxInFlight).toBeGreaterThanOrEqual(2);
      expect(own.maxInFlight).toBeLessThanOrEqual(4);
      expect(messages(t).every((m) => m.state === 'delivered')).toBe(true);
    } finally {
      await t.close();
      await own.close();
    }
  });
});

describe('a restart in the middle', () => {
  it('loses nothing and sends nothing twice: waiting, retrying, interrupted and not-yet-processed messages all arrive once', async () => {
    const { dir, open } = await tempStore();
    const paths = {
      ok: hook('restart-ok'),
      flaky: hook('restart-flaky', perMessage([{ status: 500 }, { status: 502 }], { status: 202 })),
      throttled: hook('restart-throttled', perMessage([{ status: 429, headers: { 'retry-after': '30' } }], { status: 202 })),
    };
    let t = await hub({ store: await open() });
    await contacts(
      t,
      Object.values(paths).map((p) => teams(p)),
    );
    await failures(t, 5);
    await dispatcher(t).drain(); // a first round only: some delivered, some retrying, most still waiting
    const states = messages(t).map((m) => m.state);
    expect(states).toContain('delivered');
    expect(states).toContain('failed-retrying');
    expect(states).toContain('pending');

    // A crash mid-send leaves a message `sending`; a crash between logging an event and turning it
    // into messages leaves the event alone in the log.
    const waiting = messages(t).find((m) => m.state === 'pending')!;
    await t.hub.ctx.store.write((tx) => tx.put(outboxMessages, { ...waiting, state: 'sending', attempts: 1 }));
    const lastEventId = t.hub.ctx.events.lastId;
    await t.close();
    hubs.splice(hubs.indexOf(t), 1);
    await new AppendLog(dir).append(`events/${clock.now().toISOString().slice(0, 10)}.jsonl`, [
      {
        id: lastEventId + 1,
        type: 'session.finished',
        at: clock.now().toISOString(),
        customerId: 'cus_demo',
        subject: { type: 'policy', id: 'pol_unsent', name: 'Logged, never processed' },
        data: { policyId: 'pol_unsent', policyName: 'Logged, never processed', status: 'Failed' },
      },
    ]);

    clock.advance(10_000);
    t = await hub({ store: await open() });
    await t.hub.ctx.services.notifications.flush();
    expect(messages(t)).toHaveLength(18); // 6 events x 3 contacts, the logged-only event included
    expect(messages(t).find((m) => m.id === waiting.id)!.state).toBe('sending'); // until the dispatcher recovers it
    await runOutbox(dispatcher(t), clock);

    expect(messages(t).map((m) => m.state)).toEqual(Array(18).fill('delivered'));
    const accepted = receiver.acceptedCounts();
    for (const m of messages(t)) expect(accepted.get(m.id), m.summary).toBe(1);
    expect(messages(t).find((m) => m.id === waiting.id)!.lastError?.message).toBeUndefined();
    expect(messages(t).filter((m) => m.summary.includes('Logged, never processed'))).toHaveLength(3);
  });

  it('never makes a second message for the same event and destination, even when events are processed again', async () => {
    const { open } = await tempStore();
    const path = hook('dedupe');
    let t = await hub({ store: await open() });
    await contacts(t, [teams(path)]);
    await failures(t, 3);
    expect(messages(t)).toHaveLength(3);
    await t.close();
    hubs.splice(hubs.indexOf(t), 1);

    // As if the cursor had never been saved: the restart processes all recent events again.
    const store = await open();
    await store.write((tx) => tx.put(notificationState, { id: 'cursor', eventId: 0, at: '' }));
    t = await hub({ store });
    await t.hub.ctx.services.notifications.flush();
    expect(messages(t)).toHaveLength(3);
    await runOutbox(dispatcher(t), clock);
    expect(receiver.requests(path)).toHaveLength(3);
  });

  it('sends the same event once to a destination listed twice (partner and customer contact)', async () => {
    const t = await hub();
    const path = hook('twice');
    const customer = await t.admin.createCustomer({ displayName: 'Fabrikam', domain: 'fabrikam-twice.com', contact: { firstName: 'A', lastName: 'B', email: 'a@fabrikam-twice.com' } });
    await contacts(t, [teams(path)]);
    await t.admin.updateCustomerNotifications(customer.id, { allowSystemNotifications: true, language: 'de', contacts: [teams(path)] });
    await failures(t, 1, customer.id);
    expect(messages(t)).toHaveLength(1);
    expect(messages(t)[0]!.recipient.scope).toBe('partner');
  });
});

describe('who gets a message', () => {
  it('follows topics, delivery preference, enabled, customer scope and the partner switch', async () => {
    const t = await hub();
    const [fab, con] = [
      await t.admin.createCustomer({ displayName: 'Fabrikam', domain: 'fabrikam-who.com', contact: { firstName: 'A', lastName: 'B', email: 'a@fabrikam-who.com' } }),
      await t.admin.createCustomer({ displayName: 'Contoso', domain: 'contoso-who.com', contact: { firstName: 'A', lastName: 'B', email: 'a@contoso-who.com' } }),
    ];
    const saved = await contacts(t, [
      teams(hook('who-failed'), ['backupFailed']),
      teams(hook('who-complete'), ['backupComplete']),
      { ...teams(hook('who-digest'), ['backupFailed']), delivery: 'digest' },
      { ...teams(hook('who-disabled'), ['backupFailed']), enabled: false },
    ]);
    const customerHook = hook('who-customer');
    await t.admin.updateCustomerNotifications(fab.id, { allowSystemNotifications: true, language: 'de', contacts: [teams(customerHook)] });
    await failures(t, 1, fab.id);
    await failures(t, 1, con.id);
    const recipients = messages(t).map((m) => `${m.recipient.scope}:${m.recipient.contactId}:${m.customerId}`);
    expect(recipients.sort()).toEqual(
      [`customer:${(await t.admin.customerNotifications(fab.id)).contacts[0]!.id}:${fab.id}`, `partner:${saved[0]!.id}:${con.id}`, `partner:${saved[0]!.id}:${fab.id}`].sort(),
    );
    // The customer's contact reads German.
    expect(messages(t).find((m) => m.recipient.scope === 'customer')!.summary).toMatch(/^Sicherung fehlgeschlagen: Fabrikam/);

    // An offboarded customer's contacts get nothing more.
    const fabRecord = t.hub.ctx.store.get(customers, fab.id)!;
    await t.hub.ctx.store.write((tx) => tx.put(customers, { ...fabRecord, status: 'offboarded' }));
    const beforeOffboarded = messages(t).length;
    await failures(t, 1, fab.id);
    expect(
      messages(t)
        .slice(beforeOffboarded)
        .map((m) => m.recipient.scope),
    ).toEqual(['partner']);
    await t.hub.ctx.store.write((tx) => tx.put(customers, fabRecord));

    // Customer notifications turned off by the partner: only partner contacts.
    await contacts(t, [teams(hook('who-failed-2'))], { allowCustomerNotifications: false });
    const before = messages(t).length;
    await failures(t, 1, fab.id);
    expect(messages(t).length - before).toBe(1);
  });

  it('dead-letters waiting messages whose contact was removed or disabled meanwhile, without sending', async () => {
    const t = await hub();
    const removed = hook('removed');
    const disabled = hook('disabled');
    const [, second] = await contacts(t, [teams(removed), teams(disabled)]);
    await failures(t, 2);
    await contacts(t, [{ ...teams(disabled), id: second!.id, enabled: false }]);
    await runOutbox(dispatcher(t), clock);
    expect(receiver.requests(removed)).toHaveLength(0);
    expect(receiver.requests(disabled)).toHaveLength(0);
    const reasons = messages(t).map((m) => `${m.state}: ${m.lastError?.message}`);
    expect(reasons.filter((r) => r === 'dead: the contact was removed from the notification settings')).toHaveLength(2);
    expect(reasons.filter((r) => r === 'dead: the contact is disabled')).toHaveLength(2);
  });
});

describe('channels registered by other areas (the bot)', () => {
  it('treats channel subscribers like contacts: one message each, retried, dead-lettered when gone', async () => {
    const t = await hub();
    const sent: { subscriber: string; verbs: string[] }[] = [];
    const forgotten: string[] = [];
    const plan = new Map<string, SendResult[]>([
      ['conv_ops', [{ outcome: 'retry', status: 429, retryAfterMs: 2000, message: 'slow down' }]],
      ['conv_gone', [{ outcome: 'gone', status: 404, message: 'the bot was removed' }]],
    ]);
    const channel: DeliveryChannel = {
      subscribers: (topic) =>
        topic === 'backupFailed'
          ? [
              { id: 'conv_ops', label: 'Teams: Backup operations', language: 'de' },
              { id: 'conv_gone', label: 'Teams: Old team', language: 'en' },
            ]
          : [],
      async send(subscriberId, card) {
        const actions = (card.actions ?? []).filter((a) => a.type === 'Action.Execute').map((a) => String(a.verb));
        sent.push({ subscriber: subscriberId, verbs: actions });
        return plan.get(subscriberId)?.shift() ?? { outcome: 'delivered' };
      },
      gone: (subscriberId) => void forgotten.push(subscriberId),
    };
    t.hub.ctx.services.notifications.registerChannel('bot', channel);
    expect((await t.admin.notificationSettings()).delivery.channels).toEqual(['bot']);
    await failures(t, 2);
    expect(messages(t)).toHaveLength(4);
    await runOutbox(dispatcher(t), clock);

    const ops = messages(t).filter((m) => m.recipient.contactId === 'conv_ops');
    expect(ops.map((m) => m.state)).toEqual(['delivered', 'delivered']);
    expect(ops.map((m) => m.attempts).sort((a, b) => a - b)).toEqual([1, 2]); // one got a 429 first
    expect(ops[0]!.summary).toMatch(/^Sicherung fehlgeschlagen/);
    // The bot's cards carry its buttons.
    expect(sent.find((s) => s.subscriber === 'conv_ops')!.verbs).toEqual(['policy.retry', 'alert.acknowledge']);
    // Gone: told once, the rest dead without another attempt.
    expect(forgotten).toEqual(['conv_gone']);
    expect(sent.filter((s) => s.subscriber === 'conv_gone')).toHaveLength(1);
    expect(
      messages(t)
        .filter((m) => m.recipient.contactId === 'conv_gone')
        .map((m) => m.state),
    ).toEqual(['dead', 'dead']);
  });
});

describe('keeping the outbox small', () => {
  it('moves dead messages to the history after a short while and delivered ones after the retention, counting the dead in their destination', async () => {
    const t = await hub({ env: { SPHUB_OUTBOX_RETAIN_DAYS: '2', SPHUB_OUTBOX_DEAD_RETAIN_MINUTES: '15' } });
    const ok = hook('prune-ok');
    const gone = hook('prune-gone', always(410));
    const [, goneContact] = await contacts(t, [teams(ok), teams(gone)]);
    await failures(t, 3);
    await runOutbox(dispatcher(t), clock);
    const day = clock.now().toISOString();
    expect(
      messages(t)
        .map((m) => m.state)
        .sort(),
    ).toEqual(['dead', 'dead', 'dead', 'delivered', 'delivered', 'delivered']);
    expect(
      messages(t)
        .filter((m) => m.state === 'delivered')
        .every((m) => m.payload === null),
    ).toBe(true); // content dropped once sent

    clock.advance(10 * 60_000);
    expect(await dispatcher(t).housekeeping()).toBe(0);
    clock.advance(10 * 60_000);
    expect(await dispatcher(t).housekeeping()).toBe(3);
    expect(messages(t).map((m) => m.state)).toEqual(['delivered', 'delivered', 'delivered']);
    const page = await t.admin.outbox();
    expect(page.destinations).toEqual([expect.objectContaining({ state: 'failing', messages: 3, recipient: expect.objectContaining({ contactId: goneContact!.id }) })]);

    clock.advance(3 * DAY);
    expect(await dispatcher(t).housekeeping()).toBe(3);
    expect(messages(t)).toHaveLength(0);
    const history = await t.hub.ctx.logs.read<{ id: string; state: string; payload?: unknown }>(historyFile(day));
    expect(history.map((h) => h.state).sort()).toEqual(['dead', 'dead', 'dead', 'delivered', 'delivered', 'delivered']);
    expect(history.every((h) => !('payload' in h))).toBe(true);
  });

  it('keeps at most SPHUB_OUTBOX_KEEP_FINISHED finished messages in the store, whatever their age', async () => {
    const t = await hub({ env: { SPHUB_OUTBOX_KEEP_FINISHED: '10' } });
    await contacts(t, [teams(hook('bounded-ok'))]);
    await failures(t, 40);
    await runOutbox(dispatcher(t), clock);
    await dispatcher(t).housekeeping();
    expect(messages(t).length).toBeLessThanOrEqual(10);
    expect((await t.admin.outbox()).counts.delivered).toBe(messages(t).length);
  });

  it('holds one mail per contact while no SMTP server is configured: the rest go to the history, counted in one visible state', async () => {
    const t = await hub();
    const [mail] = await contacts(t, [{ type: 'email', email: 'noc@northwind-msp.com', topics: ['backupFailed'] }]);
    await failures(t, 50);
    await runOutbox(dispatcher(t), clock);
    const stored = messages(t);
    expect(stored.map((m) => m.state)).toEqual(['undeliverable-no-smtp']);
    const page = await t.admin.outbox();
    expect(page.destinations).toEqual([expect.objectContaining({ state: 'undeliverable-no-smtp', messages: 50, recipient: expect.objectContaining({ contactId: mail!.id }) })]);
    const history = await t.hub.ctx.logs.read<{ state: string }>(historyFile(clock.now().toISOString()));
    expect(history).toHaveLength(49);
    expect(history.every((h) => h.state === 'undeliverable-no-smtp')).toBe(true);
  });
});

describe('the spool: a lane that falls behind', () => {
  const spooledFiles = (t: TestHub) => t.hub.ctx.logs.list(SPOOL_PREFIX);
  const waitingIn = (t: TestHub, contactId: string) => byContact(t, contactId).filter((m) => m.state === 'pending' || m.state === 'failed-retrying' || m.state === 'sending');

  it('keeps at most a window of waiting messages in the store; the rest wait on disk in order and each arrives once', async () => {
    const t = await hub({ env: { SPHUB_OUTBOX_WINDOW: '4' } });
    const path = hook('spool-ok');
    const [contact] = await contacts(t, [teams(path)]);
    await failures(t, 30);
    expect(waitingIn(t, contact!.id)).toHaveLength(4);
    const page = await t.admin.outbox();
    expect(page.spooled).toBe(26);
    expect(page.total).toBe(4);
    expect((await spooledFiles(t)).length).toBeGreaterThan(1); // chunks of half a window

    await runOutbox(dispatcher(t), clock);
    const delivered = messages(t).filter((m) => m.state === 'delivered');
    expect(delivered).toHaveLength(30);
    for (const m of delivered) expect(receiver.acceptedCounts(path).get(m.id), m.summary).toBe(1);
    // Oldest first: the order the webhook received them in follows the events, chunk by chunk.
    const order = receiver.requests(path).map((r) => delivered.find((m) => m.id === r.messageId)!.createdAt);
    expect(order).toEqual([...order].sort());
    expect((await t.admin.outbox()).spooled).toBe(0);
    expect(await spooledFiles(t)).toEqual([]); // chunks go once taken in
  });

  it('holds back only the lane that falls behind: another contact gets all its messages at once', async () => {
    const t = await hub({ env: { SPHUB_OUTBOX_WINDOW: '3' } });
    const [down, ok] = await contacts(t, [teams(hook('spool-down', always(500))), teams(hook('spool-fine'))]);
    await failures(t, 20);
    expect(waitingIn(t, down!.id)).toHaveLength(3);
    expect(waitingIn(t, ok!.id)).toHaveLength(3);
    expect((await t.admin.outbox()).spooled).toBe(34);

    // The working contact's 20 go out at its pace (about 4 a second) while the failing one's first three wait for their retries.
    const delivered = () => byContact(t, ok!.id).filter((m) => m.state === 'delivered').length;
    const started = clock.now().getTime();
    while (delivered() < 20 && clock.now().getTime() - started < 10_000) {
      await dispatcher(t).drain();
      clock.set(Math.max(dispatcher(t).nextWakeAt()?.getTime() ?? 0, clock.now().getTime() + 1));
    }
    expect(delivered()).toBe(20);
    expect(clock.now().getTime() - started).toBeLessThan(8_000);
    expect(waitingIn(t, down!.id)).toHaveLength(3);
    expect((await t.admin.outbox()).spooled).toBe(17);
  });

  it('survives a restart and a crash between a chunk append and its commit: every message once, none of the uncommitted lines, strays removed', async () => {
    const { open } = await tempStore();
    const path = hook('spool-restart');
    let t = await hub({ store: await open(), env: { SPHUB_OUTBOX_WINDOW: '4' } });
    await contacts(t, [teams(path)]);
    await failures(t, 12);
    expect((await t.admin.outbox()).spooled).toBe(8);
    const [chunk] = await spooledFiles(t);
    const [copy] = await t.hub.ctx.logs.read<OutboxRecord>(chunk!);
    // As a crash after an append and before its write leaves them: lines past the committed
    // count in a chunk, and a chunk file no lane refers to.
    await t.hub.ctx.logs.append(chunk!, [{ ...copy!, id: 'obx_never_committed', dedupeKey: 'never committed' }]);
    await t.hub.ctx.logs.append(`${SPOOL_PREFIX}mail/0000000000001-crashed-00000001.jsonl`, [{ ...copy!, id: 'obx_stray', dedupeKey: 'stray' }]);
    await t.close();
    hubs.splice(hubs.indexOf(t), 1);

    clock.advance(5_000);
    t = await hub({ store: await open(), env: { SPHUB_OUTBOX_WINDOW: '4' } });
    expect((await t.admin.outbox()).spooled).toBe(8);
    await runOutbox(dispatcher(t), clock);
    const delivered = messages(t).filter((m) => m.state === 'delivered');
    expect(delivered).toHaveLength(12);
    expect([...receiver.acceptedCounts(path).values()]).toEqual(Array(12).fill(1));
    expect(receiver.requests(path).some((r) => r.messageId === 'obx_never_committed' || r.messageId === 'obx_stray')).toBe(false);
    expect(await spooledFiles(t)).toEqual([]);
  });
});

/** For behaviours that answer differently only to the first request of each message. */
const firstSeen = new Set<string>();
function perMessageOnce<T>(messageId: string | undefined, reply: () => T): T | undefined {
  const key = messageId ?? '';
  if (firstSeen.has(key)) return undefined;
  firstSeen.add(key);
  return reply();
}
