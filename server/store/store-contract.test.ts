import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { postgresAvailable, startTestPostgres, type TestPostgres } from '../../test/helpers/postgres.js';
import { AppendLog } from './append-log.js';
import { defineCollection } from './collection.js';
import { JournalStore } from './journal-store.js';
import { PgAppendLog } from './pg/pg-append-log.js';
import { PgStore } from './pg/pg-store.js';
import type { Store } from './store.js';

// The behaviour every Store implementation owes the services, run against each of them.

const notes = defineCollection('contract-notes', z.object({ id: z.string(), text: z.string(), n: z.number() }));
const tags = defineCollection('contract-tags', z.object({ id: z.string(), label: z.string() }));

interface Backend {
  /** A store on fresh, empty storage (each call in a test: the same storage, opened again). */
  open(): Promise<Store>;
  logs(store: Store): Promise<AppendLog>;
  fresh(): Promise<void>;
  done(): Promise<void>;
}

let pgCluster: TestPostgres | null = null;

const backends: Record<string, () => Backend> = {
  'JournalStore (folder)': () => {
    let dir = '';
    return {
      fresh: async () => void (dir = await mkdtemp(join(tmpdir(), 'sphub-contract-'))),
      open: () => JournalStore.open({ dir }),
      logs: async (store) => new AppendLog(store.dir),
      done: () => rm(dir, { recursive: true, force: true }),
    };
  },
  PgStore: () => {
    let url = '';
    return {
      fresh: async () => void (url = await pgCluster!.createDatabase()),
      open: () => PgStore.open({ url }),
      logs: (store) => PgAppendLog.open((store as PgStore).pool),
      done: async () => undefined,
    };
  },
};

