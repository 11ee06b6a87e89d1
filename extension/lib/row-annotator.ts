import type { FoundTable, TableRow } from '../selectors/table.js';
import type { HubFailure } from './result.js';
import { chipIn, isOwnNode, OWN_ATTRIBUTE, type ChipHost } from '../components/chip.js';

/**
 * Keeps one chip per table row in step with the page: after every render of the table (paging,
 * sorting, a refresh, a framework re-render) rows get their chip back at once from the cache,
 * in the same task as the page's change (so nothing flickers), and the keys not known yet are
 * fetched in ONE batch request per render.
 */
export interface RowAnnotatorOptions<V> {
  table: FoundTable;
  signal: AbortSignal;
  /** What identifies the row for the hub (a customer's display name...), or null to skip it. */
  key(row: TableRow): string | null;
  /** The cell the chip goes into. */
  cell(row: TableRow): Element | null;
  /** One batch: the value per key; a key missing from the map is unknown to the hub. */
  load(keys: string[]): Promise<{ ok: true; values: Map<string, V> } | { ok: false; error: HubFailure }>;
  createChip(): ChipHost;
  /** Where in the cell a new chip goes (default: at its end). */
  place?(cell: Element, host: ChipHost): void;
  paint(host: ChipHost, state: ChipState<V>): void;
  /** Told after each batch: how many keys, and how long painting took once the data arrived. */
  onBatch?(info: BatchInfo): void;
  onError?(error: HubFailure): void;
  onReady?(): void;
  /** Values older than this are fetched again on the next render (shown meanwhile). */
  ttlMs?: number;
  /**
   * Where values are kept. Pass one that outlives the annotator (module level) so a table the page
   * replaces whole (a re-mounted view) gets its chips back at once, without a new request.
   */
  cache?: RowCache<V>;
  debounceMs?: number;
  now?: () => number;
}

/** One batch: keys asked for, rows painted, when the data arrived and how long painting took (ms, performance.now). */
export interface BatchInfo {
  keys: number;
  rows: number;
  arrivedAt: number;
  paintMs: number;
}

export type ChipState<V> = { kind: 'loading' } | { kind: 'ready'; value: V } | { kind: 'unknown' } | { kind: 'error'; error: HubFailure };

interface Cached<V> {
  state: ChipState<V>;
  at: number;
}

export type RowCache<V> = Map<string, Cached<V>>;

/** A cache for createRowAnnotator that a feature keeps across its restarts. */
export function createRowCache<V>(limit = 5000): RowCache<V> {
  const map: RowCache<V> = new Map();
  const set = map.set.bind(map);
  // Oldest entries go first once the limit is reached (a long session paging through thousands).
  map.set = (key, value) => {
    map.delete(key);
    set(key, value);
    if (map.size > limit) map.delete(map.keys().next().value as string);
    return map;
  };
  return map;
}

export function createRowAnnotator<V>(options: RowAnnotatorOptions<V>) {
  const { table, signal } = options;
  const now = options.now ?? (() => performance.now());
  const ttl = options.ttlMs ?? 60_000;
  const cache = options.cache ?? createRowCache<V>();
  const inFlight = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let hosts = new Map<string, ChipHost[]>();
  /** The extension is not set up: no chip in any row (the feature shows its setup bar instead). */
  let dormant = false;

  function stateOf(key: string): ChipState<V> {
    return cache.get(key)?.state ?? { kind: 'loading' };
  }

  /** Puts a chip in every row that lacks one (or shows another key), painted from the cache. */
  function sync(): string[] {
    if (dormant) return [];
    const next = new Map<string, ChipHost[]>();
    const wanted: string[] = [];
    for (const row of table.rows()) {
      const key = options.key(row);
      const cell = options.cell(row);
      if (!key || !cell) continue;
      let host = chipIn(cell);
      if (!host) {
        host = options.createChip();
        if (options.place) options.place(cell, host);
        else cell.append(host);
      }
      if (host.sphubKey !== key) {
        host.sphubKey = key;
        options.paint(host, stateOf(key));
      }
      const list = next.get(key);
      if (list) list.push(host);
      else next.set(key, [host]);
      const cached = cache.get(key);
      if ((!cached || cached.state.kind === 'error' || now() - cached.at > ttl) && !inFlight.has(key)) wanted.push(key);
    }
    hosts = next;
    if (wanted.length > 0) schedule();
    return wanted;
  }

  function schedule() {
    if (timer !== undefined || signal.aborted) return;
    timer = setTimeout(() => {
      timer = undefined;
      void fetchBatch();
    }, options.debounceMs ?? 30);
  }

  async function fetchBatch() {
    const keys = [...hosts.keys()].filter((key) => {
      const cached = cache.get(key);
      return (!cached || cached.state.kind === 'error' || now() - cached.at > ttl) && !inFlight.has(key);
    });
    if (keys.length === 0) return;
    for (const key of keys) inFlight.add(key);
    const answer = await options.load(keys);
    for (const key of keys) inFlight.delete(key);
    if (signal.aborted) return;
    const started = now();
    if (!answer.ok && answer.error.kind === 'not-configured') {
      dormant = true;
      removeChips();
      options.onError?.(answer.error);
      return;
    }
    if (!answer.ok) {
      for (const key of keys) if (!cache.has(key) || cache.get(key)!.state.kind !== 'ready') cache.set(key, { state: { kind: 'error', error: answer.error }, at: started });
      options.onError?.(answer.error);
    } else {
      for (const key of keys) {
        const value = answer.values.get(key);
        cache.set(key, { state: value === undefined ? { kind: 'unknown' } : { kind: 'ready', value }, at: started });
      }
      options.onReady?.();
    }
    let painted = 0;
    for (const key of keys) {
      for (const host of hosts.get(key) ?? []) {
        options.paint(host, stateOf(key));
        painted++;
      }
    }
    options.onBatch?.({ keys: keys.length, rows: painted, arrivedAt: started, paintMs: now() - started });
  }

  function removeChips() {
    for (const list of hosts.values()) for (const host of list) host.remove();
    hosts = new Map();
    for (const host of Array.from(table.element.querySelectorAll(`[${OWN_ATTRIBUTE}="chip"]`))) host.remove();
  }

  const observer = new MutationObserver((records) => {
    const pageChanged = records.some((record) => {
      if (isOwnNode(record.target)) return false;
      if (record.type === 'characterData') return true;
      return [...Array.from(record.addedNodes), ...Array.from(record.removedNodes)].some((node) => !isOwnNode(node));
    });
    if (pageChanged) sync();
  });
  observer.observe(table.element, { childList: true, subtree: true, characterData: true });

  signal.addEventListener(
    'abort',
    () => {
      observer.disconnect();
      if (timer !== undefined) clearTimeout(timer);
      removeChips();
    },
    { once: true },
  );

  // Everything already known (a re-mounted table): the summary is due now, not after a fetch.
  // (In a microtask: the caller holds the annotator only once this function returned.)
  if (sync().length === 0 && hosts.size > 0) queueMicrotask(() => signal.aborted || options.onReady?.());

  return {
    sync,
    /** Forget these keys (after an action changed them) and fetch them again now. */
    refresh(keys?: string[]) {
      for (const key of keys ?? [...cache.keys()]) cache.delete(key);
      sync();
    },
    value(key: string): V | undefined {
      const state = cache.get(key)?.state;
      return state?.kind === 'ready' ? state.value : undefined;
    },
    keys: () => [...hosts.keys()],
  };
}
