import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildHub, startHub, type HubProcess } from '../bench/hub-process.js';

const KEY = 'sph_idempotency_restart_key_000000000000';
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sphub-idem-'));
  await buildHub();
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('Idempotency-Key across a crash', () => {
  it('answers a retry after a SIGKILL with the first answer, and records one restore', async () => {
    const env = { SPHUB_DATA_DIR: dir, SPHUB_DEMO: 'true', SPHUB_ADMIN_KEY: KEY, SPHUB_SCHEDULER: 'off' };
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    let hub: HubProcess | undefined = await startHub(env, 90_000);
    try {
      const customer = ((await (await fetch(`${hub.base}/api/v1/customers?pageSize=1&status=active`, { headers })).json()) as { items: { id: string }[] }).items[0]!;
      const body = JSON.stringify({ customerId: customer.id, kind: 'mailItem', item: 'alex@contoso.example Inbox', mode: 'managed' });
      const restores = async (h: HubProcess) => ((await (await fetch(`${h.base}/api/v1/restores?customerId=${customer.id}&pageSize=200`, { headers })).json()) as { total: number }).total;
      const before = await restores(hub);
      const post = (h: HubProcess) => fetch(`${h.base}/api/v1/restores`, { method: 'POST', headers: { ...headers, 'idempotency-key': 'restore-after-crash-1' }, body });

      const first = await post(hub);
      expect(first.status).toBe(201);
      const firstBody = await first.json();
      await hub.kill('SIGKILL'); // right after the answer: nothing had time to fold or close

      hub = await startHub(env, 90_000);
      const retry = await post(hub);
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replay')).toBe('true');
      expect(await retry.json()).toEqual(firstBody);
      expect(await restores(hub)).toBe(before + 1);

      const other = await fetch(`${hub.base}/api/v1/restores`, { method: 'POST', headers: { ...headers, 'idempotency-key': 'restore-after-crash-1' }, body: body.replace('alex@', 'sam@') });
      expect(other.status).toBe(409);
    } finally {
      await hub?.kill('SIGKILL');
    }
  }, 240_000);

  it('answers a retry of a request the crash cut off with a 409 saying it may have taken effect, and does not run it again', async () => {
    // An upstream that takes connections and never answers: the connection test waits on it until the hub is killed.
    let upstreamRequests = 0;
    const silent: Server = createServer(() => void (upstreamRequests += 1));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const cutDir = await mkdtemp(join(tmpdir(), 'sphub-idem-cut-'));
    const env = { SPHUB_DATA_DIR: cutDir, SPHUB_DEMO: 'true', SPHUB_ADMIN_KEY: KEY, SPHUB_SCHEDULER: 'off', SPHUB_CONNECTION_SYNC: 'off' };
    const auth = { authorization: `Bearer ${KEY}` };
    let hub: HubProcess | undefined = await startHub(env, 90_000);
    try {
      const customer = ((await (await fetch(`${hub.base}/api/v1/customers?pageSize=1&status=active`, { headers: auth })).json()) as { items: { id: string }[] }).items[0]!;
      const created = await fetch(`${hub.base}/api/v1/connections`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'vdc', name: 'Silent VDC', baseUrl: origin, customerId: customer.id, auth: { type: 'apiKey', apiKey: 'vdc-key' } }),
      });
      expect(created.status).toBe(201);
      const connection = (await created.json()) as { id: string };
      const test = (h: HubProcess, key: string) => fetch(`${h.base}/api/v1/connections/${connection.id}/test`, { method: 'POST', headers: { ...auth, 'idempotency-key': key } });

      const cutOff = test(hub, 'cut-off-1').catch((error: unknown) => error);
      await vi.waitFor(() => expect(upstreamRequests).toBe(1), { timeout: 10_000 });
      await hub.kill('SIGKILL'); // the request is running: its key is saved as running, its answer never is
      expect(await cutOff).toBeInstanceOf(Error);

      hub = await startHub(env, 90_000);
      const retry = await test(hub, 'cut-off-1');
      expect(retry.status).toBe(409);
      expect(((await retry.json()) as { error: { message: string } }).error.message).toContain('may or may not have taken effect');
      expect(upstreamRequests).toBe(1); // not run a second time
    } finally {
      await hub?.kill('SIGKILL');
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
      await rm(cutDir, { recursive: true, force: true });
    }
  }, 240_000);
});
