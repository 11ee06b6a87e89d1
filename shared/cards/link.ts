import type { Language } from '../i18n/index.js';
import type { Me } from '../schemas/access.js';
import { banner, commandButton, outcome, translator } from './common.js';
import { card, facts, text, type AdaptiveCard } from './kit.js';

/** Who this Teams user acts as in SP Hub: after `link <code>`, or when asking `link` again. */
export function linkedCard(lang: Language, me: Me, justLinked: boolean): AdaptiveCard {
  const tr = translator(lang);
  const name = `${me.user.firstName} ${me.user.lastName}`;
  return card(
    [
      banner(tr(justLinked ? 'bot.link.done.title' : 'bot.link.already.title'), name, justLinked ? 'good' : 'default'),
      justLinked ? outcome(tr('bot.link.done.message', { name }), 'good') : null,
      facts([
        [tr('bot.fact.user'), name],
        [tr('bot.fact.email'), me.user.email],
        [tr('bot.fact.permissions'), me.permissions.join(', ')],
      ]),
      text(tr(justLinked ? 'bot.link.done.next' : 'bot.link.already.relink'), { isSubtle: true, max: 400 }),
    ],
    [commandButton(tr('bot.button.help'), 'help')],
    { fallbackText: tr(justLinked ? 'bot.link.done.title' : 'bot.link.already.title') },
  );
}
