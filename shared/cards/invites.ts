import { formatDateTime, type Language } from '../i18n/index.js';
import type { Customer, InvitesResult } from '../schemas/customers.js';
import { banner, button, linkButton, outcome, translator, type CardLinks } from './common.js';
import { card, compact, facts, type AdaptiveCard } from './kit.js';

const SHOWN = 15;

/** After `send invite` / `resend invite` (or their buttons): who was invited and every invite's state. */
/** `by` names who sent them (the Teams user). */
export function invitesCard(lang: Language, customer: Customer, result: InvitesResult, links: CardLinks, by: string): AdaptiveCard {
  const tr = translator(lang);
  const lines = [
    result.invited.length ? tr('bot.invite.invited', { emails: result.invited.join(', '), name: by }) : null,
    result.resent.length ? tr('bot.invite.resent', { emails: result.resent.join(', '), name: by }) : null,
  ].filter((l): l is string => l !== null);
  const invites = [...result.invites].sort((a, b) => b.lastSentAt.localeCompare(a.lastSentAt));
  return card(
    [
      banner(tr('bot.invite.title'), customer.displayName, 'good'),
      lines.length ? outcome(lines.join(' '), 'good') : null,
      facts(
        invites
          .slice(0, SHOWN)
          .map(
            (i) =>
              [
                i.email,
                i.acceptedAt ? tr('bot.invite.accepted', { time: formatDateTime(lang, i.acceptedAt) }) : tr('bot.invite.pending', { time: formatDateTime(lang, i.lastSentAt), count: i.sendCount }),
              ] as const,
          ),
      ),
    ],
    compact([
      invites.some((i) => !i.acceptedAt) ? button(tr('action.resendInvite'), { verb: 'invite.resend', customerId: customer.id }) : null,
      button(tr('bot.button.status'), { verb: 'customer.status', customerId: customer.id }),
      linkButton(lang, 'portal', links),
    ]),
    { fallbackText: `${tr('bot.invite.title')}: ${customer.displayName}` },
  );
}
