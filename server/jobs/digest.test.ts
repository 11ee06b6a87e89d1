import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateCard } from '../../shared/cards/validate.js';
import { DAY, FakeClock, HOUR } from '../../shared/domain/clock.js';
import { createTestHub, type TestHub } from '../../test/helpers/hub.js';
import { runOutbox, startSmtpServer, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from '../../test/helpers/receivers.js';
import { systemPrincipal } from '../auth/principal.js';
import { MORNING, putCustomers, putMorning, ScriptedRunner, testCustomer } from '../services/backup/testing.js';
import { localDayAndHour } from '../services/notifications/digest.js';
import { outboxMessages } from '../services/notifications/outbox-record.js';
import { notificationState } from '../services/notifications/interfaces.js';

let smtp: SmtpReceiver;
let receiver: WebhookReceiver;
let clock: FakeClock;
let t: TestHub;

beforeAll(async () => {
  smtp = await startSmtpServer();
  receiver = await startWebhookReceiver({ now: () => new Date() });
});
afterAll(async () => {
  await smtp.close();
  await receiver.close();
});
afterEach(async () => {
  await t?.close();
  smtp.mails.length = 0;
});

/**
 * The morning of 24 November 2026 (the backup area's fixture: failed, warning, disconnected and
 * stale policies, a customer at 85 % of its licenses) plus a customer whose invitation has been
 * pending for ten days and an overdue October usage report. Contacts: a partner mailbox and a Teams
 * channel that prefer the digest, one that wants every failure right away, and a customer's
 * mailbox preferring the digest.
 */
async function world() {
  clock = new FakeClock(MORNING);
  t = await createTestHub({
    clock,
    services: { runner: new ScriptedRunner([{ status: 'Success' }]) },
    config: { env: { SPHUB_SMTP_URL: smtp.url, SPHUB_SMTP_FROM: 'SP Hub <no-reply@northwind-msp.com>' } },
  });
  await putMorning(t.hub);
  await putCustomers(
    t.hub,
    testCustomer({
      id: 'cus_delta',
      displayName: 'Delta Dental',
      domain: 'delta-dental.com',
      status: 'pending',
      contractType: 'Pending',
      invites: [
        { email: 'it@delta-dental.com', invitedAt: '2026-11-14T09:00:00.000Z', lastSentAt: '2026-11-14T09:00:00.000Z', sendCount: 1 },
        { email: 'new@delta-dental.com', invitedAt: '2026-11-23T09:00:00.000Z', lastSentAt: '2026-11-23T09:00:00.000Z', sendCount: 1 },
      ],
    }),
  );
  await t.hub.ctx.services.usage.generate('2026-10', systemPrincipal());
  const saved = await t.admin.updateNotificationSettings({
    language: 'de',
    allowCustomerNotifications: true,
    contacts: [
      {
        type: 'email',
        email: 'service-desk@northwind-msp.com',
        topics: ['backupFailed', 'backupComplete', 'staleProtection', 'licenseThreshold', 'usageReportDue', 'restoreActivity'],
        delivery: 'digest',
      },
      { type: 'teams', webhookUrl: receiver.url('/digest'), topics: ['backupFailed', 'staleProtection'], delivery: 'digest' },
      { type: 'email', email: 'oncall@northwind-msp.com', topics: ['backupFailed'] },
    ],
    digest: { hour: 11, timeZone: 'Europe/Berlin', invitePendingDays: 7 },
  });
  await t.admin.updateCustomerNotifications('cus_acme', {
    allowSystemNotifications: true,
    language: 'en',
    contacts: [{ type: 'email', email: 'it@acme.com', topics: ['backupFailed', 'licenseThreshold', 'usageReportDue'], delivery: 'digest' }],
  });
  return saved.contacts;
}

const digestJob = () => t.hub.ctx.services.notificationJobs.digest;
const deliver = () => runOutbox(t.hub.ctx.services.notificationJobs.dispatcher, clock);
const digests = () => [...t.hub.ctx.store.all(outboxMessages)].filter((m) => m.topic === 'digest');

describe('daily digest', () => {
  it('goes out once at the configured local hour, to the contacts that prefer it, with what needs attention', async () => {
    await world();
    expect(localDayAndHour(clock.now(), 'Europe/Berlin')).toEqual({ date: '2026-11-24', hour: 10 });
    expect(await digestJob().tick()).toBeNull(); // 10:00 in Berlin, the digest is at 11
    clock.advance(HOUR);
    expect(await digestJob().tick()).toEqual({ date: '2026-11-24', messages: 3 });
    expect(await digestJob().tick()).toBeNull(); // once a day
    expect(t.hub.ctx.store.get(notificationState, 'digest')?.lastDate).toBe('2026-11-24');
    await deliver();

    // The partner's mailbox: German, every section.
    const partner = smtp.mails.find((m) => m.to[0] === 'service-desk@northwind-msp.com')!;
    expect(partner.subject).toBe('SP Hub: Tägliche Zusammenfassung vom 24.11.2026 – Northwind Cloud Services: 3 fehlgeschlagen, 1 mit Warnungen, 3 veraltet');
    const text = partner.text;
    expect(text).toContain('Fehlgeschlagene Richtlinien');
    expect(text).toContain('Acme Corp – Mail');
    expect(text).toContain('Bravo Ltd – Off');
    expect(text).toContain('Charlie GmbH (');
    expect(text).toContain('Richtlinien mit Warnungen\n  - Bravo Ltd – All');
    expect(text).toContain('Seit 24 Stunden keine erfolgreiche Sicherung');
    expect(text).toContain('Bravo Ltd – Teams (zuletzt erfolgreich am 22.11.2026, 09:00 Europe/Berlin)');
    expect(text).toMatch(/Lizenznutzung ab 80\s%/);
    expect(text).toContain('Acme Corp: 85 / 100 (85 %)');
    expect(text).toContain('Einladungen seit mehr als 7 Tagen offen\n  - Delta Dental: it@delta-dental.com (eingeladen am 14.11.2026)');
    expect(text).not.toContain('new@delta-dental.com'); // invited yesterday: not pending long enough
    expect(text).toContain('Oktober 2026: Überfällig, fällig bis 03.11.2026');
    expect(text).toContain('Letzte 24 Stunden');
    expect(partner.html).toContain('<h2 style="font-size:16px;margin:16px 0 4px">Fehlgeschlagene Richtlinien</h2>');

    // The Teams channel: a valid card, only the sections its topics cover.
    const [posted] = receiver.requests('/digest');
    const card = (posted!.body as { attachments: { content: unknown }[] }).attachments[0]!.content;
    expect(validateCard(card, { measure: posted!.body }).errors).toEqual([]);
    const cardText = JSON.stringify(card);
    expect(cardText).toContain('Fehlgeschlagene Richtlinien');
    expect(cardText).toContain('Seit 24 Stunden keine erfolgreiche Sicherung');
    expect(cardText).not.toContain('Lizenznutzung ab'); // licenseThreshold is not among its topics
    expect(cardText).toContain('Einladungen seit mehr als 7 Tagen offen'); // partner contacts always see pending invitations
    expect(cardText).toContain('0 Sicherungen fehlgeschlagen');
    expect(cardText).not.toContain('Sicherungen abgeschlossen'); // backupComplete is not among its topics

    // The customer's mailbox: English, only its own customer, no partner-only sections.
    const customer = smtp.mails.find((m) => m.to[0] === 'it@acme.com')!;
    expect(customer.subject).toBe('SP Hub: Daily summary for 24 Nov 2026 – Acme Corp: 1 failed');
    expect(customer.text).toContain('Failed policies\n  - Mail (');
    expect(customer.text).toContain('Acme Corp: 85 / 100 (85%)');
    expect(customer.text).not.toContain('Bravo');
    expect(customer.text).not.toContain('Delta');
    expect(customer.text).not.toContain('October 2026');

    // Nobody else got a digest; the on-call contact gets failures one by one instead.
    expect(smtp.mails.map((m) => m.to[0] ?? '').sort()).toEqual(['it@acme.com', 'service-desk@northwind-msp.com']);
  });

  it('sends nothing immediately to contacts that prefer the digest', async () => {
    const [digestMail, digestTeams, oncall] = await world();
    await t.hub.ctx.events.emit({
      type: 'session.finished',
      customerId: 'cus_acme',
      subject: { type: 'policy', id: 'pol_acme_mail', name: 'Mail' },
      data: { policyId: 'pol_acme_mail', policyName: 'Mail', status: 'Failed' },
    });
    await t.hub.ctx.services.notifications.flush();
    const immediate = [...t.hub.ctx.store.all(outboxMessages)].filter((m) => m.topic === 'backupFailed').map((m) => m.recipient.contactId);
    expect(immediate).toContain(oncall!.id);
    expect(immediate).not.toContain(digestMail!.id);
    expect(immediate).not.toContain(digestTeams!.id);
  });

  it('comes again the next day, never twice for a day (also when run again after a restart)', async () => {
    await world();
    clock.advance(HOUR);
    await digestJob().tick();
    expect(digests()).toHaveLength(3);
    // Running the same day again (as a restarted hub whose state was lost would) adds nothing.
    expect(await digestJob().run('2026-11-24')).toEqual({ date: '2026-11-24', messages: 0 });
    clock.advance(DAY - 2 * HOUR); // next day, 09:00 Berlin: too early
    expect(await digestJob().tick()).toBeNull();
    clock.advance(2 * HOUR);
    expect(await digestJob().tick()).toEqual({ date: '2026-11-25', messages: 3 });
    expect(new Set(digests().map((m) => m.dedupeKey.split('|')[0]))).toEqual(new Set(['digest:2026-11-24', 'digest:2026-11-25']));
  });

  it('says when all is quiet, and follows the configured sections', async () => {
    clock = new FakeClock(MORNING);
    t = await createTestHub({ clock, config: { env: { SPHUB_SMTP_URL: smtp.url } } });
    await t.admin.updateNotificationSettings({
      language: 'en',
      allowCustomerNotifications: true,
      contacts: [{ type: 'email', email: 'quiet@northwind-msp.com', topics: ['backupFailed'], delivery: 'digest' }],
      digest: { hour: 0, timeZone: 'UTC', sections: ['failed'] },
    });
    expect(await digestJob().tick()).toEqual({ date: '2026-11-24', messages: 1 });
    await deliver();
    expect(smtp.mails[0]!.subject).toBe('SP Hub: Daily summary for 24 Nov 2026 – Northwind Cloud Services');
    expect(smtp.mails[0]!.text).toContain('Nothing needs attention today.');
    expect(smtp.mails[0]!.text).not.toContain('Last 24 hours');
  });
});
