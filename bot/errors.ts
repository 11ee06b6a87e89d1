import { ApiError } from '../shared/api/client.js';
import type { Language } from '../shared/i18n/index.js';
import { commandButton, translator } from '../shared/cards/common.js';
import { forbiddenCard, notLinkedCard, problemCard } from '../shared/cards/messages.js';
import type { AdaptiveCard } from '../shared/cards/kit.js';
import type { BotLinks } from './context.js';

/** The permission named in the API's 403 message ("This needs the "backupManagement" permission..."). */
export function missingPermission(message: string): string | null {
  return /"([A-Za-z]+)" permission|Berechtigung „([A-Za-z]+)“/.exec(message)?.slice(1).find(Boolean) ?? null;
}

/**
 * What went wrong, as a card: the hub's own message (a sentence in the user's language: the bot
 * asks with Accept-Language; it says what was wrong and is safe to show), under a heading in
 * the user's language. The per-field details are for programs and would say it twice: they stay
 * out. Unexpected errors are logged and stay generic.
 */
export function errorCard(error: unknown, lang: Language, links: BotLinks): AdaptiveCard {
  const tr = translator(lang);
  const help = commandButton(tr('bot.button.help'), 'help');
  if (!(error instanceof ApiError)) {
    console.error('bot: unexpected error:', error);
    return problemCard(lang, { title: tr('bot.error.unexpected.title'), message: tr('bot.error.unexpected.message'), buttons: [help] });
  }
  switch (error.status) {
    case 401:
      return notLinkedCard(lang, links);
    case 403:
      return forbiddenCard(lang, missingPermission(error.message), error.message);
    case 404:
      return problemCard(lang, { title: tr('bot.error.notFound'), message: error.message, tone: 'warning', buttons: [help] });
    case 409:
      // The hub's sentence names the overdue months and how to lift it; the heading and hint are in the user's language.
      if (error.code === 'license_management_suspended') {
        return problemCard(lang, {
          title: tr('licenseManagement.suspended.title'),
          message: tr('licenseManagement.suspended.message'),
          details: [error.message],
          buttons: [commandButton(tr('licenseManagement.suspended.button'), 'usage')],
        });
      }
      return problemCard(lang, { title: tr('bot.error.conflict'), message: error.message, tone: 'warning' });
    case 400:
    case 413:
    case 422:
      return problemCard(lang, { title: tr('bot.error.rejected'), message: error.message, tone: 'warning' });
    case 429:
      return problemCard(lang, { title: tr('bot.error.busy'), message: error.message, tone: 'warning' });
    default:
      console.error(`bot: the hub answered ${error.status}: ${error.message}`);
      return problemCard(lang, { title: tr('bot.error.unavailable.title'), message: tr('bot.error.unavailable.message') });
  }
}

/** The same, in one line of plain text: what the person who clicked a shared card is told. */
export function errorMessage(error: unknown, lang: Language): string {
  const tr = translator(lang);
  if (!(error instanceof ApiError)) return `${tr('bot.error.unexpected.title')}: ${tr('bot.error.unexpected.message')}`;
  switch (error.status) {
    case 401:
      return tr('bot.link.needed.short');
    case 403: {
      const permission = missingPermission(error.message);
      return `${tr('bot.forbidden.title')}: ${permission ? tr('bot.forbidden.permission', { permission }) : error.message}`;
    }
    case 404:
      return `${tr('bot.error.notFound')}: ${error.message}`;
    case 409:
      if (error.code === 'license_management_suspended') return `${tr('licenseManagement.suspended.title')}: ${error.message}`;
      return `${tr('bot.error.conflict')}: ${error.message}`;
    case 400:
    case 413:
    case 422:
      return `${tr('bot.error.rejected')}: ${error.message}`;
    case 429:
      return `${tr('bot.error.busy')}: ${error.message}`;
    default:
      return `${tr('bot.error.unavailable.title')}: ${tr('bot.error.unavailable.message')}`;
  }
}
