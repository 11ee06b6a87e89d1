import type { Command } from '../context.js';
import { alertList } from '../operations/lists.js';

/** `stale`: enabled policies without a successful session within the threshold (24 h by default). */
export const stale: Command = {
  name: 'stale',
  phrases: ['stale', 'veraltet', 'unprotected'],
  args: 'none',
  group: 'monitoring',
  syntax: 'bot.cmd.stale.syntax',
  summary: 'bot.cmd.stale.summary',
  quick: 'stale',
  run: (turn) => alertList(turn, 'stale'),
};
