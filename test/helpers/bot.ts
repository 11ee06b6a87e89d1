import { TestAdapter, type Activity } from 'botbuilder';
import type { Permission } from '../../shared/schemas/common.js';
import type { AdaptiveCard, CardButton } from '../../shared/cards/kit.js';
import { createTestHub, type TestHub } from './hub.js';

/** A Teams user talking to the bot in a test. */
export interface TeamsUser {
  aadObjectId: string;
  name: string;
  locale?: string;
}

export interface Conversation {
  id: string;
  type: 'personal' | 'groupChat' | 'channel';
  name?: string;
}

export const ALEX: TeamsUser = { aadObjectId: 'aad-0001-alex', name: 'Alex Wilber' };
export const PERSONAL: Conversation = { id: 'a:personal-chat-alex', type: 'personal' };
export const CHANNEL: Conversation = { id: '19:ops-channel@thread.tacv2', type: 'channel', name: 'Backup operations' };

export interface BotWorld extends TestHub {
  adapter: TestAdapter;
  /** Says something; returns the cards the bot answered with. */
  say(text: string, options?: { user?: TeamsUser; conversation?: Conversation; locale?: string }): Promise<AdaptiveCard[]>;
  /** Clicks an Action.Execute button (an adaptiveCard/action invoke); returns the card that replaces it. */
  click(card: AdaptiveCard, title: ButtonQuery, options?: { user?: TeamsUser; conversation?: Conversation; locale?: string }): Promise<AdaptiveCard>;
  /** Clicks an Action.Execute button; returns the invoke answer as it is (a card, or a message for the clicker). */
  press(card: AdaptiveCard, title: ButtonQuery, options?: { user?: TeamsUser; conversation?: Conversation; locale?: string }): Promise<{ type: string; value: unknown }>;
  /** Clicks the Action.Submit fallback of a button; returns the cards the bot answered with. */
  submit(card: AdaptiveCard, title: ButtonQuery, options?: { user?: TeamsUser; conversation?: Conversation }): Promise<AdaptiveCard[]>;
  /** Sends any activity; returns everything the bot sent back. */
  send(activity: Partial<Activity>): Promise<Partial<Activity>[]>;
  /** Links a Teams user to a new hub user with these permissions (or the administrator), through the real link flow. */
  link(user: TeamsUser, permissions: Permission[] | 'admin'): Promise<{ userId: string }>;
}

