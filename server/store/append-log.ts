import { open, readdir, readFile, rm, stat, truncate, type FileHandle } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { mkdirPrivate, PRIVATE_FILE_MODE } from './file-modes.js';

export interface AppendLogOptions {
  /** Files kept open between appends; the least recently appended one is closed past this. */
  maxOpenFiles?: number;
  /** A file not appended to for this long is closed (ms of real time). */
  idleCloseMs?: number;
}

/** Open handles kept by default: the day's event, audit and outbox files plus the busiest policies. */
export const DEFAULT_MAX_OPEN_FILES = 64;
export const DEFAULT_IDLE_CLOSE_MS = 10_000;

interface OpenFile {
  handle: FileHandle;
  /** A drain is writing through it: eviction passes it over. */
  busy: boolean;
  /** performance.now() of the last append through it. */
  usedAt: number;
}

/**
 * Append-only JSON-lines files for data that only grows (session history and logs, audit,
 * events). Appending costs the same however much is stored; nothing is ever rewritten.
 * Appends to one file are serialized and share one fsync; a promise resolves once its lines are
 * on disk. A torn last line from a crash is cut off before the next append and skipped when
 * reading. The most recently appended files stay open (a bounded LRU) so an append is a write
 * and an fsync, not also an open and a close. A file idle for a while is closed (so a quiet or
 * forgotten log holds nothing open for long), and `close()` closes them all.
 * With no folder (tests), lines are kept in memory with the same semantics.
 */
