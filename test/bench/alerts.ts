/**
 * Monitoring alerts at service-provider scale, in process: a store with 10,000 customers and
 * 30,000 policies (the seeded generators of the demo, a few days of history), then the time of
 * `GET /api/v1/alerts` pages with and without filters, of batch health (the alert counts of
 * 1,000 customers), of a policy write (durable, and its in-memory part alone), of a policy write
 * followed by a page of alerts, of a monitor pass, and of building the alert service at a start.
 * Prints figures, not assertions; compare runs made side by side.
 *
 *   npx tsx test/bench/alerts.ts [customers=10000] [policiesPerCustomer=3] [requests=200]
 *
 * BENCH_DAYS (3) days of history; BENCH_ALERTS_DIR keeps the generated store in that folder and
 * reuses it when it is there (delete it to generate again).
 */
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type HubApp } from '../../server/app.js';
import { generateBackupHistory } from '../../server/seed/backup.js';
import { generateCustomers } from '../../server/seed/customers.js';
import { AlertService } from '../../server/services/backup/alert-service.js';
import { policies } from '../../server/services/backup/collections.js';
import { CustomerDirectory } from '../../server/services/backup/customer-directory.js';
import { PolicyIndex } from '../../server/services/backup/policy-index.js';
import { customers as customersCollection } from '../../server/services/customer-collection.js';

const KEY = 'sph_alerts_bench_administrator_key_0000000';
const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function generate(dir: string, customers: number, perCustomer: number, days: number): Promise<number> {
  const started = performance.now();
  const hub = await createApp({ config: { dataDir: dir, demo: false, adminKey: KEY, env: { SPHUB_SCHEDULER: 'off' } } });
  const list = generateCustomers(customers, { seed: 11, now: new Date(), provisioningMs: 0 });
  for (let i = 0; i < list.length; i += 2_000) await hub.ctx.store.write((tx) => list.slice(i, i + 2_000).forEach((c) => tx.put(customersCollection, c)));
  await generateBackupHistory({ store: hub.ctx.store, dir, now: new Date(), policiesPerCustomer: perCustomer, days, seed: 7, logs: false });
  await hub.close();
  return performance.now() - started;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

interface Timing {
  name: string;
  requests: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  perSecond: number;
  note?: string;
}

async function time(name: string, count: number, run: (i: number) => Promise<unknown>, note?: string): Promise<Timing> {
  for (let i = 0; i < Math.min(5, count); i++) await run(i); // warm up
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await run(i);
    samples.push(performance.now() - t);
  }
  const total = performance.now() - started;
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return {
    name,
    requests: count,
    meanMs: round(total / count),
    p50Ms: round(at(0.5)),
    p95Ms: round(at(0.95)),
    maxMs: round(samples.at(-1)!),
    perSecond: Math.round((count / total) * 1000),
    ...(note && { note }),
  };
}

async function get(hub: HubApp, path: string): Promise<{ total?: number; items?: { id: string }[] }> {
  const res = await hub.app.request(`/api/v1${path}`, { headers });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { total?: number; items?: { id: string }[] };
}