/** The real hub in memory (demo data by default) and its bot behind botbuilder's TestAdapter. */
export async function createBotWorld(options: { seed?: boolean } = {}): Promise<BotWorld> {
  const hub = await createTestHub({ seed: options.seed ?? true });
  await hub.hub.ctx.services.bot.load();
  const bot = hub.hub.ctx.services.bot.bot;
  if (!bot) throw new Error('the bot area did not mount the bot');
  const adapter = new TestAdapter((turn) => bot.run(turn));

  const activityFor = (extra: Partial<Activity>, user: TeamsUser = ALEX, conversation: Conversation = PERSONAL, locale?: string): Partial<Activity> => ({
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    from: { id: `29:${user.aadObjectId}`, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: '28:sphub-bot', name: 'SP Hub' },
    conversation: { id: conversation.id, conversationType: conversation.type, isGroup: conversation.type !== 'personal', name: conversation.name ?? '' },
    channelData: {
      tenant: { id: 'tenant-northwind' },
      ...(conversation.type === 'channel' && { team: { id: '19:team', name: 'Operations' }, channel: { id: conversation.id, name: conversation.name } }),
    },
    locale: locale ?? user.locale ?? 'en-US',
    ...extra,
  });

  const send = async (activity: Partial<Activity>) => {
    adapter.activeQueue.splice(0);
    await adapter.processActivity(activity);
    return adapter.activeQueue.splice(0);
  };
  const cardsOf = (activities: Partial<Activity>[]) =>
    activities.flatMap((a) => (a.attachments ?? []).filter((x) => x.contentType === 'application/vnd.microsoft.card.adaptive').map((x) => x.content as AdaptiveCard));

  const world: BotWorld = {
    ...hub,
    adapter,
    send,
    async say(text, o = {}) {
      return cardsOf(await send(activityFor({ type: 'message', text }, o.user, o.conversation, o.locale)));
    },
    async click(card, title, o = {}) {
      const answer = await world.press(card, title, o);
      if (answer.type !== 'application/vnd.microsoft.card.adaptive') throw new Error(`the click was answered with ${answer.type}: ${JSON.stringify(answer.value)}`);
      return answer.value as AdaptiveCard;
    },
    async press(card, title, o = {}) {
      const button = findButton(card, title);
      const replies = await send(
        activityFor(
          { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', id: button.id, verb: button.verb, data: button.data }, trigger: 'manual' } },
          o.user,
          o.conversation,
          o.locale,
        ),
      );
      const invoke = replies.find((a) => a.type === 'invokeResponse');
      const value = invoke?.value as { status: number; body: { statusCode: number; type: string; value: unknown } } | undefined;
      if (!value) throw new Error(`no invoke response; the bot sent ${JSON.stringify(replies)}`);
      if (value.status !== 200) throw new Error(`unexpected invoke response ${JSON.stringify(value)}`);
      return { type: value.body.type, value: value.body.value };
    },
    async submit(card, title, o = {}) {
      const button = findButton(card, title);
      const fallback = button.fallback as { type: string; data: unknown };
      if (fallback?.type !== 'Action.Submit') throw new Error(`button ${String(title)} has no Action.Submit fallback`);
      return cardsOf(await send(activityFor({ type: 'message', value: fallback.data }, o.user, o.conversation)));
    },
    async link(user, permissions) {
      let client = hub.admin;
      let userId = 'usr_admin';
      if (permissions !== 'admin') {
        const created = await hub.userWith(permissions);
        client = created.client;
        userId = created.userId;
      }
      const { code } = await client.createTeamsLinkCode();
      const cards = await world.say(`link ${code}`, { user });
      if (!JSON.stringify(cards).includes('linked')) throw new Error(`linking failed: ${JSON.stringify(cards)}`);
      return { userId };
    },
  };
  return world;
}

/** Every button of a card (card actions, action sets, nested containers and columns). */
export function buttonsOf(card: unknown): (CardButton & { id?: string; verb?: string; data?: Record<string, unknown>; fallback?: unknown })[] {
  const found: (CardButton & { id?: string })[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (typeof n.type === 'string' && n.type.startsWith('Action.') && typeof n.title === 'string') found.push(n as CardButton);
    for (const [key, value] of Object.entries(n)) if (key !== 'fallback') walk(value);
  };
  walk(card);
  return found;
}

type Button = ReturnType<typeof buttonsOf>[number];
/** A button by its exact title, a pattern, or a test (several buttons may share a title). */
export type ButtonQuery = string | RegExp | ((button: Button) => boolean);

export function findButton(card: unknown, title: ButtonQuery) {
  const buttons = buttonsOf(card);
  const button = buttons.find((b) => (typeof title === 'string' ? b.title === title : title instanceof RegExp ? title.test(b.title) : title(b)));
  if (!button) throw new Error(`no button ${String(title)} on the card; buttons: ${buttons.map((b) => b.title).join(', ')}`);
  return button;
}

/** All the text a card shows (text blocks, fact titles and values), for assertions. */
export function textOf(card: unknown): string {
  const parts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'TextBlock' && typeof n.text === 'string') parts.push(n.text);
    if (typeof n.title === 'string' && typeof n.value === 'string') parts.push(`${n.title}: ${n.value}`);
    for (const [key, value] of Object.entries(n)) if (key !== 'fallback') walk(value);
  };
  walk(card);
  return parts.join('\n').replace(/\\(.)/g, '$1');
}
