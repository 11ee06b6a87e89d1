import type { HubConfig } from '../config.js';
import { AppendLog } from './append-log.js';
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
export function historyFor(store: Store): AppendLog {
  return store instanceof PgStore ? new PgAppendLog(store.pool) : new AppendLog(store.dir);
}

/** Where a store keeps its data, for the start banner. */
export function describeStore(store: Store): string {
  if (store instanceof PgStore) return 'data in PostgreSQL';
  return store.dir ? `data in ${store.dir}` : 'in memory';
}
