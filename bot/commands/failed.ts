import { ALERT_ROWS, alertListCard } from '../../shared/cards/alerts.js';
import type { Command } from '../context.js';

/** Alert kinds behind `failed`: the last session failed or warned, or the tenant is unreachable. */
export const FAILED_KINDS = ['backupFailed', 'backupWarning', 'tenantDisconnected'];

/** `failed`: policies whose last session failed or had warnings, worst and oldest first. */
export const failed: Command = {
  name: 'failed',
  phrases: ['failed', 'failures', 'errors', 'fehler', 'fehlgeschlagen'],
  args: 'none',
  group: 'monitoring',
  syntax: 'bot.cmd.failed.syntax',
  summary: 'bot.cmd.failed.summary',
  quick: 'failed',
  async run(turn) {
    const page = await turn.api.alerts({ kind: FAILED_KINDS, pageSize: ALERT_ROWS });
    return alertListCard(turn.language, 'failed', page.items, page.total);
  },
};
