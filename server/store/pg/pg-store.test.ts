import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { postgresAvailable, startTestPostgres, type TestPostgres } from '../../../test/helpers/postgres.js';
import { defineCollection } from '../collection.js';
import { migrate, MIGRATIONS } from './migrations.js';
import { PgStore } from './pg-store.js';

const counters = defineCollection('pg-test-counters', z.object({ id: z.string(), n: z.number() }));

describe.skipIf(!postgresAvailable)('PgStore: several hubs on one database', () => {
  let cluster: TestPostgres;
  const stores: PgStore[] = [];
  const open = async (url: string, extra: Partial<Parameters<typeof PgStore.open>[0]> = {}) => {
    const store = await PgStore.open({ url, ...extra });
    stores.push(store);
    return store;
  };
  beforeAll(async () => {
    cluster = await startTestPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  it('shows a write on one hub to the other through NOTIFY (no poll), listeners included', async () => {
    const url = await cluster.createDatabase();
    const a = await open(url);
    const b = await open(url, { pollMs: 60_000 }); // no poll: only the notification can bring it
    const seen: string[] = [];
    b.onChange(counters, (before, after) => seen.push(`${before?.n ?? '-'}>${after?.n ?? '-'}`));
    await a.write((tx) => tx.put(counters, { id: 'c', n: 1 }));
    await vi.waitFor(() => expect(b.get(counters, 'c')?.n).toBe(1), { timeout: 10_000, interval: 5 });
    await a.write((tx) => tx.delete(counters, 'c'));
    await vi.waitFor(() => expect(b.get(counters, 'c')).toBeUndefined(), { timeout: 10_000, interval: 5 });
    expect(seen).toEqual(['->1', '1>-']);
  });

  it('loses no update when hubs increment the same record at the same time (the later write runs again)', async () => {
    const url = await cluster.createDatabase();
    const hubs = [await open(url), await open(url), await open(url)];
    await hubs[0]!.write((tx) => tx.put(counters, { id: 'c', n: 0 }));
    await Promise.all(hubs.map((h) => h.refresh()));
    const increment = (store: PgStore) =>
      store.write((tx) => {
        const current = tx.get(counters, 'c')!;
        tx.put(counters, { id: 'c', n: current.n + 1 });
        return current.n + 1;
      });
    const results = await Promise.all(hubs.flatMap((h) => Array.from({ length: 40 }, () => increment(h))));
    expect(new Set(results).size).toBe(120);
    for (const h of hubs) await h.refresh();
    for (const h of hubs) expect(h.get(counters, 'c')?.n).toBe(120);
    const fresh = await open(url);
    expect(fresh.get(counters, 'c')?.n).toBe(120);
  });

  it('refuses a write whose rule no longer holds once another hub got there first', async () => {
    const url = await cluster.createDatabase();
    const a = await open(url);
    const b = await open(url, { pollMs: 60_000 });
    await a.write((tx) => tx.put(counters, { id: 'slot', n: 0 }));
    await b.refresh();
    // Both claim the slot on what each saw as free; only one may have it.
    const claim = (store: PgStore, who: number) =>
      store.write((tx) => {
        if (tx.get(counters, 'slot')!.n !== 0) throw new Error('taken');
        tx.put(counters, { id: 'slot', n: who });
      });
    const outcomes = await Promise.allSettled([claim(a, 1), claim(b, 2)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((o) => o.status === 'rejected')?.reason?.message).toBe('taken');
    await a.refresh();
    await b.refresh();
    expect(a.get(counters, 'slot')?.n).toBe(b.get(counters, 'slot')?.n);
  });

  it('reloads the records when the changes it missed were pruned', async () => {
    const url = await cluster.createDatabase();
    const a = await open(url);
    const c = await open(url, { pollMs: 60_000 });
    const seen: string[] = [];
    c.onChange(counters, (before, after) => seen.push(`${before?.id ?? '-'}:${after?.n ?? '-'}`));
    // c hears nothing for a while: simulate by writing with a and deleting the change rows.
    await (c as unknown as { listener: pg.Client }).listener.query('UNLISTEN *');
    await a.write((tx) => tx.put(counters, { id: 'x', n: 1 }));
    await a.write((tx) => tx.put(counters, { id: 'y', n: 2 }));
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query('DELETE FROM store_changes');
    await a.write((tx) => tx.put(counters, { id: 'x', n: 3 }));
    await admin.end();
    await c.refresh();
    expect(c.get(counters, 'x')?.n).toBe(3);
    expect(c.get(counters, 'y')?.n).toBe(2);
    expect(seen.sort()).toEqual(['-:2', '-:3']);
  });

  it('applies migrations once, also when hubs start together, and refuses a newer schema', async () => {
    const url = await cluster.createDatabase();
    const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: url, max: 1 }));
    try {
      const applied = await Promise.all(pools.map((p) => migrate(p)));
      expect(applied.flat()).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await migrate(pools[0]!)).toEqual([]);
      await pools[0]!.query(`INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')`);
      await expect(migrate(pools[0]!)).rejects.toThrow(/newer than this SP Hub knows/);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('refuses to open on a database it cannot reach, saying so', async () => {
    await expect(PgStore.open({ url: 'postgres://postgres@127.0.0.1:1/none' })).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});
