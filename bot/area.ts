import { z } from 'zod';
import { Me } from '../shared/schemas/access.js';
import { pageOf } from '../shared/domain/paging.js';
import { Id, ListQuery, Page } from '../shared/schemas/common.js';
import { ConversationTopicsInput, ConversationUnsubscribeInput, LinkCode, TeamsConversation, TeamsLinkInput } from '../shared/schemas/teams.js';
import { localizedError, TEAMS_NAME_HEADER, TEAMS_USER_HEADER, type Area } from '../server/area.js';
import type { SpHubBot } from './bot.js';
import { botCredentialsFromEnv } from './credentials.js';
import type { BotHosting } from './hosting.js';
import { TeamsLinkService } from './identity/link-codes.js';
import { BOT_CHANNEL } from './notify/channel-name.js';
import type { ChannelSender } from './notify/channel-sender.js';
import { ConversationService } from './notify/conversations.js';

const ById = z.object({ id: Id });

export interface BotServices {
  links: TeamsLinkService;
  conversations: ConversationService;
  /** Set once the app is mounted (the bot calls the app in process). */
  hosting: BotHosting | null;
  bot: SpHubBot | null;
  /** Posts a card to every conversation subscribed to a topic (the outbox's `bot` channel). */
  sender: ChannelSender | null;
  /** Loads botbuilder and sets the fields above, once (later calls get the same promise). */
  load: () => Promise<void>;
}

/**
 * The bot as one area of the hub, listed by the server's composition root (server/areas.ts). Its
 * stored state (link codes, conversations and their topics) is its own collections, declared
 * through the public area interface (server/area.ts); everything else it does goes through the
 * typed API client.
 *
 * The Teams bot: `POST /api/messages` (Bot Framework), linking Teams users to hub users, and the
 * conversations the bot posts notifications to. Set up last: the bot uses every other area
 * through the typed API client.
 */
