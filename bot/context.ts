import type { ApiClient } from '../shared/api/client.js';
import type { Language, MessageKey } from '../shared/i18n/index.js';
import type { ConversationKind } from '../shared/schemas/teams.js';
import type { TeamsIdentity } from './api.js';
import type { AdaptiveCard } from './cards/kit.js';
import type { ArgGrammar, CommandArgs } from './parse.js';

/** Where "open" buttons go; only https links end up on cards. */
export interface BotLinks {
  portal?: string | undefined;
  hub?: string | undefined;
}

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

export type CommandGroup = 'monitoring' | 'actions' | 'conversation';

/** One chat command: its words, its argument grammar, its help text, and what it does. */
export interface Command {
  name: string;
  /** The words that call it; `start policy` and `start` both start a policy. */
  phrases: readonly string[];
  args: ArgGrammar;
  group: CommandGroup;
  /** How to type it, such as `status ‹customer›` (placeholders are translated). */
  syntax: MessageKey;
  /** One line on what it does. */
  summary: MessageKey;
  /** Text for a help-card button that runs it as it is (commands that need no argument). */
  quick?: string;
  run(turn: BotTurn, args: CommandArgs): Promise<AdaptiveCard>;
}
