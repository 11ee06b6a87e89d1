import { DOMParser } from 'linkedom';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { FakeClock, HOUR } from '../../../shared/domain/clock.js';
import { failure } from '../../helpers/guide.js';
import { createTestHub, type TestHub } from '../../helpers/hub.js';
import { runOutbox, startSmtpServer, type SmtpReceiver } from '../../helpers/receivers.js';

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

async function hub(): Promise<TestHub> {
  t = await createTestHub({
    clock: new FakeClock('2026-11-10T00:00:00.000Z'),
    services: { statusSource: null },
    config: { env: { SPHUB_OUTBOX_BASE_DELAY_SECONDS: '1', SPHUB_SMTP_URL: smtp.url, SPHUB_SMTP_FROM: 'SP Hub <no-reply@northwind-msp.com>' } },
  });
  return t;
}

/** An Exchange backup outage in EMEA from the 10th 00:00, resolved six hours later. */
async function sixHourOutage(h: TestHub) {
  const incident = await h.admin.createStatusIncident({ kind: 'incident', title: 'Exchange backups fail <EMEA> & retry', state: 'outage', regions: ['EMEA'], services: ['exchangeBackup'] });
  h.clock.advance(6 * HOUR);
  await h.admin.updateStatusIncident(incident.id, { resolved: true });
  h.clock.advance(18 * HOUR);
  await h.hub.ctx.services.status.check();
  return incident;
}

// Guide, service status: "You can view the uptime of each service", and "You can click Subscribe
// to updates to set up receiving updates via email, RSS or Slack" (Slack is out of scope).
describe('status page: "the uptime of each service" and "Subscribe to updates"', () => {
  test('uptime per service over the period counts the outage only where it was', async () => {
    const h = await hub();
    await sixHourOutage(h);
    const view = await h.admin.statusUptime(1);
    const emea = view.regions.find((r) => r.region === 'EMEA')!;
    expect(emea.services.find((s) => s.service === 'exchangeBackup')).toMatchObject({ uptimePercent: 75, outageMinutes: 360 });
    expect(emea.services.find((s) => s.service === 'teamsBackup')?.uptimePercent).toBe(100);
    expect(view.regions.find((r) => r.region === 'APJ')!.services.every((s) => s.uptimePercent === 100)).toBe(true);
    expect((await failure(h.admin.raw('GET', '/status/uptime', { query: { days: 0 } }))).status).toBe(400);
  });

  test('the Atom feed needs no key and parses as XML with the incident and the changes', async () => {
    const h = await hub();
    await sixHourOutage(h);
    const res = await h.fetch('http://hub.test/api/v1/status/feed.atom');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/atom+xml');
    const doc = new DOMParser().parseFromString(await res.text(), 'text/xml');
    expect(doc.querySelector('parsererror')).toBeNull();
    const titles = [...doc.querySelectorAll('entry > title')].map((e) => e.textContent);
    expect(titles).toContain('Incident: Exchange backups fail <EMEA> & retry (resolved)');
    expect(titles).toContain('Microsoft Exchange backup (EMEA): outage');
    expect(titles).toContain('Microsoft Exchange backup (EMEA): operational');
    expect(doc.querySelector('feed > link[rel="self"]')?.getAttribute('href')).toBe('http://hub.test/api/v1/status/feed.atom');
  });

  test('an email subscriber gets the status change through the outbox, until unsubscribed', async () => {
    const h = await hub();
    const subscriber = await h.admin.subscribeToStatus({ email: 'NOC@northwind-msp.com', language: 'de' });
    expect(subscriber.email).toBe('noc@northwind-msp.com');
    expect((await failure(h.admin.subscribeToStatus({ email: 'noc@northwind-msp.com' }))).status).toBe(409);
    await sixHourOutage(h);
    await h.hub.ctx.services.notifications.flush();
    await runOutbox(h.hub.ctx.services.notificationJobs.dispatcher, h.clock);
    expect(smtp.mails.length).toBeGreaterThanOrEqual(2); // the outage, then its end
    expect(smtp.mails.every((m) => m.to[0] === 'noc@northwind-msp.com')).toBe(true);
    expect(smtp.mails[0]!.text).toContain('Microsoft Exchange backup');

    await h.admin.unsubscribeFromStatus(subscriber.id);
    const sent = smtp.mails.length;
    const again = await h.admin.createStatusIncident({ kind: 'incident', title: 'Teams slow', state: 'degraded', regions: ['APJ'], services: ['teamsBackup'] });
    await h.hub.ctx.services.notifications.flush();
    await runOutbox(h.hub.ctx.services.notificationJobs.dispatcher, h.clock);
    expect(smtp.mails.length).toBe(sent);
    expect(again.title).toBe('Teams slow');
  });
});
