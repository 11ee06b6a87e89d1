import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
