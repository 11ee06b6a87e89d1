import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../shared/domain/clock.js';
import { createTestHub } from '../../../test/helpers/hub.js';
import { customerV1, writeStoreV1 } from '../../../test/helpers/old-store.js';
import { postgresAvailable, startTestPostgres, type TestPostgres } from '../../../test/helpers/postgres.js';
import { canonicalJson, importEmbeddedStore } from './import.js';
import { PgStore } from './pg-store.js';

describe('canonicalJson', () => {
  it('orders keys so the same record hashes alike whatever order its keys came in', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"e":null,"f":1}]},"b":1}');
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });
});

describe.skipIf(!postgresAvailable)('npm run db:import', () => {
  let cluster: TestPostgres;
  let dir: string;
  beforeAll(async () => {
    cluster = await startTestPostgres();
    dir = await mkdtemp(join(tmpdir(), 'sphub-import-'));
    // An embedded store with the demo data: records, session histories, audit, events, outbox.
    const clock = new FakeClock(new Date('2026-11-25T09:00:00.000Z'));
    const embedded = await createTestHub({ clock, config: { dataDir: dir }, seed: true });
    await embedded.close();
  });
  afterAll(async () => {
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('copies every record and history record, checks counts and checksums, and the hub on PostgreSQL answers as on the folder', async () => {
    const url = await cluster.createDatabase();
    const report = await importEmbeddedStore(dir, url);
    expect(report.ok).toBe(true);
    expect(report.collections.find((c) => c.name === 'customers')?.count).toBeGreaterThan(10);
    expect(report.histories.some((h) => h.file.startsWith('sessions/'))).toBe(true);
    expect(report.histories.some((h) => h.file.startsWith('audit/'))).toBe(true);
    for (const c of report.collections) expect([c.copied, c.copiedChecksum]).toEqual([c.count, c.checksum]);

    const clock = new FakeClock(new Date('2026-11-25T09:00:00.000Z'));
    const onFolder = await createTestHub({ clock, config: { dataDir: dir } });
    const onPostgres = await createTestHub({ clock, store: await PgStore.open({ url }) });
    try {
      const policy = (await onFolder.admin.policies({ pageSize: 1 })).items[0]!;
      const ask = async (t: typeof onFolder) => [
        await t.admin.customers({ pageSize: 100 }),
        await t.admin.policies({ pageSize: 200 }),
        await t.admin.policySessions(policy.id, { pageSize: 50 }),
        await t.admin.audit({ pageSize: 50 }),
        await t.admin.outbox({ pageSize: 50 }),
        await t.admin.dashboard(),
      ];
      expect(await ask(onPostgres)).toEqual(await ask(onFolder));
    } finally {
      await onFolder.close();
      await onPostgres.close();
    }
  });

  it('upgrades a folder written by an older SP Hub first, as a start does: PostgreSQL gets licenses used and licenseLimit', async () => {
    const old = await mkdtemp(join(tmpdir(), 'sphub-import-v1-'));
    try {
      await writeStoreV1(old, { customers: [customerV1('cus_acme', 100, 85)] }, 1, [{ s: 2, o: [['customers', 'cus_bravo', customerV1('cus_bravo', 60, 50)]] }]);
      const url = await cluster.createDatabase();
      const report = await importEmbeddedStore(old, url);
      expect(report.upgraded).toEqual({ from: 1, to: 2, changes: ['v2: 2 customers: licenseLimit = the old licenses, licenses = protected accounts'] });
      const clock = new FakeClock(new Date('2026-12-02T09:00:00.000Z'));
      const onPostgres = await createTestHub({ clock, store: await PgStore.open({ url }) });
      try {
        expect(await onPostgres.admin.customer('cus_acme')).toMatchObject({ licenses: 85, licenseLimit: 100 });
        expect(await onPostgres.admin.customer('cus_bravo')).toMatchObject({ licenses: 50, licenseLimit: 60 });
        expect((await onPostgres.admin.alerts({ kind: ['licenseThreshold'] })).items.map((a) => a.id)).toEqual(['licenseThreshold.cus_acme', 'licenseThreshold.cus_bravo']);
      } finally {
        await onPostgres.close();
      }
    } finally {
      await rm(old, { recursive: true, force: true });
    }
  });

  it('refuses a database that already holds data, and a folder that holds no store, changing nothing', async () => {
    const url = await cluster.createDatabase();
    await importEmbeddedStore(dir, url);
    const count = async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return Number((await client.query('SELECT count(*) AS n FROM records')).rows[0].n);
      } finally {
        await client.end();
      }
    };
    const before = await count();
    await expect(importEmbeddedStore(dir, url)).rejects.toThrow(/already holds SP Hub data/);
    expect(await count()).toBe(before);
    const empty = await mkdtemp(join(tmpdir(), 'sphub-import-empty-'));
    try {
      await writeFile(join(empty, 'notes.txt'), 'not a store');
      await expect(importEmbeddedStore(empty, await cluster.createDatabase())).rejects.toThrow(/holds no SP Hub store/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
