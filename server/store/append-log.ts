import { mkdir, open, readFile, stat, truncate } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Append-only JSON-lines files for data that only grows (session history and logs, audit,
 * events). Appending costs the same however much is stored; nothing is ever rewritten.
 * Appends to one file are serialized and share one fsync; a torn last line from a crash is
 * cut off before the next append and skipped when reading.
 * With no folder (tests), lines are kept in memory with the same semantics.
 */
export class AppendLog {
  private readonly memory = new Map<string, string[]>();
  private readonly queues = new Map<string, { lines: string[]; waiters: { resolve: () => void; reject: (e: unknown) => void }[]; running: boolean }>();
  private readonly checked = new Set<string>();

  constructor(private readonly dir: string | null) {}

  append(file: string, records: readonly unknown[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const lines = records.map((r) => JSON.stringify(r) + '\n');
    if (!this.dir) {
      const list = this.memory.get(file) ?? [];
      list.push(...lines);
      this.memory.set(file, list);
      return Promise.resolve();
    }
    let queue = this.queues.get(file);
    if (!queue) this.queues.set(file, (queue = { lines: [], waiters: [], running: false }));
    queue.lines.push(...lines);
    const done = new Promise<void>((resolve, reject) => queue.waiters.push({ resolve, reject }));
    if (!queue.running) void this.drain(file);
    return done;
  }

  /** Every record of a file in order; a missing file reads as empty. */
  async read<T>(file: string): Promise<T[]> {
    const text = this.dir ? await readText(join(this.dir, file)) : (this.memory.get(file) ?? []).join('');
    return parseLines<T>(text);
  }

  async exists(file: string): Promise<boolean> {
    if (!this.dir) return this.memory.has(file);
    try {
      await stat(join(this.dir, file));
      return true;
    } catch {
      return false;
    }
  }

  private async drain(file: string): Promise<void> {
    const queue = this.queues.get(file)!;
    queue.running = true;
    while (queue.lines.length > 0) {
      const text = queue.lines.join('');
      const waiters = queue.waiters;
      queue.lines = [];
      queue.waiters = [];
      try {
        const path = join(this.dir!, file);
        if (!this.checked.has(file)) {
          await mkdir(dirname(path), { recursive: true });
          await cutTornTail(path);
          this.checked.add(file);
        }
        const handle = await open(path, 'a');
        try {
          await handle.write(text);
          await handle.datasync();
        } finally {
          await handle.close();
        }
        for (const w of waiters) w.resolve();
      } catch (error) {
        for (const w of waiters) w.reject(error);
      }
    }
    queue.running = false;
    this.queues.delete(file);
  }
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

export function parseLines<T>(text: string): T[] {
  const out: T[] = [];
  let offset = 0;
  while (offset < text.length) {
    const end = text.indexOf('\n', offset);
    if (end === -1) break; // torn tail: never acknowledged
    const raw = text.slice(offset, end);
    offset = end + 1;
    if (raw.length === 0) continue;
    try {
      out.push(JSON.parse(raw) as T);
    } catch {
      // A line mangled by a crash mid-append of an earlier version; skip it rather than fail a read.
    }
  }
  return out;
}

async function cutTornTail(path: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return;
  }
  if (text.length === 0 || text.endsWith('\n')) return;
  await truncate(path, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
}