export const botArea: Area = {
  name: 'bot',
  setup(ctx, { router }) {
    const links = new TeamsLinkService(ctx);
    const conversations = new ConversationService(ctx);
    const services: BotServices = { links, conversations, hosting: null, bot: null, sender: null, load: () => Promise.resolve() };
    /** The bot's modules once asked for (see mount); null until the bot is first needed. */
    let runtime: Promise<{ hosting: BotHosting; bot: SpHubBot; sender: ChannelSender }> | null = null;
    ctx.services.bot = services;
    const credentials = botCredentialsFromEnv(ctx.config.env);

    const me = router().post(
      '/teams-link-code',
      { summary: 'A one-time code (10 minutes, single use) that links your Teams account: say "link <code>" to the bot', permission: 'monitoring', response: LinkCode, status: 201, tags: ['teams'] },
      ({ principal }) => links.issue(principal),
    );

    const teams = router()
      .post('/link', { summary: 'Redeem a link code for a Teams user (the in-process bot only)', permission: 'public', body: TeamsLinkInput, response: Me }, ({ c, body }) => {
        const token = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
        if (!token || token !== ctx.services.access.internalToken) throw localizedError('unauthorized', { key: 'api.link.botOnly' });
        const teamsUserId = c.req.header(TEAMS_USER_HEADER);
        if (!teamsUserId) throw localizedError('invalid_input', { key: 'api.link.noTeamsUser' }, [{ field: TEAMS_USER_HEADER, message: 'is required' }]);
        return links.redeem(teamsUserId, c.req.header(TEAMS_NAME_HEADER), body.code);
      })
      .get('/conversations', { summary: 'Teams conversations the bot can post to, with their topics', permission: 'monitoring', query: ListQuery, response: Page(TeamsConversation) }, ({ query }) =>
        pageOf(conversations.list(), query),
      )
      .get('/conversations/:id', { summary: 'One Teams conversation', permission: 'monitoring', params: ById, response: TeamsConversation }, ({ params }) => conversations.get(params.id))
      .post(
        '/conversations/:id/subscribe',
        {
          summary: 'Subscribe a conversation to topics (channels and group chats need siteSettings)',
          permission: 'monitoring',
          params: ById,
          body: ConversationTopicsInput,
          response: TeamsConversation,
        },
        ({ principal, params, body }) => conversations.subscribe(principal, params.id, body.topics),
      )
      .post(
        '/conversations/:id/unsubscribe',
        { summary: 'Unsubscribe a conversation from topics (all when none are given)', permission: 'monitoring', params: ById, body: ConversationUnsubscribeInput, response: TeamsConversation },
        ({ principal, params, body }) => conversations.unsubscribe(principal, params.id, body.topics),
      )
      .delete('/conversations/:id', { summary: 'Forget a conversation (the bot stops posting there)', permission: 'siteSettings', params: ById, status: 204 }, ({ principal, params }) =>
        conversations.remove(principal, params.id),
      );

    return {
      routes: [
        { prefix: '/me', router: me },
        { prefix: '/teams', router: teams },
      ],
      // Closing the hub waits for the bot's modules if they are loading, so nothing loads after it.
      jobs: [{ name: 'bot-runtime', start: () => undefined, stop: async () => void (await runtime?.catch(() => undefined)) }],
      mount(app) {
        // botbuilder takes about a second to load: it is loaded when the bot is first needed (a
        // Teams activity, a card for a subscribed conversation), so neither the start nor the first
        // requests after it wait for it, and a hub that never hears from Teams never loads it.
        const loadRuntime = async () => {
          const [{ createBotHosting }, { createBotApi }, { createBot }, { createChannelSender }] = await Promise.all([
            import('./hosting.js'),
            import('./api.js'),
            import('./bot.js'),
            import('./notify/channel-sender.js'),
          ]);
          const openIdMetadataUrl = ctx.config.env.SPHUB_BOT_OPENID_METADATA_URL;
          const hosting = createBotHosting({
            credentials,
            // Where Bot Framework publishes its token signing keys; Microsoft's unless set (tests use a local one).
            ...(openIdMetadataUrl && { authOverrides: { ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl } }),
            onTurnError: (turn) => services.bot?.apologize(turn) ?? Promise.resolve(),
          });
          const api = createBotApi({
            fetch: ((input: string | URL | Request, init?: RequestInit) => app.fetch(new Request(input, init))) as typeof fetch,
            internalToken: ctx.services.access.internalToken,
          });
          const bot = createBot({ api, conversations, clock: ctx.clock, links: { portal: ctx.config.portalUrl, hub: ctx.config.publicUrl } });
          const sender = createChannelSender({ hosting, conversations });
          Object.assign(services, { hosting, bot, sender });
          return { hosting, bot, sender };
        };
        const loaded = () => {
          if (!runtime) {
            runtime = loadRuntime();
            runtime.catch((error: unknown) => console.error('The Teams bot could not be loaded:', error));
          }
          return runtime;
        };
        services.load = async () => void (await loaded());
        // Notification cards reach subscribed conversations through the durable outbox.
        ctx.services.notifications?.registerChannel(BOT_CHANNEL, {
          subscribers: async (topic, scope) => (await loaded()).sender.subscribers(topic, scope),
          send: async (subscriberId, card, info) => (await loaded()).sender.send(subscriberId, card, info),
          gone: async (subscriberId, reason) => (await loaded()).sender.gone?.(subscriberId, reason),
        });
        app.post('/api/messages', async (c) => {
          const { hosting, bot } = await loaded();
          const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
          return hosting.handle(c.req.raw, env?.incoming?.socket?.remoteAddress, (turn) => bot.run(turn));
        });
        app.all('/api/messages', (c) => c.json({ error: { code: 'invalid_input', message: 'Bot Framework activities are POSTed to /api/messages.' } }, 405));
      },
      banner: (base) =>
        credentials
          ? `  Teams bot ${base}/api/messages   (Bot Framework authentication on, app ${credentials.appId})`
          : `  Teams bot ${base}/api/messages   (no Microsoft app credentials: only callers on this machine are accepted; chat with it locally: npm run playground)`,
    };
  },
};

declare module '../server/area.js' {
  interface HubServices {
    bot: BotServices;
  }
}
