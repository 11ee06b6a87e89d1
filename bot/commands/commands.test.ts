import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../shared/i18n/index.js';
import { TOPICS } from '../../shared/schemas/notifications.js';
import { ALEX, buttonsOf, CHANNEL, createBotWorld, findButton, textOf, type BotWorld, type TeamsUser } from '../../test/helpers/bot.js';
import type { AdaptiveCard } from '../../shared/cards/kit.js';
import { validateCard } from '../../shared/cards/validate.js';
import { commands } from './registry.js';
import { healthLine } from '../../shared/cards/customers.js';
import { policyCard } from '../../shared/cards/policies.js';
import { maintenanceName } from '../../shared/cards/service-status.js';
import type { CustomerHealth } from '../../shared/schemas/monitoring.js';

/** Every answer is a valid Adaptive Card 1.5 under the 40 KB a bot message may have. */
function valid(card: AdaptiveCard | undefined): AdaptiveCard {
  expect(card, 'the bot answered with a card').toBeDefined();
  const result = validateCard(card, { limitBytes: 38 * 1024 });
  expect(result.errors).toEqual([]);
  return card!;
}

const MEGAN: TeamsUser = { aadObjectId: 'aad-0002-megan', name: 'Megan Bowen' };
const NOBODY: TeamsUser = { aadObjectId: 'aad-0003-unlinked', name: 'Isaiah Langer' };
const READER: TeamsUser = { aadObjectId: 'aad-0004-reader', name: 'Patti Fernandez' };

let world: BotWorld;
const say = async (text: string, user: TeamsUser = ALEX, options: { locale?: string; conversation?: typeof CHANNEL } = {}) => {
  const cards = await world.say(text, { user, ...options });
  expect(cards).toHaveLength(1);
  return valid(cards[0]);
};

beforeAll(async () => {
  world = await createBotWorld();
  await world.link(ALEX, 'admin');
  await world.link(MEGAN, ['backupManagement', 'customerManagement']);
  await world.link(READER, []);
});
afterAll(() => world.close());

describe('help', () => {
  it('lists every command of the registry, grouped, in English and German', async () => {
    const en = textOf(await say('help'));
    for (const command of commands) expect(en).toContain(`${t('en', command.syntax)}: ${t('en', command.summary)}`);
    const de = textOf(await say('hilfe', ALEX, { locale: 'de-DE' }));
    expect(de).toContain('Diese Unterhaltung');
    for (const command of commands) expect(de).toContain(t('de', command.syntax));
  });

  it('answers an empty mention with help, and offers quick buttons', async () => {
    const card = await say('<at>SP Hub</at>');
    expect(textOf(card)).toContain('SP Hub in Teams');
    expect(buttonsOf(card).map((b) => b.title)).toEqual(['Visit the Help Center', 'Visit the Knowledge Base', 'Open a Support Case', 'customers', 'failed', 'stale', 'usage']);
  });

  // Guide, Getting Support: "Visit the Help Centre", "Visit the Knowledge Base", "Open a Support Case".
  it("ends the help card with the help menu links, configurable in the support settings, in the user's language", async () => {
    await world.admin.updateSupportSettings({ helpLinks: { knowledgeBase: 'https://kb.northwind-msp.com/vdc' } });
    const en = buttonsOf(await say('help'));
    expect(en.filter((b) => b.type === 'Action.OpenUrl').map((b) => [b.title, b.url])).toEqual([
      ['Visit the Help Center', 'https://helpcenter.veeam.com/'],
      ['Visit the Knowledge Base', 'https://kb.northwind-msp.com/vdc'],
      ['Open a Support Case', 'https://my.veeam.com/'],
    ]);
    const de = buttonsOf(await say('hilfe', ALEX, { locale: 'de-DE' }));
    expect(de.map((b) => b.title)).toContain('Supportfall eröffnen');
  });

  it('tells an unlinked user how to link', async () => {
    const card = await say('help', NOBODY);
    expect(textOf(card)).toContain('not linked');
    expect(findButton(card, 'Link my account').data).toMatchObject({ verb: 'command', text: 'link' });
  });
});

