import { afterEach, describe, expect, it } from 'vitest';
import { errorCard } from '../../bot/errors.js';
import { FakeClock } from '../../shared/domain/clock.js';
import { policies } from '../../server/services/backup/collections.js';
import { ALEX, createBotWorld, type BotWorld } from '../helpers/bot.js';
import { activeCustomer, failure, pendingCustomer } from '../helpers/guide.js';
import { ADMIN_KEY, createTestHub, type TestHub } from '../helpers/hub.js';
import { listen } from '../standins/listen.js';
import { createVdcStandin } from '../standins/vdc/server.js';

// Refusals and alert reasons are read by operators in Teams: a German user gets them in German.
// Each refusal is asked for twice, in English and in German; the German answer must not contain
// the English sentence (nor its start), and must be the catalog's German text.

let t: TestHub | undefined;
let world: BotWorld | undefined;
afterEach(async () => {
  await t?.close();
  await world?.close();
  t = world = undefined;
});

/** The first words of a sentence: enough to see an English sentence left in a German answer. */
const opening = (sentence: string) => sentence.split(/\s+/).slice(0, 4).join(' ');

async function bothLanguages(hub: TestHub, call: (client: TestHub['admin']) => Promise<unknown>) {
  const english = await failure(call(hub.admin));
  const german = await failure(call(hub.client(ADMIN_KEY, { 'accept-language': 'de-DE,de;q=0.9' })));
  expect(german.status).toBe(english.status);
  expect(german.code).toBe(english.code);
  expect(german.message).not.toBe(english.message);
  expect(german.message).not.toContain(opening(english.message));
  return { english, german };
}

describe('the API answers refusals in the caller’s language', () => {
  it('invites outside the domain, resending without invites, inviting an onboarded customer', async () => {
    t = await createTestHub();
    const pending = await pendingCustomer(t);
    const outside = await bothLanguages(t, (api) => api.sendInvites(pending.id, 'anna@fabrikam-legal.com, bob@gmail.com'));
    expect(outside.english.message).toBe("Invites go only to addresses inside fabrikam-legal.com: bob@gmail.com is outside the customer's domain fabrikam-legal.com.");
    expect(outside.german.message).toBe('Einladungen gehen nur an Adressen innerhalb von fabrikam-legal.com: bob@gmail.com liegt außerhalb der Domain fabrikam-legal.com des Kunden.');
    const malformed = await bothLanguages(t, (api) => api.sendInvites(pending.id, 'not-an-address, bob@gmail.com'));
    expect(malformed.german.message).toContain('not-an-address ist keine gültige E-Mail-Adresse; bob@gmail.com liegt außerhalb');
    expect((await bothLanguages(t, (api) => api.resendInvites(pending.id))).german.message).toContain('hat keine offenen Einladungen');
    const active = await activeCustomer(
      t,
      { displayName: 'Contoso Legal', domain: 'contoso-legal.com', contact: { firstName: 'A', lastName: 'B', email: 'a@contoso-legal.com' } } as never,
      'contosolegal.onmicrosoft.com',
    );
    const onboarded = await bothLanguages(t, (api) => api.sendInvites(active.id, 'x@contoso-legal.com'));
    expect(onboarded.german.message).toBe('Contoso Legal ist bereits eingerichtet; das Einladen ist nur bei Kunden möglich, die noch nicht eingerichtet sind.');
  });

  it('a licence change while licence management is suspended', async () => {
    t = await createTestHub({ clock: new FakeClock('2026-11-02T08:00:00Z') });
    const c = await activeCustomer(t);
    const tick = () => t!.hub.ctx.services.usageScheduler.tick();
    await tick();
    for (const at of ['2026-12-01T06:00:00Z', '2026-12-04T00:10:00Z', '2027-01-01T06:00:00Z', '2027-01-04T00:10:00Z']) {
      t.clock.set(at);
      await tick();
    }
    const { german } = await bothLanguages(t, (api) => api.updateCustomer(c.id, { licenseLimit: 250 }));
    expect(german.message).toBe(
      'Die Lizenzverwaltung ist gesperrt: Die Nutzungsberichte für November 2026 und Dezember 2026 sind beide überfällig, daher lassen sich Lizenzen nicht ändern. ' +
        'Um die Sperre aufzuheben, reichen Sie den überfälligen Nutzungsbericht für November 2026 oder Dezember 2026 ein (POST /usage-reports/2026-11/submit, dann /confirm).',
    );
    // The card the bot makes of it is German throughout: heading and the hub's sentence.
    const card = JSON.stringify(errorCard(german, 'de', { hubUrl: 'http://hub.test' } as never));
    expect(card).toContain('Lizenzverwaltung ausgesetzt');
    expect(card).toContain('Um die Sperre aufzuheben');
    expect(card).not.toContain('To lift the suspension');
    // The usage area's alerts (the suspension, the overdue reports) come in German too.
    const alerts = await t.client(ADMIN_KEY, { 'accept-language': 'de' }).alerts({ pageSize: 50 });
    const usage = alerts.items.filter((a) => a.source === 'usage-reports');
    expect(usage.map((a) => a.kind)).toContain('licenseManagementSuspended');
    for (const a of usage) expect(a.reason).toMatch(/^(Die Lizenzverwaltung ist gesperrt|Der Nutzungsbericht )/);
    const english = await t.admin.alerts({ pageSize: 50 });
    expect(english.items.find((a) => a.kind === 'licenseManagementSuspended')?.reason).toMatch(/^License management is suspended: the usage reports for November 2026 and December 2026/);
    // So do the usage reports' warnings (the extension shows them on the Pulse pages as they come).
    const germanApi = t.client(ADMIN_KEY, { 'accept-language': 'de' });
    const report = await germanApi.usageReport('2026-11');
    expect(report.warnings).toEqual([
      'Die Lizenzverwaltung ist gesperrt: Die Nutzungsberichte für November 2026 und Dezember 2026 sind beide überfällig. Reichen Sie sie ein, um die Sperre aufzuheben.',
      `Dieser Bericht war bis ${report.dueDate} fällig und ist überfällig: Reichen Sie ihn jetzt ein und bestätigen Sie ihn.`,
    ]);
    expect((await t.admin.usageReport('2026-11')).warnings[1]).toBe(`This report was due by ${report.dueDate} and is overdue: submit and confirm it now.`);
    expect((await germanApi.usageReports({})).summary.warnings).toContain(`Der Nutzungsbericht für November 2026 war bis ${report.dueDate} fällig und ist überfällig.`);
    expect((await germanApi.usageReport('2027-01')).warnings.at(-1)).toBe('Zwischenstand für Januar 2027 (höchste Tageszählungen bis jetzt); der Bericht wird am 2027-02-01 erstellt.');
  });

  it('usage reports refused for a month that is not over', async () => {
    t = await createTestHub({ clock: new FakeClock('2026-11-10T08:00:00Z') });
    const { german } = await bothLanguages(t, (api) => api.usageReport('2026-12'));
    expect(german.message).toBe('Für Dezember 2026 gibt es noch keine Nutzung.');
  });

  it('connection refusals', async () => {
    t = await createTestHub();
    const { german } = await bothLanguages(t, (api) => api.createConnection({ kind: 'vdc', name: 'VDC', baseUrl: 'https://vdc.example.com', auth: { type: 'apiKey', apiKey: 'k' } } as never));
    expect(german.message).toBe('Eine VDC-Verbindung gehört zu genau einem Kunden: Geben Sie customerId an.');
  });
});

