import { TestAdapter } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALEX, buttonsOf, CHANNEL, createBotWorld, PERSONAL, textOf, type BotWorld } from '../test/helpers/bot.js';
import { notLinkedCard } from '../shared/cards/messages.js';
import { createBotApi } from './api.js';
import { createBot, languageOf, teamsIdentity } from './bot.js';
import { card, text, type AdaptiveCard } from '../shared/cards/kit.js';
import { validateCard } from '../shared/cards/validate.js';
import { commands } from './commands/registry.js';
import type { Command } from './context.js';
import { conversationKey } from './notify/conversations.js';

let world: BotWorld;
beforeAll(async () => {
  world = await createBotWorld();
});
afterAll(() => world.close());

const cardsIn = (activities: Partial<import('botbuilder').Activity>[]) => activities.flatMap((a) => (a.attachments ?? []).map((x) => x.content as AdaptiveCard));

const base = (conversation = PERSONAL) => ({
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  from: { id: `29:${ALEX.aadObjectId}`, name: ALEX.name, aadObjectId: ALEX.aadObjectId },
  recipient: { id: '28:sphub-bot', name: 'SP Hub' },
  conversation: { id: conversation.id, conversationType: conversation.type, isGroup: conversation.type !== 'personal', name: conversation.name ?? '' },
  channelData: {
    tenant: { id: 'tenant-northwind' },
    ...(conversation.type === 'channel' && { team: { id: '19:team', name: 'Operations' }, channel: { id: conversation.id, name: conversation.name } }),
  },
  locale: 'de-DE',
});

describe('conversations', () => {
  it('remembers a conversation on install and welcomes once, in the user’s language', async () => {
    const conversation = { id: 'a:install-test', type: 'personal' as const };
    const installed = await world.send({ ...base(conversation), type: 'installationUpdate', action: 'add' });
    const welcome = cardsIn(installed);
    expect(welcome).toHaveLength(1);
    expect(textOf(welcome[0])).toContain('Hallo von SP Hub');
    expect(validateCard(welcome[0], { limitBytes: 38 * 1024 }).errors).toEqual([]);
    // Teams also announces the installation as a conversation update: no second welcome.
    const update = await world.send({ ...base(conversation), type: 'conversationUpdate', membersAdded: [{ id: '28:sphub-bot', name: 'SP Hub' }] });
    expect(cardsIn(update)).toHaveLength(0);
    const stored = await world.admin.teamsConversation(conversationKey(conversation.id));
    expect(stored).toMatchObject({ kind: 'personal', language: 'de', topics: [], tenantId: 'tenant-northwind', name: ALEX.name });
  });

  it('welcomes a linked user by name', async () => {
    await world.link(ALEX, 'admin');
    const installed = await world.send({ ...base({ id: 'a:install-linked', type: 'personal' }), type: 'installationUpdate', action: 'add', locale: 'en-US' });
    expect(textOf(cardsIn(installed)[0])).toContain('You are linked as Hub Administrator in SP Hub');
  });

  it('remembers a channel with its team and channel name when spoken to', async () => {
    await world.say('help', { conversation: CHANNEL });
    expect(await world.admin.teamsConversation(conversationKey(CHANNEL.id))).toMatchObject({ kind: 'channel', name: 'Operations / Backup operations' });
  });

  it('forgets a conversation when the bot is removed or uninstalled', async () => {
    const chat = { id: '19:group-chat@thread.v2', type: 'groupChat' as const, name: 'On-call' };
    await world.say('help', { conversation: chat });
    const key = conversationKey(chat.id);
    expect((await world.admin.teamsConversation(key)).kind).toBe('groupChat');
    await world.send({ ...base(chat), type: 'conversationUpdate', membersRemoved: [{ id: '28:sphub-bot', name: 'SP Hub' }] });
    await expect(world.admin.teamsConversation(key)).rejects.toMatchObject({ status: 404 });

    await world.say('help');
    await world.send({ ...base(), type: 'installationUpdate', action: 'remove' });
    await expect(world.admin.teamsConversation(conversationKey(PERSONAL.id))).rejects.toMatchObject({ status: 404 });
  });

  it('keeps a removed member who is not the bot', async () => {
    await world.say('help', { conversation: CHANNEL });
    await world.send({ ...base(CHANNEL), type: 'conversationUpdate', membersRemoved: [{ id: '29:someone-else', name: 'Someone' }] });
    expect((await world.admin.teamsConversation(conversationKey(CHANNEL.id))).kind).toBe('channel');
  });
});

