import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyView } from '../../shared/schemas/backup.js';
import { ALEX, buttonsOf, createBotWorld, findButton, textOf, type BotWorld, type TeamsUser } from '../../test/helpers/bot.js';
import type { AdaptiveCard } from '../../shared/cards/kit.js';
import { failureCard, staleProtectionCard } from '../../shared/cards/notifications.js';
import { validateCard } from '../../shared/cards/validate.js';

function valid(card: AdaptiveCard | undefined): AdaptiveCard {
  expect(card).toBeDefined();
  expect(validateCard(card, { limitBytes: 38 * 1024 }).errors).toEqual([]);
  return card!;
}

const OPERATOR: TeamsUser = { aadObjectId: 'aad-0010-operator', name: 'Adele Vance' };
const READER: TeamsUser = { aadObjectId: 'aad-0011-reader', name: 'Isaiah Langer' };

let world: BotWorld;
beforeAll(async () => {
  world = await createBotWorld();
  await world.link(ALEX, 'admin');
  await world.link(OPERATOR, ['backupManagement', 'customerManagement']);
  await world.link(READER, []);
});
afterAll(() => world.close());

/** A policy of a customer, idle and enabled, to act on. */
async function idlePolicy(customer: string): Promise<PolicyView> {
  const page = await world.admin.policies({ q: customer, pageSize: 50 });
  const policy = page.items.find((p) => p.enabled && !p.running);
  if (!policy) throw new Error(`no idle policy for ${customer}`);
  return policy;
}

const sessionsOf = async (policyId: string) => (await world.admin.policySessions(policyId)).total;

describe('policy buttons (Action.Execute, the card is replaced in place)', () => {
  it('starts a policy from the status card; a repeated click changes nothing', async () => {
    const policy = await idlePolicy('Northwind Traders');
    const [status] = await world.say('status northwind traders', { user: OPERATOR });
    const start = buttonsOf(status).find((b) => b.verb?.match(/^policy\.(start|retry)$/) && b.data?.policyId === policy.id)!;
    expect(start).toBeDefined();
    expect(start.id).toBe(start.data!.actionId);
    const before = await sessionsOf(policy.id);

    const updated = valid(await world.click(status!, (b) => b === start, { user: OPERATOR }));
    expect(textOf(updated)).toContain(`${policy.name}`);
    expect(textOf(updated)).toMatch(/Started .* \(Adele Vance\)\./);
    expect(await sessionsOf(policy.id)).toBe(before + 1);

    // The same button again (a double click, a retried invoke): the same answer, no second session.
    const again = valid(await world.click(status!, (b) => b.id === start.id, { user: OPERATOR }));
    expect(textOf(again)).toBe(textOf(updated));
    expect(await sessionsOf(policy.id)).toBe(before + 1);
    const audit = await world.admin.audit({ targetId: policy.id, action: 'session.started' });
    expect(audit.items.filter((e) => e.actor.teamsUserId === OPERATOR.aadObjectId)).toHaveLength(1);
  });

  it('stops only after the confirmation', async () => {
    const policy = await idlePolicy('Litware Architects');
    await world.admin.startPolicy(policy.id);
    const [status] = await world.say('status litware', { user: OPERATOR });
    const confirm = valid(await world.click(status!, (b) => b.title === 'Stop' && b.data?.policyId === policy.id, { user: OPERATOR }));
    expect(textOf(confirm)).toContain(`Stop ${policy.name}?`);
    expect((await world.admin.policy(policy.id)).running).not.toBeNull();
    const cancelled = valid(await world.click(confirm, 'Cancel', { user: OPERATOR }));
    expect(textOf(cancelled)).toContain('Litware Architects SAS');
    expect((await world.admin.policy(policy.id)).running).not.toBeNull();
    const stopped = valid(await world.click(confirm, 'Yes, stop it', { user: OPERATOR }));
    expect(textOf(stopped)).toContain(`Stopped ${policy.name} (Adele Vance).`);
    expect((await world.admin.policy(policy.id)).running).toBeNull();
  });

  it('disables after the confirmation, then enables', async () => {
    const policy = await idlePolicy('Adatum Accounting');
    const [confirm] = await world.say(`disable policy "${policy.name}" for "${policy.customerName}"`, { user: OPERATOR });
    expect(textOf(confirm)).toContain(`Disable ${policy.name}?`);
    expect((await world.admin.policy(policy.id)).enabled).toBe(true);
    const disabled = valid(await world.click(confirm!, 'Yes, disable it', { user: OPERATOR }));
    expect(textOf(disabled)).toContain('schedule disabled');
    expect((await world.admin.policy(policy.id)).enabled).toBe(false);
    const enabled = valid(await world.click(disabled, 'Enable', { user: OPERATOR }));
    expect(textOf(enabled)).toContain(`Enabled the schedule of ${policy.name}`);
    expect((await world.admin.policy(policy.id)).enabled).toBe(true);
  });

  it('retries a failed policy from the failed list', async () => {
    const [failed] = await world.say('failed', { user: OPERATOR });
    const retry = buttonsOf(failed).find((b) => b.title === 'Retry')!;
    const policyId = retry.data!.policyId as string;
    const before = await sessionsOf(policyId);
    const card = valid(await world.click(failed!, 'Retry', { user: OPERATOR }));
    expect(textOf(card)).toMatch(/Started .* again \(Adele Vance\)\./);
    expect(await sessionsOf(policyId)).toBe(before + 1);
  });

  it('refuses a user without backupManagement, naming it', async () => {
    const policy = await idlePolicy('Proseware Engineering');
    const [status] = await world.say(`status "${policy.customerName}"`, { user: READER });
    const start = buttonsOf(status).find((b) => b.data?.policyId === policy.id && /^(Start|Retry)$/.test(b.title))!;
    // Told to the one who clicked; the card (shared in a channel) stays as it was.
    const refused = await world.press(status!, (b) => b.id === start.id, { user: READER });
    expect(refused).toEqual({
      type: 'application/vnd.microsoft.activity.message',
      value: 'Sorry, you can’t do that from here: This needs the “backupManagement” permission, which your SP Hub user does not have.',
    });
    expect((await world.admin.policy(policy.id)).running).toBeNull();
    // With the Action.Submit fallback there is no card to keep: the refusal comes as a card.
    const [card] = await world.submit(status!, (b) => b.id === start.id, { user: READER });
    expect(textOf(valid(card))).toContain('This needs the “backupManagement” permission');
  });
});

