import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppendLog } from './append-log.js';

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
});
