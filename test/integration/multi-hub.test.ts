import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../shared/api/client.js';
import { systemClock } from '../../shared/domain/clock.js';
import { customers } from '../../server/services/customer-collection.js';
import { testCustomer } from '../../server/services/backup/testing.js';
import { PgStore } from '../../server/store/pg/pg-store.js';
import { startHub, type HubProcess } from '../bench/hub-process.js';
import { postgresAvailable, startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/receivers.js';

// Three real hub processes (the bundle `npm start` runs) on one PostgreSQL database, one of them
// killed with SIGKILL in the middle of a write storm.

const KEY = 'sph_multi_hub_administrator_key_00000000000';
const CUSTOMERS = 8;

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The first `count` events of the hub's SSE stream after `lastEventId`, as [id, type]. */
async function sseEvents(base: string, lastEventId: number, count: number): Promise<[number, string][]> {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/v1/events`, { headers: { authorization: `Bearer ${KEY}`, 'last-event-id': String(lastEventId) }, signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const out: [number, string][] = [];
  const timer = setTimeout(() => controller.abort(), 10_000);
  try {
    while (out.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = text.indexOf('\n\n')) !== -1 && out.length < count) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (data) {
          const event = JSON.parse(data.slice(6)) as { id: number; type: string };
          out.push([event.id, event.type]);
        }
      }
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return out;
}

describe.skipIf(!postgresAvailable)('several hubs on one PostgreSQL database', () => {
  let cluster: TestPostgres;
  let receiver: WebhookReceiver;
  let hubs: HubProcess[] = [];

  beforeAll(async () => {
    cluster = await startTestPostgres();
    receiver = await startWebhookReceiver(systemClock);
  });
  afterAll(async () => {
    for (const hub of hubs) await hub.kill('SIGKILL').catch(() => undefined);
    await receiver?.close();
    await cluster?.stop();
  });

  it('loses no acknowledged write, doubles no scheduled run and no notification, and every live hub answers alike after one is killed', async () => {
    const url = await cluster.createDatabase();
    // Customers as the provider's portal sync would leave them: active, ready for policies.
    const seed = await PgStore.open({ url });
    const list = Array.from({ length: CUSTOMERS }, (_, i) => testCustomer({ id: `cus_multi${i}`, displayName: `Multi ${i}` }));
    await seed.write((tx) => list.forEach((c) => tx.put(customers, c)));
    await seed.close();

    const env = { SPHUB_DATABASE_URL: url, SPHUB_ADMIN_KEY: KEY, SPHUB_RUNNER_SPEED: 'instant', SPHUB_LEASE_RETRY_MS: '200' };
    // The first hub starts alone, so it holds every job's lease; the others start together.
    hubs = [await startHub(env)];
    hubs.push(...(await Promise.all([startHub(env), startHub(env)])));
    const api: ApiClient[] = hubs.map((h) => createApiClient({ baseUrl: h.base, apiKey: KEY }));

    await api[1]!.updateNotificationSettings({
      language: 'en',
      allowCustomerNotifications: true,
      contacts: [{ type: 'teams', webhookUrl: receiver.url('/hook'), topics: ['backupComplete', 'backupFailed'] }],
    });

    // Phase 1: a policy per customer for half of them, created through every hub; the scheduler
    // (on one hub) runs each once, and each finished session is told to the webhook once.
    const policyIds: string[] = [];
    for (let i = 0; i < CUSTOMERS / 2; i++) policyIds.push((await api[i % 3]!.createPolicy({ customerId: list[i]!.id, name: 'Mail', backupType: 'EntireOrganization' })).id);
    await until('the first policies to run and be told', async () => receiver.acceptedCounts('/hook').size >= CUSTOMERS / 2);

    // Phase 2: writers on every hub; the hub holding the jobs is killed in the middle.
    const acked = new Set<string>();
    let killed = false;
    let ackedAfterKill = 0;
    let stop = false;
    const writers = hubs.map(async (hub, w) => {
      for (let n = 0; !stop; n++) {
        const name = `w${w}-${n}`;
        try {
          const res = await fetch(`${hub.base}/api/v1/roles`, {
            method: 'POST',
            headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify({ name, permissions: ['monitoring'] }),
          });
          if (res.status === 201) {
            acked.add(name);
            if (killed) ackedAfterKill += 1;
          }
        } catch {
          return; // the hub died under this writer: the write was never acknowledged
        }
      }
    });
    await new Promise((r) => setTimeout(r, 400));
    await hubs[0]!.kill('SIGKILL');
    killed = true;
    // More policies, through the live hubs: another hub must take the scheduler and the outbox over.
    for (let i = CUSTOMERS / 2; i < CUSTOMERS; i++) policyIds.push((await api[1 + (i % 2)]!.createPolicy({ customerId: list[i]!.id, name: 'Mail', backupType: 'EntireOrganization' })).id);
    await until('writes through the live hubs after the kill', async () => ackedAfterKill >= 20);
    stop = true;
    await Promise.allSettled(writers);

    const live = [api[1]!, api[2]!];
    await until('every policy to have run and been told', async () => receiver.acceptedCounts('/hook').size >= CUSTOMERS);

    // No acknowledged write lost, on either live hub.
    for (const client of live) {
      const names = new Set<string>();
      for (let page = 1; ; page++) {
        const { items, total } = await client.roles({ page, pageSize: 200 });
        for (const role of items) names.add(role.name);
        if (page * 200 >= total) break;
      }
      expect([...acked].filter((n) => !names.has(n))).toEqual([]);
    }
    // No scheduled run doubled: each policy ran exactly once on schedule.
    for (const id of policyIds) {
      const sessions = (await live[0]!.policySessions(id)).items;
      expect(sessions.filter((s) => s.trigger === 'schedule')).toHaveLength(1);
    }
    // No notification doubled: one message per finished session, each accepted once.
    const counts = receiver.acceptedCounts('/hook');
    expect(counts.size).toBe(CUSTOMERS);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);

    // Every live hub answers the same query the same way (within a second of the last write).
    await new Promise((r) => setTimeout(r, 1_000));
    const answers = async (client: ApiClient) =>
      JSON.stringify([await client.roles(), await client.policies({ pageSize: 100 }), await client.customers({ pageSize: 100 }), (await client.outbox({ pageSize: 100 })).total]);
    expect(await answers(live[0]!)).toBe(await answers(live[1]!));

    // The event stream has the same ids on both live hubs, and resumes on either.
    const fromStart = await sseEvents(hubs[1]!.base, 0, 12);
    expect(fromStart).toHaveLength(12);
    expect(await sseEvents(hubs[2]!.base, 0, 12)).toEqual(fromStart);
    expect(await sseEvents(hubs[2]!.base, fromStart[5]![0], 6)).toEqual(fromStart.slice(6));
  }, 120_000);
});
