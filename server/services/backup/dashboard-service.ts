import { DAY } from '../../../shared/domain/clock.js';
import { computeDashboard } from '../../../shared/domain/dashboard.js';
import { dayOf, monthOf, previousMonth } from '../../../shared/domain/units.js';
import type { Dashboard, DailyFigures } from '../../../shared/schemas/monitoring.js';
import type { HubContext } from '../../context.js';
import { dailyFigures } from './collections.js';
import type { CustomerDirectory } from './customer-directory.js';
import { setLicenseFigures } from './daily-figures.js';
import type { PolicyIndex } from './policy-index.js';

/** The dashboard from the daily counters and the in-memory indexes; it reads no session. */
export class DashboardService {
  constructor(
    private readonly ctx: HubContext,
    private readonly deps: { index: PolicyIndex; directory: CustomerDirectory },
  ) {}

  dashboard(days = 30): Dashboard {
    const now = this.ctx.clock.now();
    const firstOfLastMonth = `${previousMonth(monthOf(now))}-01`;
    const rangeStart = dayOf(now.getTime() - (days - 1) * DAY);
    const from = rangeStart < firstOfLastMonth ? rangeStart : firstOfLastMonth;
    const daily: DailyFigures[] = [];
    // A little before the range too, so license figures can be carried forward into it.
    for (let t = Date.parse(`${from}T00:00:00Z`) - 31 * DAY; t <= now.getTime(); t += DAY) {
      const day = this.ctx.store.get(dailyFigures, dayOf(t));
      if (day) daily.push(day);
    }
    return computeDashboard({
      now,
      days,
      daily,
      jobs: { count: this.deps.index.count(), running: this.deps.index.running, latest: this.deps.index.latestResults() },
      current: this.deps.directory.activeTotals(),
      customerName: (id) => this.deps.directory.get(id)?.displayName,
    });
  }

  /** Records today's active customers and licenses when they changed (the license history). */
  async snapshotLicenses(): Promise<boolean> {
    const day = dayOf(this.ctx.clock.now());
    const totals = this.deps.directory.activeTotals();
    const current = this.ctx.store.get(dailyFigures, day);
    if (current && current.customers === totals.customers && current.licenses === totals.licenses) return false;
    await this.ctx.store.write((tx) => setLicenseFigures(tx, day, totals));
    return true;
  }
}