describe('other buttons', () => {
  it('shows a customer’s status', async () => {
    const [list] = await world.say('customers pharma', { user: READER });
    const card = valid(await world.click(list!, 'Status', { user: READER }));
    expect(textOf(card)).toMatch(/Contoso Pharmaceuticals AG|Pinnacle Pharma Corp\./);
    expect(textOf(card)).toContain('Backup policies');
  });

  it('resends and sends invites', async () => {
    const margie = (await world.admin.customers({ q: 'Margie' })).items[0]!;
    const [status] = await world.say('status margie', { user: OPERATOR });
    const resent = valid(await world.click(status!, 'Resend invite', { user: OPERATOR }));
    expect(textOf(resent)).toMatch(/Sent the invite again to .+ \(Adele Vance\)\./);
    const wingtip = (await world.admin.customers({ q: 'Wingtip' })).items[0]!;
    await world.admin.updateCustomer(wingtip.id, { primaryAdminEmail: `lena.jansen@${wingtip.domain}` });
    const [pending] = await world.say('status wingtip', { user: OPERATOR });
    const send = findButton(pending, `Send invite to lena.jansen@${wingtip.domain}`);
    expect(send.data).toMatchObject({ verb: 'invite.send', customerId: wingtip.id, emails: [`lena.jansen@${wingtip.domain}`] });
    const sent = valid(await world.click(pending!, send.title, { user: OPERATOR }));
    expect(textOf(sent)).toContain(`Invited lena.jansen@${wingtip.domain} (Adele Vance).`);
    expect((await world.admin.invites(wingtip.id)).items.map((i) => i.email)).toEqual([`lena.jansen@${wingtip.domain}`]);
    expect(margie.invites.length).toBeGreaterThan(0);
  });

  it('acknowledges an alert and shows the list with it acknowledged', async () => {
    const [stale] = await world.say('stale', { user: OPERATOR });
    const ack = findButton(stale, 'Acknowledge');
    const card = valid(await world.click(stale!, 'Acknowledge', { user: OPERATOR }));
    expect(textOf(card)).toMatch(/Acknowledged: .+ \(Adele Vance\)\./);
    const alert = (await world.admin.alerts({ kind: ['staleProtection'], pageSize: 100 })).items.find((a) => a.id === ack.data!.alertId)!;
    expect(alert.acknowledged?.by).toContain('Adele Vance');
    expect(textOf(card)).toContain('acknowledged by');
  });

  it('runs a command button, such as a “did you mean” answer', async () => {
    const [suggestion] = await world.say('status contso pharma', { user: READER });
    const card = valid(await world.click(suggestion!, 'Contoso Pharmaceuticals AG', { user: READER }));
    expect(textOf(card)).toContain('Protected / licensed users');
  });

  it('answers a button it does not know with an explanation', async () => {
    const stale: AdaptiveCard = {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.5',
      body: [{ type: 'TextBlock', text: 'old' }],
      actions: [{ type: 'Action.Execute', title: 'Old', verb: 'policy.explode', data: { verb: 'policy.explode', policyId: 'x' } }],
    };
    expect(await world.press(stale, 'Old', { user: READER })).toMatchObject({ type: 'application/vnd.microsoft.activity.message', value: expect.stringContaining('This button no longer works') });
    const [card] = await world.submit({ ...stale, actions: [{ ...stale.actions![0]!, fallback: { type: 'Action.Submit', title: 'Old', data: { verb: 'policy.explode' } } }] }, 'Old', { user: READER });
    expect(textOf(valid(card))).toContain('This button no longer works');
  });
});