describe('understanding', () => {
  it('suggests the closest command for a typo and runs it from the button', async () => {
    const card = await say('stauts contoso');
    expect(textOf(card)).toContain('I don’t know the command “stauts”');
    const status = valid(await world.click(card, 'status contoso'));
    expect(textOf(status)).toContain('Contoso Pharmaceuticals AG');
  });

  it('shows how to type a command that misses its argument', async () => {
    expect(textOf(await say('resend invite'))).toContain('Which customer?');
    expect(textOf(await say('usage october'))).toContain('Type it like this: usage ‹YYYY-MM›');
  });
});

describe('identity', () => {
  it('sends an unlinked user to link first instead of answering', async () => {
    const card = await say('status contoso', NOBODY);
    expect(textOf(card)).toContain('Link your Teams account');
    expect(textOf(card)).toContain('POST /api/v1/me/teams-link-code');
  });

  it('links with a code from the hub, then says who you are', async () => {
    const user: TeamsUser = { aadObjectId: 'aad-0005-lynne', name: 'Lynne Robbins' };
    expect(textOf(await say('link', user))).toContain('Link your Teams account');
    expect(textOf(await say('link WRNG-CODE', user))).toContain('This link code is not valid');
    const { client, userId } = await world.userWith(['customerManagement']);
    const { code } = await client.createTeamsLinkCode();
    const linked = textOf(await say(`link ${code}`, user));
    expect(linked).toContain('Your Teams account is linked');
    expect(linked).toContain('Permissions: monitoring, customerManagement');
    expect(textOf(await say('link', user))).toContain('You are linked');
    expect((await world.admin.user(userId)).teamsUserId).toBe('aad-0005-lynne');
  });

  it('refuses politely, naming the missing permission, and changes nothing', async () => {
    const before = await world.admin.policies({ q: 'Executives', pageSize: 1 });
    const policy = before.items[0]!;
    const card = await say(`start policy "${policy.name}" for "${policy.customerName}"`, READER);
    expect(textOf(card)).toContain('Sorry, you can’t do that from here');
    expect(textOf(card)).toContain('This needs the “backupManagement” permission');
    expect((await world.admin.policy(policy.id)).runCount).toBe(policy.runCount);
  });
});

describe('status', () => {
  it('shows the service status without a name', async () => {
    const text = textOf(await say('status'));
    expect(text).toMatch(/Service status: (Operational|Degraded|Outage|Maintenance)/);
    for (const region of ['APJ', 'EMEA', 'AMER']) expect(text).toContain(region);
  });

  it('shows a customer with licenses, storage, policies and their buttons', async () => {
    const card = await say('status contoso');
    const text = textOf(card);
    expect(text).toContain('Contoso Pharmaceuticals AG');
    expect(text).toMatch(/Protected \/ licensed users: [\d,]+ \/ 2,500/);
    const policies = await world.admin.policies({ q: 'Contoso Pharmaceuticals AG' });
    for (const p of policies.items) expect(text).toContain(p.name);
    expect(buttonsOf(card).filter((b) => b.verb?.startsWith('policy.')).length).toBe(policies.items.length);
    expect(findButton(card, 'Refresh').data).toMatchObject({ verb: 'customer.status' });
  });

  it('offers “did you mean” for a misspelt customer', async () => {
    const card = await say('status contso pharma');
    expect(textOf(card)).toContain('No customer matches “contso pharma”');
    expect(findButton(card, 'Contoso Pharmaceuticals AG').data).toMatchObject({ verb: 'command', text: 'status "Contoso Pharmaceuticals AG"' });
  });

  it('asks which one when a name fits several customers', async () => {
    const card = await say('status pharma');
    expect(textOf(card)).toContain('Several customers match “pharma”');
    expect(
      buttonsOf(card)
        .map((b) => b.title)
        .sort(),
    ).toEqual(['Contoso Pharmaceuticals AG', 'Pinnacle Pharma Corp.']);
  });

  it('offers no customers for two letters that are merely inside their names', async () => {
    const containing = await world.admin.customers({ q: 'ee', pageSize: 1 });
    expect(containing.total).toBeGreaterThan(1);
    const card = await say('status ee');
    expect(textOf(card)).toContain('No customer matches “ee”');
    expect(buttonsOf(card).map((b) => b.title)).toEqual(['List customers']);
  });

  it('finds a customer by its M365 account', async () => {
    const contoso = (await world.admin.customers({ q: 'Contoso Pharmaceuticals AG' })).items[0]!;
    expect(textOf(await say(`status ${contoso.tenantDomain}`))).toContain('Contoso Pharmaceuticals AG');
  });
});

