import { createHash } from 'node:crypto';
import { open, readdir, readFile, rm, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { AtomicJsonFile, syncDir } from './atomic-json-file.js';
import { collectionNamed, type Collection } from './collection.js';
import { mkdirPrivate, preparePrivateDataDir, PRIVATE_FILE_MODE } from './file-modes.js';
import { stagedBatch } from './staged-batch.js';
import { StoreError, type ChangeListener, type Store, type WriteBatch } from './store.js';
import { LATEST_STORE_VERSION, STORE_UPGRADES, upgradeCollections } from './upgrades.js';

export const STORE_FORMAT = 'sp-hub-store';
/** Bumped whenever stored records change shape; upgrades.ts holds the step from each older version. */
export const STORE_VERSION = LATEST_STORE_VERSION;

interface Snapshot {
  format: typeof STORE_FORMAT;
  version: number;
  seq: number;
  savedAt: string;
  /** SHA-256 of the `collections` text as written, so an untouched file need not be re-validated record by record. */
  checksum?: string;
  collections: Record<string, unknown[]>;
}

/** `doc` is null when the record was deleted. */
type Op = [collection: string, id: string, doc: unknown];
interface JournalLine {
  s: number;
  o: Op[];
}

export interface JournalStoreOptions {
  /** Folder of the store; null keeps everything in memory (tests). */
  dir: string | null;
  /** Journal size that triggers folding it into the snapshot. */
  compactAfterBytes?: number;
  /** Called once the records are upgraded in memory, before anything is written (tests crash there). */
  beforeUpgradeSave?: () => void | Promise<void>;
}

/** What a start did to a folder written by an older SP Hub. */
export interface StoreUpgradeReport {
  from: number;
  to: number;
  changes: string[];
}

/**
 * The embedded store: a lowdb snapshot (`hub.json`) plus an append-only journal of changes.
 * A write appends one line to the journal and fsyncs it (writes arriving together share one
 * fsync), so its cost does not depend on how much is stored. The journal is folded into a new
 * snapshot, written atomically, once it grows past a bound. On start the snapshot is validated
 * and the journal replayed; a torn last line (a crash mid-append) is dropped, anything else that
 * does not parse stops the start instead of being overwritten.
 */
export class JournalStore implements Store {
  readonly dir: string | null;
  private readonly data = new Map<string, Map<string, { id: string }>>();
  private readonly listeners = new Map<string, ChangeListener<never>[]>();
  private readonly compactAfterBytes: number;
  private low: Low<Snapshot> | null = null;
  private seq = 0;
  private journal: FileHandle | null = null;
  private journalIndex = 0;
  private journalBytes = 0;
  private pending: { line: string; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private io: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private failure: Error | null = null;
  private closed = false;
  /** While an old folder is read: its records are checked only once upgraded. */
  private upgrading = false;
  private readonly options: JournalStoreOptions;
  /** Set when this start upgraded the folder. */
  upgraded: StoreUpgradeReport | null = null;

  private constructor(options: JournalStoreOptions) {
    this.dir = options.dir;
    this.options = options;
    this.compactAfterBytes = options.compactAfterBytes ?? 32 * 1024 * 1024;
  }

  static async open(options: JournalStoreOptions): Promise<JournalStore> {
    const store = new JournalStore(options);
    if (store.dir) await store.load(store.dir);
    return store;
  }

  get version(): number {
    return this.seq;
  }

  get<T extends { id: string }>(collection: Collection<T>, id: string): T | undefined {
    return this.data.get(collection.name)?.get(id) as T | undefined;
  }

  all<T extends { id: string }>(collection: Collection<T>): IterableIterator<T> {
    return this.table(collection.name).values() as IterableIterator<T>;
  }

  count(collection: Collection<{ id: string }>): number {
    return this.data.get(collection.name)?.size ?? 0;
  }

  onChange<T extends { id: string }>(collection: Collection<T>, listener: ChangeListener<T>): void {
    const list = this.listeners.get(collection.name) ?? [];
    list.push(listener as ChangeListener<never>);
    this.listeners.set(collection.name, list);
    for (const doc of this.table(collection.name).values()) listener(undefined, doc as T);
  }

  write<R>(fn: (batch: WriteBatch) => R): Promise<R> {
    if (this.failure) return Promise.reject(new StoreError(`the store is read-only after a disk error: ${this.failure.message}`));
    if (this.closed) return Promise.reject(new StoreError('the store is closed'));
    const { batch, staged } = stagedBatch((collection, id) => this.get(collection, id));
    const result = fn(batch);
    const ops: Op[] = [];
    for (const [name, docs] of staged) for (const [id, doc] of docs) ops.push([name, id, doc]);
    if (ops.length === 0) return Promise.resolve(result);
    this.seq += 1;
    const line = this.dir ? JSON.stringify({ s: this.seq, o: ops } satisfies JournalLine) + '\n' : '';
    for (const op of ops) this.apply(op, true);
    if (!this.dir) return Promise.resolve(result);
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ line, resolve: () => resolve(result), reject });
      this.scheduleFlush();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.dir) return;
    await this.enqueue(() => this.flush());
    if (!this.failure && this.journalBytes > 0) await this.enqueue(() => this.compact());
    await this.io;
    await this.journal?.close();
    this.journal = null;
  }

  // ---- internals ----

  private table(name: string): Map<string, { id: string }> {
    let table = this.data.get(name);
    if (!table) this.data.set(name, (table = new Map()));
    return table;
  }

  private apply([name, id, doc]: Op, notify: boolean): void {
    const table = this.table(name);
    const before = table.get(id);
    if (doc === null) table.delete(id);
    else table.set(id, doc as { id: string });
    // Deleting what is not there changes nothing, so nobody hears of it.
    if (!notify || (before === undefined && doc === null)) return;
    for (const listener of this.listeners.get(name) ?? []) (listener as ChangeListener<unknown>)(before, doc ?? undefined);
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.io.then(task, task);
    this.io = next.catch(() => undefined);
    return next;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    void this.enqueue(async () => {
      this.flushScheduled = false;
      await this.flush();
      if (this.journalBytes > this.compactAfterBytes && !this.failure) await this.compact();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    try {
      const text = batch.map((p) => p.line).join('');
      const journal = await this.currentJournal();
      await journal.write(text);
      await journal.datasync();
      this.journalBytes += Buffer.byteLength(text);
      for (const p of batch) p.resolve();
    } catch (error) {
      this.failure = error as Error;
      for (const p of batch) p.reject(new StoreError(`write not saved: ${(error as Error).message}`));
    }
  }

  private async currentJournal(): Promise<FileHandle> {
    if (this.journal) return this.journal;
    const dir = join(this.dir!, 'journal');
    await mkdirPrivate(dir);
    this.journalIndex += 1;
    this.journal = await open(join(dir, journalName(this.journalIndex)), 'a', PRIVATE_FILE_MODE);
    this.journalBytes = 0;
    await syncDir(dir);
    return this.journal;
  }

  /** Folds everything written so far into a new snapshot, then drops the journals it covers. */
  private async compact(): Promise<void> {
    const covered = this.journalIndex;
    await this.journal?.close();
    this.journal = null;
    const snapshot: Snapshot = {
      format: STORE_FORMAT,
      version: STORE_VERSION,
      seq: this.seq,
      savedAt: new Date().toISOString(),
      collections: Object.fromEntries([...this.data].map(([name, table]) => [name, [...table.values()]])),
    };
    this.low!.data = snapshot;
    await this.low!.write();
    const dir = join(this.dir!, 'journal');
    for (const file of await listJournals(dir)) {
      if (journalNumber(file) <= covered) await rm(join(dir, file), { force: true });
    }
    this.journalBytes = 0;
  }

  private async load(dir: string): Promise<void> {
    const tightened = await preparePrivateDataDir(dir);
    if (tightened) console.warn(tightened);
    const path = join(dir, 'hub.json');
    // A snapshot write cut short by a crash leaves its temp file; the rename never happened, so it
    // holds nothing hub.json and the journal do not.
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isFile() && /^hub\.json\.\d+\.tmp$/.test(entry.name)) await rm(join(dir, entry.name), { force: true });
    }
    const none = emptySnapshot();
    this.low = new Low<Snapshot>(new AtomicJsonFile(path, (bytes) => parseSnapshot(bytes, path), serializeSnapshot), none);
    await this.low.read();
    const snapshot = this.low.data;
    const journalDir = join(dir, 'journal');
    await mkdirPrivate(journalDir);
    const files = await listJournals(journalDir);
    // Journals without a snapshot: a hub that never compacted, maybe an older one. The steps are
    // idempotent, so running them on records already in today's form changes nothing.
    const storedVersion = snapshot === none && files.length > 0 ? 1 : snapshot.version;
    this.upgrading = storedVersion < STORE_VERSION;
    this.seq = snapshot.seq;
    for (const [name, docs] of Object.entries(snapshot.collections)) {
      const table = this.table(name);
      for (const doc of docs) table.set((doc as { id: string }).id, doc as { id: string });
    }
    let replayedBytes = 0;
    for (const [index, file] of files.entries()) {
      replayedBytes += await this.replay(join(journalDir, file), index === files.length - 1);
      this.journalIndex = Math.max(this.journalIndex, journalNumber(file));
    }
    if (this.upgrading) await this.upgrade(path, storedVersion);
    else if (files.length > 16 || replayedBytes > this.compactAfterBytes) await this.enqueue(() => this.compact());
  }

  /**
   * Brings the records of an older folder (snapshot and journal, as read) to today's shapes, checks
   * every one against its schema, and only then writes them as one new snapshot of this version,
   * atomically (temp file, fsync, rename), before dropping the journals it covers. Until that
   * rename the old files are untouched, so a crash or a refusal here leaves a folder the next
   * start upgrades again; after it, the journal's lines are older than the snapshot and skipped.
   */
  private async upgrade(path: string, from: number): Promise<void> {
    const stored = Object.fromEntries([...this.data].map(([name, table]) => [name, [...table.values()] as unknown[]]));
    const result = upgradeCollections(stored, from, STORE_UPGRADES);
    if (result.version !== STORE_VERSION) {
      throw new StoreError(`${path} is store version ${from} and no upgrade leads from version ${result.version} to ${STORE_VERSION}. It was left untouched.`);
    }
    for (const [name, docs] of Object.entries(result.collections)) {
      const collection = collectionNamed(name);
      for (const [index, doc] of docs.entries()) {
        const checked = collection ? collection.schema.safeParse(doc) : { success: typeof (doc as { id?: unknown })?.id === 'string' };
        if (!checked.success) {
          const issue = 'error' in checked ? ` (${checked.error?.issues[0]?.path.join('.')}: ${checked.error?.issues[0]?.message})` : '';
          throw new StoreError(`${path}: ${name}[${index}] is not a valid record after upgrading from store version ${from}${issue}. The folder was left untouched.`);
        }
      }
    }
    await this.options.beforeUpgradeSave?.();
    this.data.clear();
    for (const [name, docs] of Object.entries(result.collections)) {
      const table = this.table(name);
      for (const doc of docs) table.set((doc as { id: string }).id, doc as { id: string });
    }
    await this.enqueue(() => this.compact());
    this.upgrading = false;
    this.upgraded = { from, to: STORE_VERSION, changes: result.changes };
    const what = result.changes.length ? result.changes.join('; ') : 'no record needed a change';
    console.log(`Upgraded the store in ${this.dir} from version ${from} to ${STORE_VERSION}: ${what}.`);
  }

  private async replay(path: string, isLast: boolean): Promise<number> {
    const text = await readFile(path, 'utf8');
    let offset = 0;
    let lineNo = 0;
    while (offset < text.length) {
      const end = text.indexOf('\n', offset);
      lineNo += 1;
      if (end === -1) {
        // A line without its newline is a write that never completed, so it was never acknowledged.
        if (!isLast) throw new StoreError(`${path}: line ${lineNo} is cut short in the middle of the journal`);
        await truncate(path, Buffer.byteLength(text.slice(0, offset)));
        break;
      }
      const raw = text.slice(offset, end);
      offset = end + 1;
      let line: JournalLine;
      try {
        line = JSON.parse(raw) as JournalLine;
      } catch {
        throw new StoreError(`${path}: line ${lineNo} is not valid JSON; the store was left untouched`);
      }
      if (line.s <= this.seq) continue;
      for (const op of line.o) this.apply(validateOp(op, path, lineNo, this.upgrading), false);
      this.seq = line.s;
    }
    return Buffer.byteLength(text);
  }
}

