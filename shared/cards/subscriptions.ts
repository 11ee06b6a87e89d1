import { t, type Language, type MessageKey } from '../i18n/index.js';
import { TOPICS, type Topic } from '../schemas/notifications.js';
import type { TeamsConversation } from '../schemas/teams.js';
import { banner, commandButton, outcome, translator } from './common.js';
import { card, facts, text, type AdaptiveCard } from './kit.js';

export const topicName = (lang: Language, topic: Topic) => t(lang, `topic.${topic}` as MessageKey);

/** What this conversation receives, after `subscribe` or `unsubscribe`. */
export function subscriptionsCard(lang: Language, conversation: TeamsConversation, change: { added?: Topic[]; removed?: Topic[]; unknown?: string[] }): AdaptiveCard {
  const tr = translator(lang);
  const subscribed = new Set(conversation.topics);
  const names = (topics: Topic[]) => topics.map((topic) => topicName(lang, topic)).join(', ');
  const message = change.added?.length ? tr('bot.subscribe.added', { topics: names(change.added) }) : change.removed?.length ? tr('bot.subscribe.removed', { topics: names(change.removed) }) : null;
  const missing = TOPICS.filter((topic) => !subscribed.has(topic));
  return card(
    [
      banner(tr('bot.subscribe.title'), tr(`bot.conversation.${conversation.kind}` as MessageKey), subscribed.size ? 'good' : 'default'),
      message ? outcome(message, change.added?.length ? 'good' : 'default') : null,
      change.unknown?.length ? text(tr('bot.subscribe.unknown', { topics: change.unknown.join(', ') }), { color: 'Warning', max: 400 }) : null,
      facts(TOPICS.map((topic) => [`${topicName(lang, topic)} (${topic})`, subscribed.has(topic) ? tr('bot.subscribe.on') : tr('bot.subscribe.off')] as const)),
      text(tr('bot.subscribe.hint', { example: 'subscribe backupFailed staleProtection' }), { isSubtle: true, max: 400 }),
    ],
    [...(missing.length ? [commandButton(tr('bot.button.subscribeAll'), 'subscribe all')] : []), ...(subscribed.size ? [commandButton(tr('bot.button.unsubscribeAll'), 'unsubscribe')] : [])],
    { fallbackText: tr('bot.subscribe.title') },
  );
}
