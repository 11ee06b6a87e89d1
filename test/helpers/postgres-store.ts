import pg from 'pg';
import { inject } from 'vitest';
import { PgStore } from '../../server/store/pg/pg-store.js';

/** True in the hub-postgres vitest project, whose global setup started a cluster. */
export function testsRunOnPostgres(): boolean {
  return process.env.SPHUB_TEST_STORE === 'postgres';
}

let n = 0;

/** A PgStore on a new database of the project's cluster; `drop()` (after the store is closed) deletes the database. */
export async function openTestDatabaseStore(): Promise<{ store: PgStore; drop(): Promise<void> }> {
  const base = inject('postgresUrl');
  if (!base) throw new Error('SPHUB_TEST_STORE=postgres, but no PostgreSQL cluster was started (test/helpers/postgres-global.ts)');
  n += 1;
  const name = `hub_${process.pid}_${n}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const store = await PgStore.open({ url: base.replace(/\/postgres$/, `/${name}`) });
  return {
    store,
    async drop() {
      await store.close();
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
