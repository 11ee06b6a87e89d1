import { helpCard } from '../../shared/cards/help.js';
import type { Command } from '../context.js';
import { isLinked } from '../operations/identity.js';

export const help: Command = {
  name: 'help',
  phrases: ['help', 'hilfe', '?', 'commands', 'befehle'],
  args: 'none',
  group: 'conversation',
  syntax: 'bot.cmd.help.syntax',
  summary: 'bot.cmd.help.summary',
  async run(turn) {
    const linked = await isLinked(turn);
    // Unlinked users (no key yet) get the card without the help menu links.
    const helpLinks =
      linked === false
        ? []
        : await turn.api.helpLinks(turn.language).then(
            (page) => page.items,
            () => [],
          );
    return helpCard(turn.language, turn.commands, { linked, helpLinks });
  },
};