describe('what the hub refuses', () => {
  it('says it as a sentence in the user’s language, never the raw validation text', async () => {
    const long = 'x'.repeat(205);
    const de = textOf(await say(`status ${long}`, ALEX, { locale: 'de-DE' }));
    expect(de).toContain('Zu lang: Suchtext (höchstens 200 Zeichen).');
    const en = textOf(await say(`status ${long}`));
    expect(en).toContain('The search text is too long (at most 200 characters).');
    for (const text of [de, en]) {
      expect(text).not.toMatch(/Invalid query|query\.q|Too big|expected string/);
    }
  });

  it('says the hub’s refusals in German to a German user', async () => {
    const policy =
      (await world.admin.policies({ enabled: false, pageSize: 1 })).items[0] ?? (await world.admin.disablePolicy((await world.admin.policies({ q: 'Trey Research', pageSize: 1 })).items[0]!.id));
    const text = textOf(await say(`start policy "${policy.name}" for "${policy.customerName}"`, ALEX, { locale: 'de-DE' }));
    expect(text).toContain(`Die Richtlinie „${policy.name}“ ist deaktiviert. Aktivieren Sie sie, bevor Sie sie starten.`);
    expect(text).not.toContain('is disabled');
  });

  it('says a refusal once, without the field name', async () => {
    const text = textOf(await say('send invite "Coho Winery Ltd" someone@gmail.com', MEGAN));
    expect(text).not.toMatch(/^emails:/m);
  });
});

describe('customers', () => {
  it('searches like the portal and shows health per row', async () => {
    const card = await say('customers pharma');
    const text = textOf(card);
    expect(text).toContain('2 of 2');
    expect(text).toContain('Contoso Pharmaceuticals AG');
    expect(text).toMatch(/Last result: \w+/);
    expect(buttonsOf(card).filter((b) => b.title === 'Status')).toHaveLength(2);
  });

  it('lists ten at a time, with Next and Previous replacing the card and the total kept', async () => {
    const all = (await world.admin.customers({ pageSize: 100, sort: 'displayName' })).items;
    const total = all.length;
    expect(total).toBeGreaterThan(20);
    const first = await say('customers');
    expect(textOf(first)).toContain(`1–10 of ${total}`);
    expect(textOf(first)).toContain('add a search text');
    expect(buttonsOf(first).some((b) => b.title === 'Previous')).toBe(false);
    const second = valid(await world.click(first, 'Next'));
    expect(textOf(second)).toContain(`11–20 of ${total}`);
    for (const c of all.slice(10, 20)) expect(textOf(second)).toContain(c.displayName);
    expect(textOf(second)).not.toContain(all[0]!.displayName);
    const back = valid(await world.click(second, 'Previous'));
    expect(textOf(back)).toContain(`1–10 of ${total}`);
    expect(textOf(back)).toContain(all[0]!.displayName);
    // The last page has no Next.
    let card = second;
    for (let page = 3; page <= Math.ceil(total / 10); page++) card = valid(await world.click(card, 'Next'));
    expect(textOf(card)).toContain(`of ${total}`);
    expect(buttonsOf(card).some((b) => b.title === 'Next')).toBe(false);
  });

  it('pages a search with its search text', async () => {
    const matching = await world.admin.customers({ q: 'a', pageSize: 1 });
    expect(matching.total).toBeGreaterThan(10);
    const second = valid(await world.click(await say('customers a'), 'Next'));
    expect(textOf(second)).toContain(`11–${Math.min(20, matching.total)} of ${matching.total}`);
    expect(findButton(second, 'Previous').data).toMatchObject({ verb: 'list.page', list: 'customers', page: 1, q: 'a' });
  });

  it('says when nothing matches', async () => {
    expect(textOf(await say('customers zzzzqq'))).toContain('No customer matches “zzzzqq”');
  });
});

