import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateCard } from '../../../shared/cards/validate.js';
import { FakeClock, MINUTE } from '../../../shared/domain/clock.js';
import { systemClock } from '../../../shared/domain/clock.js';
import { createTestHub, type TestHub } from '../../../test/helpers/hub.js';
import { runOutbox, startWebhookReceiver, type WebhookReceiver } from '../../../test/helpers/receivers.js';
import { createApp, type HubApp } from '../../app.js';
import { systemPrincipal } from '../../auth/principal.js';
import { advance, MORNING, putMorning, ScriptedRunner } from '../backup/testing.js';
import { outboxMessages } from './outbox-record.js';
import { notificationState } from './interfaces.js';

// The other areas' real events, end to end: an operation in the hub, its domain event, the
// outbox message, the card at a real webhook.

let receiver: WebhookReceiver;
let t: TestHub;
beforeAll(async () => {
  receiver = await startWebhookReceiver({ now: () => new Date() });
});
afterAll(() => receiver.close());
afterEach(() => t?.close());

const ALL_TOPICS = ['backupComplete', 'backupFailed', 'restoreActivity', 'licenseChange', 'staleProtection', 'licenseThreshold', 'usageReportDue', 'serviceStatus'] as const;

describe('events from the other areas become notifications', () => {
  it('failed and completed sessions, restores, license changes, raised alerts and usage reports', async () => {
    const clock = new FakeClock(MORNING);
    const runner = new ScriptedRunner([
      { status: 'Failed', summary: 'Mailbox quota exceeded', durationMs: 2 * MINUTE },
      { status: 'Success', durationMs: MINUTE },
    ]);
    t = await createTestHub({ clock, services: { runner } });
    await putMorning(t.hub);
    const path = '/every-topic';
    await t.admin.updateNotificationSettings({ language: 'en', allowCustomerNotifications: true, contacts: [{ type: 'teams', webhookUrl: receiver.url(path), topics: [...ALL_TOPICS] }] });
    const summaries = async () => {
      await t.hub.ctx.services.notifications.flush();
      return [...t.hub.ctx.store.all(outboxMessages)].map((m) => `${m.topic}: ${m.summary}`);
    };

    await t.admin.startPolicy('pol_acme_sites');
    await advance(t.hub, clock, 3 * MINUTE);
    await t.admin.startPolicy('pol_acme_sites');
    await advance(t.hub, clock, 3 * MINUTE);
    const restore = await t.admin.createRestore({ customerId: 'cus_acme', kind: 'oneDriveFile', item: '/Finance/Q3.xlsx', requestedBy: 'Ada Admin' });
    await t.admin.updateRestore(restore.id, { status: 'Success', restoredItems: 1 });
    await t.admin.updateCustomer('cus_bravo', { licenseLimit: 60 });
    await t.hub.ctx.services.alerts.monitor();
    await t.hub.ctx.services.usage.generate('2026-10', systemPrincipal());
    await t.hub.ctx.services.usage.announce(clock.now());

    expect((await summaries()).sort()).toEqual(
      [
        'backupFailed: Backup failed: Acme Corp – Sites',
        'backupComplete: Backup complete: Acme Corp – Sites',
        'restoreActivity: Restore activity: Acme Corp – OneDrive file (Requested)',
        'restoreActivity: Restore activity: Acme Corp – OneDrive file (Completed)',
        'licenseChange: License change: Bravo Ltd (100 → 60)',
        'staleProtection: No recent successful backup: Acme Corp – Mail',
        'staleProtection: No recent successful backup: Bravo Ltd – Teams',
        'staleProtection: No recent successful backup: Charlie GmbH – All',
        'licenseThreshold: License usage at 85%: Acme Corp',
        'licenseThreshold: License usage at 83%: Bravo Ltd',
        'usageReportDue: Usage report overdue: October 2026',
      ].sort(),
    );

    await runOutbox(t.hub.ctx.services.notificationJobs.dispatcher, clock);
    const posted = receiver.requests(path);
    expect(posted).toHaveLength(11);
    for (const request of posted) {
      const card = (request.body as { attachments: { content: unknown }[] }).attachments[0]!.content;
      expect(validateCard(card, { measure: request.body }).errors).toEqual([]);
    }
    const failedCard = JSON.stringify(posted.find((r) => JSON.stringify(r.body).includes('Mailbox quota exceeded'))!.body);
    expect(failedCard).toContain('Backup failed');
  });
});

describe('turning events into messages', () => {
  it('writes the messages of events that arrive together in one store write, each event once', async () => {
    t = await createTestHub({ clock: new FakeClock(MORNING) });
    await t.admin.updateNotificationSettings({
      language: 'en',
      allowCustomerNotifications: true,
      contacts: ['/together-a', '/together-b'].map((path) => ({ type: 'teams' as const, webhookUrl: receiver.url(path), topics: ['backupFailed' as const] })),
    });
    const { store, events, services } = t.hub.ctx;
    const failed = (i: number) =>
      events.emit({ type: 'session.finished', customerId: 'cus_x', subject: { type: 'policy', id: `pol_t${i}`, name: `T${i}` }, data: { policyId: `pol_t${i}`, status: 'Failed' } });
    await failed(0);
    await services.notifications.flush();
    const writesBefore = store.version;
    await Promise.all(Array.from({ length: 30 }, (_, i) => failed(i + 1)));
    await services.notifications.flush();
    expect(store.version - writesBefore).toBe(1);
    const all = [...store.all(outboxMessages)];
    expect(all).toHaveLength(62);
    expect(new Set(all.map((m) => `${m.eventId}|${m.recipient.contactId}`)).size).toBe(62);
    expect(store.get(notificationState, 'cursor')).toMatchObject({ eventId: events.lastId });
  });
});

describe('the running hub', () => {
  it('delivers on its own once started, on the real clock', async () => {
    const hub: HubApp = await createApp({ clock: systemClock, config: { dataDir: null, demo: false, adminKey: 'sph_running_hub_key_000000000000000000' } });
    try {
      await hub.start();
      const path = '/running';
      await hub.ctx.services.notifications.settings.updatePartner(systemPrincipal(), {
        language: 'en',
        allowCustomerNotifications: true,
        contacts: [{ type: 'teams', webhookUrl: receiver.url(path), topics: ['backupFailed'], delivery: 'immediate', enabled: true }],
      });
      for (let i = 0; i < 3; i++) {
        await hub.ctx.events.emit({ type: 'session.finished', customerId: 'cus_x', subject: { type: 'policy', id: `pol_r${i}`, name: `R${i}` }, data: { policyId: `pol_r${i}`, status: 'Failed' } });
      }
      const deadline = Date.now() + 10_000;
      while (receiver.requests(path).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(receiver.requests(path)).toHaveLength(3);
      const times = receiver.requests(path).map((r) => r.at);
      expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(450); // paced at 4 a second, on the real clock
    } finally {
      await hub.close();
    }
    expect(hub.banner('http://127.0.0.1:3978').some((line) => line.includes('no SMTP configured'))).toBe(true);
  });
});