export async function runAlerts(customers = 10_000, perCustomer = 3, requests = 200) {
  const days = Number(process.env.BENCH_DAYS ?? 3);
  const keep = process.env.BENCH_ALERTS_DIR;
  const dir = keep ?? (await mkdtemp(join(tmpdir(), 'sphub-alerts-')));
  let generateMs = 0;
  if (!keep || !(await exists(join(dir, 'hub.json')))) generateMs = await generate(dir, customers, perCustomer, days);

  const opening = performance.now();
  const hub = await createApp({ config: { dataDir: dir, demo: false, adminKey: KEY, env: { SPHUB_SCHEDULER: 'off' } } });
  const openMs = performance.now() - opening;
  try {
    const first = await get(hub, '/alerts?pageSize=25');
    const open = first.total ?? 0;
    const customerIds = [...hub.ctx.store.all(customersCollection)].slice(0, 1_000).map((c) => c.id);
    const policyIds = [...hub.ctx.store.all(policies)].filter((p) => p.enabled).map((p) => p.id);
    const results: Timing[] = [];
    results.push(await time('alerts, first page of 25', requests, () => get(hub, '/alerts?pageSize=25')));
    results.push(await time('alerts, page 40 of 25', requests, () => get(hub, '/alerts?pageSize=25&page=40')));
    results.push(await time('alerts, kind=staleProtection', requests, () => get(hub, '/alerts?pageSize=25&kind=staleProtection')));
    results.push(await time('alerts, severity=critical, unacknowledged', requests, () => get(hub, '/alerts?pageSize=25&severity=critical&acknowledged=false')));
    results.push(await time('alerts of one customer', requests, (i) => get(hub, `/alerts?customerId=${customerIds[(i * 37) % customerIds.length]}`)));
    results.push(
      await time('batch health of 1,000 customers', Math.max(10, requests / 10), async () =>
        (await hub.app.request('/api/v1/customers/health', { method: 'POST', headers, body: JSON.stringify({ ids: customerIds }) })).text(),
      ),
    );
    // A policy finishing Failed, then Success again: the alert appears and clears.
    const change = (i: number) => {
      const current = hub.ctx.store.get(policies, policyIds[(i * 7919) % policyIds.length]!)!;
      const failed = current.lastResult !== 'Failed';
      return hub.ctx.store.write((tx) => tx.put(policies, { ...current, lastResult: failed ? 'Failed' : 'Success', lastStatus: failed ? 'Failed' : 'Success', updatedAt: new Date().toISOString() }));
    };
    results.push(await time('policy write', requests, (i) => change(i), 'durable: includes the disk flush'));
    // The part of a write spent in memory: applying it and keeping every index (the alerts' among them) up to date.
    const applied: number[] = [];
    for (let i = 0; i < requests; i++) {
      const started = performance.now();
      const written = change(i + 2 * requests);
      applied.push(performance.now() - started);
      await written;
    }
    applied.sort((a, b) => a - b);
    results.push({
      name: 'policy write, in-memory part',
      requests,
      meanMs: round(applied.reduce((a, b) => a + b, 0) / requests),
      p50Ms: round(applied[Math.floor(requests / 2)]!),
      p95Ms: round(applied[Math.floor(requests * 0.95)]!),
      maxMs: round(applied.at(-1)!),
      perSecond: 0,
      note: 'applying it and updating the indexes, without the disk flush',
    });
    results.push(
      await time('policy write, then first page of alerts', requests, async (i) => {
        await change(i + 3 * requests);
        await get(hub, '/alerts?pageSize=25');
      }),
    );
    const monitorStarted = performance.now();
    await hub.ctx.services.alerts.monitor();
    const monitorMs = performance.now() - monitorStarted;
    // A fresh alert service over the loaded policies and customers: what its construction adds to
    // a start, and what its first page of alerts costs.
    const index = new PolicyIndex(hub.ctx);
    const directory = new CustomerDirectory(hub.ctx);
    const building = performance.now();
    const fresh = new AlertService(hub.ctx, { index, directory });
    const alertServiceMs = performance.now() - building;
    fresh.list({ page: 1, pageSize: 25 });
    const firstPageMs = performance.now() - building - alertServiceMs;
    const report = {
      customers: hub.ctx.store.count(customersCollection),
      policies: hub.ctx.store.count(policies),
      openAlerts: open,
      generateMs: Math.round(generateMs),
      openMs: Math.round(openMs),
      monitorMs: Math.round(monitorMs),
      alertServiceMs: Math.round(alertServiceMs),
      firstPageMs: Math.round(firstPageMs),
      results,
    };
    console.log(JSON.stringify(report, null, 2));
    return report;
  } finally {
    await hub.close();
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runAlerts(Number(process.argv[2] ?? 10_000), Number(process.argv[3] ?? 3), Number(process.argv[4] ?? 200)).then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
