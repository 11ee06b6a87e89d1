import type { Command } from '../context.js';
import { resendInvites } from '../operations/invites.js';
import { resolveCustomer } from '../operations/resolve.js';

/** `resend invite contoso` */
export const resendInvite: Command = {
  name: 'resend invite',
  phrases: ['resend invite', 'resend invites', 'resend'],
  args: 'customer',
  group: 'actions',
  syntax: 'bot.cmd.resendInvite.syntax',
  summary: 'bot.cmd.resendInvite.summary',
  async run(turn, args) {
    const found = await resolveCustomer(turn, args.customer ?? '', (name) => `resend invite ${name}`, { exact: true });
    if (found.card) return found.card;
    return resendInvites(turn, found.item);
  },
};
