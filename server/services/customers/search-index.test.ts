import { describe, expect, test } from 'vitest';
import { seededRandom } from '../../../shared/domain/random.js';
import { CUSTOMER_SORT_KEYS, type ContractType, type Customer, type CustomerSort, type CustomerStatus, type SourceType } from '../../../shared/schemas/customers.js';
import { generateCustomers } from '../../seed/customers.js';
import { CustomerSearchIndex, type CustomerSearch } from './search-index.js';

// The index must give exactly what a plain filter-and-sort over every customer gives.
function bruteForce(all: readonly Customer[], query: CustomerSearch): Customer[] {
  const q = query.q?.trim().toLowerCase();
  const statuses = query.status?.length ? query.status : ['provisioning', 'pending', 'active'];
  const matched = all.filter((c) => {
    const fields = [c.displayName, c.domain, c.tenantDomain, c.externalId, c.veeamAccountId, ...c.subscriptionIds];
    return (
      (!q || fields.some((f) => f?.toLowerCase().includes(q))) &&
      statuses.includes(c.status) &&
      (!query.sourceType?.length || query.sourceType.includes(c.sourceType)) &&
      (!query.contractType?.length || query.contractType.includes(c.contractType))
    );
  });
  const desc = query.sort.startsWith('-');
  const key = (desc ? query.sort.slice(1) : query.sort) as keyof Customer;
  const order = ['provisioning', 'pending', 'active', 'offboarded'];
  const value = (c: Customer) => {
    const v = c[key];
    if (key === 'status') return order.indexOf(c.status);
    if (typeof v === 'string')
      return v === ''
        ? undefined
        : v
            .normalize('NFD')
            .replace(/[\u0300-\u036f]/g, '')
            .toLowerCase();
    return v as number | undefined;
  };
  const name = (c: Customer) =>
    c.displayName
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
  const asc = (a: Customer, b: Customer) => {
    const va = value(a);
    const vb = value(b);
    if (va !== vb) return va! < vb! ? -1 : 1;
    const na = name(a);
    const nb = name(b);
    if (na !== nb) return na < nb ? -1 : 1;
    return a.id < b.id ? -1 : 1;
  };
  // Customers without a value come last in either direction; the rest reverse for descending.
  const present = matched.filter((c) => value(c) !== undefined).sort(asc);
  const missing = matched.filter((c) => value(c) === undefined).sort(asc);
  return [...(desc ? present.reverse() : present), ...missing];
}

const ids = (list: readonly Customer[]) => list.map((c) => c.id);

function indexOf(list: readonly Customer[]): CustomerSearchIndex {
  const index = new CustomerSearchIndex();
  for (const c of list) index.update(undefined, c);
  return index;
}

const STATUSES: CustomerStatus[] = ['provisioning', 'pending', 'active', 'offboarded'];
const SOURCES: SourceType[] = ['VCSP Pulse', 'Microsoft Marketplace', 'CloudBlue', 'Direct'];
const CONTRACTS: ContractType[] = ['Pending', 'Month to month', 'Annual', 'Trial', 'Cancelled'];
const SORTS = CUSTOMER_SORT_KEYS.flatMap((k) => [k, `-${k}`]) as CustomerSort[];

/** Random queries built from the customers' own text, so most find something. */
function randomQueries(all: readonly Customer[], count: number, seed: number): CustomerSearch[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const some = <T>(list: readonly T[]) => list.filter(() => random() < 0.4);
  const queries: CustomerSearch[] = [];
  for (let i = 0; i < count; i++) {
    const c = pick(all);
    const source = pick([c.displayName, c.domain, c.tenantDomain ?? 'onmicrosoft', c.externalId ?? 'crm', c.veeamAccountId ?? '4', c.subscriptionIds[0] ?? 'a'].filter(Boolean));
    const start = Math.floor(random() * source.length);
    const length = 1 + Math.floor(random() * 8);
    const q = random() < 0.15 ? undefined : random() < 0.2 ? source.slice(start, start + length).toUpperCase() : source.slice(start, start + length);
    queries.push({
      q,
      sort: pick(SORTS),
      ...(random() < 0.3 && { status: some(STATUSES) }),
      ...(random() < 0.3 && { sourceType: some(SOURCES) }),
      ...(random() < 0.3 && { contractType: some(CONTRACTS) }),
    });
  }
  return queries;
}

