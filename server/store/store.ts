import type { Collection } from './collection.js';

/** What a write sees: its own puts and deletes on top of the committed state. */
export interface WriteBatch {
  get<T extends { id: string }>(collection: Collection<T>, id: string): T | undefined;
  put<T extends { id: string }>(collection: Collection<T>, doc: T): void;
  delete<T extends { id: string }>(collection: Collection<T>, id: string): void;
}

export type ChangeListener<T> = (before: T | undefined, after: T | undefined) => void;

/**
 * The repository every service uses. Records are immutable values: replace them, never mutate
 * what `get` returns. Writes are serialized (JavaScript runs `fn` to completion), visible as soon
 * as `fn` returns, and the promise resolves only once they are on disk.
 */
export interface Store {
  get<T extends { id: string }>(collection: Collection<T>, id: string): T | undefined;
  all<T extends { id: string }>(collection: Collection<T>): IterableIterator<T>;
  count(collection: Collection<{ id: string }>): number;
  write<R>(fn: (batch: WriteBatch) => R): Promise<R>;
  onChange<T extends { id: string }>(collection: Collection<T>, listener: ChangeListener<T>): void;
  /** Counts committed writes; unchanged means nothing was written. */
  readonly version: number;
  /** The folder for append-only files that live beside the store (sessions, logs, audit), or null in memory. */
  readonly dir: string | null;
  close(): Promise<void>;
}

export class StoreError extends Error {
  override name = 'StoreError';
}
