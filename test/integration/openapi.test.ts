import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiPath } from '../../server/http/router.js';
import { createTestHub, type TestHub } from '../helpers/hub.js';

let t: TestHub;
let spec: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }> }>> };

beforeAll(async () => {
  t = await createTestHub();
  spec = await (await t.hub.app.request('/api/v1/openapi.json')).json();
});
afterAll(() => t.close());

describe('the generated OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document (swagger-parser)', async () => {
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(spec) as never)).resolves.toBeTruthy();
  });

  it('writes every path parameter as {name}, whatever pattern the route has', () => {
    for (const path of Object.keys(spec.paths)) expect(path).toMatch(/^(\/([A-Za-z0-9._-]+|\{[A-Za-z0-9_]+\}))+$|^\/$/);
    expect(spec.paths).toHaveProperty(['/usage-reports/{file}']);
    expect(openApiPath('/usage-reports/:file{[0-9]{4}-[0-9]{2}\\.csv}')).toBe('/usage-reports/{file}');
    expect(openApiPath('/x/:id/logs/:n{[0-9]+}')).toBe('/x/{id}/logs/{n}');
  });

  it('answers every list in the one shape { items, total, page, pageSize }: no GET answers a bare array', () => {
    const bareLists = [];
    let gets = 0;
    for (const [path, operations] of Object.entries(spec.paths)) {
      const schema = operations.get?.responses['200']?.content?.['application/json']?.schema;
      if (!schema) continue;
      gets += 1;
      if (schema.type === 'array') bareLists.push(path);
    }
    expect(gets).toBeGreaterThan(50);
    expect(bareLists).toEqual([]);
  });

  it('lets every paged GET be asked for a page and a bounded page size', () => {
    const unbounded = [];
    for (const [path, operations] of Object.entries(spec.paths)) {
      const get = operations.get as
        { parameters?: { name: string; in: string; schema?: { maximum?: number } }[]; responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }> } | undefined;
      const schema = get?.responses['200']?.content?.['application/json']?.schema;
      if (!(schema?.required as string[] | undefined)?.includes('pageSize')) continue;
      const pageSize = get!.parameters?.find((p) => p.in === 'query' && p.name === 'pageSize');
      if (!get!.parameters?.some((p) => p.in === 'query' && p.name === 'page') || typeof pageSize?.schema?.maximum !== 'number') unbounded.push(path);
    }
    expect(unbounded).toEqual([]);
  });
});

describe('roles and API keys as lists', () => {
  it('pages roles and API keys like every other list', async () => {
    for (let i = 0; i < 3; i++) await t.admin.createRole({ name: `Paged role ${i}`, permissions: [] });
    const first = await t.admin.roles({ pageSize: 2 });
    expect(first).toMatchObject({ page: 1, pageSize: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.total).toBeGreaterThanOrEqual(4);
    expect(first.items[0]!.builtIn).toBe(true);
    expect((await t.admin.roles({ q: 'paged role 1' })).items.map((r) => r.name)).toEqual(['Paged role 1']);

    t.clock.advance(1000);
    await t.admin.createApiKey({ name: 'second key' });
    const keys = await t.admin.apiKeys({ pageSize: 1 });
    expect(keys).toMatchObject({ page: 1, pageSize: 1, total: 2 });
    expect(keys.items[0]!.name).toBe('second key');
    expect((await t.admin.apiKeys({ q: 'bootstrap' })).items.map((k) => k.name)).toEqual(['bootstrap']);
  });
});
