import { TOPICS } from '../../shared/schemas/notifications.js';
import { subscriptionsCard, topicName } from '../../shared/cards/subscriptions.js';
import { usageHintCard } from '../../shared/cards/messages.js';
import { translator } from '../../shared/cards/common.js';
import type { Command } from '../context.js';
import { matchTopics } from '../parse.js';

/** `subscribe backupFailed, staleProtection` (or `all`): this conversation receives those cards. */
export const subscribe: Command = {
  name: 'subscribe',
  phrases: ['subscribe', 'abonnieren', 'abonniere'],
  args: 'topics',
  group: 'conversation',
  syntax: 'bot.cmd.subscribe.syntax',
  summary: 'bot.cmd.subscribe.summary',
  async run(turn, args) {
    const tr = translator(turn.language);
    const { topics, unknown } = matchTopics(args.topics ?? [], TOPICS);
    if (topics.length === 0) {
      const hint = unknown.map((u) => (u.suggestion ? tr('bot.subscribe.unknownSuggest', { word: u.word, topic: u.suggestion }) : u.word)).join(', ');
      return usageHintCard(turn.language, tr('bot.subscribe.noTopics', { words: hint }), tr('bot.cmd.subscribe.syntax'), `subscribe ${TOPICS.slice(0, 2).join(' ')}`);
    }
    const conversation = await turn.api.subscribeTeamsConversation(turn.conversation.id, topics);
    return subscriptionsCard(turn.language, conversation, {
      added: topics,
      unknown: unknown.map((u) => (u.suggestion ? `${u.word} (${topicName(turn.language, u.suggestion)}?)` : u.word)),
    });
  },
};
