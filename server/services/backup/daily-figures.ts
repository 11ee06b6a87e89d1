import type { SessionResult } from '../../../shared/schemas/backup.js';
import type { DailyFigures } from '../../../shared/schemas/monitoring.js';
import type { WriteBatch } from '../../store/store.js';
import { dailyFigures } from './collections.js';

// The dashboard's counters, bumped inside the same store write as the change they count.

export const emptyDay = (id: string): DailyFigures => ({
  id,
  jobs: { Success: 0, Warning: 0, Failed: 0, Stopped: 0, Disconnected: 0 },
  restores: {},
  customers: null,
  licenses: null,
});

export function bumpJob(tx: WriteBatch, day: string, result: SessionResult): void {
  const current = tx.get(dailyFigures, day) ?? emptyDay(day);
  tx.put(dailyFigures, { ...current, jobs: { ...current.jobs, [result]: current.jobs[result] + 1 } });
}

export function bumpRestore(tx: WriteBatch, day: string, customerId: string): void {
  const current = tx.get(dailyFigures, day) ?? emptyDay(day);
  tx.put(dailyFigures, { ...current, restores: { ...current.restores, [customerId]: (current.restores[customerId] ?? 0) + 1 } });
}

export function setLicenseFigures(tx: WriteBatch, day: string, figures: { customers: number; licenses: number }): void {
  const current = tx.get(dailyFigures, day) ?? emptyDay(day);
  tx.put(dailyFigures, { ...current, customers: figures.customers, licenses: figures.licenses });
}
