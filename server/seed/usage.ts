import { DAY, HOUR } from '../../shared/domain/clock.js';
import { intBetween, seededRandom } from '../../shared/domain/random.js';
import { addMonths, dayOf, monthOf } from '../../shared/domain/usage-calendar.js';
import type { UsageReportRecord } from '../../shared/schemas/usage.js';
import { systemPrincipal } from '../auth/principal.js';
import type { HubContext } from '../context.js';
import { customers } from '../services/customer-collection.js';
import { usageReports } from '../services/usage/usage-service.js';

const DAYS = 60;

/**
 * Demo usage: 60 days of daily licensed-user counts for the active customers (a seeded walk that
 * ends at today's real count), the report two months back submitted on time, last month's report
 * saved with a purchase order, and the running month as a snapshot (computed on request).
 */
export async function seedUsage(ctx: HubContext): Promise<void> {
  const usage = ctx.services.usage;
  const now = ctx.clock.now();
  const random = seededRandom(20_250_301);
  const live = usage.liveCounts();
  if (live.length === 0) return;

  const walks = live.map((count) => {
    const series: number[] = [count.licensedUsers];
    for (let i = 1; i < DAYS; i++) {
      const next = series[i - 1]! - intBetween(random, -2, 3);
      series.push(Math.max(0, Math.min(count.licenses || next, next)));
    }
    return series.reverse();
  });
  for (let i = 0; i < DAYS; i++) {
    const at = new Date(now.getTime() - (DAYS - 1 - i) * DAY);
    const day = dayOf(at);
    const counts = [];
    for (const [k, count] of live.entries()) {
      const since = ctx.store.get(customers, count.customerId)?.activationDate;
      if (since && since > day) continue;
      counts.push({ ...count, licensedUsers: walks[k]![i]! });
    }
    await usage.daily.record(day, counts, at);
  }

  const principal = systemPrincipal('SP Hub demo seed');
  const current = monthOf(now);
  const twoBack = addMonths(current, -2);
  const lastMonth = addMonths(current, -1);
  const at = (month: string, day: number, hour: number) => new Date(Math.min(now.getTime(), Date.parse(`${month}-0${day}T00:00:00.000Z`) + hour * HOUR)).toISOString();

  if (!ctx.store.get(usageReports, twoBack) && (await usage.daily.hasMonth(twoBack))) {
    await usage.generate(twoBack, principal);
    await usage.submitUsage(principal, twoBack, { purchaseOrder: `PO-${twoBack.replace('-', '')}-0412` });
    await usage.confirm(principal, twoBack);
    await retime(ctx, twoBack, [at(lastMonth, 1, 6), at(lastMonth, 2, 9), at(lastMonth, 2, 10)]);
  }
  if (!ctx.store.get(usageReports, lastMonth) && (await usage.daily.hasMonth(lastMonth))) {
    await usage.generate(lastMonth, principal);
    await usage.update(principal, lastMonth, { purchaseOrder: `PO-${lastMonth.replace('-', '')}-0413`, comment: 'Checked against the VDC licensed users export.' });
    await retime(ctx, lastMonth, [at(current, 1, 6), at(current, 1, 11)]);
  }
}

/** Gives the seeded history plausible times (generated on the 1st, worked on before the deadline). */
async function retime(ctx: HubContext, month: string, times: string[]): Promise<void> {
  await ctx.store.write((tx) => {
    const report = tx.get(usageReports, month);
    if (!report) return;
    const history = report.history.map((h, i) => ({ ...h, at: times[Math.min(i, times.length - 1)]! }));
    const lastOf = (actions: string[]) => history.filter((h) => actions.includes(h.action)).at(-1)?.at ?? null;
    const next: UsageReportRecord = {
      ...report,
      generatedAt: history[0]!.at,
      history,
      savedAt: report.savedAt ? lastOf(['saved', 'usage-submitted']) : null,
      submittedAt: report.submittedAt ? lastOf(['submitted']) : null,
    };
    tx.put(usageReports, next);
  });
}