describe('a German Teams user gets German refusals in cards', () => {
  it('inviting an address outside the customer’s domain', async () => {
    world = await createBotWorld({ seed: false });
    await world.link(ALEX, 'admin');
    const c = await pendingCustomer(world);
    const german = JSON.stringify(await world.say(`einladen "${c.displayName}" bob@gmail.com`, { locale: 'de-DE' }));
    expect(german).toContain('Einladungen gehen nur an Adressen innerhalb von fabrikam-legal.com');
    expect(german).toContain('liegt außerhalb der Domain');
    expect(german).not.toContain('Invites go only');
    expect(german).not.toContain('is outside');
    const english = JSON.stringify(await world.say(`send invite "${c.displayName}" bob@gmail.com`, { locale: 'en-US' }));
    expect(english).toContain('Invites go only to addresses inside fabrikam-legal.com');
  });

  it('starting a policy that comes from the read-only VDC Public API', async () => {
    world = await createBotWorld({ seed: false });
    const vdc = createVdcStandin({ jobs: 2, days: 2 });
    const server = await listen(vdc.app);
    try {
      const customer = await world.admin.createCustomer({ displayName: 'Fabrikam', domain: 'fabrikam.com', contact: { firstName: 'A', lastName: 'B', email: 'a@fabrikam.com' } } as never);
      const c = await world.admin.createConnection({ kind: 'vdc', name: 'VDC EMEA', baseUrl: server.origin, customerId: customer.id, auth: { type: 'apiKey', apiKey: vdc.apiKey } });
      expect((await world.admin.syncConnection(c.id, { wait: true })).result).toBe('success');
      await world.link(ALEX, 'admin');
      const policy = [...world.hub.ctx.store.all(policies)].find((p) => p.source?.kind === 'vdc')!;
      const text = JSON.stringify(await world.say(`start policy "${policy.name}" for Fabrikam`, { locale: 'de-DE' }));
      expect(text).toContain(`Die Richtlinie „${policy.name}“ stammt aus der VDC Public API, die nur Lesezugriff bietet: Starten Sie sie im Veeam-Data-Cloud-Portal`);
      expect(text).not.toContain('read-only');
    } finally {
      await server.close();
    }
  });
});
