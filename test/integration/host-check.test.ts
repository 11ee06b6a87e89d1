import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, createTestHub, type TestHub } from '../helpers/hub.js';
import { rawRequest } from '../helpers/raw-http.js';

// DNS rebinding: a page on rebind.evil.example re-points its name at 127.0.0.1 and reads the
// hub as same-origin. The hub answers only to names the operator chose, on every path.
let t: TestHub;
let server: ServerType;
let port: number;

beforeAll(async () => {
  t = await createTestHub({ config: { demo: true, allowedHosts: ['hub.test', 'ops.example'], publicUrl: 'https://hub.northwind.example' }, seed: true });
  server = serve({ fetch: t.hub.app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
}, 60_000);
afterAll(async () => {
  server.close();
  await t.close();
});

const paths = ['/demo/pulse/data.js', '/demo/', '/api/v1/health', '/api/v1/openapi.json', '/api/v1/customers', '/api/messages', '/nowhere'];

describe('Host header check', () => {
  it.each(paths)('answers 421 on %s for a host name nobody configured', async (path) => {
    const res = await rawRequest(`http://127.0.0.1:${port}${path}`, { headers: { host: `rebind.evil.example:${port}`, authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(421);
    expect(JSON.parse(res.body).error.code).toBe('misdirected');
    expect(res.body).not.toMatch(/Contoso|Fabrikam|customers =/i);
  });

  it('answers the bind address, localhost, the public URL host and SPHUB_ALLOWED_HOSTS', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'hub.northwind.example', `ops.example:${port}`]) {
      const res = await rawRequest(`http://127.0.0.1:${port}/demo/pulse/data.js`, { headers: { host } });
      expect(`${host} ${res.status}`).toBe(`${host} 200`);
    }
  });

  it('refuses a POST with a foreign host before it changes anything', async () => {
    const before = (await t.admin.roles()).total;
    const res = await rawRequest(`http://127.0.0.1:${port}/api/v1/roles`, {
      method: 'POST',
      headers: { host: 'rebind.evil.example', authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'rebound', permissions: [] }),
    });
    expect(res.status).toBe(421);
    expect((await t.admin.roles()).total).toBe(before);
  });

  it('holds for requests made in process too (app.request)', async () => {
    expect((await t.hub.app.request('http://rebind.evil.example/api/v1/health')).status).toBe(421);
    expect((await t.hub.app.request('/api/v1/health')).status).toBe(200);
  });
});
