import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../shared/i18n/index.js';
import { TOPICS } from '../../shared/schemas/notifications.js';
import { ALEX, buttonsOf, CHANNEL, createBotWorld, findButton, textOf, type BotWorld, type TeamsUser } from '../../test/helpers/bot.js';
import type { AdaptiveCard } from '../cards/kit.js';
import { validateCard } from '../cards/validate.js';
import { commands } from './registry.js';

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
  it('ends the help card with the help menu links, configurable in the support settings, in the user\'s language', async () => {
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
    expect(buttonsOf(card).map((b) => b.title).sort()).toEqual(['Contoso Pharmaceuticals AG', 'Pinnacle Pharma Corp.']);
  });

  it('finds a customer by its M365 account', async () => {
    const contoso = (await world.admin.customers({ q: 'Contoso Pharmaceuticals AG' })).items[0]!;
    expect(textOf(await say(`status ${contoso.tenantDomain}`))).toContain('Contoso Pharmaceuticals AG');
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

  it('lists the first ten and says how to narrow down', async () => {
    const total = (await world.admin.customers({ pageSize: 1 })).total;
    const text = textOf(await say('customers'));
    expect(text).toContain(`10 of ${total}`);
    expect(text).toContain('add a search text');
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
    const card = await say(`start policy "${policy.name}" for contoso pharmaceuticals`, MEGAN);
    expect(textOf(card)).toContain(`Started ${policy.name} (Megan Bowen).`);
    expect(findButton(card, 'Stop').data).toMatchObject({ verb: 'policy.stop', policyId: policy.id });
    const now = await world.admin.policy(policy.id);
    expect(now.running).not.toBeNull();
    const audit = await world.admin.audit({ targetId: policy.id, channel: 'bot' });
    expect(audit.items[0]).toMatchObject({ action: 'session.started', actor: { kind: 'teams', teamsUserId: MEGAN.aadObjectId, channel: 'bot' } });
    expect(audit.items[0]!.actor.name).toContain('Megan Bowen');

    // Starting it again is a conflict the card explains, with the buttons of its real state.
    const again = await say(`start policy "${policy.name}" for contoso pharmaceuticals`, MEGAN);
    expect(textOf(again)).toMatch(/already running/i);
    expect(findButton(again, 'Stop')).toBeDefined();
  });

  it('asks before stopping, and stops when confirmed', async () => {
    const policy = (await world.admin.policies({ q: 'Contoso Pharmaceuticals AG', sort: 'name' })).items.find((p) => p.running)!;
    const confirm = await say(`stop policy "${policy.name}" for "Contoso Pharmaceuticals AG"`, MEGAN);
    expect(textOf(confirm)).toContain(`Stop ${policy.name}?`);
    expect((await world.admin.policy(policy.id)).running).not.toBeNull();
    const stopped = valid(await world.click(confirm, 'Yes, stop it', { user: MEGAN }));
    expect(textOf(stopped)).toContain(`Stopped ${policy.name} (Megan Bowen).`);
    expect((await world.admin.policy(policy.id)).running).toBeNull();
  });

  it('asks before disabling, enables without asking', async () => {
    const policy = (await world.admin.policies({ q: 'Tailspin Toys', enabled: true })).items[0]!;
    const confirm = await say(`disable policy "${policy.name}" for tailspin toys`, MEGAN);
    expect(textOf(confirm)).toContain(`Disable ${policy.name}?`);
    expect(findButton(confirm, 'Cancel').data).toMatchObject({ verb: 'customer.status', customerId: policy.customerId });
    valid(await world.click(confirm, 'Yes, disable it', { user: MEGAN }));
    expect((await world.admin.policy(policy.id)).enabled).toBe(false);
    const enabled = await say(`enable policy "${policy.name}" for tailspin toys`, MEGAN);
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

  it('suggests a customer’s policies for a name it does not have', async () => {
    const card = await say('start policy mailboxes for contoso pharmaceuticals', MEGAN);
    expect(textOf(card)).toContain('No policy matches “mailboxes (Contoso Pharmaceuticals AG)”');
    expect(buttonsOf(card).length).toBeGreaterThan(0);
    expect(buttonsOf(card)[0]!.data).toMatchObject({ verb: 'command', text: expect.stringMatching(/^start policy ".+" for "Contoso Pharmaceuticals AG"$/) });
  });
});

describe('invites', () => {
  it('sends an invite inside the customer’s domain and lists every invite', async () => {
    const coho = (await world.admin.customers({ q: 'Coho Winery' })).items[0]!;
    const card = await say(`send invite coho winery it@${coho.domain}, Owner@${coho.domain!.toUpperCase()}`, MEGAN);
    const text = textOf(card);
    expect(text).toContain(`Invited it@${coho.domain}, owner@${coho.domain} (Megan Bowen).`);
    expect(findButton(card, 'Resend invite').data).toMatchObject({ verb: 'invite.resend', customerId: coho.id });
    expect((await world.admin.invites(coho.id)).map((i) => i.email).sort()).toEqual([`it@${coho.domain}`, `owner@${coho.domain}`]);
  });

  it('refuses addresses outside the customer’s domain with the hub’s reason', async () => {
    const card = await say('send invite coho winery someone@gmail.com', MEGAN);
    expect(textOf(card)).toContain('That did not work');
    expect(textOf(card)).toMatch(/domain/);
  });

  it('resends to everyone invited', async () => {
    const margie = (await world.admin.customers({ q: 'Margie' })).items[0]!;
    const before = await world.admin.invites(margie.id);
    const card = await say('resend invite margie', MEGAN);
    expect(textOf(card)).toContain(`Sent the invite again to ${before.map((i) => i.email).join(', ')} (Megan Bowen).`);
    const after = await world.admin.invites(margie.id);
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

describe('subscribe and unsubscribe', () => {
  it('subscribes this personal chat to topics and shows every topic', async () => {
    const card = await say('subscribe backup failed, staleProtection', READER);
    const text = textOf(card);
    expect(text).toContain('Subscribed to: Backup failed, Stale protection.');
    expect(text).toContain('Backup failed (backupFailed): on');
    expect(text).toContain('Backup complete (backupComplete): off');
    const conversations = await world.admin.teamsConversations();
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
    expect((await world.admin.teamsConversations()).find((c) => c.kind === 'channel')).toMatchObject({ name: 'Operations / Backup operations', topics: ['backupFailed'] });
  });

  it('unsubscribes some topics or all of them', async () => {
    expect(textOf(await say('unsubscribe backupComplete', READER))).toContain('Unsubscribed from: Backup complete.');
    const card = await say('unsubscribe', READER);
    expect(textOf(card)).toContain('Unsubscribed from:');
    expect(buttonsOf(card).map((b) => b.title)).toEqual(['Subscribe to all']);
    expect((await world.admin.teamsConversations()).find((c) => c.kind === 'personal')?.topics).toEqual([]);
  });
});
