/**
 * Upgrades of the embedded store's records from the shapes an older SP Hub wrote. Each step turns
 * the collections of one store version into the next, as plain JSON (the stored form, before any
 * schema reads it), and says what it changed. The journal store runs the steps a folder needs on
 * start, validates the result against today's schemas and only then writes it back (journal-store.ts).
 *
 * Steps must be idempotent: a folder whose version number is old may already hold records in the
 * new form (written by a build between the change and the version bump), and a start interrupted
 * before the upgraded snapshot landed runs the steps again on the same old files.
 */

export type StoredCollections = Record<string, unknown[]>;

export interface StoreUpgrade {
  /** The store version this step reads; it produces `from + 1`. */
  from: number;
  /** Changes the records (returns new arrays, never touches its input) and counts what it changed. */
  apply(collections: StoredCollections): { collections: StoredCollections; changes: string[] };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Version 1 to 2 (issue 18, "Licences column"). Before, a customer's `licenses` was the purchased
 * limit; now it is the guide's "Number of licenses that the customer uses" (its protected, backed-up
 * accounts, kept equal to `backedUpAccounts`) and the limit is `licenseLimit`. A record without
 * `licenseLimit` is in the old form: the limit moves over and `licenses` becomes the used count.
 * Offboarding requests lost the state `completed`: the customer's deletion is now `deleted`, with
 * when it happened (the tombstone's `offboardedAt`). The dashboard's daily figures (`backupDaily`)
 * summed the old `licenses`, so their licence total was a sum of limits where it now is a sum of
 * licences used: the used total of those days is not known, so it becomes null (unknown), and the
 * licence change is not computed against a limit.
 */
export function storeV1toV2(collections: StoredCollections): { collections: StoredCollections; changes: string[] } {
  const customers = collections.customers ?? [];
  let licences = 0;
  let offboardings = 0;
  const upgraded = customers.map((record) => {
    if (!isObject(record)) return record;
    let next: Json = record;
    if (next.licenseLimit === undefined && typeof next.licenses === 'number') {
      const used = typeof next.backedUpAccounts === 'number' ? next.backedUpAccounts : 0;
      next = { ...next, licenseLimit: next.licenses, licenses: used };
      licences += 1;
    }
    const request = next.offboardingRequest;
    if (isObject(request) && request.status === 'completed') {
      const deletedAt = next.offboardedAt ?? request.decidedAt ?? request.requestedAt;
      next = { ...next, offboardingRequest: { ...request, status: 'deleted', ...(typeof deletedAt === 'string' && { deletedAt }), deletionSource: 'support-case' } };
      offboardings += 1;
    }
    return next;
  });
  let days = 0;
  const daily = (collections.backupDaily ?? []).map((record) => {
    if (!isObject(record) || record.licenses === null || record.licenses === undefined) return record;
    days += 1;
    return { ...record, licenses: null };
  });
  const changes: string[] = [];
  if (licences > 0) changes.push(`${count(licences, 'customer')}: licenseLimit = the old licenses, licenses = protected accounts`);
  if (offboardings > 0) changes.push(`${count(offboardings, 'offboarding request')}: completed -> deleted`);
  if (days > 0) changes.push(`${count(days, 'dashboard day')}: licence total (a sum of limits) -> unknown`);
  return { collections: { ...collections, ...(collections.customers && { customers: upgraded }), ...(collections.backupDaily && { backupDaily: daily }) }, changes };
}

/** Every step, in order; the last one produces the current store version. */
export const STORE_UPGRADES: readonly StoreUpgrade[] = [{ from: 1, apply: storeV1toV2 }];

/** The version the steps lead to. */
export const LATEST_STORE_VERSION = Math.max(1, ...STORE_UPGRADES.map((s) => s.from + 1));

/** Runs the steps from `version` up to the latest; `changes` says per version what moved. */
export function upgradeCollections(
  collections: StoredCollections,
  version: number,
  steps: readonly StoreUpgrade[] = STORE_UPGRADES,
): { collections: StoredCollections; version: number; changes: string[] } {
  let current = collections;
  let at = version;
  const changes: string[] = [];
  for (;;) {
    const step = steps.find((s) => s.from === at);
    if (!step) break;
    const result = step.apply(current);
    current = result.collections;
    at += 1;
    changes.push(...result.changes.map((c) => `v${at}: ${c}`));
  }
  return { collections: current, version: at, changes };
}