describe.each(Object.keys(backends))('Store contract: %s', (name) => {
  const needsPg = name === 'PgStore';
  const backend = backends[name]!();
  const opened: Store[] = [];
  const open = async () => {
    const store = await backend.open();
    opened.push(store);
    return store;
  };

  beforeAll(async () => {
    if (needsPg && postgresAvailable) pgCluster ??= await startTestPostgres();
  });
  afterAll(async () => {
    if (needsPg) {
      await pgCluster?.stop();
      pgCluster = null;
    }
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close().catch(() => undefined);
    await backend.done();
  });

  const skip = needsPg && !postgresAvailable;

  it.skipIf(skip)('keeps acknowledged writes across a reopen', async () => {
    await backend.fresh();
    const store = await open();
    await store.write((tx) => tx.put(notes, { id: 'a', text: 'first', n: 1 }));
    await store.write((tx) => {
      tx.put(notes, { id: 'b', text: 'second', n: 2 });
      tx.delete(notes, 'a');
    });
    const reopened = await open();
    expect(reopened.get(notes, 'a')).toBeUndefined();
    expect(reopened.get(notes, 'b')).toEqual({ id: 'b', text: 'second', n: 2 });
    expect(reopened.count(notes)).toBe(1);
  });

  it.skipIf(skip)('makes a write visible as soon as its function returns, before it is saved', async () => {
    await backend.fresh();
    const store = await open();
    const saved = store.write((tx) => tx.put(notes, { id: 'a', text: 'now', n: 1 }));
    expect(store.get(notes, 'a')?.text).toBe('now');
    await saved;
  });

  it.skipIf(skip)('loses no update under many concurrent writes, and returns what the function returned', async () => {
    await backend.fresh();
    const store = await open();
    await store.write((tx) => tx.put(notes, { id: 'counter', text: '', n: 0 }));
    const results = await Promise.all(
      Array.from({ length: 300 }, () =>
        store.write((tx) => {
          const current = tx.get(notes, 'counter')!;
          tx.put(notes, { ...current, n: current.n + 1 });
          return current.n + 1;
        }),
      ),
    );
    expect(new Set(results).size).toBe(300);
    expect(store.get(notes, 'counter')?.n).toBe(300);
    expect((await open()).get(notes, 'counter')?.n).toBe(300);
  });

  it.skipIf(skip)('applies nothing when the write function throws', async () => {
    await backend.fresh();
    const store = await open();
    expect(() =>
      store.write((tx) => {
        tx.put(notes, { id: 'x', text: 'never', n: 0 });
        throw new Error('rule broken');
      }),
    ).toThrow('rule broken');
    expect(store.get(notes, 'x')).toBeUndefined();
    await store.write((tx) => tx.put(tags, { id: 't', label: 'later' }));
    expect((await open()).get(notes, 'x')).toBeUndefined();
  });

  it.skipIf(skip)('refuses a record its schema refuses, and applies nothing of that write', async () => {
    await backend.fresh();
    const store = await open();
    expect(() =>
      store.write((tx) => {
        tx.put(notes, { id: 'ok', text: 'fine', n: 1 });
        tx.put(notes, { id: 'bad', text: 'x', n: 'two' } as never);
      }),
    ).toThrow(/invalid contract-notes record bad/);
    expect(store.get(notes, 'ok')).toBeUndefined();
  });

  it.skipIf(skip)('tells listeners about existing and changed records, not about deleting what is not there', async () => {
    await backend.fresh();
    const store = await open();
    await store.write((tx) => tx.put(notes, { id: 'a', text: 'one', n: 1 }));
    const seen: string[] = [];
    store.onChange(notes, (before, after) => seen.push(`${before?.text ?? '-'}>${after?.text ?? '-'}`));
    await store.write((tx) => tx.put(notes, { id: 'a', text: 'two', n: 2 }));
    await store.write((tx) => tx.delete(notes, 'a'));
    await store.write((tx) => tx.delete(notes, 'never-there'));
    expect(seen).toEqual(['->one', 'one>two', 'two>-']);
  });

  it.skipIf(skip)('a batch sees its own puts and deletes; all() and count() follow every collection', async () => {
    await backend.fresh();
    const store = await open();
    await store.write((tx) => {
      tx.put(notes, { id: 'a', text: 'one', n: 1 });
      expect(tx.get(notes, 'a')?.text).toBe('one');
      tx.delete(notes, 'a');
      expect(tx.get(notes, 'a')).toBeUndefined();
      tx.put(notes, { id: 'b', text: 'two', n: 2 });
      tx.put(tags, { id: 'x', label: 'tag' });
    });
    expect([...store.all(notes)].map((n) => n.id)).toEqual(['b']);
    expect(store.count(tags)).toBe(1);
    const reopened = await open();
    expect([...reopened.all(notes)]).toEqual([{ id: 'b', text: 'two', n: 2 }]);
    expect(reopened.get(tags, 'x')).toEqual({ id: 'x', label: 'tag' });
  });

  it.skipIf(skip)('refuses writes once closed', async () => {
    await backend.fresh();
    const store = await open();
    await store.close();
    await expect(store.write((tx) => tx.put(notes, { id: 'late', text: '', n: 0 }))).rejects.toThrow(/closed/);
  });

  it.skipIf(skip)('its append-only history keeps records in order per file and reads a missing file as empty', async () => {
    await backend.fresh();
    const store = await open();
    const logs = await backend.logs(store);
    await Promise.all(Array.from({ length: 50 }, (_, i) => logs.append('sessions/pol_a.jsonl', [{ i }])));
    await logs.append('sessions/pol_b.jsonl', [{ i: 'b1' }, { i: 'b2' }]);
    await logs.append('audit/2026-12.jsonl', [{ id: 'aud_1', nested: { deep: [1, 2] } }]);
    expect((await logs.read<{ i: number }>('sessions/pol_a.jsonl')).map((r) => r.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(await logs.read('sessions/pol_b.jsonl')).toEqual([{ i: 'b1' }, { i: 'b2' }]);
    expect(await logs.read('audit/2026-12.jsonl')).toEqual([{ id: 'aud_1', nested: { deep: [1, 2] } }]);
    expect(await logs.read('sessions/none.jsonl')).toEqual([]);
    expect(await logs.exists('sessions/pol_b.jsonl')).toBe(true);
    expect(await logs.exists('sessions/none.jsonl')).toBe(false);
    await logs.close();
  });

  it.skipIf(skip)('lists the files under a folder (the outbox spool) and removes one whole, leaving the others', async () => {
    await backend.fresh();
    const store = await open();
    const logs = await backend.logs(store);
    await logs.append('outbox-spool/mail/0001-a-1.jsonl', [{ n: 1 }, { n: 2 }]);
    await logs.append('outbox-spool/ab12/0002-a-2.jsonl', [{ n: 3 }]);
    await logs.append('outbox-spoolish/x.jsonl', [{ n: 4 }]);
    await logs.append('odd_5%/x.jsonl', [{ n: 5 }]);
    await logs.append('odd_51/y.jsonl', [{ n: 6 }]);
    expect(await logs.list('outbox-spool/')).toEqual(['outbox-spool/ab12/0002-a-2.jsonl', 'outbox-spool/mail/0001-a-1.jsonl']);
    expect(await logs.list('odd_5%/')).toEqual(['odd_5%/x.jsonl']); // no wildcards
    expect(await logs.list('nothing/')).toEqual([]);
    await logs.remove('outbox-spool/mail/0001-a-1.jsonl');
    expect(await logs.list('outbox-spool/')).toEqual(['outbox-spool/ab12/0002-a-2.jsonl']);
    expect(await logs.read('outbox-spool/mail/0001-a-1.jsonl')).toEqual([]);
    // Appending again after a removal starts the file afresh.
    await logs.append('outbox-spool/mail/0001-a-1.jsonl', [{ n: 6 }]);
    expect(await logs.read('outbox-spool/mail/0001-a-1.jsonl')).toEqual([{ n: 6 }]);
    await logs.close();
  });
});