describe('failed and stale', () => {
  it('lists failed and warning policies with retry and acknowledge', async () => {
    const alerts = await world.admin.alerts({ kind: ['backupFailed', 'backupWarning', 'tenantDisconnected'], pageSize: 10 });
    const card = await say('failed');
    const text = textOf(card);
    expect(text).toContain(`${Math.min(10, alerts.total)} of ${alerts.total}`);
    for (const alert of alerts.items) expect(text).toContain(alert.customerName!);
    expect(buttonsOf(card).filter((b) => b.title === 'Acknowledge').length).toBe(alerts.items.filter((a) => !a.acknowledged).length);
    expect(buttonsOf(card).some((b) => b.title === 'Retry')).toBe(true);
  });

  it('gives a German user the alert reasons in German', async () => {
    const text = textOf(await say('failed', ALEX, { locale: 'de-DE' }));
    expect(text).toContain('Die letzte Sitzung der Richtlinie');
    expect(text).not.toContain('The last session of policy');
  });

  it('pages through failed backups in place', async () => {
    const kinds = ['backupFailed', 'backupWarning', 'tenantDisconnected'];
    const total = (await world.admin.alerts({ kind: kinds, pageSize: 1 })).total;
    expect(total).toBeGreaterThan(10);
    const second = valid(await world.click(await say('failed'), 'Next'));
    expect(textOf(second)).toContain(`11–${Math.min(20, total)} of ${total}`);
    const page2 = await world.admin.alerts({ kind: kinds, page: 2, pageSize: 10 });
    for (const alert of page2.items) expect(textOf(second)).toContain(alert.customerName!);
    expect(findButton(second, 'Previous').data).toMatchObject({ verb: 'list.page', list: 'failed', page: 1 });
  });

  it('retries from the failed list: the row shows it, the list and its page stay', async () => {
    const kinds = ['backupFailed', 'backupWarning', 'tenantDisconnected'];
    const second = valid(await world.click(await say('failed', MEGAN), 'Next', { user: MEGAN }));
    const retry = buttonsOf(second).find((b) => b.title === 'Retry')!;
    const policyId = String(retry.data!.policyId);
    expect(retry.data).toMatchObject({ verb: 'policy.retry', from: { list: 'failed', page: 2 } });
    const policy = await world.admin.policy(policyId);
    expect(policy.running).toBeNull();
    const after = valid(await world.click(second, (b) => b.title === 'Retry' && b.data?.policyId === policyId, { user: MEGAN }));
    const total = (await world.admin.alerts({ kind: kinds, pageSize: 1 })).total;
    expect(textOf(after)).toContain('Failed and warning backups');
    expect(textOf(after)).toContain(`11–${Math.min(20, total)} of ${total}`);
    expect(textOf(after)).toContain(`Started ${policy.name} again (Megan Bowen).`);
    expect((await world.admin.policy(policyId)).running).not.toBeNull();
    // The retried row has no Retry any more; the other rows keep theirs.
    expect(buttonsOf(after).some((b) => b.title === 'Retry' && b.data?.policyId === policyId)).toBe(false);
    expect(buttonsOf(after).filter((b) => b.title === 'Acknowledge').length).toBe(buttonsOf(second).filter((b) => b.title === 'Acknowledge').length);
  });

  it('lists stale policies with start and acknowledge', async () => {
    const alerts = await world.admin.alerts({ kind: ['staleProtection'], pageSize: 10 });
    const card = await say('stale');
    for (const alert of alerts.items) expect(textOf(card)).toContain(alert.subject.name);
    expect(buttonsOf(card).filter((b) => b.title === 'Start').length).toBe(alerts.items.filter((a) => a.action?.type === 'startPolicy').length);
  });
});

