import type { Pool, PoolClient } from 'pg';

/**
 * The database schema, as numbered steps applied in order at start (and by `npm run db:migrate`).
 * A step never changes once released; a later change is a new step. Each step runs in one
 * transaction together with its row in `schema_migrations`, under an advisory lock, so hubs
 * starting together apply it once.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The append-only histories: which file prefix goes to which table, and what its part column means. */
export const HISTORY_TABLES = [
  { prefix: 'sessions/', table: 'session_history', part: 'policy_id', shared: false },
  { prefix: 'audit/', table: 'audit_history', part: 'month', shared: true },
  { prefix: 'outbox-history/', table: 'outbox_history', part: 'day', shared: false },
  { prefix: 'restores/', table: 'restore_history', part: 'month', shared: true },
  { prefix: 'usage/daily/', table: 'usage_daily_history', part: 'month', shared: true },
  { prefix: '', table: 'other_history', part: 'file', shared: false },
] as const;
// `shared`: services keep these in memory (audit, recent restores, usage days), so every hub
// must hear of the rows the others add; their appends are serialized per table and announced.

const historyTable = (table: string, part: string) => `
CREATE TABLE ${table} (
  n bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ${part} text NOT NULL,
  record json NOT NULL
);
CREATE INDEX ${table}_${part}_n ON ${table} (${part}, n);`;

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'records, change log, histories, events, leases',
    sql: `
-- Every collection's records, keyed by collection and id; seq is the change that wrote it last.
-- Records and histories are json (the text as the hub wrote it, keys in its order), not jsonb:
-- the hubs read them whole, by key, and every hub then holds byte-identical records.
CREATE TABLE records (
  collection text NOT NULL,
  id text NOT NULL,
  doc json NOT NULL,
  seq bigint NOT NULL,
  PRIMARY KEY (collection, id)
);

-- The number of the last committed change. Every write updates this one row first, which
-- serializes writers across hubs, so change numbers are committed in order without gaps.
CREATE TABLE store_head (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  seq bigint NOT NULL
);
INSERT INTO store_head (seq) VALUES (0);

-- Each committed write with its changes, read by the other hubs to refresh their in-memory
-- copy (they are told by NOTIFY sphub_store). Old rows are pruned; a hub that fell further
-- behind reloads the records.
CREATE TABLE store_changes (
  seq bigint PRIMARY KEY,
  hub text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  ops json NOT NULL
);
CREATE INDEX store_changes_at ON store_changes (at);

-- Domain events, numbered for every hub alike (SSE ids, Last-Event-ID resume on any hub).
CREATE SEQUENCE event_ids;
CREATE TABLE events (
  id bigint PRIMARY KEY,
  day text NOT NULL,
  record json NOT NULL
);
CREATE INDEX events_day_id ON events (day, id);
${HISTORY_TABLES.map((h) => historyTable(h.table, h.part)).join('\n')}
`,
  },
];

const MIGRATION_LOCK = 0x5350_4855; // 'SPHU'

/** Applies the steps not applied yet; returns their versions. Safe to run from several hubs at once. */
export async function migrate(pool: Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      const newest = Math.max(0, ...done);
      const known = Math.max(0, ...migrations.map((m) => m.version));
      if (newest > known) throw new Error(`the database schema is version ${newest}, newer than this SP Hub knows (${known}); upgrade SP Hub`);
      const applied: number[] = [];
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(m.version)) continue;
        await inTransaction(client, async () => {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        });
        applied.push(m.version);
      }
      return applied;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

export async function inTransaction<T>(client: PoolClient, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await fn();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
