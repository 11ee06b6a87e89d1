import { Topic } from '../../shared/schemas/notifications.js';
import type { ChannelSubscriber, DeliveryChannel, SendResult } from '../../server/area.js';
import { CardFactory, MessageFactory, type BotHosting } from '../hosting.js';
import { stampActionIds } from '../../shared/cards/stamp.js';
import type { ConversationService } from './conversations.js';

export type ChannelSender = DeliveryChannel;

/** The outbox channel name the bot registers under. */
export { BOT_CHANNEL } from './channel-name.js';

/**
 * The notifications outbox's channel for conversations the bot is in: who is subscribed to a
 * topic, and posting a card there proactively (continueConversation with the stored reference).
 * The outbox persists, retries and dead-letters; this says how each attempt went.
 */
export function createChannelSender(deps: { hosting: Pick<BotHosting, 'continueConversation'>; conversations: ConversationService }): ChannelSender {
  const { hosting, conversations } = deps;
  return {
    subscribers(topic): ChannelSubscriber[] {
      const parsed = Topic.safeParse(topic);
      if (!parsed.success) return [];
      return conversations.subscribers(parsed.data).map((c) => ({ id: c.id, label: c.name ? `Teams: ${c.name}` : `Teams ${c.kind}`, language: c.language }));
    },

    async send(subscriberId, card, info): Promise<SendResult> {
      const record = conversations.find(subscriberId);
      if (!record) return { outcome: 'gone', message: 'the bot is no longer in this conversation' };
      // Each posted card gets its own button ids, so repeated clicks on it are idempotent.
      const stamped = stampActionIds(card, info.messageId);
      try {
        await hosting.continueConversation(record.reference, async (turn) => {
          await turn.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(stamped)));
        });
        return { outcome: 'delivered' };
      } catch (error) {
        return sendFailure(error);
      }
    },

    async gone(subscriberId) {
      await conversations.forgetById(subscriberId);
    },
  };
}

/**
 * How a Bot Connector failure maps to the outbox: 403/404 mean the bot was removed or the
 * conversation is gone; 429 and 5xx are retried (honouring Retry-After); other 4xx are refused.
 */
export function sendFailure(error: unknown): SendResult {
  const e = error as { statusCode?: number; status?: number; message?: string; response?: { headers?: { get?(name: string): string | undefined | null } } };
  const status = e.statusCode ?? e.status;
  const message = `the Bot Connector said: ${(e.message ?? String(error)).slice(0, 200)}`;
  if (status === 403 || status === 404 || status === 410) return { outcome: 'gone', status, message };
  if (status === undefined || status === 408 || status === 429 || status >= 500) {
    const retryAfter = Number(e.response?.headers?.get?.('retry-after'));
    return { outcome: 'retry', ...(status !== undefined && { status }), ...(Number.isFinite(retryAfter) && retryAfter > 0 && { retryAfterMs: retryAfter * 1000 }), message };
  }
  return { outcome: 'failed', status, message };
}
