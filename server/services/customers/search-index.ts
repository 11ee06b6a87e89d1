import { ContractType, CUSTOMER_SORT_KEYS, CustomerStatus, SourceType, type Customer, type CustomerSort, type CustomerSortKey } from '../../../shared/schemas/customers.js';

type SortValue = string | number | undefined;
type SortRow = Record<CustomerSortKey, SortValue>;

export interface CustomerSearch {
  q?: string | undefined;
  /** Defaults to every status but `offboarded`. */
  status?: readonly CustomerStatus[] | undefined;
  sourceType?: readonly SourceType[] | undefined;
  contractType?: readonly ContractType[] | undefined;
  sort: CustomerSort;
}

const LIVE_STATUSES: readonly CustomerStatus[] = ['provisioning', 'pending', 'active'];
const STATUS_CODES: readonly string[] = CustomerStatus.options;
const SOURCE_CODES: readonly string[] = SourceType.options;
const CONTRACT_CODES: readonly string[] = ContractType.options;
const maskOf = (values: readonly string[], codes: readonly string[]) => values.reduce((mask, v) => mask | (1 << codes.indexOf(v)), 0);
const STATUS_RANK = new Map(CustomerStatus.options.map((s, i) => [s, i]));
/** Separates fields in a customer's search text so a match never spans two fields. */
const SEP = '\u0001';

/** The fields a search looks in: the customer list's search box of the portal, plus the customer's own domain. */
export function searchFields(c: Customer): string[] {
  const fields = [c.displayName, c.domain, c.tenantDomain, c.externalId, c.veeamAccountId, ...c.subscriptionIds];
  return fields.filter((f): f is string => typeof f === 'string' && f !== '').map((f) => f.toLowerCase());
}

