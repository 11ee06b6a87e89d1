import type { Command } from '../context.js';
import { alertList } from '../operations/lists.js';

/** `failed`: policies whose last session failed or had warnings, worst and oldest first. */
export const failed: Command = {
  name: 'failed',
  phrases: ['failed', 'failures', 'errors', 'fehler', 'fehlgeschlagen'],
  args: 'none',
  group: 'monitoring',
  syntax: 'bot.cmd.failed.syntax',
  summary: 'bot.cmd.failed.summary',
  quick: 'failed',
  run: (turn) => alertList(turn, 'failed'),
};
