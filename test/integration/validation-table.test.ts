import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../../shared/schemas/common.js';
import { ADMIN_KEY, createTestHub, type TestHub } from '../helpers/hub.js';
import { concretePath, operations, typeOf, wrongValue, type Operation } from '../helpers/openapi.js';

/**
 * Every mutating route, taken from the hub's own OpenAPI document, gets bad input: broken JSON,
 * the wrong top-level type, unknown fields, wrong types and huge strings in each field. Each must
 * answer 4xx in the one error shape, name the field where there is one, and change nothing.
 */
let t: TestHub;
let ops: Operation[];

beforeAll(async () => {
  t = await createTestHub({ seed: true });
  const spec = await (await t.hub.app.request('/api/v1/openapi.json')).json();
  ops = operations(spec).filter((op) => op.body && op.method !== 'GET');
  await t.admin.me(); // first use records the key's last-used time, a write of its own
});
afterAll(() => t.close());

async function send(op: Operation, body: string) {
  const before = { store: t.hub.ctx.store.version, events: t.hub.ctx.events.lastId };
  const res = await t.hub.app.request(`/api/v1${concretePath(op.path)}`, {
    method: op.method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body,
  });
  const text = await res.text();
  const parsed = ErrorBody.safeParse(JSON.parse(text));
  return { status: res.status, body: parsed.success ? parsed.data : null, text, unchanged: t.hub.ctx.store.version === before.store && t.hub.ctx.events.lastId === before.events };
}

describe('validation table over every mutating route', () => {
  it('finds the mutating routes', () => {
    expect(ops.length).toBeGreaterThan(5);
  });

  it('answers broken JSON and a wrong top-level type with 400 and changes nothing', async () => {
    for (const op of ops) {
      for (const body of ['{"unterminated": ', '[1,2,3]', '"text"', 'null']) {
        const r = await send(op, body);
        expect.soft(r.status, `${op.method} ${op.path} with ${body}`).toBe(400);
        expect.soft(r.body, `${op.method} ${op.path} error shape: ${r.text}`).not.toBeNull();
        expect.soft(r.unchanged, `${op.method} ${op.path} changed state`).toBe(true);
      }
    }
  });

  it('names unknown fields', async () => {
    for (const op of ops.filter((o) => typeOf(o.body!) === 'object' && o.body!.properties)) {
      const r = await send(op, JSON.stringify({ definitelyNotAField: 1 }));
      expect.soft(r.status, `${op.method} ${op.path}`).toBe(400);
      expect
        .soft(
          r.body?.error.details?.some((d) => d.field.endsWith('definitelyNotAField')),
          `${op.method} ${op.path}: ${r.text}`,
        )
        .toBe(true);
      expect.soft(r.unchanged, `${op.method} ${op.path} changed state`).toBe(true);
    }
  });

  it('names each missing required field', async () => {
    for (const op of ops.filter((o) => (o.body!.required ?? []).length > 0)) {
      const r = await send(op, '{}');
      expect.soft(r.status, `${op.method} ${op.path}`).toBe(400);
      for (const field of op.body!.required!) {
        expect
          .soft(
            r.body?.error.details?.some((d) => d.field === `body.${field}`),
            `${op.method} ${op.path} names ${field}: ${r.text.slice(0, 300)}`,
          )
          .toBe(true);
      }
      expect.soft(r.unchanged, `${op.method} ${op.path} changed state`).toBe(true);
    }
  });

  it('names each field given the wrong type or a huge string', async () => {
    for (const op of ops.filter((o) => o.body!.properties)) {
      for (const [field, schema] of Object.entries(op.body!.properties!)) {
        const cases: unknown[] = [wrongValue(schema)];
        if (typeOf(schema) === 'string') cases.push('x'.repeat(100_000));
        for (const value of cases) {
          if (value === undefined) continue;
          const r = await send(op, JSON.stringify({ [field]: value }));
          const label = `${op.method} ${op.path} ${field}=${String(value).slice(0, 20)}`;
          expect.soft([400, 413], label).toContain(r.status);
          if (r.status === 400)
            expect
              .soft(
                r.body?.error.details?.some((d) => d.field === `body.${field}` || d.field.startsWith(`body.${field}.`)),
                `${label}: ${r.text.slice(0, 300)}`,
              )
              .toBe(true);
          expect.soft(r.unchanged, `${label} changed state`).toBe(true);
        }
      }
    }
  });

  it('refuses a body over the size limit with 413', async () => {
    const op = ops[0]!;
    const r = await send(op, JSON.stringify({ blob: 'x'.repeat(2 * 1024 * 1024) }));
    expect(r.status).toBe(413);
    expect(r.body?.error.code).toBe('too_large');
    expect(r.unchanged).toBe(true);
  });
});
