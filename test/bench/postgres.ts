/**
 * `npm run bench -- --postgres`: the hub on PostgreSQL beside the embedded store, on the same
 * generated data (imported with db:import): start-up, the search page and batch health against
 * a bare route serving bodies of the same size, policy start p50 with few and many sessions
 * stored (and against the embedded store), and reads through three hubs against one. A
 * throwaway cluster (with fsync on) is started and removed. Figures, not assertions.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importEmbeddedStore } from '../../server/store/pg/import.js';
import { startTestPostgres } from '../helpers/postgres.js';
import { generateStore } from './generate.js';
import { startHub, type HubProcess } from './hub-process.js';
import { load, type LoadResult } from './load.js';

export interface PostgresBenchOptions {
  key: string;
  customers: number;
  policiesPerCustomer: number;
  days: number;
  duration: number;
  connections: number;
  startBare: (bodyFile: string) => Promise<{ base: string; stop: () => void }>;
  policyStartCost: (env: Record<string, string>, label: string) => Promise<{ row: { name: string; result: LoadResult } }>;
}

export async function runPostgresBench(o: PostgresBenchOptions): Promise<{ rows: { name: string; result: LoadResult; note?: string }[]; figures: Record<string, unknown> }> {
  const work = await mkdtemp(join(tmpdir(), 'sphub-bench-pg-'));
  const cluster = await startTestPostgres({ durable: true });
  const headers = { authorization: `Bearer ${o.key}`, 'content-type': 'application/json' };
  const rows: { name: string; result: LoadResult; note?: string }[] = [];
  const figures: Record<string, unknown> = {};
  const hubs: HubProcess[] = [];
  try {
    const now = new Date();
    console.log(`PostgreSQL: generating ${o.customers} customers, ${o.customers * o.policiesPerCustomer} policies, ${o.days} days of sessions...`);
    const big = await generateStore({ dir: join(work, 'big'), adminKey: o.key, customers: o.customers, policiesPerCustomer: o.policiesPerCustomer, days: o.days, now });
    const small = await generateStore({ dir: join(work, 'small'), adminKey: o.key, customers: o.customers, policiesPerCustomer: o.policiesPerCustomer, days: 0, now });
    figures.store = { sessions: big.sessions, logRecords: big.logRecords, smallStoreSessions: small.sessions };
    const bigUrl = await cluster.createDatabase();
    const smallUrl = await cluster.createDatabase();
    let started = performance.now();
    await importEmbeddedStore(big.dir, bigUrl);
    figures.importSeconds = Number(((performance.now() - started) / 1000).toFixed(1));
    await importEmbeddedStore(small.dir, smallUrl);
    console.log(`  imported ${big.sessions} sessions in ${figures.importSeconds} s (counts and checksums checked)`);

    const env = { SPHUB_DATABASE_URL: bigUrl, SPHUB_ADMIN_KEY: o.key, SPHUB_SCHEDULER: 'off' };
    const hub = await startHub(env);
    hubs.push(hub);
    figures.startup = { ms: Math.round(hub.startMs), rssMiB: Math.round((await hub.rssBytes()) / 2 ** 20) };
    console.log(`  hub on PostgreSQL started in ${Math.round(hub.startMs)} ms`);
    const names = big.customers.map((c) => c.displayName.toLowerCase().replace(/[^a-z0-9 ]/g, ''));
    const terms = [...new Set(names.map((n) => n.split(' ').find((w) => w.length >= 4)?.slice(0, 4)).filter((t): t is string => Boolean(t)))].slice(0, 200);
    const searchPaths = terms.map((q) => `/api/v1/customers?q=${encodeURIComponent(q)}&pageSize=25`);
    const ids = big.customers.filter((c) => c.status !== 'offboarded').map((c) => c.id);
    // Up to four different sets of 1,000 customers (fewer when the bench runs with fewer customers).
    const healthBodies = [0, 1, 2, 3].filter((k) => k === 0 || ids.length >= (k + 1) * 1000).map((k) => JSON.stringify({ ids: ids.slice(k * 1000, k * 1000 + 1000) }));
    const measure = async (name: string, options: Parameters<typeof load>[0], note?: string) => {
      const result = await load({ connections: o.connections, duration: o.duration, headers, ...options });
      rows.push({ name, result, ...(note && { note }) });
      console.log(`  ${name}: ${result.rps} req/s, p50 ${result.p50} ms${result.non2xx ? `, ${result.non2xx} non-2xx` : ''}`);
      return result;
    };
    const search = await measure('PostgreSQL: customer search page (q, 25 rows)', { url: `${hub.base}/api/v1/customers`, paths: searchPaths });
    const health = await measure('PostgreSQL: batch health, 1,000 customers', { url: `${hub.base}/api/v1/customers/health`, method: 'POST', bodies: healthBodies });
    const searchBody = await (await fetch(`${hub.base}${searchPaths[0]}`, { headers })).text();
    const healthBody = await (await fetch(`${hub.base}/api/v1/customers/health`, { method: 'POST', headers, body: healthBodies[0] })).text();
    const ratios: Record<string, number> = {};
    for (const [label, body, hubResult] of [['search page', searchBody, search], ['batch health', healthBody, health]] as const) {
      const file = join(work, `${label.replace(' ', '-')}.json`);
      await writeFile(file, body);
      const bare = await o.startBare(file);
      const result = await load({ url: `${bare.base}/x`, connections: o.connections, duration: o.duration });
      bare.stop();
      ratios[`PostgreSQL ${label} hub/bare`] = Number((hubResult.rps / result.rps).toFixed(3));
      rows.push({ name: `bare route, ${label} size (${body.length} B)`, result, note: `PostgreSQL hub/bare = ${ratios[`PostgreSQL ${label} hub/bare`]}` });
    }

    // Reads through three hubs on the one database against one hub.
    hubs.push(...(await Promise.all([startHub(env), startHub(env)])));
    const three = await Promise.all(hubs.map((h) => load({ connections: Math.max(1, Math.round(o.connections / 3)), duration: o.duration, headers, url: `${h.base}/api/v1/customers`, paths: searchPaths })));
    const threeRps = three.reduce((n, r) => n + r.rps, 0);
    rows.push({ name: 'PostgreSQL: search page through 3 hubs (sum)', result: { ...three[0]!, rps: threeRps, requests: three.reduce((n, r) => n + r.requests, 0) }, note: `3 hubs/1 hub = ${(threeRps / search.rps).toFixed(2)} (2 cores shared)` });
    ratios['search 3 hubs/1 hub'] = Number((threeRps / search.rps).toFixed(2));
    // How soon a write on one hub shows on another: create a role on hub 1, ask hub 2 until it lists it.
    const lags: number[] = [];
    for (let i = 0; i < 20; i++) {
      const name = `lag probe ${i}`;
      const res = await fetch(`${hubs[0]!.base}/api/v1/roles`, { method: 'POST', headers, body: JSON.stringify({ name, permissions: ['monitoring'] }) });
      const written = performance.now();
      if (res.status !== 201) throw new Error(`lag probe: ${res.status} ${await res.text()}`);
      for (;;) {
        const roles = (await (await fetch(`${hubs[1]!.base}/api/v1/roles`, { headers })).json()) as { name: string }[];
        if (roles.some((r) => r.name === name)) break;
        if (performance.now() - written > 10_000) throw new Error('lag probe: the write did not show on the other hub within 10 s');
      }
      lags.push(performance.now() - written);
    }
    lags.sort((a, b) => a - b);
    figures.visibleOnOtherHubMs = { p50: Number(lags[10]!.toFixed(1)), max: Number(lags.at(-1)!.toFixed(1)) };
    console.log(`  a write on one hub shows on another after ${lags[10]!.toFixed(1)} ms (p50), ${lags.at(-1)!.toFixed(1)} ms at most`);
    for (const h of hubs.splice(0)) await h.kill('SIGTERM');

    // Policy start: few and many sessions stored, PostgreSQL and the embedded store.
    const pgFew = await o.policyStartCost({ SPHUB_DATABASE_URL: smallUrl }, `PostgreSQL, ${small.sessions} sessions stored`);
    const pgMany = await o.policyStartCost({ SPHUB_DATABASE_URL: bigUrl }, `PostgreSQL, ${big.sessions} sessions stored`);
    const embeddedMany = await o.policyStartCost({ SPHUB_DATA_DIR: big.dir }, `embedded store, ${big.sessions} sessions stored`);
    rows.push(pgFew.row, pgMany.row, embeddedMany.row);
    ratios['PostgreSQL policy start p50 many/few sessions'] = Number((pgMany.row.result.p50 / Math.max(0.01, pgFew.row.result.p50)).toFixed(2));
    ratios['policy start p50 PostgreSQL/embedded'] = Number((pgMany.row.result.p50 / Math.max(0.01, embeddedMany.row.result.p50)).toFixed(2));
    figures.ratios = ratios;
    return { rows, figures };
  } finally {
    for (const h of hubs) await h.kill('SIGKILL').catch(() => undefined);
    await cluster.stop();
    await rm(work, { recursive: true, force: true });
  }
}
