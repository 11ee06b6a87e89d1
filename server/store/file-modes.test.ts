import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AppendLog } from './append-log.js';
import { defineCollection } from './collection.js';
import { JournalStore } from './journal-store.js';

const notes = defineCollection('test-mode-notes', z.object({ id: z.string(), n: z.number() }));

/** Every folder and file below `dir` (itself included) as "path kind mode". */
async function modes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = { '.': `dir ${((await stat(dir)).mode & 0o777).toString(8)}` };
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    out[path.slice(dir.length + 1)] = `${entry.isDirectory() ? 'dir' : 'file'} ${((await stat(path)).mode & 0o777).toString(8)}`;
  }
  return out;
}

describe('data file modes', () => {
  let parent: string;
  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'sphub-modes-'));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(parent, { recursive: true, force: true });
  });

  it('creates the data folder 700 and every file in it 600 (snapshot, journal, append-only logs)', async () => {
    const dir = join(parent, 'data');
    const store = await JournalStore.open({ dir, compactAfterBytes: 200 });
    const logs = new AppendLog(dir);
    for (let i = 0; i < 10; i++) await store.write((tx) => tx.put(notes, { id: `n${i}`, n: i }));
    await logs.append('audit/2026-12.jsonl', [{ a: 1 }]);
    await logs.append('sessions/pol_1.jsonl', [{ s: 1 }]);
    await store.write((tx) => tx.put(notes, { id: 'last', n: 0 }));
    const found = await modes(dir);
    await logs.close();
    await store.close();
    expect(Object.keys(found)).toEqual(expect.arrayContaining(['hub.json', 'journal', 'audit/2026-12.jsonl', 'sessions/pol_1.jsonl']));
    expect(Object.keys(found).some((p) => p.startsWith('journal/'))).toBe(true);
    for (const [path, mode] of Object.entries({ ...found, ...(await modes(dir)) })) {
      expect(`${path} ${mode}`).toBe(`${path} ${mode.startsWith('dir') ? 'dir 700' : 'file 600'}`);
    }
  });

  it('tightens a folder an earlier version left readable, and says so once', async () => {
    const dir = join(parent, 'old');
    await mkdir(join(dir, 'audit'), { recursive: true, mode: 0o755 });
    await chmod(dir, 0o755);
    await chmod(join(dir, 'audit'), 0o755);
    await writeFile(join(dir, 'admin-api-key.txt'), 'sph_x\n', { mode: 0o644 });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const store = await JournalStore.open({ dir });
    await store.close();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain('Tightened the data folder');
    expect(((await stat(dir)).mode & 0o777).toString(8)).toBe('700');
    expect(((await stat(join(dir, 'audit'))).mode & 0o777).toString(8)).toBe('700');
    expect(((await stat(join(dir, 'admin-api-key.txt'))).mode & 0o777).toString(8)).toBe('600');

    const again = await JournalStore.open({ dir });
    await again.close();
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