describe('policy commands', () => {
  it('starts a policy as the linked user, audited with the Teams user', async () => {
    const policy = (await world.admin.policies({ q: 'Contoso Pharmaceuticals AG', sort: 'name' })).items.find((p) => !p.running && p.enabled)!;
    const card = await say(`start policy "${policy.name}" for "Contoso Pharmaceuticals AG"`, MEGAN);
    expect(textOf(card)).toContain(`Started ${policy.name} (Megan Bowen).`);
    expect(findButton(card, 'Stop').data).toMatchObject({ verb: 'policy.stop', policyId: policy.id });
    const now = await world.admin.policy(policy.id);
    expect(now.running).not.toBeNull();
    const audit = await world.admin.audit({ targetId: policy.id, channel: 'bot' });
    expect(audit.items[0]).toMatchObject({ action: 'session.started', actor: { kind: 'teams', teamsUserId: MEGAN.aadObjectId, channel: 'bot' } });
    expect(audit.items[0]!.actor.name).toContain('Megan Bowen');

    // Starting it again is a conflict the card explains, with the buttons of its real state.
    const again = await say(`start policy ${policy.name.toUpperCase()} for  contoso   pharmaceuticals ag`, MEGAN);
    expect(textOf(again)).toMatch(/already running/i);
    expect(findButton(again, 'Stop')).toBeDefined();
  });

  it('asks before stopping, and stops when confirmed', async () => {
    const policy = (await world.admin.policies({ q: 'Contoso Pharmaceuticals AG', sort: 'name' })).items.find((p) => p.running)!;
    const confirm = await say(`stop policy "${policy.name}" for "Contoso Pharmaceuticals AG"`, MEGAN);
    expect(textOf(confirm)).toContain(`Stop ${policy.name}?`);
    expect((await world.admin.policy(policy.id)).running).not.toBeNull();
    // Cancel goes back to the policy's card, not to the customer's.
    const cancelled = valid(await world.click(confirm, 'Cancel', { user: MEGAN }));
    expect(findButton(cancelled, 'Stop').data).toMatchObject({ verb: 'policy.stop', policyId: policy.id });
    expect((await world.admin.policy(policy.id)).running).not.toBeNull();
    const stopped = valid(await world.click(confirm, 'Yes, stop it', { user: MEGAN }));
    expect(textOf(stopped)).toContain(`Stopped ${policy.name} (Megan Bowen).`);
    expect((await world.admin.policy(policy.id)).running).toBeNull();
  });

  it('asks before disabling, enables without asking', async () => {
    const policy = (await world.admin.policies({ q: 'Tailspin Toys', enabled: true })).items[0]!;
    const confirm = await say(`disable policy "${policy.name}" for "${policy.customerName}"`, MEGAN);
    expect(textOf(confirm)).toContain(`Disable ${policy.name}?`);
    expect(findButton(confirm, 'Cancel').data).toMatchObject({ verb: 'policy.show', policyId: policy.id });
    valid(await world.click(confirm, 'Yes, disable it', { user: MEGAN }));
    expect((await world.admin.policy(policy.id)).enabled).toBe(false);
    const enabled = await say(`enable policy "${policy.name}" for "${policy.customerName}"`, MEGAN);
    expect(textOf(enabled)).toContain(`Enabled the schedule of ${policy.name}`);
    expect((await world.admin.policy(policy.id)).enabled).toBe(true);
  });

  it('asks which customer when a policy name repeats', async () => {
    const card = await say('start policy executives', MEGAN);
    expect(textOf(card)).toContain('Several policies match “executives”');
    const all = (await world.admin.policies({ q: 'executives', pageSize: 200 })).items.filter((p) => p.name === 'Executives');
    expect(buttonsOf(card)).toHaveLength(5);
    expect(textOf(card)).toContain(`${all.length - 5} more match: add “for ‹customer›” to the command to narrow it down.`);
    const first = buttonsOf(card)[0]!;
    expect(first.title).toMatch(/^Executives \(.+\)$/);
    expect(first.data).toMatchObject({ verb: 'command', text: expect.stringMatching(/^start policy "Executives" for ".+"$/) });
  });

  it('acts only on an exact name: a one-letter name starts nothing and suggests nothing', async () => {
    const bluewater = (await world.admin.customers({ q: 'bluewater' })).items[0]!;
    const runningBefore = (await world.admin.policies({ customerId: bluewater.id, pageSize: 200 })).items.filter((p) => p.running).map((p) => p.id);
    expect(textOf(await say('stop policy "x" for "y"', MEGAN))).not.toMatch(/Stop .+\?/);

    // "bluewater" is part of a name, not the name: the customer is offered, nothing happens yet.
    const card = await say('start policy x for bluewater', MEGAN);
    expect(textOf(card)).toContain('No customer is called exactly “bluewater”');
    expect(findButton(card, bluewater.displayName).data).toMatchObject({ verb: 'command', text: `start policy "x" for "${bluewater.displayName}"` });
    // Clicked, the customer is exact but "x" is one letter in many names: no policy, no suggestion.
    const clicked = valid(await world.click(card, bluewater.displayName, { user: MEGAN }));
    expect(textOf(clicked)).toContain(`No policy matches “x (${bluewater.displayName})”`);
    expect(buttonsOf(clicked).map((b) => b.title)).toEqual(['Help']);
    const runningAfter = (await world.admin.policies({ customerId: bluewater.id, pageSize: 200 })).items.filter((p) => p.running).map((p) => p.id);
    expect(runningAfter).toEqual(runningBefore);
  });

  it('offers a partly typed policy as a button and starts it only on a click', async () => {
    const clyde = (await world.admin.customers({ q: 'Clyde Energy SA' })).items[0]!;
    const policy = (await world.admin.policies({ customerId: clyde.id, pageSize: 200 })).items.find((p) => p.name === 'Project sites')!;
    expect(policy.running).toBeNull();
    const typed = 'project';
    const card = await say(`start policy ${typed} for "${policy.customerName}"`, MEGAN);
    expect(textOf(card)).toContain(`No policy is called exactly “${typed} (${policy.customerName})”`);
    expect((await world.admin.policy(policy.id)).running).toBeNull();
    const started = valid(await world.click(card, policy.name, { user: MEGAN }));
    expect(textOf(started)).toContain(`Started ${policy.name} (Megan Bowen).`);
    expect((await world.admin.policy(policy.id)).running).not.toBeNull();
  });

  it('takes a policy by its id', async () => {
    const policy = (await world.admin.policies({ q: 'Litware Architects SAS', pageSize: 200 })).items.find((p) => !p.running && p.enabled)!;
    expect(textOf(await say(`start policy ${policy.id}`, MEGAN))).toContain(`Started ${policy.name} (Megan Bowen).`);
  });
});

