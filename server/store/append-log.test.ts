import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppendLog, DEFAULT_MAX_OPEN_FILES } from './append-log.js';

describe('AppendLog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sphub-log-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends in order, including concurrent appends, and reads them back', async () => {
    const log = new AppendLog(dir);
    await Promise.all(Array.from({ length: 200 }, (_, i) => log.append('a/b.jsonl', [{ i }])));
    const records = await log.read<{ i: number }>('a/b.jsonl');
    expect(records.map((r) => r.i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('cuts a torn tail before appending again', async () => {
    const log = new AppendLog(dir);
    await log.append('x.jsonl', [{ i: 1 }]);
    await appendFile(join(dir, 'x.jsonl'), '{"i":2, torn');
    const fresh = new AppendLog(dir);
    expect(await fresh.read('x.jsonl')).toEqual([{ i: 1 }]);
    await fresh.append('x.jsonl', [{ i: 3 }]);
    expect(await readFile(join(dir, 'x.jsonl'), 'utf8')).toBe('{"i":1}\n{"i":3}\n');
  });

  it('reads a missing file as empty and works in memory', async () => {
    expect(await new AppendLog(dir).read('none.jsonl')).toEqual([]);
    const memory = new AppendLog(null);
    await memory.append('m.jsonl', [{ a: 1 }, { a: 2 }]);
    expect(await memory.read('m.jsonl')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(await memory.exists('m.jsonl')).toBe(true);
  });

  /** Files under the test folder this process holds open (Linux: /proc/self/fd). */
  async function openUnder(folder: string): Promise<string[]> {
    const out: string[] = [];
    for (const fd of await readdir('/proc/self/fd')) {
      const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
      if (target.startsWith(folder + '/')) out.push(target.slice(folder.length + 1));
    }
    return out.sort();
  }
  const hasProc = existsSync('/proc/self/fd');

  it('keeps concurrent appends to more files than it keeps open whole, in order, each line intact', async () => {
    const log = new AppendLog(dir);
    const files = Array.from({ length: DEFAULT_MAX_OPEN_FILES * 2 + 17 }, (_, f) => `policies/p${f}.jsonl`);
    // Lines of very different sizes (up to 64 KB) so that interleaved writes would show.
    const record = (f: number, i: number) => ({ f, i, pad: String.fromCharCode(97 + ((f + i) % 26)).repeat(i % 7 === 0 ? 64 * 1024 : (i * 37) % 500) });
    const appends: Promise<void>[] = [];
    for (let i = 0; i < 12; i += 1) {
      for (let f = 0; f < files.length; f += 1) appends.push(log.append(files[f]!, i % 3 === 0 ? [record(f, i), { f, i, second: true }] : [record(f, i)]));
    }
    await Promise.all(appends);
    expect(log.openFiles).toBeGreaterThan(0);
    expect(log.openFiles).toBeLessThanOrEqual(DEFAULT_MAX_OPEN_FILES);
    if (hasProc) expect((await openUnder(dir)).length).toBeLessThanOrEqual(DEFAULT_MAX_OPEN_FILES);
    for (let f = 0; f < files.length; f += 1) {
      const text = await readFile(join(dir, files[f]!), 'utf8');
      const lines = text.split('\n');
      expect(lines.pop()).toBe('');
      const expected = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? [record(f, i), { f, i, second: true }] : [record(f, i)])).flat();
      expect(lines.map((l) => JSON.parse(l))).toEqual(expected);
    }
    await log.close();
    expect(log.openFiles).toBe(0);
    if (hasProc) expect(await openUnder(dir)).toEqual([]);
  });

  it.skipIf(!hasProc)('holds the most recently appended files open and closes the least recently used first', async () => {
    const log = new AppendLog(dir, { maxOpenFiles: 2 });
    await log.append('a.jsonl', [{ n: 1 }]);
    await log.append('b.jsonl', [{ n: 1 }]);
    expect(await openUnder(dir)).toEqual(['a.jsonl', 'b.jsonl']);
    await log.append('a.jsonl', [{ n: 2 }]);
    await log.append('c.jsonl', [{ n: 1 }]);
    expect(await openUnder(dir)).toEqual(['a.jsonl', 'c.jsonl']);
    await log.append('b.jsonl', [{ n: 2 }]);
    expect(await openUnder(dir)).toEqual(['b.jsonl', 'c.jsonl']);
    expect(await log.read('a.jsonl')).toEqual([{ n: 1 }, { n: 2 }]);
    expect(await log.read('b.jsonl')).toEqual([{ n: 1 }, { n: 2 }]);
    await log.close();
    expect(await openUnder(dir)).toEqual([]);
  });

  it('close waits for appends under way; appends after close still land and leave nothing open', async () => {
    const log = new AppendLog(dir);
    const pending = Array.from({ length: 50 }, (_, i) => log.append(`d/${i % 5}.jsonl`, [{ i }]));
    await log.close();
    // Everything acknowledged before close returned is on disk and nothing is held open.
    await Promise.all(pending);
    expect(log.openFiles).toBe(0);
    for (let f = 0; f < 5; f += 1) expect((await log.read<{ i: number }>(`d/${f}.jsonl`)).map((r) => r.i)).toEqual([f, f + 5, f + 10, f + 15, f + 20, f + 25, f + 30, f + 35, f + 40, f + 45]);
    await log.append('d/0.jsonl', [{ i: 99 }]);
    expect(log.openFiles).toBe(0);
    if (hasProc) expect(await openUnder(dir)).toEqual([]);
    expect((await log.read<{ i: number }>('d/0.jsonl')).at(-1)).toEqual({ i: 99 });
  });

  it('reports a failed append to its callers and keeps appending to other files', async () => {
    const log = new AppendLog(dir);
    await log.append('dir-not-file/x.jsonl', [{ ok: 1 }]);
    // A folder where the file should be: the append fails, the others go on.
    await expect(log.append('dir-not-file', [{ bad: true }])).rejects.toThrow(/EISDIR/);
    await log.append('fine.jsonl', [{ ok: 2 }]);
    expect(await log.read('fine.jsonl')).toEqual([{ ok: 2 }]);
    await log.close();
  });

  it('closes a file nobody appended to for a while, and reopens it for the next append', async () => {
    const log = new AppendLog(dir, { idleCloseMs: 40 });
    await log.append('quiet.jsonl', [{ n: 1 }]);
    await log.append('busy.jsonl', [{ n: 1 }]);
    expect(log.openFiles).toBe(2);
    await vi.waitFor(() => expect(log.openFiles).toBe(0), { timeout: 2_000, interval: 10 });
    if (hasProc) expect(await openUnder(dir)).toEqual([]);
    await log.append('quiet.jsonl', [{ n: 2 }]);
    expect(log.openFiles).toBe(1);
    expect(await log.read('quiet.jsonl')).toEqual([{ n: 1 }, { n: 2 }]);
    await log.close();
    expect(log.openFiles).toBe(0);
  });
});
