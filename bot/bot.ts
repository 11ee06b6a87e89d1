import { randomUUID } from 'node:crypto';
import type { Clock } from '../shared/domain/clock.js';
import type { Language } from '../shared/i18n/index.js';
import { CardAction } from '../shared/schemas/cards.js';
import type { ConversationKind } from '../shared/schemas/teams.js';
import { runAction } from './actions/index.js';
import { idempotencyKeyFor, type ApiFor, type TeamsIdentity } from './api.js';
import { translator } from '../shared/cards/common.js';
import { ADAPTIVE_CARD_CONTENT_TYPE, BOT_MESSAGE_LIMIT_BYTES, jsonBytes, type AdaptiveCard } from '../shared/cards/kit.js';
import { problemCard, welcomeCard } from '../shared/cards/messages.js';
import { stampActionIds } from '../shared/cards/stamp.js';
import { commands as defaultCommands } from './commands/registry.js';
import type { BotLinks, BotTurn, Command } from './context.js';
import { runCommandText } from './dispatch.js';
import { errorCard, errorMessage } from './errors.js';
import { CardFactory, MessageFactory, TeamsActivityHandler, TurnContext, type Activity, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue } from './hosting.js';
import { whoAmI } from './operations/identity.js';
import { conversationKey, type ConversationService } from './notify/conversations.js';

export interface BotDeps {
  api: ApiFor;
  conversations: ConversationService;
  clock: Clock;
  links: BotLinks;
  commands?: readonly Command[];
}

/**
 * The SP Hub Teams bot. Typed commands and card buttons become calls to the hub's API made as the
 * linked hub user; every answer is an Adaptive Card. Conversations are remembered on install and
 * on every message, so notifications can be posted there later.
 */
export class SpHubBot extends TeamsActivityHandler {
  private readonly commands: readonly Command[];

  constructor(private readonly deps: BotDeps) {
    super();
    this.commands = deps.commands ?? defaultCommands;

    this.onMessage(async (turn, next) => {
      await this.remember(turn);
      await this.handleMessage(turn);
      await next();
    });
    this.onConversationUpdate(async (turn, next) => {
      const { activity } = turn;
      const botId = activity.recipient?.id;
      if (activity.membersRemoved?.some((m) => m.id === botId)) await this.deps.conversations.forget(activity.conversation.id);
      else if (activity.membersAdded?.some((m) => m.id === botId)) await this.arrive(turn);
      await next();
    });
    this.onInstallationUpdate(async (turn, next) => {
      const action = String(turn.activity.action ?? '');
      if (action.startsWith('remove')) await this.deps.conversations.forget(turn.activity.conversation.id);
      else if (action === 'add') await this.arrive(turn);
      await next();
    });
  }

