import type { Command } from '../context.js';
import { sendInvites } from '../operations/invites.js';
import { resolveCustomer } from '../operations/resolve.js';

/** `send invite contoso it@contoso.com, ceo@contoso.com` */
export const sendInvite: Command = {
  name: 'send invite',
  phrases: ['send invite', 'send invites', 'invite', 'einladen'],
  args: 'invite',
  group: 'actions',
  syntax: 'bot.cmd.sendInvite.syntax',
  summary: 'bot.cmd.sendInvite.summary',
  async run(turn, args) {
    const emails = args.emails ?? [];
    const found = await resolveCustomer(turn, args.customer ?? '', (name) => `send invite ${name} ${emails.join(', ')}`, { exact: true });
    if (found.card) return found.card;
    return sendInvites(turn, found.item, emails);
  },
};
