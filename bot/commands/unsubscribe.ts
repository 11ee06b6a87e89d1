import { TOPICS } from '../../shared/schemas/notifications.js';
import { subscriptionsCard } from '../../shared/cards/subscriptions.js';
import type { Command } from '../context.js';
import { matchTopics } from '../parse.js';

/** `unsubscribe` stops every topic in this conversation; `unsubscribe backupComplete` just that one. */
export const unsubscribe: Command = {
  name: 'unsubscribe',
  phrases: ['unsubscribe', 'abbestellen', 'deabonnieren'],
  args: 'text',
  group: 'conversation',
  syntax: 'bot.cmd.unsubscribe.syntax',
  summary: 'bot.cmd.unsubscribe.summary',
  async run(turn, args) {
    const before = await turn.api.teamsConversation(turn.conversation.id);
    const { topics, unknown } = args.text ? matchTopics([args.text], TOPICS) : { topics: undefined, unknown: [] };
    const conversation = await turn.api.unsubscribeTeamsConversation(turn.conversation.id, topics?.length ? topics : undefined);
    const removed = before.topics.filter((topic) => !conversation.topics.includes(topic));
    return subscriptionsCard(turn.language, conversation, { removed, unknown: unknown.map((u) => u.word) });
  },
};