function emptySnapshot(): Snapshot {
  return { format: STORE_FORMAT, version: STORE_VERSION, seq: 0, savedAt: new Date(0).toISOString(), collections: {} };
}

const COLLECTIONS_KEY = ',"collections":';
const COLLECTIONS_KEY_BYTES = Buffer.from(COLLECTIONS_KEY);
const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** The header first, then the collections, whose exact text the checksum covers. */
function serializeSnapshot(snapshot: Snapshot): string {
  const collections = JSON.stringify(snapshot.collections);
  const header = JSON.stringify({ format: snapshot.format, version: snapshot.version, seq: snapshot.seq, savedAt: snapshot.savedAt, checksum: sha256(collections) });
  return `${header.slice(0, -1)}${COLLECTIONS_KEY}${collections}}`;
}

/** True when the file's collections are byte for byte what this hub wrote. */
function untouched(bytes: Buffer, checksum: unknown): boolean {
  if (typeof checksum !== 'string') return false;
  const start = bytes.indexOf(COLLECTIONS_KEY_BYTES);
  if (start === -1 || bytes.at(-1) !== 0x7d /* } */) return false;
  return sha256(bytes.subarray(start + COLLECTIONS_KEY_BYTES.length, -1)) === checksum;
}

function parseSnapshot(bytes: Buffer, path: string): Snapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new StoreError(`${path} is not valid JSON. It was left untouched; restore it from a backup or move it away to start empty.`);
  }
  const snapshot = raw as Partial<Snapshot>;
  if (snapshot?.format !== STORE_FORMAT || typeof snapshot.seq !== 'number' || typeof snapshot.collections !== 'object' || snapshot.collections === null) {
    throw new StoreError(`${path} is not an SP Hub store file. It was left untouched.`);
  }
  if (typeof snapshot.version !== 'number' || snapshot.version > STORE_VERSION) {
    throw new StoreError(`${path} was written by a newer SP Hub (store version ${snapshot.version}, this one reads ${STORE_VERSION}). Upgrade SP Hub; the file was left untouched.`);
  }
  // Every record is checked against its schema unless the file is exactly what the hub wrote
  // (its checksum matches): then its records were already valid, and a start stays fast. An older
  // version's records are checked once upgraded (JournalStore.upgrade), in today's shapes.
  const verified = snapshot.version < STORE_VERSION || untouched(bytes, snapshot.checksum);
  for (const [name, docs] of Object.entries(snapshot.collections)) {
    if (!Array.isArray(docs)) throw new StoreError(`${path}: collection "${name}" is not a list. The file was left untouched.`);
    if (verified) continue;
    const collection = collectionNamed(name);
    for (const [index, doc] of docs.entries()) {
      const result = collection ? collection.schema.safeParse(doc) : { success: typeof (doc as { id?: unknown })?.id === 'string' };
      if (!result.success) {
        const issue = 'error' in result ? ` (${result.error?.issues[0]?.path.join('.')}: ${result.error?.issues[0]?.message})` : '';
        throw new StoreError(`${path}: ${name}[${index}] is not a valid record${issue}. The file was left untouched.`);
      }
    }
  }
  return snapshot as Snapshot;
}

function validateOp(op: unknown, path: string, lineNo: number, shapeCheckedLater: boolean): Op {
  if (!Array.isArray(op) || typeof op[0] !== 'string' || typeof op[1] !== 'string') {
    throw new StoreError(`${path}: line ${lineNo} holds a malformed change; the store was left untouched`);
  }
  const collection = collectionNamed(op[0]);
  if (!shapeCheckedLater && op[2] !== null && collection && !collection.schema.safeParse(op[2]).success) {
    throw new StoreError(`${path}: line ${lineNo} holds an invalid ${op[0]} record; the store was left untouched`);
  }
  return op as Op;
}

const journalName = (n: number) => `${String(n).padStart(8, '0')}.jsonl`;
const journalNumber = (file: string) => Number.parseInt(file, 10);
async function listJournals(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => /^\d{8}\.jsonl$/.test(f)).sort();
}
