import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../shared/domain/clock.js';
import { createTestHub, type TestHub } from '../../../test/helpers/hub.js';
import { runOutbox, startSmtpServer, type SmtpReceiver } from '../../../test/helpers/receivers.js';
import { JournalStore } from '../../store/journal-store.js';
import { outboxMessages } from './outbox-record.js';

// Mail goes through a real SMTP server started here (the `smtp-server` package) on loopback.

let smtp: SmtpReceiver;
const hubs: TestHub[] = [];
const dirs: string[] = [];
const clock = new FakeClock('2026-11-24T09:00:00.000Z');

beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp.close());
afterEach(async () => {
  for (const t of hubs.splice(0)) await t.close().catch(() => undefined);
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  smtp.mails.length = 0;
});

async function hub(env: Record<string, string>, store?: JournalStore): Promise<TestHub> {
  const t = await createTestHub({
    clock,
    ...(store && { store }),
    config: { env: { SPHUB_OUTBOX_BASE_DELAY_SECONDS: '1', SPHUB_OUTBOX_MAX_ATTEMPTS: '3', ...env }, ...(store && { dataDir: store.dir }) },
  });
  hubs.push(t);
  return t;
}

const withSmtp = () => ({ SPHUB_SMTP_URL: smtp.url, SPHUB_SMTP_FROM: 'SP Hub <no-reply@northwind-msp.com>' });
const messages = (t: TestHub) => [...t.hub.ctx.store.all(outboxMessages)];

async function failure(t: TestHub, customerName: string, message: string) {
  const customer = await t.admin.createCustomer({
    displayName: customerName,
    domain: `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}.com`,
    contact: { firstName: 'A', lastName: 'B', email: 'a@example-customer.com' },
  });
  await t.hub.ctx.events.emit({
    type: 'session.finished',
    customerId: customer.id,
    subject: { type: 'policy', id: 'pol_mail', name: 'Postfächer <alle>' },
    data: { policyId: 'pol_mail', policyName: 'Postfächer <alle>', sessionId: 'ses_1', status: 'Failed', summary: message, startedAt: '2026-11-24T08:00:00.000Z', endedAt: '2026-11-24T08:12:00.000Z' },
  });
  await t.hub.ctx.services.notifications.flush();
  return customer;
}

