/**
 * Property-based fuzzing of every route, driven by the OpenAPI document the routes generate from
 * their zod schemas: well-typed and ill-typed bodies, boundary values, unicode, huge strings,
 * random query strings, real and unknown ids. Prints requests sent, answers by status, 5xx count
 * (must be 0) and rejected requests that changed state (must be 0). Runs in process, in memory.
 *
 *   npx tsx test/bench/fuzz.ts [runsPerRoute=60] [seed=42]
 */
import fc from 'fast-check';
import { createTestHub, ADMIN_KEY } from '../helpers/hub.js';
import { operations, type JsonSchema } from '../helpers/openapi.js';

const runsPerRoute = Number(process.argv[2] ?? 60);
const seed = Number(process.argv[3] ?? 42);

const wrong = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(''),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
);

function typed(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.oneof(fc.constantFrom(...schema.enum), fc.string({ maxLength: 12 }));
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => valueFor(s, depth)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  const max = schema.maxLength ?? 300;
  switch (type) {
    case 'string':
      return fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        fc.string({ unit: 'binary', maxLength: 30 }),
        fc.emailAddress(),
        fc.domain(),
        fc.webUrl(),
        fc.constant('x'.repeat(max)),
        fc.constant('x'.repeat(max + 1)),
        fc.constant('<img src=x onerror=alert(1)>'),
        fc.constant('=HYPERLINK("http://evil")'),
        fc.constant('2026-02-30'),
        fc.constant('\u202e\u0000\ud800'),
      );
    case 'integer':
    case 'number':
      return fc.oneof(fc.integer(), fc.constantFrom(-1, 0, 1, 25, 26, 2 ** 31, Number.MAX_SAFE_INTEGER + 2, -0), fc.double({ noNaN: true }));
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 3 ? fc.constant([]) : fc.array(valueFor(schema.items ?? {}, depth + 1), { maxLength: 4 });
    case 'object': {
      if (depth > 3) return fc.constant({});
      const props = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, valueFor(s, depth + 1)]));
      return fc.record(props, { requiredKeys: [] });
    }
    default:
      return wrong;
  }
}

function valueFor(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: typed(schema, depth) }, { weight: 1, arbitrary: wrong });
}

async function main() {
  const t = await createTestHub({ seed: true });
  await t.admin.me();
  const spec = await (await t.hub.app.request('/api/v1/openapi.json')).json();
  const ops = operations(spec).filter((op) => !op.path.endsWith('/events'));
  const realIds: string[] = [];
  for (const [name, docs] of Object.entries({ customers: 'customers', policies: 'policies', users: 'users', roles: 'roles' })) {
    for (const doc of t.hub.ctx.store.all({ name: docs } as never) as Iterable<{ id: string }>) {
      realIds.push(doc.id);
      if (realIds.length % 40 === 0) break;
    }
    void name;
  }
  const idArb = fc.oneof(fc.constantFrom(...(realIds.length ? realIds : ['none'])), fc.constantFrom('missing_1', '..%2F..', '%00', 'x'.repeat(70)));
  const monthArb = fc.oneof(fc.constantFrom('2026-10', '2026-11', '2025-13', '1999-01', 'abc'), fc.string({ maxLength: 8 }));
  const queryArb = fc.dictionary(
    fc.constantFrom('q', 'page', 'pageSize', 'sort', 'status', 'contractType', 'sourceType', 'customerId', 'month', 'from', 'to'),
    fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String), fc.constantFrom('-1', '0', '1e9', '201')),
    { maxKeys: 4 },
  );

  let sent = 0;
  let fiveHundreds = 0;
  let rejectedChanges = 0;
  const byStatus = new Map<number, number>();
  const failures: string[] = [];
  for (const op of ops) {
    const arb = fc.record({
      ids: fc.array(idArb, { minLength: 3, maxLength: 3 }),
      month: monthArb,
      query: queryArb,
      body: op.body ? valueFor(op.body) : fc.constant(undefined),
    });
    for (const sample of fc.sample(arb, { numRuns: runsPerRoute, seed: seed + sent })) {
      let i = 0;
      const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(/month/i.test(name) ? sample.month : sample.ids[i++ % 3]!));
      const query = new URLSearchParams(sample.query).toString();
      const before = t.hub.ctx.store.version;
      const res = await t.hub.app.request(`/api/v1${path}${query ? `?${query}` : ''}`, {
        method: op.method,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        ...(op.method !== 'GET' && sample.body !== undefined && { body: JSON.stringify(sample.body) }),
      });
      await res.arrayBuffer();
      sent += 1;
      byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
      if (res.status >= 500) {
        fiveHundreds += 1;
        if (failures.length < 10) failures.push(`${res.status} ${op.method} ${path} ${JSON.stringify(sample.body)?.slice(0, 200)}`);
      }
      if (res.status >= 400 && t.hub.ctx.store.version !== before) {
        rejectedChanges += 1;
        if (failures.length < 10) failures.push(`state changed by rejected ${res.status} ${op.method} ${path}`);
      }
    }
  }
  await t.close();
  const result = { routes: ops.length, requests: sent, byStatus: Object.fromEntries([...byStatus].sort((a, b) => a[0] - b[0])), fiveHundreds, rejectedChanges };
  console.log(JSON.stringify(result, null, 2));
  for (const f of failures) console.log('  ' + f);
  return result;
}

export const runFuzz = main;
if (import.meta.url === `file://${process.argv[1]}`) {
  // A failure is an unhandled rejection on purpose: Node prints it and exits with code 1.
  void main().then((r) => process.exit(r.fiveHundreds === 0 && r.rejectedChanges === 0 ? 0 : 1));
}
