import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, createTestHub, type TestHub } from '../../test/helpers/hub.js';
import { AUTH_FAILURE_BURST } from './authenticate.js';

describe('failed authentication throttle', () => {
  let t: TestHub;
  beforeEach(async () => {
    t = await createTestHub({ config: { authFailureDelayMs: 0 } });
  });
  afterEach(() => t.close());

  const me = (key: string, init: { base?: string } = {}) =>
    init.base ? fetch(`${init.base}/api/v1/me`, { headers: { authorization: `Bearer ${key}` } }) : t.fetch('http://hub.test/api/v1/me', { headers: { authorization: `Bearer ${key}` } });
  const throttledAudits = async () => (await t.admin.audit({ action: 'auth.throttled' })).items;

  it('answers 429 with Retry-After once one key prefix has too many failures, audits the burst once, and never holds back a valid key', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_FAILURE_BURST + 10; i++) {
      statuses.push((await me(`sph_guessX${i}`.padEnd(40, 'x'))).status);
      expect((await me(ADMIN_KEY)).status).toBe(200);
    }
    expect(statuses.slice(0, AUTH_FAILURE_BURST)).toEqual(Array(AUTH_FAILURE_BURST).fill(401));
    expect(statuses.slice(AUTH_FAILURE_BURST)).toEqual(Array(10).fill(429));
    const limited = await me('sph_guessX'.padEnd(40, 'x'));
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await limited.json()).error.code).toBe('rate_limited');

    const audits = await throttledAudits();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ action: 'auth.throttled', target: { type: 'api-key-prefix', name: 'sph_guessX'.slice(0, 10) } });

    t.clock.advance(60_000);
    expect((await me('sph_guessY'.padEnd(40, 'x'))).status).toBe(401);
  });

  it('throttles per client address too, whatever keys it tries', async () => {
    const server = serve({ fetch: t.hub.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const statuses: number[] = [];
      for (let i = 0; i < AUTH_FAILURE_BURST + 5; i++) statuses.push((await me(`sph_${randomBytes(32).toString('base64url')}`, { base })).status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(AUTH_FAILURE_BURST);
      expect(statuses.slice(-5)).toEqual(Array(5).fill(429));
      expect((await me(ADMIN_KEY, { base })).status).toBe(200);
      expect((await throttledAudits()).map((a) => a.target.type)).toEqual(['client-address']);
    } finally {
      server.close();
    }
  });

  it('does not count a missing key or a valid key without the permission', async () => {
    const { client } = await t.userWith([]);
    for (let i = 0; i < AUTH_FAILURE_BURST + 5; i++) {
      expect((await t.fetch('http://hub.test/api/v1/me')).status).toBe(401);
      await expect(client.createRole({ name: `r${i}`, permissions: [] })).rejects.toMatchObject({ status: 403 });
    }
    expect(await throttledAudits()).toEqual([]);
  });

  it('holds a throttled answer back (a tarpit) while a valid key is answered at once', async () => {
    const slow = await createTestHub({ config: { authFailureDelayMs: 1000 } });
    try {
      const call = (key: string) => slow.fetch('http://hub.test/api/v1/me', { headers: { authorization: `Bearer ${key}` } });
      for (let i = 0; i < AUTH_FAILURE_BURST; i++) expect((await call('sph_tarpit'.padEnd(40, 'x'))).status).toBe(401);
      const throttled = call('sph_tarpit'.padEnd(40, 'x'));
      const first = await Promise.race([throttled.then(() => 'answered'), new Promise((resolve) => setTimeout(() => resolve('held'), 200))]);
      expect(first).toBe('held');
      expect((await call(ADMIN_KEY)).status).toBe(200); // meanwhile
      expect((await throttled).status).toBe(429);
    } finally {
      await slow.close();
    }
  });
});
