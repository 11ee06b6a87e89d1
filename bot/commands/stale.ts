import { ALERT_ROWS, alertListCard } from '../../shared/cards/alerts.js';
import type { Command } from '../context.js';

export const STALE_KINDS = ['staleProtection'];

/** `stale`: enabled policies without a successful session within the threshold (24 h by default). */
export const stale: Command = {
  name: 'stale',
  phrases: ['stale', 'veraltet', 'unprotected'],
  args: 'none',
  group: 'monitoring',
  syntax: 'bot.cmd.stale.syntax',
  summary: 'bot.cmd.stale.summary',
  quick: 'stale',
  async run(turn) {
    const page = await turn.api.alerts({ kind: STALE_KINDS, pageSize: ALERT_ROWS });
    return alertListCard(turn.language, 'stale', page.items, page.total);
  },
};
