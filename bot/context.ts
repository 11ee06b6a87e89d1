import type { ApiClient } from '../shared/api/client.js';
import type { Language } from '../shared/i18n/index.js';
import type { ConversationKind } from '../shared/schemas/teams.js';
import type { TeamsIdentity } from './api.js';
import type { CardLinks } from '../shared/cards/common.js';
import type { HelpEntry } from '../shared/cards/help.js';
import type { AdaptiveCard } from '../shared/cards/kit.js';
import type { ArgGrammar, CommandArgs } from './parse.js';

/** Where "open" buttons go; only https links end up on cards. */
export type BotLinks = CardLinks;

/** Everything a command or a card action needs in one turn, and nothing from botbuilder. */
export interface BotTurn {
  language: Language;
  user: TeamsIdentity;
  /** The hub's id of this conversation and its kind. */
  conversation: { id: string; kind: ConversationKind };
  /** The hub's API, acting as the linked hub user of this Teams user. */
  api: ApiClient;
  links: BotLinks;
  now: Date;
  commands: readonly Command[];
}

/** One chat command: its words, its argument grammar, its help text (HelpEntry), and what it does. */
export interface Command extends HelpEntry {
  name: string;
  /** The words that call it; `start policy` and `start` both start a policy. */
  phrases: readonly string[];
  args: ArgGrammar;
  run(turn: BotTurn, args: CommandArgs): Promise<AdaptiveCard>;
}