  /**
   * Adaptive Card Universal Action (`Action.Execute`): answer with the card that replaces it. A
   * refusal or a failure is told to the person who clicked, as a message, and leaves the card as
   * it was: in a channel everyone shares that card.
   */
  protected override async onAdaptiveCardInvoke(turn: TurnContext, invoke: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    await this.remember(turn);
    const data = (invoke.action?.data ?? {}) as Record<string, unknown>;
    const operationId = stringOr(data.actionId) ?? stringOr(invoke.action?.id) ?? turn.activity.id ?? randomUUID();
    const outcome = await this.act(turn, data, operationId);
    if (outcome.problem) return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: outcome.problem as unknown as Record<string, unknown> };
    const card = this.finish(outcome.card, languageOf(turn.activity));
    return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card as unknown as Record<string, unknown> };
  }

  private async handleMessage(turn: TurnContext): Promise<void> {
    const { activity } = turn;
    const value = activity.value as Record<string, unknown> | undefined;
    // Action.Submit (the fallback of our buttons) arrives as a message carrying the button's data.
    if (value && typeof value === 'object' && typeof value.verb === 'string' && !activity.text?.trim()) {
      const operationId = stringOr(value.actionId) ?? activity.id ?? randomUUID();
      await this.reply(turn, (await this.act(turn, value, operationId)).card);
      return;
    }
    const text = activity.text ?? '';
    const bot = this.turn(turn, activity.id ?? randomUUID());
    let card: AdaptiveCard;
    try {
      card = await runCommandText(bot, text);
    } catch (error) {
      card = errorCard(error, bot.language, this.deps.links);
    }
    await this.reply(turn, card);
  }

  /**
   * Runs a button's action: the card to show, or for a refusal or failure also a one-line
   * `problem`. A malformed action gets an explanation, never an exception.
   */
  private async act(turn: TurnContext, data: Record<string, unknown>, operationId: string): Promise<{ card: AdaptiveCard; problem?: string }> {
    const bot = this.turn(turn, operationId);
    const parsed = CardAction.safeParse(data);
    if (!parsed.success) {
      const tr = translator(bot.language);
      return {
        card: problemCard(bot.language, { title: tr('bot.action.invalid.title'), message: tr('bot.action.invalid.message') }),
        problem: `${tr('bot.action.invalid.title')}: ${tr('bot.action.invalid.message')}`,
      };
    }
    try {
      return { card: await runAction(bot, parsed.data) };
    } catch (error) {
      return { card: errorCard(error, bot.language, this.deps.links), problem: errorMessage(error, bot.language) };
    }
  }

  private turn(turn: TurnContext, operationId: string): BotTurn {
    const { activity } = turn;
    const user = teamsIdentity(activity);
    const language = languageOf(activity);
    return {
      language,
      user,
      conversation: { id: conversationKey(activity.conversation.id), kind: conversationKind(activity) },
      api: this.deps.api(user, { idempotencyKey: idempotencyKeyFor(user.id, operationId), language }),
      links: this.deps.links,
      now: this.deps.clock.now(),
      commands: this.commands,
    };
  }

  /** New button ids for this rendering, and a size check (a bot message stays under 40 KB). */
  private finish(card: AdaptiveCard, language: Language): AdaptiveCard {
    const stamped = stampActionIds(card, randomUUID());
    // Room is left for the activity around the card.
    if (jsonBytes(stamped) <= BOT_MESSAGE_LIMIT_BYTES - 2048) return stamped;
    const tr = translator(language);
    return stampActionIds(problemCard(language, { title: tr('bot.tooLarge.title'), message: tr('bot.tooLarge.message'), tone: 'warning' }), randomUUID());
  }

  private async reply(turn: TurnContext, card: AdaptiveCard): Promise<void> {
    const final = this.finish(card, languageOf(turn.activity));
    await turn.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(final)));
  }

  /** Last resort when a turn failed outside the bot's own handling: say so, without details. */
  async apologize(turn: TurnContext): Promise<void> {
    const lang = languageOf(turn.activity);
    const tr = translator(lang);
    try {
      await this.reply(turn, problemCard(lang, { title: tr('bot.error.unexpected.title'), message: tr('bot.error.unexpected.message') }));
    } catch (error) {
      console.error('bot: could not tell the user about a failed turn:', error);
    }
  }

  /**
   * The bot was added to a conversation: remember it and say hello, once (Teams announces an
   * installation both as installationUpdate and as conversationUpdate).
   */
  private async arrive(turn: TurnContext): Promise<void> {
    const known = this.deps.conversations.find(conversationKey(turn.activity.conversation.id));
    await this.remember(turn);
    if (known) return;
    const bot = this.turn(turn, turn.activity.id ?? randomUUID());
    let linkedAs: string | null = null;
    try {
      const me = await whoAmI(bot);
      linkedAs = me ? `${me.user.firstName} ${me.user.lastName}` : null;
    } catch (error) {
      console.error('bot: could not check the link on arrival:', error);
    }
    await this.reply(turn, welcomeCard(bot.language, bot.conversation.kind, linkedAs));
  }

  /** Keeps the conversation reference fresh; a failure here never stops the answer. */
  private async remember(turn: TurnContext): Promise<void> {
    const { activity } = turn;
    if (!activity.conversation?.id || !activity.serviceUrl) return;
    try {
      const channelData = (activity.channelData ?? {}) as { team?: { name?: string }; channel?: { name?: string }; tenant?: { id?: string } };
      const kind = conversationKind(activity);
      const name = kind === 'channel' ? compactName(channelData.team?.name, channelData.channel?.name) : kind === 'groupChat' ? activity.conversation.name : activity.from?.name;
      await this.deps.conversations.remember({
        conversationId: activity.conversation.id,
        reference: JSON.parse(JSON.stringify(TurnContext.getConversationReference(activity))) as Record<string, unknown>,
        kind,
        name: name || undefined,
        tenantId: channelData.tenant?.id ?? activity.conversation.tenantId,
        language: languageOf(activity),
      });
    } catch (error) {
      console.error('bot: could not store the conversation reference:', error);
    }
  }
}

export function createBot(deps: BotDeps): SpHubBot {
  return new SpHubBot(deps);
}

/** The Teams user behind an activity: the AAD object id in Teams, the channel's user id elsewhere. */
export function teamsIdentity(activity: Partial<Activity>): TeamsIdentity {
  const from = activity.from;
  const id = from?.aadObjectId || (from?.id ? `${activity.channelId ?? 'channel'}:${from.id}` : 'unknown');
  return { id, name: from?.name };
}

/** English or German by the activity's locale (Teams sends the user's client locale). */
export function languageOf(activity: Partial<Activity>): Language {
  const clientInfo = activity.entities?.find((e) => e.type === 'clientInfo') as { locale?: string } | undefined;
  const locale = (activity.locale || clientInfo?.locale || 'en').toLowerCase();
  return locale.startsWith('de') ? 'de' : 'en';
}

export function conversationKind(activity: Partial<Activity>): ConversationKind {
  const type = activity.conversation?.conversationType;
  return type === 'channel' ? 'channel' : type === 'groupChat' ? 'groupChat' : activity.conversation?.isGroup ? 'groupChat' : 'personal';
}

function compactName(...parts: (string | undefined)[]): string | undefined {
  const kept = parts.filter(Boolean);
  return kept.length ? kept.join(' / ') : undefined;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : undefined;
}