describe('invites', () => {
  it('sends an invite inside the customer’s domain and lists every invite', async () => {
    const coho = (await world.admin.customers({ q: 'Coho Winery' })).items[0]!;
    const card = await say(`send invite "${coho.displayName}" it@${coho.domain}, Owner@${coho.domain!.toUpperCase()}`, MEGAN);
    const text = textOf(card);
    expect(text).toContain(`Invited it@${coho.domain}, owner@${coho.domain} (Megan Bowen).`);
    expect(findButton(card, 'Resend invite').data).toMatchObject({ verb: 'invite.resend', customerId: coho.id });
    expect((await world.admin.invites(coho.id)).items.map((i) => i.email).sort()).toEqual([`it@${coho.domain}`, `owner@${coho.domain}`]);
  });

  it('refuses addresses outside the customer’s domain with the hub’s reason', async () => {
    const card = await say('send invite "Coho Winery Ltd" someone@gmail.com', MEGAN);
    expect(textOf(card)).toContain('That did not work');
    expect(textOf(card)).toMatch(/domain/);
  });

  it('resends to everyone invited', async () => {
    const margie = (await world.admin.customers({ q: 'Margie' })).items[0]!;
    const before = (await world.admin.invites(margie.id)).items;
    // "margie" is not the name: the customer is offered, and the invite goes out on a click.
    const offered = await say('resend invite margie', MEGAN);
    expect(textOf(offered)).toContain('No customer is called exactly “margie”');
    expect((await world.admin.invites(margie.id)).items[0]!.sendCount).toBe(before[0]!.sendCount);
    const card = valid(await world.click(offered, margie.displayName, { user: MEGAN }));
    expect(textOf(card)).toContain(`Sent the invite again to ${before.map((i) => i.email).join(', ')} (Megan Bowen).`);
    const after = (await world.admin.invites(margie.id)).items;
    expect(after[0]!.sendCount).toBe(before[0]!.sendCount + 1);
  });
});