describe('email notifications over SMTP', () => {
  it('sends a localized mail with escaped content: subject, language, text and HTML as received by the server', async () => {
    const t = await hub(withSmtp());
    expect((await t.admin.notificationSettings()).delivery).toMatchObject({ smtpConfigured: true, mailFrom: 'SP Hub <no-reply@northwind-msp.com>' });
    await t.admin.updateNotificationSettings({ language: 'de', allowCustomerNotifications: true, contacts: [{ type: 'email', email: 'noc@northwind-msp.com', topics: ['backupFailed'] }] });
    await failure(t, 'Müller & Söhne <b>GmbH</b>', 'Zugriff verweigert: <script>alert(1)</script> **x**');
    await runOutbox(t.hub.ctx.services.notificationJobs.dispatcher, clock);

    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.to).toEqual(['noc@northwind-msp.com']);
    expect(mail.from).toBe('no-reply@northwind-msp.com');
    expect(mail.subject).toBe('SP Hub: Sicherung fehlgeschlagen: Müller & Söhne <b>GmbH</b> – Postfächer <alle>');
    expect(mail.headers.get('x-sphub-message-id')).toMatch(/^obx_/);
    // Plain text: the values as they are, German labels.
    expect(mail.text).toContain('Die Richtlinie Postfächer <alle> von Müller & Söhne <b>GmbH</b> wurde nicht abgeschlossen.');
    expect(mail.text).toContain('Kunde: Müller & Söhne <b>GmbH</b>');
    expect(mail.text).toContain('Gestartet: 24.11.2026, 08:00 UTC');
    expect(mail.text).toContain('Sie erhalten diese Nachricht');
    // HTML: every value escaped, never markup of the user's.
    expect(mail.html).toContain('<html lang="de">');
    expect(mail.html).toContain('Müller &amp; Söhne &lt;b&gt;GmbH&lt;/b&gt;');
    expect(mail.html).toContain('Zugriff verweigert: &lt;script&gt;alert(1)&lt;/script&gt; **x**');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<b>GmbH');
    expect(mail.html).toContain('href="https://portal.veeamdatacloud.com"');
    expect(messages(t)[0]).toMatchObject({ state: 'delivered', attempts: 1, payload: null });
  });

  it('retries a temporary refusal (451) and dead-letters a permanent one (550)', async () => {
    const t = await hub(withSmtp());
    await t.admin.updateNotificationSettings({ language: 'en', allowCustomerNotifications: true, contacts: [{ type: 'email', email: 'noc@northwind-msp.com', topics: ['backupFailed'] }] });
    smtp.refuseNext(1, 451);
    await failure(t, 'Contoso', 'x');
    await runOutbox(t.hub.ctx.services.notificationJobs.dispatcher, clock);
    expect(messages(t)[0]).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(smtp.mails).toHaveLength(1);

    smtp.refuseNext(1, 550);
    await failure(t, 'Tailspin', 'y');
    await runOutbox(t.hub.ctx.services.notificationJobs.dispatcher, clock);
    const dead = messages(t).find((m) => m.summary.includes('Tailspin'))!;
    expect(dead).toMatchObject({ state: 'dead', attempts: 1, lastError: { status: 550 } });
    expect(smtp.mails).toHaveLength(1);
  });

  it('keeps mail visibly undelivered without SMTP, and sends it after a restart with SMTP configured', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sphub-mail-'));
    dirs.push(dir);
    let t = await hub({}, await JournalStore.open({ dir }));
    expect((await t.admin.notificationSettings()).delivery.smtpConfigured).toBe(false);
    await t.admin.updateNotificationSettings({ language: 'en', allowCustomerNotifications: true, contacts: [{ type: 'email', email: 'noc@northwind-msp.com', topics: ['backupFailed'] }] });
    await failure(t, 'Fabrikam', 'Access denied');
    await runOutbox(t.hub.ctx.services.notificationJobs.dispatcher, clock);
    const waiting = await t.admin.outbox({ state: 'undeliverable-no-smtp' });
    expect(waiting.total).toBe(1);
    expect(waiting.items[0]).toMatchObject({ attempts: 0, nextAttemptAt: null, recipient: { type: 'email', target: 'noc@northwind-msp.com' } });
    expect((await t.admin.outboxMessage(waiting.items[0]!.id)).payload).toMatchObject({ type: 'email', subject: 'SP Hub: Backup failed: Fabrikam – Postfächer <alle>' });
    await t.close();
    hubs.splice(hubs.indexOf(t), 1);

    t = await hub(withSmtp(), await JournalStore.open({ dir }));
    await runOutbox(t.hub.ctx.services.notificationJobs.dispatcher, clock);
    expect(smtp.mails.map((m) => m.subject)).toEqual(['SP Hub: Backup failed: Fabrikam – Postfächer <alle>']);
    expect((await t.admin.outbox({ state: 'delivered' })).total).toBe(1);
  });

  it('lets mail wait in the spool once the mail window is full, across a restart, and sends every mail once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sphub-mail-spool-'));
    dirs.push(dir);
    const env = { ...withSmtp(), SPHUB_OUTBOX_WINDOW: '3' };
    let t = await hub(env, await JournalStore.open({ dir }));
    await t.admin.updateNotificationSettings({
      language: 'en',
      allowCustomerNotifications: true,
      contacts: [
        { type: 'email', email: 'noc@northwind-msp.com', topics: ['backupFailed'] },
        { type: 'email', email: 'oncall@northwind-msp.com', topics: ['backupFailed'] },
      ],
    });
    for (let i = 0; i < 10; i++) await failure(t, `Spooled ${i}`, 'Access denied');
    // All mail is one lane (one SMTP server): three wait in the store, seventeen on disk.
    expect(messages(t).filter((m) => m.state === 'pending')).toHaveLength(3);
    expect((await t.admin.outbox()).spooled).toBe(17);
    await t.close();
    hubs.splice(hubs.indexOf(t), 1);

    t = await hub(env, await JournalStore.open({ dir }));
    await runOutbox(t.hub.ctx.services.notificationJobs.dispatcher, clock);
    expect(smtp.mails).toHaveLength(20);
    expect(new Set(smtp.mails.map((m) => m.headers.get('x-sphub-message-id'))).size).toBe(20);
    expect(smtp.mails.filter((m) => m.to[0] === 'noc@northwind-msp.com').map((m) => m.subject)).toEqual(
      Array.from({ length: 10 }, (_, i) => `SP Hub: Backup failed: Spooled ${i} – Postfächer <alle>`),
    );
    expect((await t.admin.outbox()).spooled).toBe(0);
  });

  it('sends a test mail and reports the outcome', async () => {
    const t = await hub(withSmtp());
    const [contact] = (
      await t.admin.updateNotificationSettings({
        language: 'de',
        allowCustomerNotifications: true,
        contacts: [{ type: 'email', email: 'ops@northwind-msp.com', topics: ['backupFailed', 'licenseThreshold'] }],
      })
    ).contacts;
    expect(await t.admin.testNotificationContact({ contactId: contact!.id })).toMatchObject({ ok: true, outcome: 'delivered' });
    expect(smtp.mails[0]!.subject).toBe('SP Hub: SP Hub-Testbenachrichtigung');
    expect(smtp.mails[0]!.text).toContain('Sicherung fehlgeschlagen, Lizenzschwelle'); // the footer names the contact's topics
    smtp.refuseNext(1, 550);
    expect(await t.admin.testNotificationContact({ contactId: contact!.id })).toMatchObject({ ok: false, outcome: 'failed', status: 550 });
  });
});
