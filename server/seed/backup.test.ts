import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../shared/domain/clock.js';
import { ADMIN_KEY, createTestHub, type TestHub } from '../../test/helpers/hub.js';
import { createApiClient } from '../../shared/api/client.js';
import { createApp } from '../app.js';
import { putCustomers, testCustomer } from '../services/backup/testing.js';
import { customers } from '../services/customer-collection.js';
import { JournalStore } from '../store/journal-store.js';
import { generateBackupHistory } from './backup.js';

let t: TestHub | null = null;
let dir: string | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

describe('backup demo data', () => {
  it('gives the active demo customers 1-4 policies with 30 days of mixed history, restores and dashboard figures', async () => {
    t = await createTestHub({ seed: true, clock: new FakeClock('2026-11-24T09:00:00Z') });
    const active = [...t.hub.ctx.store.all(customers)].filter((c) => c.status === 'active');
    expect(active.length).toBeGreaterThanOrEqual(4);
    const policies = (await t.admin.policies({ pageSize: 200 })).items;
    const perCustomer = new Map<string, number>();
    for (const p of policies) perCustomer.set(p.customerId, (perCustomer.get(p.customerId) ?? 0) + 1);
    expect([...perCustomer.keys()].sort()).toEqual(active.map((c) => c.id).sort());
    expect([...perCustomer.values()].every((n) => n >= 1 && n <= 4)).toBe(true);
    const statuses = new Set(policies.map((p) => p.lastStatus));
    for (const s of ['Success', 'Failed', 'Disconnected', 'Stopped']) expect(statuses).toContain(s);
    expect(policies.some((p) => p.stale && p.lastStatus !== 'Failed' && p.lastStatus !== 'Disconnected')).toBe(true);
    expect(policies.some((p) => !p.enabled)).toBe(true);
    const disconnected = policies.find((p) => p.lastStatus === 'Disconnected')!;
    expect((await t.admin.tenantConnection(disconnected.customerId)).status).toBe('broken');

    const sample = policies.find((p) => p.enabled)!;
    const sessions = await t.admin.policySessions(sample.id, { pageSize: 50 });
    expect(sessions.total).toBe(30);
    expect(sessions.items[0]!.id).toBe(sample.lastSessionId);
    const logs = (await t.admin.sessionLogs(sessions.items[0]!.id)).items.map((l) => l.message);
    expect(logs[0]).toMatch(/SimulatedRunner/);
    expect(logs.some((m) => /^Found \d+ objects$/.test(m))).toBe(true);

    const dashboard = await t.admin.dashboard();
    expect(dashboard.jobs.count).toBe(policies.length);
    expect(dashboard.jobs.history.filter((d) => d.Success > 0)).toHaveLength(30);
    expect(dashboard.restores.thisMonth).toBeGreaterThan(0);
    expect(dashboard.restores.lastMonth).toBeGreaterThan(0);
    expect(dashboard.licenses.history).toHaveLength(30);
    expect((await t.admin.alerts({ kind: ['backupFailed', 'tenantDisconnected', 'staleProtection'] })).total).toBeGreaterThanOrEqual(3);
    expect((await t.admin.restores({ pageSize: 1 })).total).toBeGreaterThan(0);
  });
});

describe('the benchmark generator', () => {
  it('writes policies, daily sessions with logs and the daily figures that a hub then serves', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sphub-generate-'));
    const store = await JournalStore.open({ dir });
    const list = Array.from({ length: 12 }, (_, i) => testCustomer({ id: `cus_gen${i}`, displayName: `Generated ${i}`, domain: `generated${i}.com` }));
    await store.write((tx) => {
      for (const c of list) tx.put(customers, c);
    });
    const now = new Date('2026-11-24T09:00:00Z');
    const result = await generateBackupHistory({ store, dir, now, policiesPerCustomer: 3, days: 30, seed: 3 });
    await store.close();
    expect(result.policies).toBe(36);
    expect(result.sessions).toBe(36 * 30);
    expect(result.logRecords).toBeGreaterThan(result.sessions * 5);
    expect(await readdir(join(dir, 'sessions'))).toHaveLength(36);

    const hub = await createApp({ clock: new FakeClock(now), config: { dataDir: dir, demo: false, adminKey: ADMIN_KEY, allowedHosts: ['hub.test'], env: { SPHUB_SCHEDULER: 'off' } } });
    try {
      const fetch = ((input: string, init?: RequestInit) => hub.app.request(input, init)) as typeof globalThis.fetch;
      const api = createApiClient({ baseUrl: 'http://hub.test', apiKey: ADMIN_KEY, fetch });
      const policies = await api.policies({ pageSize: 100 });
      expect(policies.total).toBe(36);
      const sessions = await api.policySessions(policies.items[0]!.id, { pageSize: 100 });
      expect(sessions.items[0]!.id).toBe(policies.items[0]!.lastSessionId);
      expect((await api.sessionLogs(sessions.items[0]!.id)).items.length).toBeGreaterThanOrEqual(5);
      const dashboard = await api.dashboard({ days: 31 });
      const finished = dashboard.jobs.history.reduce((n, d) => n + d.Success + d.Warning + d.Failed, 0);
      expect(finished).toBe(result.sessions);
      expect((await api.startPolicy(policies.items[0]!.id)).status).toBe('Running');
      // The alerts the history leaves open were recorded: the first monitor pass raises none.
      expect((await hub.ctx.services.alerts.monitor()).raised).toBe(0);
      expect((await api.alerts()).total).toBeGreaterThan(0);
      await putCustomers(hub, testCustomer());
    } finally {
      await hub.close();
    }
  });
});
