import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { FakeClock } from '../../../shared/domain/clock.js';
import { pendingCustomer } from '../../helpers/guide.js';
import { createTestHub, type TestHub } from '../../helpers/hub.js';
import { runOutbox, startSmtpServer, type SmtpReceiver } from '../../helpers/receivers.js';

// Invitation and welcome mails go through a real SMTP server (the `smtp-server` package) on loopback.
let smtp: SmtpReceiver;
let t: TestHub | undefined;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp.close());
afterEach(async () => {
  await t?.close();
  t = undefined;
  smtp.mails.length = 0;
});

async function hub(withSmtp: boolean): Promise<TestHub> {
  const env: Record<string, string> = { SPHUB_OUTBOX_BASE_DELAY_SECONDS: '1' };
  if (withSmtp) Object.assign(env, { SPHUB_SMTP_URL: smtp.url, SPHUB_SMTP_FROM: 'SP Hub <no-reply@northwind-msp.com>' });
  t = await createTestHub({ clock: new FakeClock('2026-11-24T09:00:00.000Z'), config: { env, portalUrl: 'https://portal.example.test' } });
  return t;
}

const deliver = async (hub: TestHub) => {
  await hub.hub.ctx.services.notifications.flush();
  await runOutbox(hub.hub.ctx.services.notificationJobs.dispatcher, hub.clock);
};

// Guide: "Customers will receive an email with an invitation link"; "Clear the Send welcome email
// check box if you do not want the user to receive an email with an invitation link".
describe('"Customers will receive an email with an invitation link"', () => {
  test('an invite sends a mail with the invitation link to each address; a resend sends again', async () => {
    const h = await hub(true);
    const c = await pendingCustomer(h);
    await h.admin.sendInvites(c.id, 'it@fabrikam-legal.com, ida.tan@fabrikam-legal.com');
    await deliver(h);
    expect(smtp.mails.map((m) => m.to).sort((a, b) => String(a).localeCompare(String(b)))).toEqual([['ida.tan@fabrikam-legal.com'], ['it@fabrikam-legal.com']]);
    const mail = smtp.mails.find((m) => m.to[0] === 'it@fabrikam-legal.com')!;
    expect(mail.subject).toBe('Invitation to Veeam Data Cloud for Microsoft 365: Fabrikam Legal LLP');
    expect(mail.text).toContain('https://portal.example.test/signup?email=it%40fabrikam-legal.com');
    expect(mail.html).toContain('href="https://portal.example.test/signup?email=it%40fabrikam-legal.com');
    await h.admin.resendInvites(c.id, 'it@fabrikam-legal.com');
    await deliver(h);
    expect(smtp.mails.filter((m) => m.to[0] === 'it@fabrikam-legal.com')).toHaveLength(2);
    expect((await h.admin.outbox({ customerId: c.id, state: 'delivered' })).total).toBe(3);
  });

  test("in the customer's notification language (German)", async () => {
    const h = await hub(true);
    const c = await pendingCustomer(h);
    await h.admin.updateCustomerNotifications(c.id, { allowSystemNotifications: true, language: 'de', contacts: [] });
    await h.admin.sendInvites(c.id, 'it@fabrikam-legal.com');
    await deliver(h);
    expect(smtp.mails[0]!.subject).toBe('Einladung zu Veeam Data Cloud for Microsoft 365: Fabrikam Legal LLP');
    expect(smtp.mails[0]!.text).toContain('Einladung annehmen: https://portal.example.test/signup');
  });

  test('"Send welcome email": on, the new admin user gets a welcome mail with the link; cleared, nothing', async () => {
    const h = await hub(true);
    const c = await pendingCustomer(h);
    await h.admin.addCustomerAdmin(c.id, { email: 'ben.jones@fabrikam-legal.com', firstName: 'Ben', lastName: 'Jones' });
    await h.admin.addCustomerAdmin(c.id, { email: 'eva.lind@fabrikam-legal.com', firstName: 'Eva', lastName: 'Lind', sendWelcomeEmail: false });
    await deliver(h);
    expect(smtp.mails.map((m) => m.to[0])).toEqual(['ben.jones@fabrikam-legal.com']);
    expect(smtp.mails[0]!.subject).toBe('Welcome to Veeam Data Cloud for Microsoft 365: Fabrikam Legal LLP');
    expect(smtp.mails[0]!.text).toContain('Hello Ben,');
    expect(smtp.mails[0]!.text).toContain('https://portal.example.test/login?email=ben.jones%40fabrikam-legal.com');
  });

  test('a refused mail is retried through the outbox like any notification', async () => {
    const h = await hub(true);
    const c = await pendingCustomer(h);
    smtp.refuseNext(1, 451);
    await h.admin.sendInvites(c.id, 'it@fabrikam-legal.com');
    await deliver(h);
    expect(smtp.mails).toHaveLength(1);
    const [message] = (await h.admin.outbox({ customerId: c.id })).items;
    expect(message).toMatchObject({ topic: 'invitation', state: 'delivered', attempts: 2 });
  });

  test('without SMTP the invitation stays visibly undelivered in the outbox', async () => {
    const h = await hub(false);
    const c = await pendingCustomer(h);
    await h.admin.sendInvites(c.id, 'it@fabrikam-legal.com');
    await deliver(h);
    const waiting = await h.admin.outbox({ customerId: c.id, state: 'undeliverable-no-smtp' });
    expect(waiting.items).toEqual([expect.objectContaining({ topic: 'invitation', recipient: expect.objectContaining({ target: 'it@fabrikam-legal.com' }) })]);
  });
});
