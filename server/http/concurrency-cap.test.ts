import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { createTestHub } from '../../test/helpers/hub.js';
import { ConcurrencyCap } from './concurrency-cap.js';
import { HubError } from './errors.js';
import { Router } from './router.js';

const principalFor = (apiKeyId: string): Principal => ({
  actor: { kind: 'apiKey', userId: 'usr_1', apiKeyId, name: `key ${apiKeyId}`, channel: 'api' },
  user: null,
  permissions: new Set(['monitoring']),
});

describe('expensive reads, capped per API key', () => {
  it('answers 429 with Retry-After to a key already running its share, while other keys and cheap routes go on', async () => {
    let open!: () => void;
    const gate = { promise: new Promise<void>((resolve) => (open = resolve)), resolve: () => open() };
    const router = new Router(async (c) => principalFor(c.req.header('x-key') ?? 'none'), new ConcurrencyCap(1))
      .get('/export.csv', { summary: 'slow export', permission: 'monitoring', produces: 'text/csv' }, async () => {
        await gate.promise;
        return new Response('a,b\n', { headers: { 'content-type': 'text/csv' } });
      })
      .get('/cheap', { summary: 'cheap', permission: 'monitoring' }, () => ({ ok: true }));
    const app = new Hono();
    app.onError((error, c) => {
      const e = error as HubError;
      if (e.retryAfterSeconds) c.header('retry-after', String(e.retryAfterSeconds));
      return c.json({ error: { code: e.code } }, e.status as 429);
    });
    app.route('/', router.hono);
    const get = (path: string, key: string) => app.request(path, { headers: { 'x-key': key } });

    const first = get('/export.csv', 'script');
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = await get('/export.csv', 'script');
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect((await get('/cheap', 'script')).status).toBe(200);
    const bot = get('/export.csv', 'bot');
    gate.resolve();
    expect((await first).status).toBe(200);
    expect((await bot).status).toBe(200);
    expect((await get('/export.csv', 'script')).status).toBe(200); // its turn again
  });

  it('counts releases exactly and forgets callers with nothing running', () => {
    const cap = new ConcurrencyCap(2);
    const a = cap.tryAcquire('k')!;
    const b = cap.tryAcquire('k')!;
    expect(cap.tryAcquire('k')).toBeNull();
    a();
    a();
    expect(cap.inUse('k')).toBe(1);
    b();
    expect(cap.callers).toBe(0);
  });

  it('marks exports, CSVs and batch health as expensive in the API document', async () => {
    const t = await createTestHub();
    try {
      const spec = (await (await t.fetch('http://hub.test/api/v1/openapi.json')).json()) as { paths: Record<string, Record<string, { 'x-expensive'?: boolean }>> };
      const expensive = Object.entries(spec.paths).flatMap(([path, ops]) =>
        Object.entries(ops)
          .filter(([, op]) => op['x-expensive'])
          .map(([method]) => `${method.toUpperCase()} ${path}`),
      );
      expect(expensive).toEqual(
        expect.arrayContaining(['POST /customers/health', 'GET /customers/export.csv', 'GET /customers/{id}/sessions/export', 'GET /sessions/{id}/logs.csv', 'GET /usage-reports/{file}']),
      );
      expect(expensive).not.toContain('GET /customers');
    } finally {
      await t.close();
    }
  });
});
