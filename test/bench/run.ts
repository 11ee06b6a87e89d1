/**
 * `npm run bench`: SP Hub at service-provider scale, measured side by side in one run on loopback.
 * Prints a table and writes it as JSON to bench/results/. Figures, not assertions: compare the
 * ratios, since the machine is shared.
 *
 * Environment: BENCH_CUSTOMERS (10000), BENCH_POLICIES_PER_CUSTOMER (3), BENCH_DAYS (30),
 * BENCH_DURATION seconds per load (5), BENCH_CONNECTIONS (16), BENCH_SKIP (comma list of
 * sections to skip: extension, crash, fuzz, fanout, jsonserver, import, sync, auththrottle, soak). The sync section alone:
 * `npm run bench:sync` (BENCH_SYNC_COMPANIES, BENCH_SYNC_JOBS_PER_COMPANY). The soak runs
 * BENCH_SOAK_MINUTES (5) without and again with SMTP, sampled every BENCH_SOAK_SAMPLE_SECONDS (60).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateStore, writeJsonServerDb } from './generate.js';
import { freePort, startHub, type HubProcess } from './hub-process.js';
import { load, type LoadResult } from './load.js';

const KEY = 'sph_benchmark_administrator_key_000000000';
const env = process.env;
const CUSTOMERS = Number(env.BENCH_CUSTOMERS ?? 10_000);
const PER_CUSTOMER = Number(env.BENCH_POLICIES_PER_CUSTOMER ?? 3);
const DAYS = Number(env.BENCH_DAYS ?? 30);
const DURATION = Number(env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 16);
const SKIP = new Set((env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const root = fileURLToPath(new URL('../../', import.meta.url));
const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

interface Row {
  name: string;
  result: LoadResult;
  note?: string;
}

async function get<T>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}/api/v1${path}`, { headers });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function searchTerms(names: string[], count: number): string[] {
  const terms = new Set<string>();
  for (let i = 0; terms.size < count && i < names.length * 4; i++) {
    const name = names[(i * 7919) % names.length]!.toLowerCase().replace(/[^a-z0-9 ]/g, '');
    const word = name.split(' ').find((w) => w.length >= 4);
    if (word) terms.add(word.slice(0, 3 + (i % 4)));
  }
  return [...terms];
}

async function policyStartCost(dir: string | Record<string, string>, label: string): Promise<{ row: Row; startMs: number; rss: number }> {
  const store = typeof dir === 'string' ? { SPHUB_DATA_DIR: dir } : dir;
  const hub = await startHub({ ...store, SPHUB_ADMIN_KEY: KEY, SPHUB_SCHEDULER: 'off', SPHUB_RUNNER_SPEED: '1' });
  try {
    const page = await get<{ items: { id: string; enabled: boolean; lastStatus: string }[] }>(hub.base, '/policies?pageSize=200&page=3');
    const more = await get<{ items: { id: string; enabled: boolean; lastStatus: string }[] }>(hub.base, '/policies?pageSize=200&page=4');
    const ids = [...page.items, ...more.items].filter((p) => p.enabled && p.lastStatus !== 'Running').map((p) => p.id);
    const result = await load({
      url: `${hub.base}/api/v1/policies/x/start`,
      method: 'POST',
      headers,
      body: '{}',
      paths: ids.map((id) => `/api/v1/policies/${id}/start`),
      connections: 4,
      amount: ids.length,
    });
    return { row: { name: `policy start (write), ${label}`, result }, startMs: hub.startMs, rss: await hub.rssBytes() };
  } finally {
    await hub.kill('SIGTERM');
  }
}

async function startJsonServer(file: string): Promise<{ base: string; stop: () => void }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, 'node_modules/json-server/lib/cli/bin.js'), file, '--port', String(port), '--host', '127.0.0.1', '--quiet'], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/customers?_limit=1`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { base, stop: () => child.kill('SIGKILL') };
}

async function startBare(bodyFile: string): Promise<{ base: string; stop: () => void }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/bench/bare-server.ts'), String(port), bodyFile], { stdio: ['ignore', 'pipe', 'inherit'], cwd: root });
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  return { base: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
}

/** `npm run bench -- --postgres`: only the PostgreSQL section (test/bench/postgres.ts). */
async function mainPostgres() {
  const { runPostgresBench } = await import('./postgres.js');
  const now = new Date();
  const { rows, figures } = await runPostgresBench({
    key: KEY,
    customers: CUSTOMERS,
    policiesPerCustomer: PER_CUSTOMER,
    days: DAYS,
    duration: DURATION,
    connections: CONNECTIONS,
    startBare,
    policyStartCost,
  });
  const results: Record<string, unknown> = {
    date: now.toISOString(),
    postgres: true,
    customers: CUSTOMERS,
    policiesPerCustomer: PER_CUSTOMER,
    days: DAYS,
    durationSeconds: DURATION,
    connections: CONNECTIONS,
    ...figures,
  };
  results.rows = rows.map((r) => ({ name: r.name, ...r.result, ...(r.note && { note: r.note }) }));
  printTable(rows, { ...results, ratios: figures.ratios });
  const dir = join(root, 'bench/results');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'latest-postgres.json'), JSON.stringify(results, null, 2));
  console.log(`\nWritten to bench/results/latest-postgres.json`);
}