describe('answers', () => {
  it('stays under the 40 KB a bot message may have', async () => {
    const huge: Command = {
      name: 'huge',
      phrases: ['huge'],
      args: 'none',
      group: 'monitoring',
      syntax: 'bot.cmd.help.syntax',
      summary: 'bot.cmd.help.summary',
      run: async () => card(Array.from({ length: 400 }, (_, i) => text(`line ${i} `.repeat(20), { max: 400 }))),
    };
    const hub = world.hub.ctx;
    const bot = createBot({
      api: createBotApi({ fetch: world.fetch, internalToken: hub.services.access.internalToken }),
      conversations: hub.services.bot.conversations,
      clock: hub.clock,
      links: {},
      commands: [...commands, huge],
    });
    const adapter = new TestAdapter((turn) => bot.run(turn));
    await adapter.processActivity({ ...base(), type: 'message', text: 'huge', locale: 'en-US' });
    const [answer] = cardsIn(adapter.activeQueue.splice(0));
    expect(textOf(answer)).toContain('That answer is too long for Teams');
  });

  it('escapes what users and customers typed', async () => {
    const [answer] = await world.say('status **bold** [x](https://evil.example)');
    const blocks = [...JSON.stringify(answer).matchAll(/"type":"TextBlock","text":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    const echoed = blocks.find((b) => b.includes('evil.example'))!;
    // Markdown is escaped: Teams shows the characters, never a link or bold text.
    expect(echoed).toContain('\\*\\*bold\\*\\* \\[x\\](https://evil.example)');
    expect(textOf(answer)).toContain('**bold** [x](https://evil.example)');
  });
});

describe('links and failures', () => {
  it('links to the hub only over https', () => {
    expect(buttonsOf(notLinkedCard('en', { hub: 'https://sphub.example.com/' })).map((b) => [b.title, b.url])).toEqual([
      ['Open in SP Hub', 'https://sphub.example.com/api/v1/docs'],
      ['Help', undefined],
    ]);
    expect(buttonsOf(notLinkedCard('en', { hub: 'http://127.0.0.1:3978' })).map((b) => b.title)).toEqual(['Help']);
  });

  it('apologizes without details when a turn fails outside its own handling', async () => {
    const bot = world.hub.ctx.services.bot.bot!;
    const adapter = new TestAdapter(async (turn) => bot.apologize(turn));
    await adapter.processActivity({ ...base(), type: 'message', text: 'anything', locale: 'en-US' });
    const [answer] = cardsIn(adapter.activeQueue.splice(0));
    expect(textOf(answer)).toContain('Something went wrong');
  });
});

describe('who and which language', () => {
  it('uses the AAD object id in Teams and a channel-scoped id elsewhere', () => {
    expect(teamsIdentity({ channelId: 'msteams', from: { id: '29:x', name: 'A', aadObjectId: 'aad-1' } })).toEqual({ id: 'aad-1', name: 'A' });
    expect(teamsIdentity({ channelId: 'webchat', from: { id: 'user-7', name: 'B' } })).toEqual({ id: 'webchat:user-7', name: 'B' });
  });

  it('answers in German for German locales, in English otherwise', () => {
    expect(languageOf({ locale: 'de-DE' })).toBe('de');
    expect(languageOf({ locale: 'de-AT' })).toBe('de');
    expect(languageOf({ locale: 'fr-FR' })).toBe('en');
    expect(languageOf({ entities: [{ type: 'clientInfo', locale: 'de-CH' }] })).toBe('de');
    expect(languageOf({})).toBe('en');
  });
});
