import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../../shared/domain/clock.js';
import { createTestHub, type TestHub } from '../../../test/helpers/hub.js';
import { postgresAvailable, startTestPostgres, type TestPostgres } from '../../../test/helpers/postgres.js';
import { putCustomers, ScriptedRunner, testCustomer } from '../../services/backup/testing.js';
import { ClusterEventBus } from './cluster-events.js';
import { PgStore } from './pg-store.js';

// Two hubs in one process on one database: what one does, the other shows, through NOTIFY
// alone (the poll is set to a minute, longer than the waits). How fast is a figure of
// `npm run bench -- --postgres`, not an assertion here.

describe.skipIf(!postgresAvailable)('hubs sharing a PostgreSQL database', () => {
  let cluster: TestPostgres;
  const hubs: TestHub[] = [];
  beforeAll(async () => {
    cluster = await startTestPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  afterEach(async () => {
    for (const h of hubs.splice(0)) await h.close();
  });

  async function pair(): Promise<[TestHub, TestHub]> {
    const url = await cluster.createDatabase();
    const clock = new FakeClock(new Date('2026-11-25T09:00:00.000Z'));
    for (let i = 0; i < 2; i++) {
      hubs.push(await createTestHub({ clock, store: await PgStore.open({ url, pollMs: 60_000 }), services: { runner: new ScriptedRunner([{ status: 'Success' }]) } }));
    }
    return [hubs[0]!, hubs[1]!];
  }
  const soon = { timeout: 10_000, interval: 10 };

  it('shows records, searches, audit entries and restores made on one hub on the other', async () => {
    const [a, b] = await pair();
    await putCustomers(a.hub, testCustomer({ id: 'cus_zephyr', displayName: 'Zephyr Logistics' }));
    await vi.waitFor(async () => expect((await b.admin.customers({ q: 'zephyr' })).items.map((c) => c.id)).toEqual(['cus_zephyr']), soon);
    const policy = await a.admin.createPolicy({ customerId: 'cus_zephyr', name: 'Mail', backupType: 'EntireOrganization' });
    await vi.waitFor(async () => expect((await b.admin.policies({ q: 'zephyr' })).items.map((p) => p.id)).toEqual([policy.id]), soon);
    await vi.waitFor(async () => expect((await b.admin.audit({ action: 'policy.created' })).items.map((e) => e.target.id)).toEqual([policy.id]), soon);
    const restore = await a.admin.createRestore({ customerId: 'cus_zephyr', kind: 'mailItem', item: 'Inbox' });
    await vi.waitFor(async () => expect((await b.admin.restores({})).items.map((r) => r.id)).toEqual([restore.id]), soon);
    // b's own entries do not come back to it twice.
    await b.admin.createRole({ name: 'Night shift', permissions: ['monitoring'] });
    await vi.waitFor(async () => expect((await a.admin.audit({ action: 'role.created' })).total).toBe(1), soon);
    expect((await b.admin.audit({ action: 'role.created' })).total).toBe(1);
  });

  it('keeps only the newest events in memory and resumes from further back out of the events table', async () => {
    const store = await PgStore.open({ url: await cluster.createDatabase(), pollMs: 60_000 });
    try {
      const clock = new FakeClock(new Date('2026-11-25T09:00:00.000Z'));
      const bus = new ClusterEventBus(store, clock, null, 5);
      await bus.load();
      for (let i = 0; i < 30; i++) await bus.emit({ type: 'test.happened', data: { i } });
      expect(bus.inMemoryCount).toBe(5);
      const all = (await bus.since(0)).map((e) => e.id);
      expect(all).toHaveLength(30);
      expect((await bus.since(all[2]!)).map((e) => e.id)).toEqual(all.slice(3));
      expect((await bus.since(all[27]!)).map((e) => e.id)).toEqual(all.slice(28));

      const restarted = new ClusterEventBus(store, clock, null, 5);
      await restarted.load();
      expect(restarted.inMemoryCount).toBe(5);
      expect((await restarted.since(all[0]!)).map((e) => e.id)).toEqual(all.slice(1));
    } finally {
      await store.close();
    }
  });

  it('numbers events once for both hubs; reactions run on the hub that emitted, the stream of each hub carries all', async () => {
    const [a, b] = await pair();
    const streamed: number[] = [];
    const reacted: number[] = [];
    b.hub.ctx.events.subscribeAll((e) => streamed.push(e.id));
    b.hub.ctx.events.subscribe((e) => reacted.push(e.id));
    await putCustomers(a.hub, testCustomer({ id: 'cus_ion', displayName: 'Ion' }));
    await a.admin.createPolicy({ customerId: 'cus_ion', name: 'One', backupType: 'EntireOrganization' });
    // Another hub sees a write within a second, not at once: wait for it before writing there.
    await vi.waitFor(async () => expect((await b.admin.customer('cus_ion')).id).toBe('cus_ion'), soon);
    await b.admin.createPolicy({ customerId: 'cus_ion', name: 'Two', backupType: 'EntireOrganization' });
    await a.admin.createPolicy({ customerId: 'cus_ion', name: 'Three', backupType: 'EntireOrganization' });
    await vi.waitFor(() => expect(streamed).toHaveLength(3), soon);
    expect(streamed).toEqual([...streamed].sort((x, y) => x - y));
    expect(reacted).toEqual([streamed[1]]);
    await vi.waitFor(async () => expect((await a.hub.ctx.events.since(0)).map((e) => e.id)).toEqual(streamed), soon);
    expect((await b.hub.ctx.events.since(streamed[0]!)).map((e) => e.id)).toEqual(streamed.slice(1));
  });

  it('writes the session line, the audit entry and the event of a policy start in one transaction (one commit)', async () => {
    const [a] = await pair();
    await putCustomers(a.hub, testCustomer({ id: 'cus_kite', displayName: 'Kite' }));
    const policy = await a.admin.createPolicy({ customerId: 'cus_kite', name: 'Mail', backupType: 'EntireOrganization' });
    const session = await a.admin.startPolicy(policy.id);
    const pool = (a.hub.ctx.store as PgStore).pool;
    // Rows one transaction wrote share its id (xmin).
    const xmin = async (sql: string, args: unknown[]) => (await pool.query<{ x: string }>(sql, args)).rows.map((r) => r.x);
    const line = await xmin(`SELECT xmin::text AS x FROM session_history WHERE policy_id = $1 AND record->>'id' = $2`, [policy.id, session.id]);
    const audit = await xmin(`SELECT xmin::text AS x FROM audit_history WHERE record->>'action' = 'session.started'`, []);
    const event = await xmin(`SELECT xmin::text AS x FROM events WHERE record->>'type' = 'session.started'`, []);
    expect(line).toHaveLength(1);
    expect(audit).toEqual(line);
    expect(event).toEqual(line);
    expect((await a.admin.policySessions(policy.id)).items.map((s) => s.id)).toContain(session.id);
  });

  it('keeps none of the lines an event carries when its transaction fails', async () => {
    const [a] = await pair();
    const bus = a.hub.ctx.events as ClusterEventBus;
    const before = bus.lastId;
    const audit = { file: 'audit/2026-11.jsonl', records: [{ id: 'aud_orphan' }] };
    // A session line without a record breaks a NOT NULL column, in the statement that also adds the audit line and the event.
    await expect(bus.emit({ type: 'probe', subject: { type: 'policy', id: 'p' } }, [audit, { file: 'sessions/p.jsonl', records: [undefined] }])).rejects.toThrow(/null value/);
    const pool = (a.hub.ctx.store as PgStore).pool;
    expect((await pool.query(`SELECT 1 FROM audit_history WHERE record->>'id' = 'aud_orphan'`)).rowCount).toBe(0);
    expect((await pool.query(`SELECT 1 FROM events WHERE record->>'type' = 'probe'`)).rowCount).toBe(0);
    expect(bus.lastId).toBe(before);
  });

  it('commits events emitted together in one transaction, in id order; one that fails sinks only itself', async () => {
    const [a] = await pair();
    const bus = a.hub.ctx.events as ClusterEventBus;
    const heard: number[] = [];
    bus.subscribeAll((e) => heard.push(e.id));
    const emits = [1, 2, 3, 4, 5].map((n) =>
      bus.emit(
        { type: 'probe', subject: { type: 'policy', id: `p${n}` } },
        n === 4 ? [{ file: 'events/2026-11-25.jsonl', records: [{}] }] : [{ file: `sessions/p${n}.jsonl`, records: [{ k: 's', id: `ses_${n}` }] }],
      ),
    );
    const settled = await Promise.allSettled(emits);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const ids = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : []));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(heard).toEqual(ids);
    const pool = (a.hub.ctx.store as PgStore).pool;
    const xmins = (await pool.query<{ x: string }>(`SELECT DISTINCT xmin::text AS x FROM events WHERE record->>'type' = 'probe'`)).rows;
    // The first went alone; the four that waited for it were tried together, then (one failing) one by one.
    expect(xmins.length).toBeLessThan(5);
    expect((await pool.query(`SELECT 1 FROM session_history WHERE policy_id = 'p4'`)).rowCount).toBe(0);
    expect((await pool.query(`SELECT policy_id FROM session_history WHERE policy_id LIKE 'p_' ORDER BY policy_id`)).rows.map((r) => r.policy_id)).toEqual(['p1', 'p2', 'p3', 'p5']);
  });

  it("writes an event's lines after the appends to the same file made before it", async () => {
    const [a] = await pair();
    const bus = a.hub.ctx.events as ClusterEventBus;
    const appended = a.hub.ctx.logs.append('sessions/q.jsonl', [{ k: 's', id: 'first' }]);
    await bus.emit({ type: 'probe', subject: { type: 'policy', id: 'q' } }, [{ file: 'sessions/q.jsonl', records: [{ k: 's', id: 'second' }] }]);
    await appended;
    expect((await a.hub.ctx.logs.read<{ id: string }>('sessions/q.jsonl')).map((r) => r.id)).toEqual(['first', 'second']);
  });
});