describe('Action.Submit fallback (clients without Universal Actions)', () => {
  it('runs the same operation and answers with a new message', async () => {
    const policy = await idlePolicy('Woodgrove Dental');
    const [status] = await world.say('status woodgrove dental', { user: OPERATOR });
    const start = buttonsOf(status).find((b) => b.data?.policyId === policy.id && /^(Start|Retry)$/.test(b.title))!;
    const before = await sessionsOf(policy.id);
    const cards = await world.submit(status!, (b) => b.id === start.id, { user: OPERATOR });
    expect(cards).toHaveLength(1);
    expect(textOf(valid(cards[0]))).toMatch(/Started .* \(Adele Vance\)\./);
    // The fallback carries the same action id: submitting twice starts once.
    await world.submit(status!, (b) => b.id === start.id, { user: OPERATOR });
    expect(await sessionsOf(policy.id)).toBe(before + 1);
  });
});

describe('buttons on notification cards', () => {
  it('retries from a failure card and acknowledges from a stale card', async () => {
    const policy = await idlePolicy('Bluewater Realty');
    const ctx = { language: 'en' as const, links: { portal: 'https://portal.veeamdatacloud.com' }, interactive: true };
    const failure = failureCard({ kind: 'backupFailed', customer: { id: policy.customerId, name: policy.customerName }, policy: { id: policy.id, name: policy.name }, status: 'Failed' }, ctx);
    const started = valid(await world.click(failure, 'Retry policy', { user: OPERATOR }));
    expect(textOf(started)).toMatch(/Started .* again \(Adele Vance\)\./);

    const alert = (await world.admin.alerts({ kind: ['staleProtection'], acknowledged: false, pageSize: 1 })).items[0]!;
    const staleCard = staleProtectionCard(
      {
        kind: 'staleProtection',
        customer: { id: alert.customerId!, name: alert.customerName! },
        policy: { id: alert.subject.id, name: alert.subject.name },
        lastSuccessAt: null,
        thresholdHours: 24,
        alertId: alert.id,
      },
      ctx,
    );
    const acknowledged = valid(await world.click(staleCard, 'Acknowledge', { user: OPERATOR }));
    expect(textOf(acknowledged)).toContain(`Acknowledged: ${alert.customerName}: ${alert.subject.name} (Adele Vance).`);
  });
});
