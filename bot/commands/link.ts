import { linkedCard } from '../../shared/cards/link.js';
import { notLinkedCard } from '../../shared/cards/messages.js';
import type { Command } from '../context.js';
import { whoAmI } from '../operations/identity.js';

/** `link` explains how to link (or says who you are); `link <code>` redeems a code from the hub. */
export const link: Command = {
  name: 'link',
  phrases: ['link', 'verknüpfen', 'verknuepfen', 'connect'],
  args: 'code',
  group: 'conversation',
  syntax: 'bot.cmd.link.syntax',
  summary: 'bot.cmd.link.summary',
  async run(turn, args) {
    if (args.code) {
      const me = await turn.api.redeemTeamsLinkCode(args.code);
      return linkedCard(turn.language, me, true);
    }
    const me = await whoAmI(turn);
    return me ? linkedCard(turn.language, me, false) : notLinkedCard(turn.language, turn.links);
  },
};