/** Case- and accent-insensitive text for sorting by code unit (fast and the same everywhere). */
export function sortText(text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  // oxlint-disable-next-line no-control-regex -- the whole ASCII range, to skip normalising plain text
  if (!/[^\x00-\x7f]/.test(text)) return text.toLowerCase();
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** The value a column sorts by; undefined values always sort last, whatever the direction. */
export function sortValue(c: Customer, key: CustomerSortKey): SortValue {
  switch (key) {
    case 'status':
      return STATUS_RANK.get(c.status);
    case 'licenses':
    case 'licenseLimit':
    case 'storageConsumedGb':
    case 'storageQuotaGb':
    case 'backedUpAccounts':
    case 'totalActiveAccounts':
    case 'userChangeThisMonth':
    case 'userChangeLastMonth':
      return c[key];
    default:
      return sortText(c[key]);
  }
}

function sortRow(c: Customer): SortRow {
  const row = {} as SortRow;
  for (const key of CUSTOMER_SORT_KEYS) row[key] = sortValue(c, key);
  return row;
}

export function parseSort(sort: CustomerSort): { key: CustomerSortKey; desc: boolean } {
  return sort.startsWith('-') ? { key: sort.slice(1) as CustomerSortKey, desc: true } : { key: sort as CustomerSortKey, desc: false };
}

// ---- n-grams as numbers ----
// Each character maps to 1..39 (a-z, 0-9, '.', '-', and 39 for anything else), and a 1-3
// character gram to c1 + c2*64 + c3*4096, so posting lists live in a flat array indexed by
// gram with no string allocations. Grams containing "anything else" can match other
// characters, so such queries are verified against the text.
const OTHER = 39;
const CHAR_CODE = new Uint8Array(128).fill(OTHER);
'abcdefghijklmnopqrstuvwxyz0123456789.-'.split('').forEach((ch, i) => (CHAR_CODE[ch.charCodeAt(0)] = i + 1));
const codeOf = (text: string, i: number) => {
  const c = text.charCodeAt(i);
  return c < 128 ? CHAR_CODE[c]! : OTHER;
};
const GRAM_SPACE = 64 * 64 * 64;

/** Calls `fn` once for every distinct gram of the fields (no allocation per character: this runs for every customer at start). */
function forEachGram(fields: readonly string[], seen: Int32Array, stamp: number, fn: (gram: number) => void): void {
  for (const field of fields) {
    const length = field.length;
    let b = length > 0 ? codeOf(field, 0) : 0;
    let c = length > 1 ? codeOf(field, 1) : 0;
    for (let i = 0; i < length; i++) {
      const a = b;
      b = c;
      c = i + 2 < length ? codeOf(field, i + 2) : 0;
      if (seen[a] !== stamp) {
        seen[a] = stamp;
        fn(a);
      }
      if (b === 0) continue;
      const two = a + b * 64;
      if (seen[two] !== stamp) {
        seen[two] = stamp;
        fn(two);
      }
      if (c === 0) continue;
      const three = two + c * 4096;
      if (seen[three] !== stamp) {
        seen[three] = stamp;
        fn(three);
      }
    }
  }
}

/**
 * The customers containing one gram: a sorted slot list while short, a bitset once it holds
 * more than 1/32 of all customers (smaller then, and intersections are word-wise ANDs).
 */
class Posting {
  count = 0;
  list: Int32Array | null = new Int32Array(4);
  bits: Uint32Array | null = null;

  has(slot: number): boolean {
    if (this.bits) return ((this.bits[slot >>> 5] ?? 0) >>> (slot & 31)) & 1 ? true : false;
    const list = this.list!;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]! < slot) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.count && list[lo] === slot;
  }

  add(slot: number, capacity: number): void {
    if (this.bits) {
      if (slot >>> 5 >= this.bits.length) this.bits = grow(this.bits, capacity);
      this.bits[slot >>> 5]! |= 1 << (slot & 31);
      this.count++;
      return;
    }
    let list = this.list!;
    if (this.count === list.length) {
      const bigger = new Int32Array(list.length * 2);
      bigger.set(list);
      this.list = list = bigger;
    }
    let at = this.count;
    if (at > 0 && list[at - 1]! > slot) {
      at = lowerBoundTyped(list, this.count, slot);
      list.copyWithin(at + 1, at, this.count);
    }
    list[at] = slot;
    this.count++;
    if (this.count > 64 && this.count * 32 > capacity) {
      const bits = new Uint32Array(Math.ceil(Math.max(capacity, slot + 1) / 32) + 1);
      for (let i = 0; i < this.count; i++) bits[list[i]! >>> 5]! |= 1 << (list[i]! & 31);
      this.bits = bits;
      this.list = null;
    }
  }

  remove(slot: number): void {
    if (!this.has(slot)) return;
    if (this.bits) this.bits[slot >>> 5]! &= ~(1 << (slot & 31));
    else {
      const at = lowerBoundTyped(this.list!, this.count, slot);
      this.list!.copyWithin(at, at + 1, this.count);
    }
    this.count--;
  }

  /** As a bitset of `words` words (a copy). */
  toBits(words: number): Uint32Array {
    const out = new Uint32Array(words);
    if (this.bits) out.set(this.bits.length > words ? this.bits.subarray(0, words) : this.bits);
    else for (let i = 0; i < this.count; i++) out[this.list![i]! >>> 5]! |= 1 << (this.list![i]! & 31);
    return out;
  }
}

function grow(bits: Uint32Array, capacity: number): Uint32Array {
  const bigger = new Uint32Array(Math.max(bits.length * 2, Math.ceil(capacity / 32) + 1));
  bigger.set(bits);
  return bigger;
}