export class AppendLog {
  private readonly memory = new Map<string, string[]>();
  private readonly queues = new Map<string, { lines: string[]; waiters: { resolve: () => void; reject: (e: unknown) => void }[]; running: boolean }>();
  private readonly checked = new Set<string>();
  /** Least recently used first (a Map keeps insertion order; a use moves the file to the end). */
  private readonly handles = new Map<string, OpenFile>();
  private readonly drains = new Set<Promise<void>>();
  /** Idle files being closed (close() waits for them too). */
  private readonly closing = new Set<Promise<void>>();
  private readonly maxOpenFiles: number;
  private readonly idleCloseMs: number;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly dir: string | null,
    options: AppendLogOptions = {},
  ) {
    this.maxOpenFiles = Math.max(1, Math.floor(options.maxOpenFiles ?? DEFAULT_MAX_OPEN_FILES));
    this.idleCloseMs = Math.max(1, options.idleCloseMs ?? DEFAULT_IDLE_CLOSE_MS);
  }

  /** Files held open right now (never more than the bound once appends are done). */
  get openFiles(): number {
    return this.handles.size;
  }

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
    if (!queue.running) {
      const drain = this.drain(file);
      this.drains.add(drain);
      void drain.finally(() => this.drains.delete(drain));
    }
    return done;
  }

  /**
   * Waits for the appends under way, then closes every open file. Appends after this still
   * work and are as durable; each opens and closes its file, so nothing stays open.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    while (this.drains.size > 0) await Promise.allSettled([...this.drains]);
    const open = [...this.handles.values()];
    this.handles.clear();
    await Promise.allSettled([...open.map((f) => f.handle.close()), ...this.closing]);
  }

  /**
   * Calls `listener` with records appended to files under `prefix` by other hubs sharing the
   * data (PgAppendLog); a single hub's files have no other writer, so here it never fires.
   * Services that keep a history in memory use it to stay current on every hub.
   */
  onAppended(_prefix: string, _listener: (file: string, records: unknown[]) => void): void {}

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

  /**
   * Removes a file whose records are no longer needed (a spool chunk once taken in), after the
   * appends to it under way. Only for files that are consumed whole; histories are never removed.
   */
  async remove(file: string): Promise<void> {
    if (!this.dir) {
      this.memory.delete(file);
      return;
    }
    while (this.queues.has(file)) await Promise.allSettled([...this.drains]);
    const open = this.handles.get(file);
    if (open) {
      this.handles.delete(file);
      await open.handle.close().catch(() => undefined);
    }
    this.checked.delete(file);
    await rm(join(this.dir, file), { force: true });
  }

  /** The files under a folder such as `outbox-spool/` (with its slash), as names to append to or read. */
  async list(prefix: string): Promise<string[]> {
    if (!prefix.endsWith('/')) throw new Error(`list() takes a folder ending in a slash, not ${prefix}`);
    if (!this.dir) return [...this.memory.keys()].filter((f) => f.startsWith(prefix)).sort();
    const root = join(this.dir, prefix);
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const e of entries) {
        const path = join(dir, e.name);
        if (e.isDirectory()) await walk(path);
        else if (e.name.endsWith('.jsonl')) out.push(relative(this.dir!, path).split('\\').join('/'));
      }
    };
    await walk(root);
    return out.sort();
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
          await mkdirPrivate(dirname(path));
          await cutTornTail(path);
          this.checked.add(file);
        }
        const entry = await this.acquire(file, path);
        try {
          await writeAll(entry.handle, text);
          await entry.handle.datasync();
        } catch (error) {
          // The file may now end in part of a line: drop the handle, and cut that tail before
          // the next append so it cannot glue onto (and spoil) the next acknowledged line.
          this.checked.delete(file);
          await this.release(file, entry, true);
          throw error;
        }
        await this.release(file, entry, false);
        for (const w of waiters) w.resolve();
      } catch (error) {
        for (const w of waiters) w.reject(error);
      }
    }
    queue.running = false;
    this.queues.delete(file);
  }

  /** The file's open handle, most recently used now; opened (and kept unless closed) when missing. */
  private async acquire(file: string, path: string): Promise<OpenFile> {
    let entry = this.handles.get(file);
    if (entry) this.handles.delete(file);
    else entry = { handle: await open(path, 'a', PRIVATE_FILE_MODE), busy: false, usedAt: 0 };
    if (!this.closed) this.handles.set(file, entry);
    entry.busy = true;
    return entry;
  }

  /** Done writing: close the handle if it is not kept (or is broken), then trim to the bound. */
  private async release(file: string, entry: OpenFile, broken: boolean): Promise<void> {
    entry.busy = false;
    entry.usedAt = performance.now();
    const kept = this.handles.get(file) === entry && !broken && !this.closed;
    if (!kept) {
      if (this.handles.get(file) === entry) this.handles.delete(file);
      await entry.handle.close().catch(() => undefined);
    }
    const evicted: OpenFile[] = [];
    for (const [name, open] of this.handles) {
      if (this.handles.size <= this.maxOpenFiles) break;
      if (open.busy) continue;
      this.handles.delete(name);
      evicted.push(open);
    }
    await Promise.all(evicted.map((e) => e.handle.close().catch(() => undefined)));
    this.armIdleTimer();
  }

  /**
   * One timer for all files, due when the longest unused one turns idle; armed while any file
   * is open and not being written (a write arms it again when done). It never keeps the
   * process alive.
   */
  private armIdleTimer(): void {
    if (this.idleTimer || this.closed) return;
    let oldest = Infinity;
    for (const open of this.handles.values()) if (!open.busy && open.usedAt < oldest) oldest = open.usedAt;
    if (oldest === Infinity) return;
    this.idleTimer = setTimeout(() => this.closeIdle(), Math.max(0, oldest + this.idleCloseMs - performance.now()) + 1);
    this.idleTimer.unref();
  }

  private closeIdle(): void {
    this.idleTimer = null;
    const before = performance.now() - this.idleCloseMs;
    for (const [name, open] of this.handles) {
      if (open.busy || open.usedAt > before) continue;
      this.handles.delete(name);
      const closing = open.handle.close().catch(() => undefined);
      this.closing.add(closing);
      void closing.finally(() => this.closing.delete(closing));
    }
    this.armIdleTimer();
  }
}

/** Writes all of `text` (a write may take only part of it) at the end of the file. */
async function writeAll(handle: FileHandle, text: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    if (bytesWritten <= 0) throw new Error('append wrote no bytes');
    offset += bytesWritten;
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
