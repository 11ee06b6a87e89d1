import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../shared/api/client.js';
import { ADMIN_KEY, createTestHub, type TestHub } from '../helpers/hub.js';

/** The same app over a real socket on loopback, as clients see it. */
let t: TestHub;
let server: ServerType;
let base: string;

beforeAll(async () => {
  t = await createTestHub();
  server = serve({ fetch: t.hub.app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  await t.close();
});

describe('the API over real HTTP on loopback', () => {
  it('serves health, the OpenAPI document and the docs page without a key', async () => {
    expect((await (await fetch(`${base}/api/v1/health`)).json()).status).toBe('ok');
    const spec = await (await fetch(`${base}/api/v1/openapi.json`)).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(spec.paths['/roles'].post['x-permission']).toBe('userManagement');
    const docs = await fetch(`${base}/api/v1/docs`);
    expect(docs.headers.get('content-type')).toContain('text/html');
    const bundle = await fetch(`${base}/api/v1/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('cache-control')).toBe('max-age=86400');
    expect((await fetch(`${base}/api/v1/docs/assets/..%2f..%2fpackage.json`)).status).toBe(404);
  });

  it('marks API answers not to be cached, whether built by the router or by a handler', async () => {
    const auth = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
    const json = await fetch(`${base}/api/v1/customers?pageSize=1`, { headers: auth });
    expect(json.headers.get('cache-control')).toBe('no-store');
    const own = await fetch(`${base}/api/v1/customers/health`, { method: 'POST', headers: auth, body: JSON.stringify({ ids: ['nobody'] }) });
    expect(own.status).toBe(200);
    expect(own.headers.get('cache-control')).toBe('no-store');
    expect(await own.json()).toEqual({ items: [], unmatched: ['nobody'] });
    const error = await fetch(`${base}/api/v1/customers`);
    expect(error.status).toBe(401);
    expect(error.headers.get('cache-control')).toBe('no-store');
  });

  it('works end to end through the typed client', async () => {
    const api = createApiClient({ baseUrl: base, apiKey: ADMIN_KEY });
    const role = await api.createRole({ name: 'Over HTTP', permissions: ['customerManagement'] });
    expect((await api.roles({ pageSize: 200 })).items.map((r) => r.id)).toContain(role.id);
  });

  it('takes JSON bodies only as application/json, valid UTF-8 and without repeated keys, and changes nothing otherwise', async () => {
    const names = async () => (await createApiClient({ baseUrl: base, apiKey: ADMIN_KEY }).roles({ pageSize: 200 })).items.map((r) => r.name);
    const before = await names();
    const post = (body: string | Uint8Array<ArrayBuffer>, contentType?: string) =>
      fetch(`${base}/api/v1/roles`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(contentType && { 'content-type': contentType }) }, body });
    const valid = JSON.stringify({ name: 'Strict body', permissions: [] });

    const plain = await post(valid); // fetch labels a string body text/plain
    expect(plain.status).toBe(415);
    expect((await plain.json()).error).toMatchObject({ code: 'unsupported_media_type', details: [{ field: 'Content-Type', message: 'must be application/json' }] });
    expect((await post(valid, 'application/x-www-form-urlencoded')).status).toBe(415);

    const latin1 = new Uint8Array([...new TextEncoder().encode('{"name":"Caf'), 0xe9, ...new TextEncoder().encode('","permissions":[]}')]);
    const badBytes = await post(latin1, 'application/json');
    expect(badBytes.status).toBe(400);
    expect((await badBytes.json()).error.message).toContain('not valid UTF-8');

    const twice = await post('{"name":"First","name":"Second","permissions":[]}', 'application/json');
    expect(twice.status).toBe(400);
    expect((await twice.json()).error.details).toEqual([{ field: 'body.name', message: 'appears twice in one object ("name")' }]);

    expect(await names()).toEqual(before);
    const ok = await post(valid, 'application/json; charset=utf-8');
    expect(ok.status).toBe(201);
  });

  it('answers errors in the one shape, with no stack trace', async () => {
    const noKey = await fetch(`${base}/api/v1/me`);
    expect(noKey.status).toBe(401);
    const badJson = await fetch(`${base}/api/v1/roles`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: '{"name":' });
    expect(badJson.status).toBe(400);
    const text = await badJson.text();
    expect(JSON.parse(text).error.code).toBe('invalid_input');
    expect(text).not.toMatch(/at .*\.ts:\d+/);
    const unknown = await fetch(`${base}/api/v1/nothing-here`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('not_found');
  });

  it('refuses an oversized body with 413 before reading it all', async () => {
    const res = await fetch(`${base}/api/v1/roles`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024), permissions: [] }),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('too_large');
  });

  it('counts a body sent in chunks (no Content-Length) as it reads it: over the limit 413, under it read as usual', async () => {
    const chunked = (body: string) => {
      const bytes = new TextEncoder().encode(body);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.subarray(i, i + 64 * 1024));
          controller.close();
        },
      });
      return fetch(`${base}/api/v1/roles`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    };
    const big = await chunked(JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024), permissions: [] }));
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe('too_large');
    const small = await chunked(JSON.stringify({ name: 'Sent in chunks', permissions: ['customerManagement'] }));
    expect(small.status).toBe(201);
    expect((await small.json()).name).toBe('Sent in chunks');
  });

  it('judges a body by its Content-Length: a length that is not a number is refused', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${base}/api/v1/roles`);
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', 'content-length': '12abc' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
  });
});
