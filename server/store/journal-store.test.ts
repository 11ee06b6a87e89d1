import { mkdtemp, readdir, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCollection } from './collection.js';
import { JournalStore, STORE_VERSION } from './journal-store.js';

const notes = defineCollection('test-notes', z.object({ id: z.string(), text: z.string(), n: z.number() }));

describe('JournalStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sphub-store-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps acknowledged writes across a reopen without a clean close', async () => {
    const store = await JournalStore.open({ dir });
    await store.write((tx) => tx.put(notes, { id: 'a', text: 'first', n: 1 }));
    await store.write((tx) => {
      tx.put(notes, { id: 'b', text: 'second', n: 2 });
      tx.delete(notes, 'a');
    });
    // No close(): as if the process had been killed right after the answers.
    const reopened = await JournalStore.open({ dir });
    expect(reopened.get(notes, 'a')).toBeUndefined();
    expect(reopened.get(notes, 'b')).toEqual({ id: 'b', text: 'second', n: 2 });
  });

  it('folds the journal into the snapshot on close and when it grows', async () => {
    const store = await JournalStore.open({ dir, compactAfterBytes: 2_000 });
    for (let i = 0; i < 100; i++) await store.write((tx) => tx.put(notes, { id: `n${i}`, text: 'x'.repeat(50), n: i }));
    const snapshot = JSON.parse(await readFile(join(dir, 'hub.json'), 'utf8'));
    expect(snapshot.version).toBe(STORE_VERSION);
    expect(snapshot.collections['test-notes'].length).toBeGreaterThan(10);
    await store.close();
    expect(await readdir(join(dir, 'journal'))).toEqual([]);
    const reopened = await JournalStore.open({ dir });
    expect(reopened.count(notes)).toBe(100);
    expect(reopened.get(notes, 'n99')?.n).toBe(99);
  });

  it('drops a torn last line (a write that never completed) and keeps the rest', async () => {
    const store = await JournalStore.open({ dir });
    await store.write((tx) => tx.put(notes, { id: 'a', text: 'kept', n: 1 }));
    const [file] = await readdir(join(dir, 'journal'));
    await appendFile(join(dir, 'journal', file!), '{"s":2,"o":[["test-notes","b",{"id":"b","te');
    const reopened = await JournalStore.open({ dir });
    expect(reopened.get(notes, 'a')?.text).toBe('kept');
    expect(reopened.get(notes, 'b')).toBeUndefined();
    await reopened.write((tx) => tx.put(notes, { id: 'c', text: 'after', n: 3 }));
    const again = await JournalStore.open({ dir });
    expect(again.get(notes, 'c')?.text).toBe('after');
  });

  it('refuses to start on a corrupt snapshot and leaves it untouched', async () => {
    await writeFile(join(dir, 'hub.json'), '{"format":"sp-hub-store", oops');
    await expect(JournalStore.open({ dir })).rejects.toThrow(/not valid JSON.*untouched/);
    expect(await readFile(join(dir, 'hub.json'), 'utf8')).toBe('{"format":"sp-hub-store", oops');
  });

  it('refuses a snapshot written by a newer version', async () => {
    const newer = JSON.stringify({ format: 'sp-hub-store', version: STORE_VERSION + 1, seq: 0, savedAt: '', collections: {} });
    await writeFile(join(dir, 'hub.json'), newer);
    await expect(JournalStore.open({ dir })).rejects.toThrow(/newer SP Hub/);
    expect(await readFile(join(dir, 'hub.json'), 'utf8')).toBe(newer);
  });

  it('refuses a snapshot whose records do not match their schema', async () => {
    const bad = JSON.stringify({ format: 'sp-hub-store', version: STORE_VERSION, seq: 1, savedAt: '', collections: { 'test-notes': [{ id: 'a', text: 5, n: 1 }] } });
    await writeFile(join(dir, 'hub.json'), bad);
    await expect(JournalStore.open({ dir })).rejects.toThrow(/test-notes\[0\] is not a valid record/);
  });

  it('refuses a journal with a corrupt line in the middle', async () => {
    const store = await JournalStore.open({ dir });
    await store.write((tx) => tx.put(notes, { id: 'a', text: 'one', n: 1 }));
    const [file] = await readdir(join(dir, 'journal'));
    await appendFile(join(dir, 'journal', file!), 'garbage\n{"s":9,"o":[]}\n');
    await expect(JournalStore.open({ dir })).rejects.toThrow(/line 2 is not valid JSON/);
  });

  it('loses no update under many concurrent writes', async () => {
    const store = await JournalStore.open({ dir });
    await store.write((tx) => tx.put(notes, { id: 'counter', text: '', n: 0 }));
    await Promise.all(
      Array.from({ length: 500 }, () =>
        store.write((tx) => {
          const current = tx.get(notes, 'counter')!;
          tx.put(notes, { ...current, n: current.n + 1 });
        }),
      ),
    );
    expect(store.get(notes, 'counter')?.n).toBe(500);
    const reopened = await JournalStore.open({ dir });
    expect(reopened.get(notes, 'counter')?.n).toBe(500);
  });

  it('applies nothing when the write function throws', async () => {
    const store = await JournalStore.open({ dir });
    expect(() =>
      store.write((tx) => {
        tx.put(notes, { id: 'x', text: 'never', n: 0 });
        throw new Error('rule broken');
      }),
    ).toThrow('rule broken');
    expect(store.get(notes, 'x')).toBeUndefined();
    const reopened = await JournalStore.open({ dir });
    expect(reopened.get(notes, 'x')).toBeUndefined();
  });

  it('tells listeners about existing and changed records', async () => {
    const store = await JournalStore.open({ dir: null });
    await store.write((tx) => tx.put(notes, { id: 'a', text: 'one', n: 1 }));
    const seen: string[] = [];
    store.onChange(notes, (before, after) => seen.push(`${before?.text ?? '-'}>${after?.text ?? '-'}`));
    await store.write((tx) => tx.put(notes, { id: 'a', text: 'two', n: 2 }));
    await store.write((tx) => tx.delete(notes, 'a'));
    await store.write((tx) => tx.delete(notes, 'never-there'));
    expect(seen).toEqual(['->one', 'one>two', 'two>-']);
  });

  it('validates a snapshot someone changed after the hub wrote it, record by record', async () => {
    const store = await JournalStore.open({ dir });
    await store.write((tx) => tx.put(notes, { id: 'a', text: 'fine', n: 1 }));
    await store.close();
    const path = join(dir, 'hub.json');
    const written = await readFile(path, 'utf8');
    expect(JSON.parse(written).checksum).toMatch(/^[0-9a-f]{64}$/);
    expect((await JournalStore.open({ dir })).get(notes, 'a')?.text).toBe('fine');
    // Same checksum, edited collections: the checksum no longer matches, so every record is checked.
    await writeFile(path, written.replace('"n":1', '"n":"one"'));
    await expect(JournalStore.open({ dir })).rejects.toThrow(/test-notes\[0\] is not a valid record/);
  });

  it('refuses to put a record its schema refuses, and applies nothing of that write', async () => {
    const store = await JournalStore.open({ dir });
    expect(() =>
      store.write((tx) => {
        tx.put(notes, { id: 'ok', text: 'fine', n: 1 });
        tx.put(notes, { id: 'bad', text: 'x', n: 'two' } as never);
      }),
    ).toThrow(/invalid test-notes record bad/);
    expect(store.get(notes, 'ok')).toBeUndefined();
  });
});
