import { MonthlyUsageAccumulator, type MonthlyCustomerUsage } from '../../../shared/domain/usage-counts.js';
import { DailyUsageCount } from '../../../shared/schemas/usage.js';
import type { AppendLog } from '../../store/append-log.js';

export type DailyCountInput = Omit<DailyUsageCount, 'day' | 'recordedAt'>;

interface MonthState {
  usage: MonthlyUsageAccumulator;
  /** Per day, the highest count recorded per customer: makes recording idempotent. */
  byDay: Map<string, Map<string, number>>;
}

/**
 * Daily licensed-user counts, one append-only file per month (usage/daily/YYYY-MM.jsonl), so any
 * month can be recomputed from what was counted. Recording a day again adds nothing unless a
 * customer's count went up since (the day's count is its highest). Months are loaded on first
 * use and then kept up to date in memory.
 */
export class DailyCounts {
  private readonly months = new Map<string, Promise<MonthState>>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly logs: AppendLog) {
    // Counts other hubs on the same database recorded, into the months already loaded.
    logs.onAppended('usage/daily/', (file, records) => {
      const state = this.months.get(file.slice('usage/daily/'.length, -'.jsonl'.length));
      void state?.then((loaded) => {
        for (const raw of records) {
          const parsed = DailyUsageCount.safeParse(raw);
          if (parsed.success) apply(loaded, parsed.data);
        }
      });
    });
  }

  /** Appends the counts of one day that are new or higher than recorded; returns how many were appended. */
  record(day: string, counts: readonly DailyCountInput[], at: Date): Promise<number> {
    const run = this.queue.then(async () => {
      const month = day.slice(0, 7);
      const state = await this.load(month);
      const recorded = state.byDay.get(day) ?? new Map<string, number>();
      const fresh: DailyUsageCount[] = [];
      for (const count of counts) {
        const before = recorded.get(count.customerId);
        if (before !== undefined && before >= count.licensedUsers) continue;
        fresh.push({ ...count, day, recordedAt: at.toISOString() });
      }
      if (fresh.length === 0) return 0;
      await this.logs.append(fileOf(month), fresh);
      for (const record of fresh) apply(state, record);
      return fresh.length;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Each customer's usage in a month (highest daily count), sorted by name. */
  async usage(month: string): Promise<MonthlyCustomerUsage[]> {
    return (await this.load(month)).usage.result();
  }

  /** A fresh accumulator holding the month so far, for a snapshot that adds live counts. */
  async accumulator(month: string): Promise<MonthlyUsageAccumulator> {
    return (await this.load(month)).usage.clone();
  }

  async hasMonth(month: string): Promise<boolean> {
    return (await this.load(month)).usage.size > 0;
  }

  /** Every count of a month, in recording order (for the daily view). */
  async records(month: string): Promise<DailyUsageCount[]> {
    await this.queue;
    return (await this.logs.read<unknown>(fileOf(month))).flatMap((raw) => {
      const parsed = DailyUsageCount.safeParse(raw);
      return parsed.success ? [parsed.data] : [];
    });
  }

  private load(month: string): Promise<MonthState> {
    let state = this.months.get(month);
    if (!state) {
      state = this.logs.read<unknown>(fileOf(month)).then((rows) => {
        const loaded: MonthState = { usage: new MonthlyUsageAccumulator(), byDay: new Map() };
        for (const raw of rows) {
          const parsed = DailyUsageCount.safeParse(raw);
          if (parsed.success) apply(loaded, parsed.data);
        }
        return loaded;
      });
      state.catch(() => this.months.delete(month));
      this.months.set(month, state);
    }
    return state;
  }
}

function apply(state: MonthState, record: DailyUsageCount): void {
  state.usage.add(record);
  let day = state.byDay.get(record.day);
  if (!day) state.byDay.set(record.day, (day = new Map()));
  day.set(record.customerId, Math.max(day.get(record.customerId) ?? 0, record.licensedUsers));
}

export const fileOf = (month: string) => `usage/daily/${month}.jsonl`;
