import type { Collection } from './collection.js';
import { StoreError, type WriteBatch } from './store.js';

/** A write's changes before they are applied: collection name → id → the new record, or null for a delete. */
export type Staged = Map<string, Map<string, { id: string } | null>>;

/**
 * The batch a write function is given, for every store: it sees its own puts and deletes, reads
 * the rest through `read`, and checks each record against its schema as it goes in, so a store
 * never holds one its schema refuses.
 */
export function stagedBatch(read: <T extends { id: string }>(collection: Collection<T>, id: string) => T | undefined): { batch: WriteBatch; staged: Staged } {
  const staged: Staged = new Map();
  const own = (name: string) => {
    let changes = staged.get(name);
    if (!changes) staged.set(name, (changes = new Map()));
    return changes;
  };
  const batch: WriteBatch = {
    get: (collection, id) => {
      const changes = staged.get(collection.name);
      if (changes?.has(id)) return (changes.get(id) ?? undefined) as never;
      return read(collection, id);
    },
    put: (collection, doc) => {
      const checked = collection.schema.safeParse(doc);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        throw new StoreError(`refused an invalid ${collection.name} record ${doc.id}: ${issue?.path.join('.')} ${issue?.message}`);
      }
      own(collection.name).set(doc.id, doc);
    },
    delete: (collection, id) => {
      own(collection.name).set(id, null);
    },
  };
  return { batch, staged };
}