describe('customer search index', () => {
  const all = generateCustomers(1500, { seed: 11 });
  const index = indexOf(all);

  test('every column sorts like a brute-force sort, both directions, with empty values last', () => {
    for (const sort of SORTS) {
      const expected = bruteForce(all, { sort });
      const got = index.search({ sort }, 1, 200);
      expect(got.total, sort).toBe(expected.length);
      expect(ids(got.items), sort).toEqual(ids(expected.slice(0, 200)));
      expect(ids(index.search({ sort }, 7, 50).items), sort).toEqual(ids(expected.slice(300, 350)));
    }
  });

  test('random searches, filters, sorts and pages match a brute-force filter', () => {
    for (const query of randomQueries(all, 400, 5)) {
      const expected = bruteForce(all, query);
      const pageSize = 25;
      const pages = Math.max(1, Math.ceil(expected.length / pageSize));
      const page = 1 + ((query.q?.length ?? 0) % pages);
      const got = index.search(query, page, pageSize);
      expect(got.total, JSON.stringify(query)).toBe(expected.length);
      expect(ids(got.items), JSON.stringify(query)).toEqual(ids(expected.slice((page - 1) * pageSize, page * pageSize)));
    }
  });

  test.each([
    ['one character', 'a'],
    ['upper case', 'FABRIKAM'],
    ['a tenant domain', '.onmicrosoft.com'],
    ['punctuation', "margie's"],
    ['a hyphen', '-legal'],
    ['accents', 'zürich'],
    ['spaces around', '  legal  '],
    ['nothing matches', 'qqqxqqq'],
    ['longer than any field', 'x'.repeat(150)],
  ])('%s: %j', (_name, q) => {
    const query: CustomerSearch = { q, sort: 'displayName' };
    expect(ids(index.searchAll(query))).toEqual(ids(bruteForce(all, query)));
  });

  test('finds a customer by each searchable field, not by other fields', () => {
    const c = all.find((x) => x.status === 'active' && x.externalId)!;
    for (const q of [c.displayName, c.domain, c.tenantDomain!, c.externalId!, c.veeamAccountId!, c.subscriptionIds[0]!]) {
      expect(ids(index.searchAll({ q, sort: 'displayName' })), q).toContain(c.id);
    }
    expect(index.searchAll({ q: c.contact.phone!, sort: 'displayName' })).toEqual([]);
    // Text spanning two fields is not a match.
    expect(index.searchAll({ q: `${c.displayName.slice(-3)}${c.domain!.slice(0, 3)}`, sort: 'displayName' }).map((x) => x.id)).not.toContain(c.id);
  });

  test('stays correct through inserts, edits, status changes and deletes', () => {
    const live = new Map(all.slice(0, 800).map((c) => [c.id, c]));
    const idx = indexOf([...live.values()]);
    const random = seededRandom(99);
    const extra = generateCustomers(300, { seed: 12, idPrefix: 'new' });
    // Warm a few orders and the match cache so the incremental paths run.
    for (const q of randomQueries([...live.values()], 30, 1)) idx.search(q, 1, 10);
    for (let round = 0; round < 600; round++) {
      const roll = random();
      const list = [...live.values()];
      if (roll < 0.25 && extra.length > 0) {
        const c = extra.pop()!;
        live.set(c.id, c);
        idx.update(undefined, c);
      } else if (roll < 0.4) {
        const c = list[Math.floor(random() * list.length)]!;
        live.delete(c.id);
        idx.update(c, undefined);
      } else {
        const c = list[Math.floor(random() * list.length)]!;
        const next: Customer = {
          ...c,
          displayName: random() < 0.3 ? `${c.displayName} Renamed ${round}` : c.displayName,
          licenses: Math.floor(random() * 3000),
          storageConsumedGb: random() < 0.5 ? c.storageConsumedGb : Math.round(random() * 1e5) / 10,
          status: random() < 0.2 ? STATUSES[Math.floor(random() * 4)]! : c.status,
          ...(random() < 0.2 && { tenantDomain: `renamed${round}.onmicrosoft.com` }),
        };
        live.set(c.id, next);
        idx.update(c, next);
      }
      if (round % 20 === 0) {
        for (const query of randomQueries([...live.values()], 5, round)) {
          const expected = bruteForce([...live.values()], query);
          const got = idx.search(query, 1, 30);
          expect(got.total, JSON.stringify(query)).toBe(expected.length);
          expect(ids(got.items), JSON.stringify(query)).toEqual(ids(expected.slice(0, 30)));
        }
        expect(ids(idx.search({ q: 'renamed', sort: '-licenses' }, 1, 50).items)).toEqual(ids(bruteForce([...live.values()], { q: 'renamed', sort: '-licenses' }).slice(0, 50)));
      }
    }
    expect(idx.size).toBe(live.size);
  });

  test('changes made before the first text search are all found by it', () => {
    const list = all.slice(0, 300);
    const idx = indexOf(list);
    const renamed = list.slice(0, 100).map((c, i) => ({ ...c, displayName: `Zyxwv Holdings ${i}`, tenantDomain: `zyxwv${i}.onmicrosoft.com` }));
    list.slice(0, 100).forEach((c, i) => idx.update(c, renamed[i]));
    for (const c of list.slice(100, 150)) idx.update(c, undefined);
    const live = [...renamed, ...list.slice(150)];
    for (const q of ['zyxwv', 'holdings 4', list[120]!.displayName, list[200]!.domain]) {
      expect(ids(idx.searchAll({ q, sort: 'displayName' })), q).toEqual(ids(bruteForce(live, { q, sort: 'displayName' })));
    }
  });

  test('the JSON page equals the page, and follows changes to a customer', () => {
    const idx = indexOf(all.slice(0, 200));
    const query: CustomerSearch = { q: 'a', sort: '-licenses' };
    expect(JSON.parse(idx.searchJson(query, 2, 10))).toEqual({ ...idx.search(query, 2, 10), page: 2, pageSize: 10 });
    const first = idx.search({ sort: 'displayName' }, 1, 1).items[0]!;
    idx.searchJson({ sort: 'displayName' }, 1, 1);
    idx.update(first, { ...first, licenses: 4242 });
    expect(JSON.parse(idx.searchJson({ sort: 'displayName' }, 1, 1)).items[0].licenses).toBe(4242);
  });

  test('a bulk change (many customers at once) is picked up by every order', () => {
    const idx = indexOf(all);
    idx.search({ sort: 'licenses' }, 1, 10);
    const changed = all.map((c, i) => ({ ...c, licenses: (i * 7919) % 3001 }));
    all.forEach((c, i) => idx.update(c, changed[i]));
    expect(ids(idx.search({ sort: 'licenses' }, 3, 40).items)).toEqual(ids(bruteForce(changed, { sort: 'licenses' }).slice(80, 120)));
  });
});
