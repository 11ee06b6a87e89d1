/** The outbox channel through which the bot posts topic cards to subscribed conversations. */
export const BOT_CHANNEL = 'bot';