describe('usage', () => {
  it('shows the report that needs attention, or a month asked for', async () => {
    const list = await world.admin.usageReports({ pageSize: 1 });
    const due = list.summary.nextDue?.usageMonth;
    const card = await say('usage');
    if (due) expect(textOf(card)).toContain(new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${due}-01T00:00:00Z`)));
    const report = await world.admin.usageReport('2026-10');
    const october = textOf(await say('usage 2026-10'));
    expect(october).toContain('Usage report October 2026');
    expect(october).toContain(report.number!);
    expect(findButton(await say('usage 2026-10'), 'September 2026').data).toMatchObject({ verb: 'command', text: 'usage 2026-09' });
  });

  it('shows German numbers and months for a German user', async () => {
    const text = textOf(await say('usage 2026-10', ALEX, { locale: 'de-DE' }));
    expect(text).toContain('Nutzungsbericht Oktober 2026');
    expect(text).toMatch(/Punkte gesamt: [\d.]+(,\d+)?/);
  });
});

describe('wording', () => {
  it('counts one open alert and one license in the singular', () => {
    const health = { policies: 1, lastResult: 'Success', running: 0, stale: false, licensePercent: null, pendingInvite: false, alerts: 1 } as unknown as CustomerHealth;
    expect(healthLine('en', health)).toContain('1 open alert');
    expect(healthLine('en', health)).not.toContain('1 open alerts');
    expect(healthLine('de', health)).toContain('1 offene Warnung');
    expect(healthLine('en', { ...health, alerts: 2 })).toContain('2 open alerts');
  });

  it('does not show “Failing since” as the same moment as the last success', async () => {
    const policy = (await world.admin.policies({ pageSize: 1 })).items[0]!;
    const at = '2026-11-24T01:20:00.000Z';
    const warned = textOf(policyCard('en', { ...policy, running: null, lastResult: 'Warning', lastSuccessAt: at, failingSince: at }, { links: {} }));
    expect(warned).toContain('Last successful backup');
    expect(warned).not.toMatch(/Failing since|With warnings since/);
    const failing = textOf(policyCard('en', { ...policy, running: null, lastResult: 'Failed', lastSuccessAt: '2026-11-20T01:20:00.000Z', failingSince: at }, { links: {} }));
    expect(failing).toContain('Failing since: 24 Nov 2026');
    const warnings = textOf(policyCard('en', { ...policy, running: null, lastResult: 'Warning', lastSuccessAt: '2026-11-25T01:20:00.000Z', failingSince: at }, { links: {} }));
    expect(warnings).toContain('With warnings since: 24 Nov 2026');
  });

  it('names a maintenance’s regions only when its title does not', () => {
    expect(maintenanceName({ title: 'Backup storage upgrade in EMEA', regions: ['EMEA'] })).toBe('Backup storage upgrade in EMEA');
    expect(maintenanceName({ title: 'Backup storage upgrade in EMEA', regions: ['EMEA', 'APJ'] })).toBe('Backup storage upgrade in EMEA (APJ)');
    expect(maintenanceName({ title: 'Portal maintenance', regions: ['AMER'] })).toBe('Portal maintenance (AMER)');
  });

  it('shows a usage report’s due date once, in the user’s format and language', async () => {
    for (const locale of ['en-US', 'de-DE']) {
      const text = textOf(await say('usage', ALEX, { locale }));
      expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
      expect(text).toMatch(locale === 'de-DE' ? /Tagesende \(UTC\)/ : /end of day \(UTC\)/);
      if (locale === 'de-DE') expect(text).not.toMatch(/\b(overdue|due by|suspended)\b/i);
    }
  });
});

describe('subscribe and unsubscribe', () => {
  it('subscribes this personal chat to topics and shows every topic', async () => {
    const card = await say('subscribe backup failed, staleProtection', READER);
    const text = textOf(card);
    expect(text).toContain('Subscribed to: Backup failed, Stale protection.');
    expect(text).toContain('Backup failed (backupFailed): on');
    expect(text).toContain('Backup complete (backupComplete): off');
    const conversations = (await world.admin.teamsConversations()).items;
    expect(conversations.find((c) => c.kind === 'personal')?.topics).toEqual(['backupFailed', 'staleProtection']);
  });

  it('says which words are not topics', async () => {
    expect(textOf(await say('subscribe backupFaild', READER))).toContain('backupFaild (did you mean backupFailed?)');
    expect(textOf(await say('subscribe all', READER))).toContain(`Subscribed to: ${TOPICS.map((topic) => t('en', `topic.${topic}`)).join(', ')}.`);
  });

  it('needs siteSettings in a channel', async () => {
    const refused = await say('subscribe backupFailed', READER, { conversation: CHANNEL });
    expect(textOf(refused)).toContain('This needs the “siteSettings” permission');
    const card = await say('subscribe backupFailed', ALEX, { conversation: CHANNEL });
    expect(textOf(card)).toContain('Team channel');
    expect((await world.admin.teamsConversations()).items.find((c) => c.kind === 'channel')).toMatchObject({ name: 'Operations / Backup operations', topics: ['backupFailed'] });
  });

  it('unsubscribes some topics or all of them', async () => {
    expect(textOf(await say('unsubscribe backupComplete', READER))).toContain('Unsubscribed from: Backup complete.');
    const card = await say('unsubscribe', READER);
    expect(textOf(card)).toContain('Unsubscribed from:');
    expect(buttonsOf(card).map((b) => b.title)).toEqual(['Subscribe to all']);
    expect((await world.admin.teamsConversations()).items.find((c) => c.kind === 'personal')?.topics).toEqual([]);
  });
});
