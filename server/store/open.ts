import type { Clock } from '../../shared/domain/clock.js';
import type { Job } from '../area.js';
import type { HubConfig } from '../config.js';
import { EventBus } from '../services/events.js';
import { AppendLog } from './append-log.js';
import { ClusterEventBus } from './pg/cluster-events.js';
import { JobLeases } from './pg/leases.js';
import { JournalStore } from './journal-store.js';
import { PgAppendLog } from './pg/pg-append-log.js';
import { PgStore } from './pg/pg-store.js';
import type { Store } from './store.js';

/** The store the configuration asks for: PostgreSQL when SPHUB_DATABASE_URL is set, else the embedded one. */
export function openStore(config: Pick<HubConfig, 'dataDir' | 'databaseUrl'>): Promise<Store> {
  if (config.databaseUrl) return PgStore.open({ url: config.databaseUrl });
  return JournalStore.open({ dir: config.dataDir });
}

/** Where the append-only histories go: tables beside a PostgreSQL store, files beside an embedded one. */
export async function historyFor(store: Store): Promise<AppendLog> {
  return store instanceof PgStore ? PgAppendLog.open(store.pool, store) : new AppendLog(store.dir);
}

/** Where a store keeps its data, for the start banner. */
export function describeStore(store: Store): string {
  if (store instanceof PgStore) return 'data in PostgreSQL';
  return store.dir ? `data in ${store.dir}` : 'in memory';
}

/** The event bus: with PostgreSQL, one numbering and one stream for every hub on the database. */
export function eventBusFor(store: Store, logs: AppendLog, clock: Clock, inMemory?: number): EventBus {
  return store instanceof PgStore ? new ClusterEventBus(store, clock, logs instanceof PgAppendLog ? logs : null, inMemory) : new EventBus(logs, clock, inMemory);
}

/**
 * How background jobs run: with PostgreSQL each job runs on one hub at a time, the holder of its
 * lease (see JobLeases); with the embedded store there is one hub, which runs them all.
 */
export function jobRunnerFor(store: Store, env: Record<string, string | undefined> = {}): (job: Job) => Job {
  if (!(store instanceof PgStore)) return (job) => job;
  const leases = new JobLeases(store.url, Number(env.SPHUB_LEASE_RETRY_MS ?? 1_000) || 1_000);
  return (job) => leases.exclusive(job);
}
