import { TestAdapter, TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../server/auth/principal.js';
import { runOutbox } from '../../test/helpers/receivers.js';
import { buttonsOf, textOf } from '../../test/helpers/bot.js';
import { createTestHub, type TestHub } from '../../test/helpers/hub.js';
import { card, text, type AdaptiveCard } from '../../shared/cards/kit.js';
import { validateCard } from '../../shared/cards/validate.js';
import { BOT_CHANNEL, createChannelSender, sendFailure } from './channel-sender.js';

/** Stands in for the Bot Connector: records what continueConversation posts, or fails like it would. */
function fakeHosting() {
  const posted: { reference: Partial<ConversationReference>; activity: Partial<Activity> }[] = [];
  let failure: Error | null = null;
  return {
    posted,
    failWith(error: Error) {
      failure = error;
    },
    async continueConversation(reference: Partial<ConversationReference>, logic: (turn: TurnContext) => Promise<void>) {
      if (failure) throw failure;
      const adapter = new TestAdapter();
      await logic(new TurnContext(adapter, { type: 'event', name: 'continueConversation', conversation: reference.conversation as never, serviceUrl: reference.serviceUrl }));
      for (const activity of adapter.activeQueue.splice(0)) posted.push({ reference, activity });
    },
  };
}

const cardOf = (activity: Partial<Activity>) => activity.attachments?.[0]?.content as AdaptiveCard;

describe('the bot’s outbox channel', () => {
  let hub: TestHub;
  let hosting: ReturnType<typeof fakeHosting>;
  beforeEach(async () => {
    hub = await createTestHub();
    hosting = fakeHosting();
    const { conversations } = hub.hub.ctx.services.bot;
    // Replaces the channel the bot area registered, so nothing goes over the network.
    hub.hub.ctx.services.notifications.registerChannel(BOT_CHANNEL, createChannelSender({ hosting, conversations }));
  });
  afterEach(() => hub.close());

  async function subscribed(conversationId: string, kind: 'personal' | 'channel', topics: Parameters<TestHub['admin']['subscribeTeamsConversation']>[1], language: 'en' | 'de' = 'en') {
    const { conversations } = hub.hub.ctx.services.bot;
    const stored = await conversations.remember({
      conversationId,
      kind,
      name: kind === 'channel' ? 'Operations / Backup alerts' : 'Alex Wilber',
      language,
      reference: { channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/emea/', conversation: { id: conversationId }, bot: { id: '28:bot', name: 'SP Hub' } },
    });
    await conversations.subscribe(systemPrincipal(), stored.id, topics);
    return stored;
  }

  it('lists the conversations subscribed to a topic', async () => {
    const channel = await subscribed('19:ops@thread.tacv2', 'channel', ['backupFailed', 'staleProtection'], 'de');
    await subscribed('a:personal', 'personal', ['backupComplete']);
    const sender = createChannelSender({ hosting, conversations: hub.hub.ctx.services.bot.conversations });
    expect(await sender.subscribers('backupFailed', {})).toEqual([{ id: channel.id, label: 'Teams: Operations / Backup alerts', language: 'de' }]);
    expect(await sender.subscribers('digest', {})).toEqual([]);
  });

  it('posts a failure to a subscribed channel through the outbox, with working buttons', async () => {
    const channel = await subscribed('19:ops@thread.tacv2', 'channel', ['backupFailed']);
    await hub.hub.ctx.events.emit({
      type: 'session.finished',
      customerId: 'cus_1',
      subject: { type: 'policy', id: 'pol_1', name: 'Mailboxes' },
      data: { policyId: 'pol_1', policyName: 'Mailboxes', status: 'Failed' },
    });
    await hub.hub.ctx.services.notifications.flush();
    await runOutbox(hub.hub.ctx.services.notificationJobs.dispatcher, hub.clock);

    expect(hosting.posted).toHaveLength(1);
    const [{ reference, activity }] = hosting.posted as [(typeof hosting.posted)[number]];
    expect(reference.conversation?.id).toBe('19:ops@thread.tacv2');
    const posted = cardOf(activity);
    expect(textOf(posted)).toContain('Backup failed');
    expect(validateCard(posted, { limitBytes: 38 * 1024 }).errors).toEqual([]);
    // The buttons carry ids of their own, so repeated clicks on this card are idempotent.
    const retry = buttonsOf(posted).find((b) => b.verb === 'policy.retry')!;
    expect(retry.data).toMatchObject({ verb: 'policy.retry', policyId: 'pol_1', actionId: expect.any(String) });

    const outbox = await hub.admin.outbox({ topic: 'backupFailed' });
    expect(outbox.items).toHaveLength(1);
    expect(outbox.items[0]).toMatchObject({ state: 'delivered', recipient: { scope: 'channel', channel: BOT_CHANNEL, contactId: channel.id } });
  });

  it('forgets a conversation the bot was removed from, and dead-letters the message', async () => {
    const channel = await subscribed('19:gone@thread.tacv2', 'channel', ['backupFailed']);
    hosting.failWith(Object.assign(new Error('Forbidden: the bot is not part of the conversation roster'), { statusCode: 403 }));
    await hub.hub.ctx.events.emit({
      type: 'session.finished',
      customerId: 'cus_1',
      subject: { type: 'policy', id: 'pol_2', name: 'Sites' },
      data: { policyId: 'pol_2', policyName: 'Sites', status: 'Failed' },
    });
    await hub.hub.ctx.services.notifications.flush();
    await runOutbox(hub.hub.ctx.services.notificationJobs.dispatcher, hub.clock);
    expect((await hub.admin.outbox({ topic: 'backupFailed' })).items[0]).toMatchObject({ state: 'dead' });
    await expect(hub.admin.teamsConversation(channel.id)).rejects.toMatchObject({ status: 404 });
  });

  it('says a conversation it no longer knows is gone', async () => {
    const sender = createChannelSender({ hosting, conversations: hub.hub.ctx.services.bot.conversations });
    expect(await sender.send('conv_missing', card([text('x')]), { messageId: 'obx_1', topic: 'backupFailed' })).toMatchObject({ outcome: 'gone' });
  });
});

describe('Bot Connector failures', () => {
  const failing = (statusCode?: number, retryAfter?: string) =>
    Object.assign(new Error(`status ${statusCode}`), statusCode ? { statusCode } : {}, retryAfter ? { response: { headers: { get: (h: string) => (h === 'retry-after' ? retryAfter : null) } } } : {});

  it.each([
    [403, 'gone'],
    [404, 'gone'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [400, 'failed'],
    [413, 'failed'],
    [undefined, 'retry'],
  ])('%s -> %s', (status, outcome) => {
    expect(sendFailure(failing(status)).outcome).toBe(outcome);
  });

  it('honours Retry-After', () => {
    expect(sendFailure(failing(429, '7'))).toMatchObject({ outcome: 'retry', status: 429, retryAfterMs: 7000 });
  });
});