async function main() {
  if (process.argv.includes('--postgres')) return mainPostgres();
  const work = await mkdtemp(join(tmpdir(), 'sphub-bench-'));
  const now = new Date();
  const results: Record<string, unknown> = { date: now.toISOString(), customers: CUSTOMERS, policiesPerCustomer: PER_CUSTOMER, days: DAYS, durationSeconds: DURATION, connections: CONNECTIONS };
  const rows: Row[] = [];
  try {
    console.log(`Generating ${CUSTOMERS} customers, ${CUSTOMERS * PER_CUSTOMER} policies, ${DAYS} days of sessions...`);
    const big = await generateStore({ dir: join(work, 'big'), adminKey: KEY, customers: CUSTOMERS, policiesPerCustomer: PER_CUSTOMER, days: DAYS, now });
    console.log(`  ${big.sessions} sessions, ${big.logRecords} log records in ${(big.generateMs / 1000).toFixed(1)} s`);
    const small = await generateStore({ dir: join(work, 'small'), adminKey: KEY, customers: CUSTOMERS, policiesPerCustomer: PER_CUSTOMER, days: 0, now });
    results.store = { sessions: big.sessions, logRecords: big.logRecords, smallStoreSessions: small.sessions };

    // ---- the hub on the big store ----
    // One key drives every connection here, so the per-key cap on expensive reads is lifted: this measures throughput.
    const hub: HubProcess = await startHub({ SPHUB_DATA_DIR: big.dir, SPHUB_ADMIN_KEY: KEY, SPHUB_SCHEDULER: 'off', SPHUB_EXPENSIVE_READS_PER_KEY: '1000' });
    results.startup = { ms: Math.round(hub.startMs), rssMiB: Math.round((await hub.rssBytes()) / 2 ** 20) };
    console.log(`Hub started in ${Math.round(hub.startMs)} ms, RSS ${(results.startup as { rssMiB: number }).rssMiB} MiB`);
    const names = big.customers.map((c) => c.displayName);
    const terms = searchTerms(names, 200);
    const searchPaths = terms.map((q) => `/api/v1/customers?q=${encodeURIComponent(q)}&pageSize=25`);
    const ids = big.customers.filter((c) => c.status !== 'offboarded').map((c) => c.id);
    const healthBodies = [0, 1, 2, 3].map((k) => JSON.stringify({ ids: ids.slice(k * 1000, k * 1000 + 1000) }));
    const somePolicies = await get<{ items: { id: string }[] }>(hub.base, '/policies?pageSize=50');
    const sessionIds: string[] = [];
    for (const p of somePolicies.items.slice(0, 20)) {
      const s = await get<{ items: { id: string }[] }>(hub.base, `/policies/${p.id}/sessions?pageSize=1`);
      if (s.items[0]) sessionIds.push(s.items[0].id);
    }
    const base = `${hub.base}/api/v1`;
    const measure = async (name: string, options: Parameters<typeof load>[0]) => {
      const result = await load({ connections: CONNECTIONS, duration: DURATION, headers, ...options });
      rows.push({ name, result });
      console.log(`  ${name}: ${result.rps} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms${result.non2xx ? `, ${result.non2xx} non-2xx` : ''}`);
      return result;
    };
    const search = await measure('customer search page (q, 25 rows)', { url: `${base}/customers`, paths: searchPaths });
    await measure('customer detail', { url: `${base}/customers/x`, paths: ids.slice(0, 500).map((id) => `/api/v1/customers/${id}`) });
    const health = await measure('batch health, 1,000 customers', { url: `${base}/customers/health`, method: 'POST', bodies: healthBodies });
    await measure('dashboard', { url: `${base}/dashboard` });
    await measure('alerts (first page)', { url: `${base}/alerts?pageSize=25` });
    await measure('session logs page', { url: `${base}/sessions/x/logs`, paths: sessionIds.map((id) => `/api/v1/sessions/${id}/logs`) });
    results.rssAfterLoadMiB = Math.round((await hub.rssBytes()) / 2 ** 20);
    const searchBody = await (await fetch(`${base}${searchPaths[0]!.slice('/api/v1'.length)}`, { headers })).text();
    const healthBody = await (await fetch(`${base}/customers/health`, { method: 'POST', headers, body: healthBodies[0] })).text();
    await hub.kill('SIGTERM');

    // ---- the ceiling: a bare route serving bodies of the same size ----
    for (const [label, body, hubResult] of [
      ['search page', searchBody, search],
      ['batch health', healthBody, health],
    ] as const) {
      const file = join(work, `${label.replace(' ', '-')}.json`);
      await writeFile(file, body);
      const bare = await startBare(file);
      const result = await load({ url: `${bare.base}/x`, connections: CONNECTIONS, duration: DURATION });
      bare.stop();
      rows.push({ name: `bare @hono/node-server route, ${label} size (${body.length} B)`, result, note: `hub/bare = ${(hubResult.rps / result.rps).toFixed(2)}` });
      console.log(`  bare route (${label}, ${body.length} B): ${result.rps} req/s -> hub/bare ${(hubResult.rps / result.rps).toFixed(2)}`);
      (results.ratios ??= {}) as Record<string, number>;
      (results.ratios as Record<string, number>)[`${label} hub/bare`] = Number((hubResult.rps / result.rps).toFixed(3));
    }

    // ---- json-server on the same customers ----
    if (!SKIP.has('jsonserver')) {
      const db = join(work, 'db.json');
      await writeJsonServerDb(db, big.customers);
      const js = await startJsonServer(db);
      const result = await load({ url: `${js.base}/customers`, paths: terms.map((q) => `/customers?q=${encodeURIComponent(q)}&_limit=25`), connections: CONNECTIONS, duration: DURATION });
      js.stop();
      rows.push({ name: 'json-server ?q= search, same customers', result, note: `hub/json-server = ${(search.rps / Math.max(1, result.rps)).toFixed(1)}` });
      (results.ratios as Record<string, number>)['search hub/json-server'] = Number((search.rps / Math.max(1, result.rps)).toFixed(1));
      console.log(`  json-server search: ${result.rps} req/s -> hub/json-server ${(search.rps / Math.max(1, result.rps)).toFixed(1)}`);
    }

    // ---- write cost growth: the same policy start with ~0 and with ~900k sessions stored ----
    const withFew = await policyStartCost(small.dir, `${small.sessions} sessions stored`);
    const withMany = await policyStartCost(big.dir, `${big.sessions} sessions stored`);
    rows.push(withFew.row, withMany.row);
    (results.ratios as Record<string, number>)['policy start p50 many/few sessions'] = Number((withMany.row.result.p50 / Math.max(0.01, withFew.row.result.p50)).toFixed(2));
    (results.ratios as Record<string, number>)['policy start throughput few/many sessions'] = Number((withFew.row.result.rps / Math.max(1, withMany.row.result.rps)).toFixed(2));
    console.log(`  policy start: p50 ${withFew.row.result.p50} ms (few) vs ${withMany.row.result.p50} ms (many)`);

    if (!SKIP.has('fanout')) {
      const { runFanout } = await import('./fanout.js');
      results.fanout = await runFanout();
    }
    if (!SKIP.has('import')) {
      const { runImportBench } = await import('./import.js');
      results.import = await runImportBench();
    }
    if (!SKIP.has('extension')) {
      const { measureExtension } = await import('./extension.js');
      results.extension = await measureExtension();
    }
    if (!SKIP.has('fuzz')) {
      const { runFuzz } = await import('./fuzz.js');
      results.fuzz = await runFuzz();
    }
    if (!SKIP.has('auththrottle')) {
      const { runAuthThrottle } = await import('./auth-throttle.js');
      results.authThrottle = await runAuthThrottle(DURATION, CONNECTIONS);
    }
    if (!SKIP.has('soak')) {
      const { runSoak } = await import('./soak.js');
      results.soak = await runSoak(Number(env.BENCH_SOAK_MINUTES ?? 10), Number(env.BENCH_SOAK_SAMPLE_SECONDS ?? 60));
    }
    if (!SKIP.has('crash')) {
      const { runCrash } = await import('./crash.js');
      results.crash = await runCrash(Number(env.BENCH_KILLS ?? 100));
    }
    if (!SKIP.has('sync')) {
      const { runSyncBench } = await import('./sync.js');
      results.sync = await runSyncBench();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  results.rows = rows.map((r) => ({ name: r.name, ...r.result, ...(r.note && { note: r.note }) }));
  printTable(rows, results);
  const dir = join(root, 'bench/results');
  await mkdir(dir, { recursive: true });
  const text = JSON.stringify(results, null, 2);
  await writeFile(join(dir, `${now.toISOString().replace(/[:.]/g, '-')}.json`), text);
  await writeFile(join(dir, 'latest.json'), text);
  console.log(`\nWritten to bench/results/latest.json`);
}

function printTable(rows: Row[], results: Record<string, unknown>) {
  const pad = (s: string | number, n: number) => String(s).padEnd(n);
  console.log('\n' + pad('measure', 62) + pad('req/s', 9) + pad('p50 ms', 9) + pad('p95 ms', 9) + pad('p99 ms', 9) + 'note');
  for (const r of rows) console.log(pad(r.name, 62) + pad(r.result.rps, 9) + pad(r.result.p50, 9) + pad(r.result.p95, 9) + pad(r.result.p99, 9) + (r.note ?? ''));
  for (const key of ['store', 'importSeconds', 'visibleOnOtherHubMs', 'startup', 'rssAfterLoadMiB', 'ratios', 'fanout', 'import', 'extension', 'fuzz', 'authThrottle', 'soak', 'crash', 'sync']) {
    if (results[key] !== undefined) console.log(`${key}: ${JSON.stringify(results[key])}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
