import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../shared/api/client.js';
import { createApp, type HubApp } from '../../server/app.js';

/**
 * A thousand concurrent mutations over real HTTP on a real data folder: no update is lost, totals
 * add up, exactly one of many racing starts wins, and the same totals come back after a restart.
 */
const KEY = 'sph_concurrency_test_key_000000000000000';
let dir: string;
let hub: HubApp;
let server: ServerType;
let api: ApiClient;

async function open(): Promise<void> {
  hub = await createApp({ config: { dataDir: dir, demo: true, adminKey: KEY, provisioningMs: 0, env: { SPHUB_SCHEDULER: 'off', SPHUB_RUNNER_SPEED: '0.001' } } });
  if (hub.bootstrapKey) await hub.seedDemo();
  server = serve({ fetch: hub.app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  api = createApiClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: KEY });
}

async function close(): Promise<void> {
  await new Promise((resolve) => server.close(resolve));
  await hub.close();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sphub-concurrency-'));
  await open();
}, 120_000);
afterAll(async () => {
  await close();
  await rm(dir, { recursive: true, force: true });
});

describe('1,000 concurrent mutations', () => {
  it('on one customer: every invite kept', async () => {
    const [customer] = (await api.customers({ status: ['pending'], pageSize: 1 })).items;
    const before = (await api.invites(customer!.id)).total;
    const results = await Promise.allSettled(Array.from({ length: 1000 }, (_, i) => api.sendInvites(customer!.id, `person${i}@${customer!.domain}`)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect((await api.invites(customer!.id)).total).toBe(before + 1000);
  }, 120_000);

  it('on many customers: every invite kept, totals consistent', async () => {
    const pending = (await api.customers({ status: ['pending'], pageSize: 50 })).items.slice(1, 21);
    expect(pending.length).toBeGreaterThanOrEqual(5);
    const before = new Map(await Promise.all(pending.map(async (c) => [c.id, (await api.invites(c.id)).total] as const)));
    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, (_, i) => {
        const c = pending[i % pending.length]!;
        return api.sendInvites(c.id, `many${i}@${c.domain}`);
      }),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    for (const c of pending) {
      const expected = before.get(c.id)! + Array.from({ length: 1000 }, (_, i) => i).filter((i) => i % pending.length === pending.indexOf(c)).length;
      expect((await api.invites(c.id)).total).toBe(expected);
    }
  }, 120_000);

  it('racing starts of one policy: exactly one wins, the rest are 409', async () => {
    const policy = (await api.policies({ enabled: true, pageSize: 50 })).items.find((p) => p.lastStatus !== 'Running')!;
    const before = (await api.policySessions(policy.id, { pageSize: 1 })).total;
    const results = await Promise.allSettled(Array.from({ length: 1000 }, () => api.startPolicy(policy.id)));
    const won = results.filter((r) => r.status === 'fulfilled');
    const conflicts = results.filter((r) => r.status === 'rejected' && (r.reason as { status?: number }).status === 409);
    expect(won).toHaveLength(1);
    expect(conflicts).toHaveLength(999);
    expect((await api.policySessions(policy.id, { pageSize: 1 })).total).toBe(before + 1);
  }, 120_000);

  it('keeps the same totals after a restart', async () => {
    const count = async () => {
      const page = await api.customers({ status: ['pending'], pageSize: 50 });
      let invites = 0;
      for (const c of page.items) invites += (await api.invites(c.id)).total;
      return invites;
    };
    const before = await count();
    await close();
    await open();
    expect(await count()).toBe(before);
  }, 120_000);
});
