import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, type ApiClient } from '../../shared/api/client.js';
import type { ContactInput, PartnerNotificationSettingsInput } from '../../shared/schemas/notifications.js';
import { createTestHub, type TestHub } from '../../test/helpers/hub.js';
import { always, runOutbox, startWebhookReceiver, type WebhookReceiver } from '../../test/helpers/receivers.js';

async function failure(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

const settingsWith = (contacts: ContactInput[], extra: Partial<PartnerNotificationSettingsInput> = {}): PartnerNotificationSettingsInput => ({
  language: 'en',
  allowCustomerNotifications: true,
  contacts,
  ...extra,
});

let t: TestHub;
let admin: ApiClient;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver({ now: () => new Date() });
});
afterAll(() => receiver.close());
beforeEach(async () => {
  t = await createTestHub();
  admin = t.admin;
});
afterEach(() => t.close());

const customerInput = (name: string, domain: string) => ({ displayName: name, domain, contact: { firstName: 'Anna', lastName: 'Smith', email: `anna@${domain}` }, licenseLimit: 100 });

describe('partner notification settings', () => {
  it('starts with defaults and says how delivery is configured', async () => {
    const s = await admin.notificationSettings();
    expect(s).toMatchObject({ language: 'en', contacts: [], allowCustomerNotifications: true, updatedAt: null, digest: { hour: 7, timeZone: 'UTC', invitePendingDays: 7 } });
    expect(s.delivery).toMatchObject({ smtpConfigured: false, mailFrom: null, loopbackWebhooksAllowed: true });
    expect(s.delivery.allowedWebhookHosts).toContain('*.webhook.office.com');
  });

  it('saves contacts with ids, topics, delivery preference; keeps ids (and a broken mark) for the same address', async () => {
    const saved = await admin.updateNotificationSettings(
      settingsWith(
        [
          { type: 'email', email: 'NOC@Northwind-MSP.com', topics: ['backupFailed', 'backupFailed', 'staleProtection'] },
          { type: 'teams', webhookUrl: 'https://contoso.webhook.office.com/webhookb2/abc', topics: ['backupComplete'], delivery: 'digest', label: 'Ops channel' },
        ],
        { language: 'de', digest: { hour: 6, timeZone: 'Europe/Berlin' } },
      ),
    );
    expect(saved.language).toBe('de');
    expect(saved.digest).toEqual({ hour: 6, timeZone: 'Europe/Berlin', sections: ['failed', 'warning', 'stale', 'license', 'invites', 'reportDue', 'activity'], invitePendingDays: 7 });
    const [mail, teams] = saved.contacts;
    expect(mail).toMatchObject({ type: 'email', email: 'noc@northwind-msp.com', topics: ['backupFailed', 'staleProtection'], delivery: 'immediate', enabled: true, broken: null });
    expect(teams).toMatchObject({ type: 'teams', label: 'Ops channel', delivery: 'digest' });
    expect(mail!.id).toMatch(/^con_/);

    // The same list again without ids: same ids. Reordered with ids: same ids.
    const again = await admin.updateNotificationSettings(
      settingsWith([
        { type: 'teams', webhookUrl: 'https://contoso.webhook.office.com/webhookb2/abc', topics: [] },
        { type: 'email', email: 'noc@northwind-msp.com', topics: [] },
      ]),
    );
    expect(again.contacts.map((c) => c.id)).toEqual([teams!.id, mail!.id]);
    expect(again.digest.hour).toBe(6); // left out: kept
    expect((await admin.audit({ action: 'notification-settings.updated' })).total).toBe(2);
    // The audit never holds the webhook's secret path.
    expect(JSON.stringify((await admin.audit({ action: 'notification-settings.updated' })).items)).not.toContain('webhookb2/abc');
  });

  it('refuses bad contacts with 400 naming each field, and changes nothing', async () => {
    const cases: [ContactInput[], string, RegExp][] = [
      [[{ type: 'teams', webhookUrl: 'https://evil.example/hook', topics: [] }], 'body.contacts.0.webhookUrl', /allowed host/],
      [[{ type: 'teams', webhookUrl: 'http://contoso.webhook.office.com/x', topics: [] }], 'body.contacts.0.webhookUrl', /https/],
      [[{ type: 'teams', webhookUrl: 'not a url', topics: [] }], 'body.contacts.0.webhookUrl', /absolute URL/],
      [[{ type: 'email', email: 'not-an-email', topics: [] }], 'body.contacts.0.email', /email/],
      [[{ type: 'email', email: 'a@b.com', topics: ['everything' as never] }], 'body.contacts.0.topics.0', /./],
      [
        [
          { type: 'email', email: 'a@b.com', topics: [] },
          { type: 'email', email: 'A@B.com', topics: [] },
        ],
        'body.contacts.1.email',
        /same as contact 0/,
      ],
      [[{ type: 'pager' as never, email: 'a@b.com', topics: [] } as never], 'body.contacts.0.type', /./],
      [[{ type: 'email', email: 'a@b.com', topics: [], color: 'red' } as never], 'body.contacts.0.color', /not a known field/],
    ];
    for (const [contacts, field, message] of cases) {
      const error = await failure(admin.updateNotificationSettings(settingsWith(contacts)));
      expect(error.status, field).toBe(400);
      const detail = error.details.find((d) => d.field === field);
      expect(detail, `${field}: ${JSON.stringify(error.details)}`).toBeDefined();
      expect(detail!.message).toMatch(message);
    }
    expect((await failure(admin.updateNotificationSettings({ ...settingsWith([]), digest: { hour: 25, timeZone: 'Mars/Olympus' } }))).details.map((d) => d.field)).toEqual([
      'body.digest.hour',
      'body.digest.timeZone',
    ]);
    expect((await admin.notificationSettings()).updatedAt).toBeNull();
  });

  it('allows loopback webhooks only outside production', async () => {
    const url = receiver.url('/hook');
    expect((await admin.updateNotificationSettings(settingsWith([{ type: 'teams', webhookUrl: url, topics: [] }]))).contacts).toHaveLength(1);
    const prod = await createTestHub({ config: { production: true } });
    try {
      const error = await failure(prod.admin.updateNotificationSettings(settingsWith([{ type: 'teams', webhookUrl: url, topics: [] }])));
      expect(error.details).toEqual([{ field: 'body.contacts.0.webhookUrl', message: 'must not point to this machine in production' }]);
      expect((await prod.admin.notificationSettings()).delivery.loopbackWebhooksAllowed).toBe(false);
    } finally {
      await prod.close();
    }
  });

  it('needs siteSettings to read or change them', async () => {
    const { client } = await t.userWith(['customerManagement', 'backupManagement', 'userManagement']);
    for (const call of [client.notificationSettings(), client.updateNotificationSettings(settingsWith([])), client.testNotificationContact({ contactId: 'con_x' })]) {
      const error = await failure(call);
      expect(error.status).toBe(403);
      expect(error.message).toContain('"siteSettings"');
    }
    const { client: settings } = await t.userWith(['siteSettings']);
    expect((await settings.updateNotificationSettings(settingsWith([{ type: 'email', email: 'x@northwind-msp.com', topics: [] }]))).contacts).toHaveLength(1);
  });
});