function lowerBoundTyped(list: Int32Array, count: number, value: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Which customers match a text: a few as a sorted list, many as a bitset. */
type Matches = { kind: 'list'; slots: number[] } | { kind: 'bits'; bits: Uint32Array; count: number };

/** One column's order: slots sorted ascending, missing values at the end; kept up to date lazily. */
interface SortOrder {
  slots: number[];
  /** Slots changed since the order was last brought up to date. */
  dirty: Set<number>;
  /** Position of each slot in `slots` (valid while rankFresh). */
  rank: Int32Array;
  rankFresh: boolean;
  /** How many slots have a value (they come first). */
  present: number;
}

/** Recent text matches kept (a bitset of 1/8 byte per customer at most each). */
const CACHE_SIZE = 1024;
/** Pages kept as JSON text (about 40 KB each for 25 customers). */
const PAGE_CACHE_SIZE = 256;

/**
 * The in-memory index behind the customer list: n-gram posting lists (every 1-3 character
 * substring of the searchable fields -> the customers containing it) so a search touches only the
 * customers that contain the text, and one pre-sorted order per column so a page is read off in
 * order instead of sorting. Kept current from the store's change feed; orders are brought up to
 * date incrementally (or rebuilt after a bulk change) on the next query.
 */
export class CustomerSearchIndex {
  private readonly slotById = new Map<string, number>();
  private readonly docs: (Customer | undefined)[] = [];
  private readonly texts: string[] = [];
  private readonly rows: (SortRow | undefined)[] = [];
  /** Each customer's JSON text, made on first use: a page is then joined, not serialized. */
  private readonly json: (string | undefined)[] = [];
  /** Per slot, bit numbers of status, source type and contract type (0 = empty slot), for filtering without touching records. */
  private readonly statusBit: number[] = [];
  private readonly sourceBit: number[] = [];
  private readonly contractBit: number[] = [];
  private readonly freeSlots: number[] = [];
  // Filled with null so the array stays packed: reading a hole would walk the prototype chain.
  // oxlint-disable-next-line unicorn/no-new-array -- preallocated to GRAM_SPACE on purpose
  private readonly postings: (Posting | null)[] = new Array<Posting | null>(GRAM_SPACE).fill(null);
  private readonly seen = new Int32Array(GRAM_SPACE);
  private stamp = 0;
  /** Posting lists are built on the first text search, so starting the hub does not wait for them. */
  private posted = false;
  private readonly orders = new Map<CustomerSortKey, SortOrder>();
  private readonly statusCounts = new Map<CustomerStatus, number>();
  /** Bumped by every change: cached pages of an older version are stale. */
  private version = 0;
  /** Recently answered pages as JSON text (repeated searches, paging back, a toolbar polling). */
  private readonly pageCache = new Map<string, { version: number; json: string }>();
  /** Text matches of recent queries, valid while no customer's search text changes. */
  private readonly matchCache = new Map<string, Matches>();

  /** Feed from `store.onChange(customers, ...)`. */
  update(before: Customer | undefined, after: Customer | undefined): void {
    this.version++;
    if (before) this.statusCounts.set(before.status, (this.statusCounts.get(before.status) ?? 1) - 1);
    if (after) this.statusCounts.set(after.status, (this.statusCounts.get(after.status) ?? 0) + 1);
    if (!after) {
      if (before) this.remove(before.id);
      return;
    }
    let slot = this.slotById.get(after.id);
    const isNew = slot === undefined;
    if (slot === undefined) {
      slot = this.freeSlots.pop() ?? this.docs.length;
      this.slotById.set(after.id, slot);
    }
    this.docs[slot] = after;
    this.json[slot] = undefined;
    this.statusBit[slot] = 1 << STATUS_CODES.indexOf(after.status);
    this.sourceBit[slot] = 1 << SOURCE_CODES.indexOf(after.sourceType);
    this.contractBit[slot] = 1 << CONTRACT_CODES.indexOf(after.contractType);
    const fields = searchFields(after);
    const text = fields.join(SEP);
    if (isNew || this.texts[slot] !== text) {
      if (this.posted && !isNew) this.unpost(slot);
      this.texts[slot] = text;
      if (this.posted) this.post(slot, fields);
      this.matchCache.clear();
    }
    // Sort values are worked out when an order needs them; every built order re-places this customer on its next use.
    this.rows[slot] = undefined;
    for (const order of this.orders.values()) order.dirty.add(slot);
  }

  get size(): number {
    return this.slotById.size;
  }

  /** One page of matches and the total number of matches. */
  search(query: CustomerSearch, page: number, pageSize: number): { items: Customer[]; total: number } {
    const start = (page - 1) * pageSize;
    const { slots, total } = this.run(query, start, start + pageSize);
    return { items: slots.map((s) => this.docs[s]!), total };
  }

  /** The same page as `search`, already as the JSON text of `{ items, total, page, pageSize }`. */
  searchJson(query: CustomerSearch, page: number, pageSize: number): string {
    const key = [query.q ?? '', query.status?.join(',') ?? '', query.sourceType?.join(',') ?? '', query.contractType?.join(',') ?? '', query.sort, page, pageSize].join('\u0000');
    const cached = this.pageCache.get(key);
    if (cached !== undefined && cached.version === this.version) return cached.json;
    const json = this.buildJson(query, page, pageSize);
    if (this.pageCache.size >= PAGE_CACHE_SIZE) this.pageCache.delete(this.pageCache.keys().next().value!);
    this.pageCache.set(key, { version: this.version, json });
    return json;
  }

  private buildJson(query: CustomerSearch, page: number, pageSize: number): string {
    const start = (page - 1) * pageSize;
    const { slots, total } = this.run(query, start, start + pageSize);
    const items = slots.map((s) => (this.json[s] ??= JSON.stringify(this.docs[s])));
    return `{"items":[${items.join(',')}],"total":${total},"page":${page},"pageSize":${pageSize}}`;
  }

  /** One customer's JSON text (cached until it changes), or undefined when unknown. */
  jsonOf(id: string): string | undefined {
    const slot = this.slotById.get(id);
    if (slot === undefined) return undefined;
    return (this.json[slot] ??= JSON.stringify(this.docs[slot]));
  }

  /** Every match in order (the CSV export). */
  searchAll(query: CustomerSearch): Customer[] {
    return this.run(query, 0, Number.POSITIVE_INFINITY).slots.map((s) => this.docs[s]!);
  }

  // ---- internals ----

  private run(query: CustomerSearch, start: number, end: number): { slots: number[]; total: number } {
    const statuses = query.status && query.status.length > 0 ? query.status : LIVE_STATUSES;
    const filterSources = !!query.sourceType && query.sourceType.length > 0;
    const filterContracts = !!query.contractType && query.contractType.length > 0;
    const statusMask = maskOf(statuses, STATUS_CODES);
    const sourceMask = filterSources ? maskOf(query.sourceType!, SOURCE_CODES) : -1;
    const contractMask = filterContracts ? maskOf(query.contractType!, CONTRACT_CODES) : -1;
    const statusBit = this.statusBit;
    const sourceBit = this.sourceBit;
    const contractBit = this.contractBit;
    const matches = this.match(query.q);
    const { key, desc } = parseSort(query.sort);
    const order = this.order(key);
    const n = order.slots.length;
    const present = order.present;

    if (matches?.kind === 'list' && matches.slots.length * 8 < n) {
      // Few matches: sort just them by their position in the column's order.
      const rank = this.rankOf(order);
      const matched: number[] = [];
      for (const s of matches.slots) {
        if ((statusBit[s]! & statusMask) !== 0 && (sourceBit[s]! & sourceMask) !== 0 && (contractBit[s]! & contractMask) !== 0) matched.push(s);
      }
      const position = desc ? (s: number) => (rank[s]! < present ? present - 1 - rank[s]! : rank[s]!) : (s: number) => rank[s]!;
      matched.sort((a, b) => position(a) - position(b));
      return { slots: matched.slice(start, end), total: matched.length };
    }

    // Many matches (or no text): walk the column's order and keep what passes.
    let bits: Uint32Array | null = null;
    if (matches?.kind === 'bits') bits = matches.bits;
    else if (matches) {
      bits = new Uint32Array((this.docs.length >>> 5) + 1);
      for (const s of matches.slots) bits[s >>> 5]! |= 1 << (s & 31);
    }
    // With no text and no other filter the total is known, so the walk can stop at the page's end.
    let stopAt = Number.POSITIVE_INFINITY;
    let knownTotal = -1;
    if (!bits && !filterSources && !filterContracts) {
      knownTotal = 0;
      for (const s of statuses) knownTotal += this.statusCounts.get(s) ?? 0;
      stopAt = end;
    }
    const out: number[] = [];
    let count = 0;
    const slots = order.slots;
    // Positions in walking order: ascending is 0..n-1; descending reverses the slots that have a value and keeps the rest last.
    for (let step = 0; step < n && count < stopAt; step++) {
      const i = !desc ? step : step < present ? present - 1 - step : step;
      const slot = slots[i]!;
      if (bits !== null && (((bits[slot >>> 5] ?? 0) >>> (slot & 31)) & 1) === 0) continue;
      if ((statusBit[slot]! & statusMask) === 0 || (sourceBit[slot]! & sourceMask) === 0 || (contractBit[slot]! & contractMask) === 0) continue;
      if (count >= start && count < end) out.push(slot);
      count++;
    }
    return { slots: out, total: knownTotal >= 0 ? knownTotal : count };
  }

  /** Customers whose search text contains `q` (case-insensitive), or null when there is no text to match. */
  private match(q: string | undefined): Matches | null {
    const needle = (q ?? '').toLowerCase().replaceAll(SEP, '').trim();
    if (needle === '') return null;
    const cached = this.matchCache.get(needle);
    if (cached) return cached;
    if (!this.posted) this.postAll();
    const result = this.computeMatch(needle);
    if (this.matchCache.size >= CACHE_SIZE) this.matchCache.delete(this.matchCache.keys().next().value!);
    this.matchCache.set(needle, result);
    return result;
  }

  private computeMatch(needle: string): Matches {
    const empty: Matches = { kind: 'list', slots: [] };
    // The grams the needle must contain: itself when short, else its trigrams.
    const grams = new Set<number>();
    let exact = needle.length <= 3;
    const width = Math.min(3, needle.length);
    for (let i = 0; i + width <= needle.length; i++) {
      let gram = 0;
      for (let k = 0; k < width; k++) {
        const code = codeOf(needle, i + k);
        if (code === OTHER) exact = false;
        gram += code * 64 ** k;
      }
      grams.add(gram);
    }
    const lists: Posting[] = [];
    for (const gram of grams) {
      const posting = this.postings[gram];
      if (!posting || posting.count === 0) return empty;
      lists.push(posting);
    }
    lists.sort((a, b) => a.count - b.count);
    const texts = this.texts;
    const smallest = lists[0]!;
    const others = lists.slice(1);
    if (smallest.list) {
      const slots: number[] = [];
      for (let i = 0; i < smallest.count; i++) {
        const slot = smallest.list[i]!;
        if (others.every((p) => p.has(slot)) && (exact || texts[slot]!.includes(needle))) slots.push(slot);
      }
      return { kind: 'list', slots };
    }
    const words = (this.docs.length >>> 5) + 1;
    const bits = smallest.toBits(words);
    for (const other of others) {
      const mask = other.bits ?? other.toBits(words);
      for (let w = 0; w < words; w++) bits[w]! &= mask[w] ?? 0;
    }
    let count = 0;
    for (let w = 0; w < words; w++) {
      let word = bits[w]!;
      while (word !== 0) {
        const low = word & -word;
        const slot = (w << 5) + 31 - Math.clz32(low);
        word ^= low;
        if (exact || texts[slot]!.includes(needle)) count++;
        else bits[w]! &= ~low;
      }
    }
    return { kind: 'bits', bits, count };
  }

  private post(slot: number, fields: readonly string[]): void {
    const capacity = this.docs.length;
    const postings = this.postings;
    forEachGram(fields, this.seen, ++this.stamp, (gram) => {
      let posting = postings[gram]!;
      if (posting === null) postings[gram] = posting = new Posting();
      posting.add(slot, capacity);
    });
  }

  private postAll(): void {
    this.posted = true;
    for (let slot = 0; slot < this.docs.length; slot++) {
      const text = this.texts[slot];
      if (this.docs[slot] !== undefined && text) this.post(slot, text.split(SEP));
    }
  }

  private unpost(slot: number): void {
    const old = this.texts[slot];
    if (!old) return;
    forEachGram(old.split(SEP), this.seen, ++this.stamp, (gram) => this.postings[gram]?.remove(slot));
  }

  private remove(id: string): void {
    const slot = this.slotById.get(id);
    if (slot === undefined) return;
    if (this.posted) this.unpost(slot);
    this.slotById.delete(id);
    this.docs[slot] = undefined;
    this.json[slot] = undefined;
    this.statusBit[slot] = 0;
    this.sourceBit[slot] = 0;
    this.contractBit[slot] = 0;
    this.rows[slot] = undefined;
    this.texts[slot] = '';
    this.freeSlots.push(slot);
    this.matchCache.clear();
    for (const order of this.orders.values()) order.dirty.add(slot);
  }

  private row(slot: number): SortRow {
    return (this.rows[slot] ??= sortRow(this.docs[slot]!));
  }

  private compare(key: CustomerSortKey): (a: number, b: number) => number {
    const docs = this.docs;
    return (a, b) => {
      const ra = this.row(a);
      const rb = this.row(b);
      const va = ra[key];
      const vb = rb[key];
      if (va !== vb) {
        if (va === undefined) return 1;
        if (vb === undefined) return -1;
        return va < vb ? -1 : 1;
      }
      const na = ra.displayName ?? '';
      const nb = rb.displayName ?? '';
      if (na !== nb) return na < nb ? -1 : 1;
      const ia = docs[a]!.id;
      const ib = docs[b]!.id;
      return ia < ib ? -1 : ia > ib ? 1 : 0;
    };
  }

  /** The column's order, brought up to date. */
  private order(key: CustomerSortKey): SortOrder {
    const compare = this.compare(key);
    let order = this.orders.get(key);
    if (!order) {
      order = { slots: [], dirty: new Set(), rank: new Int32Array(0), rankFresh: false, present: 0 };
      this.orders.set(key, order);
      this.rebuild(order, key, compare);
    } else if (order.dirty.size > 0) {
      if (order.dirty.size > 64 && order.dirty.size * 32 > order.slots.length) this.rebuild(order, key, compare);
      else {
        const dirty = order.dirty;
        const kept = dirty.size <= 4 ? order.slots : order.slots.filter((s) => !dirty.has(s));
        if (kept === order.slots) {
          for (const s of dirty) {
            const at = kept.indexOf(s);
            if (at !== -1) kept.splice(at, 1);
          }
        }
        for (const s of dirty) {
          if (this.docs[s] === undefined) continue;
          let lo = 0;
          let hi = kept.length;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (compare(kept[mid]!, s) < 0) lo = mid + 1;
            else hi = mid;
          }
          kept.splice(lo, 0, s);
        }
        order.slots = kept;
        dirty.clear();
        order.rankFresh = false;
        order.present = this.presentCount(order.slots, key);
      }
    }
    return order;
  }

  private rebuild(order: SortOrder, key: CustomerSortKey, compare: (a: number, b: number) => number): void {
    const slots: number[] = [];
    for (let s = 0; s < this.docs.length; s++) if (this.docs[s] !== undefined) slots.push(s);
    slots.sort(compare);
    order.slots = slots;
    order.dirty.clear();
    order.rankFresh = false;
    order.present = this.presentCount(slots, key);
  }

  private presentCount(slots: readonly number[], key: CustomerSortKey): number {
    let lo = 0;
    let hi = slots.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.row(slots[mid]!)[key] !== undefined) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private rankOf(order: SortOrder): Int32Array {
    if (order.rankFresh && order.rank.length >= this.docs.length) return order.rank;
    const rank = order.rank.length >= this.docs.length ? order.rank : new Int32Array(Math.max(this.docs.length, 16) * 2);
    for (let i = 0; i < order.slots.length; i++) rank[order.slots[i]!] = i;
    order.rank = rank;
    order.rankFresh = true;
    return rank;
  }
}
