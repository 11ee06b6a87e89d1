import type { MessageKey } from '../shared/i18n/index.js';
import { translator } from '../shared/cards/common.js';
import type { AdaptiveCard } from '../shared/cards/kit.js';
import { unknownCommandCard, usageHintCard } from '../shared/cards/messages.js';
import type { BotTurn } from './context.js';
import { parseCommand, type ParseProblem } from './parse.js';

const PROBLEM: Record<ParseProblem, MessageKey> = {
  needsCustomer: 'bot.parse.needsCustomer',
  needsPolicy: 'bot.parse.needsPolicy',
  needsEmails: 'bot.parse.needsEmails',
  badEmail: 'bot.parse.badEmail',
  badMonth: 'bot.parse.badMonth',
  needsTopics: 'bot.parse.needsTopics',
};

/** Runs what someone typed (or a button that stands for typed text): parse, then the command. */
export async function runCommandText(turn: BotTurn, text: string): Promise<AdaptiveCard> {
  const parsed = parseCommand(text, turn.commands);
  const find = (name: string) => turn.commands.find((c) => c.name === name)!;
  switch (parsed.kind) {
    case 'empty':
      return find('help').run(turn, {});
    case 'unknown':
      return unknownCommandCard(turn.language, parsed.word, parsed.suggestion);
    case 'invalid': {
      const tr = translator(turn.language);
      return usageHintCard(turn.language, tr(PROBLEM[parsed.problem]), tr(find(parsed.name).syntax));
    }
    case 'command':
      return find(parsed.name).run(turn, parsed.args);
  }
}
