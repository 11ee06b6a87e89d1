import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Adapter } from 'lowdb';
import { mkdirPrivate, PRIVATE_FILE_MODE } from './file-modes.js';

/**
 * A lowdb adapter that never leaves a half-written file: it writes a temp file, fsyncs it,
 * renames it over the target and fsyncs the folder so the rename itself survives a crash.
 * Parsing and validation are the caller's (see journal-store.ts), so a bad file is reported,
 * never overwritten.
 */
export class AtomicJsonFile<T> implements Adapter<T> {
  constructor(
    private readonly path: string,
    /** Gets the file's bytes: decoding them is the caller's, who may also want to hash them. */
    private readonly parse: (bytes: Buffer) => T,
    private readonly serialize: (data: T) => string = (data) => JSON.stringify(data),
  ) {}

  async read(): Promise<T | null> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    return this.parse(bytes);
  }

  async write(data: T): Promise<void> {
    await writeFileDurably(this.path, this.serialize(data));
  }
}

export async function writeFileDurably(path: string, text: string): Promise<void> {
  await mkdirPrivate(dirname(path));
  const temp = `${path}.${process.pid}.tmp`;
  const handle = await open(temp, 'w', PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await syncDir(dirname(path));
}

export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
