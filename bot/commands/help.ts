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
    return helpCard(turn.language, turn.commands, { linked: await isLinked(turn) });
  },
};