describe('test sends', () => {
  it('posts a test card to a Teams webhook and reports the outcome; 410 marks the contact broken, a later success clears it', async () => {
    const ok = receiver.url('/test-ok');
    const gone = receiver.url('/test-gone');
    receiver.on('/test-gone', always(410, { body: 'Gone' }));
    const saved = await admin.updateNotificationSettings(
      settingsWith(
        [
          { type: 'teams', webhookUrl: ok, topics: [] },
          { type: 'teams', webhookUrl: gone, topics: ['backupFailed'] },
        ],
        { language: 'de' },
      ),
    );
    const [okContact, goneContact] = saved.contacts;

    const sent = await admin.testNotificationContact({ contactId: okContact!.id });
    expect(sent).toMatchObject({ contactId: okContact!.id, ok: true, outcome: 'delivered', status: 202 });
    const body = receiver.requests('/test-ok').at(-1)!.body as { type: string; attachments: { contentType: string; content: { version: string; body: unknown[] } }[] };
    expect(body.type).toBe('message');
    expect(body.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(body.attachments[0]!.content.version).toBe('1.5');
    expect(JSON.stringify(body)).toContain('SP Hub-Testbenachrichtigung'); // the contact's language
    expect((await admin.testNotificationContact({ contactId: okContact!.id, language: 'en' })).ok).toBe(true);
    expect(JSON.stringify(receiver.requests('/test-ok').at(-1)!.body)).toContain('SP Hub test notification');

    const failed = await admin.testNotificationContact({ contactId: goneContact!.id });
    expect(failed).toMatchObject({ ok: false, outcome: 'gone', status: 410 });
    expect(failed.message).toMatch(/marked broken/);
    const broken = (await admin.notificationSettings()).contacts[1]!;
    expect(broken.broken).toMatchObject({ status: 410, at: t.clock.now().toISOString() });
    expect(broken.broken!.reason).toMatch(/410/);
    // Saving the same URL keeps the mark; the channel comes back and a test clears it.
    expect((await admin.updateNotificationSettings(settingsWith(saved.contacts.map(({ broken: _b, ...c }) => c as ContactInput)))).contacts[1]!.broken).not.toBeNull();
    receiver.on('/test-gone', always(202));
    expect((await admin.testNotificationContact({ contactId: goneContact!.id })).ok).toBe(true);
    expect((await admin.notificationSettings()).contacts[1]!.broken).toBeNull();
    expect((await admin.audit({ action: 'notification-contact.tested' })).total).toBe(4);
  });

  it('says why nothing was sent: no SMTP, an example contact, a refusal, an unknown contact', async () => {
    receiver.on('/test-500', always(500, { body: 'boom' }));
    await admin.updateNotificationSettings(
      settingsWith([
        { type: 'email', email: 'noc@northwind-msp.com', topics: [] },
        { type: 'teams', webhookUrl: receiver.url('/test-500'), topics: [] },
      ]),
    );
    const [mail, teams] = (await admin.notificationSettings()).contacts;
    expect(await admin.testNotificationContact({ contactId: mail!.id })).toMatchObject({ ok: false, outcome: 'no-smtp' });
    expect(await admin.testNotificationContact({ contactId: teams!.id })).toMatchObject({ ok: false, outcome: 'failed', status: 500, message: 'The webhook answered 500: boom.' });
    expect((await failure(admin.testNotificationContact({ contactId: 'con_nobody' }))).status).toBe(404);
    expect((await failure(admin.testNotificationContact({} as never))).details).toContainEqual({ field: 'body.contactId', message: expect.any(String) });

    const seeded = await createTestHub({ seed: true });
    try {
      const example = (await seeded.admin.notificationSettings()).contacts.find((c) => c.example)!;
      expect(example).toMatchObject({ type: 'teams', enabled: false, example: true });
      expect(await seeded.admin.testNotificationContact({ contactId: example.id })).toMatchObject({ ok: false, outcome: 'example' });
    } finally {
      await seeded.close();
    }
  });
});

describe('customer notification settings', () => {
  it("follows the partner's defaults until saved, then keeps its own", async () => {
    const c = await admin.createCustomer(customerInput('Fabrikam Legal LLP', 'fabrikam-legal.com'));
    const inherited = await admin.customerNotifications(c.id);
    expect(inherited).toMatchObject({ customerId: c.id, inherited: true, effective: true, allowSystemNotifications: true, language: 'en', contacts: [], updatedAt: null });

    await admin.updateNotificationSettings(settingsWith([], { customerDefaults: { allowSystemNotifications: true, language: 'de', topics: ['backupFailed'], notifyPrimaryContact: true } }));
    const withPrimary = await admin.customerNotifications(c.id);
    expect(withPrimary.language).toBe('de');
    expect(withPrimary.contacts).toEqual([{ id: 'primary-contact', type: 'email', email: 'anna@fabrikam-legal.com', topics: ['backupFailed'], delivery: 'immediate', enabled: true, broken: null }]);

    const saved = await admin.updateCustomerNotifications(c.id, {
      allowSystemNotifications: true,
      language: 'en',
      contacts: [
        { type: 'email', email: 'it@fabrikam-legal.com', topics: ['restoreActivity'] },
        { type: 'teams', webhookUrl: 'https://fabrikam.webhook.office.com/webhookb2/x', topics: ['backupFailed'], delivery: 'digest' },
      ],
    });
    expect(saved).toMatchObject({ inherited: false, effective: true, language: 'en', updatedAt: t.clock.now().toISOString() });
    expect(saved.contacts.map((x) => x.type)).toEqual(['email', 'teams']);
    // Defaults changing later leave a customer with its own settings alone.
    await admin.updateNotificationSettings(settingsWith([], { allowCustomerNotifications: false }));
    const after = await admin.customerNotifications(c.id);
    expect(after.contacts).toHaveLength(2);
    expect(after.effective).toBe(false); // the partner turned customer notifications off
    expect((await admin.audit({ action: 'customer.notifications-updated' })).items[0]).toMatchObject({ target: { type: 'customer', id: c.id } });
  });

  it('validates like the partner settings, answers 404 for unknown customers and needs customerManagement', async () => {
    const c = await admin.createCustomer(customerInput('Contoso', 'contoso-legal.com'));
    const error = await failure(
      admin.updateCustomerNotifications(c.id, { allowSystemNotifications: true, language: 'fr' as never, contacts: [{ type: 'teams', webhookUrl: 'https://evil.example/x', topics: [] }] }),
    );
    expect(error.status).toBe(400);
    expect(error.details.map((d) => d.field)).toContain('body.language');
    const hostError = await failure(
      admin.updateCustomerNotifications(c.id, { allowSystemNotifications: true, language: 'de', contacts: [{ type: 'teams', webhookUrl: 'https://evil.example/x', topics: [] }] }),
    );
    expect(hostError.details[0]!.field).toBe('body.contacts.0.webhookUrl');
    expect((await admin.customerNotifications(c.id)).inherited).toBe(true);

    expect((await failure(admin.customerNotifications('cus_missing'))).status).toBe(404);
    expect((await failure(admin.updateCustomerNotifications('cus_missing', { allowSystemNotifications: true, language: 'en', contacts: [] }))).status).toBe(404);

    const { client } = await t.userWith(['siteSettings']);
    const denied = await failure(client.customerNotifications(c.id));
    expect(denied.status).toBe(403);
    expect(denied.message).toContain('"customerManagement"');
    const { client: manager } = await t.userWith(['customerManagement']);
    expect((await manager.updateCustomerNotifications(c.id, { allowSystemNotifications: false, language: 'de', contacts: [] })).allowSystemNotifications).toBe(false);
  });

  it("test-sends to a customer's contact", async () => {
    const c = await admin.createCustomer(customerInput('Tailspin', 'tailspin-toys.com'));
    const saved = await admin.updateCustomerNotifications(c.id, {
      allowSystemNotifications: true,
      language: 'de',
      contacts: [{ type: 'teams', webhookUrl: receiver.url('/customer-hook'), topics: ['backupFailed'] }],
    });
    expect(await admin.testCustomerNotificationContact(c.id, { contactId: saved.contacts[0]!.id })).toMatchObject({ ok: true, outcome: 'delivered' });
    expect(JSON.stringify(receiver.requests('/customer-hook').at(-1)!.body)).toContain('Testbenachrichtigung');
    expect((await failure(admin.testCustomerNotificationContact(c.id, { contactId: 'con_other' }))).status).toBe(404);
  });
});

describe('outbox API', () => {
  it('lists messages with filters and counts, shows one with its content, retries only dead ones', async () => {
    receiver.on('/api-gone', always(410));
    const saved = await admin.updateNotificationSettings(
      settingsWith([
        { type: 'email', email: 'noc@northwind-msp.com', topics: ['backupFailed'] },
        { type: 'teams', webhookUrl: receiver.url('/api-ok'), topics: ['backupFailed', 'backupComplete'] },
        { type: 'teams', webhookUrl: receiver.url('/api-gone'), topics: ['backupFailed'] },
      ]),
    );
    const [mail, ok, gone] = saved.contacts;
    const { events, services } = t.hub.ctx;
    for (const [i, status] of ['Failed', 'Success', 'Failed'].entries()) {
      await events.emit({
        type: 'session.finished',
        customerId: 'cus_1',
        subject: { type: 'policy', id: `pol_${i}`, name: `Policy ${i}` },
        data: { policyId: `pol_${i}`, policyName: `Policy ${i}`, status },
      });
    }
    await services.notifications.flush();
    let page = await admin.outbox();
    // Two failures x three contacts + one completion x one; of the two mails (no SMTP) one is held, one is in the history.
    expect(page.total).toBe(6);
    expect(page.counts).toMatchObject({ pending: 5, 'undeliverable-no-smtp': 1 });
    expect(page.destinations).toEqual([expect.objectContaining({ state: 'undeliverable-no-smtp', messages: 2, recipient: expect.objectContaining({ contactId: mail!.id }) })]);
    expect((await admin.outbox({ state: 'undeliverable-no-smtp' })).items.every((m) => m.recipient.contactId === mail!.id)).toBe(true);
    expect((await admin.outbox({ topic: 'backupComplete' })).items).toHaveLength(1);
    expect((await admin.outbox({ contactId: ok!.id, pageSize: 2 })).items).toHaveLength(2);
    expect((await admin.outbox({ contactId: ok!.id, pageSize: 2, page: 2 })).items).toHaveLength(1);
    const okMessage = (await admin.outbox({ contactId: ok!.id, topic: 'backupComplete' })).items[0]!;
    expect(okMessage.recipient).toEqual({ scope: 'partner', contactId: ok!.id, type: 'teams', target: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/…$/) });
    const detail = await admin.outboxMessage(okMessage.id);
    expect(detail.payload).toMatchObject({ type: 'teams', body: { type: 'message' } });
    expect(detail.summary).toBe('Backup complete: cus_1 – Policy 1');
    expect((await failure(admin.outboxMessage('obx_missing'))).status).toBe(404);

    await runOutbox(services.notificationJobs.dispatcher, t.clock);
    page = await admin.outbox();
    expect(page.counts).toMatchObject({ delivered: 3, dead: 2, pending: 0, 'undeliverable-no-smtp': 1 });
    const delivered = await admin.outboxMessage(okMessage.id);
    expect(delivered).toMatchObject({ state: 'delivered', attempts: 1, payload: null });

    // Dead because the channel is gone: retrying is refused until the contact is fixed.
    const deadOne = (await admin.outbox({ state: 'dead' })).items[0]!;
    expect(deadOne.recipient.contactId).toBe(gone!.id);
    expect(deadOne.lastError?.message).toMatch(/410|marked broken/);
    const refused = await failure(admin.retryOutboxMessage(deadOne.id));
    expect(refused.status).toBe(409);
    expect(refused.message).toMatch(/marked broken/);
    expect((await failure(admin.retryOutboxMessage(okMessage.id))).status).toBe(409); // delivered
    expect((await failure(admin.retryOutboxMessage('obx_missing'))).status).toBe(404);

    // The channel is back: a successful test clears the mark, and the dead messages can go again.
    receiver.on('/api-gone', always(202));
    await admin.testNotificationContact({ contactId: gone!.id });
    const retried = await admin.retryOutboxMessage(deadOne.id);
    expect(retried).toMatchObject({ state: 'pending', attempts: 0 });
    await runOutbox(services.notificationJobs.dispatcher, t.clock);
    expect((await admin.outboxMessage(deadOne.id)).state).toBe('delivered');
    expect((await admin.audit({ action: 'outbox.retried' })).total).toBe(1);

    // Reading needs only monitoring; retrying needs siteSettings.
    const { client } = await t.userWith([]);
    expect((await client.outbox()).total).toBe(6);
    expect((await failure(client.retryOutboxMessage(deadOne.id))).status).toBe(403);
  });
});
