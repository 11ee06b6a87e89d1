import { usageCard } from '../../shared/cards/usage.js';
import type { Command } from '../context.js';

/**
 * `usage` shows the report that needs attention (the oldest one still to submit), or the running
 * month's snapshot when none does; `usage 2026-10` shows that month.
 */
export const usage: Command = {
  name: 'usage',
  phrases: ['usage', 'nutzung', 'usage report'],
  args: 'month',
  group: 'monitoring',
  syntax: 'bot.cmd.usage.syntax',
  summary: 'bot.cmd.usage.summary',
  quick: 'usage',
  async run(turn, args) {
    const currentMonth = turn.now.toISOString().slice(0, 7);
    let month = args.month;
    if (!month) {
      const list = await turn.api.usageReports({ pageSize: 1 });
      month = list.summary.nextDue?.usageMonth ?? currentMonth;
    }
    const report = await turn.api.usageReport(month);
    return usageCard(turn.language, report, { currentMonth });
  },
};
