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

const ROUNDS = 3;

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
  const ratios: Record<string, number> = {};
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
    const importSeconds = Number(((performance.now() - started) / 1000).toFixed(1));
    figures.importSeconds = importSeconds;
    await importEmbeddedStore(small.dir, smallUrl);
    console.log(`  imported ${big.sessions} sessions in ${importSeconds} s (counts and checksums checked)`);

    const env = { SPHUB_DATABASE_URL: bigUrl, SPHUB_ADMIN_KEY: o.key, SPHUB_SCHEDULER: 'off' };
    // BENCH_PG_ONLY=policystart: only the policy start figures (to compare write changes quickly).
    if (process.env.BENCH_PG_ONLY !== 'policystart') await readFigures();
    async function readFigures(): Promise<void> {
      const hub = await startHub(env);
      hubs.push(hub);
      figures.startup = { ms: Math.round(hub.startMs), rssMiB: Math.round((await hub.rssBytes()) / 2 ** 20) };
      console.log(`  hub on PostgreSQL started in ${Math.round(hub.startMs)} ms`);
      const names = big.customers.map((c) => c.displayName.toLowerCase().replace(/[^a-z0-9 ]/g, ''));
      const terms = [
        ...new Set(
          names
            .map((n) =>
              n
                .split(' ')
                .find((w) => w.length >= 4)
                ?.slice(0, 4),
            )
            .filter((t): t is string => Boolean(t)),
        ),
      ].slice(0, 200);
      const searchPaths = terms.map((q) => `/api/v1/customers?q=${encodeURIComponent(q)}&pageSize=25`);
      const ids = big.customers.filter((c) => c.status !== 'offboarded').map((c) => c.id);
      // Up to four different sets of 1,000 customers (fewer when the bench runs with fewer customers).
      const healthBodies = [0, 1, 2, 3].filter((k) => k === 0 || ids.length >= (k + 1) * 1000).map((k) => JSON.stringify({ ids: ids.slice(k * 1000, k * 1000 + 1000) }));
      // The same requests on the PostgreSQL hub, on the embedded store's hub (same data) and on a
      // bare route serving a body of the same size, taken in turns, ROUNDS times each, keeping the
      // median: the machine is shared, and turns keep a busy moment from landing on one side only.
      const embedded = await startHub({ SPHUB_DATA_DIR: big.dir, SPHUB_ADMIN_KEY: o.key, SPHUB_SCHEDULER: 'off' });
      hubs.push(embedded);
      const searchBody = await (await fetch(`${hub.base}${searchPaths[0]}`, { headers })).text();
      const healthBody = await (await fetch(`${hub.base}/api/v1/customers/health`, { method: 'POST', headers, body: healthBodies[0] })).text();
      const bares: { base: string; stop: () => void }[] = [];
      try {
        for (const [label, body] of [
          ['search', searchBody],
          ['health', healthBody],
        ] as const) {
          const file = join(work, `${label}.json`);
          await writeFile(file, body);
          bares.push(await o.startBare(file));
        }
        const search = (base: string): Parameters<typeof load>[0] => ({ url: `${base}/api/v1/customers`, paths: searchPaths, headers });
        const health = (base: string): Parameters<typeof load>[0] => ({ url: `${base}/api/v1/customers/health`, method: 'POST', bodies: healthBodies, headers });
        const cases: [string, Parameters<typeof load>[0]][] = [
          ['PostgreSQL: customer search page (q, 25 rows)', search(hub.base)],
          ['embedded: customer search page (q, 25 rows)', search(embedded.base)],
          [`bare route, search page size (${searchBody.length} B)`, { url: `${bares[0]!.base}/x` }],
          ['PostgreSQL: batch health, 1,000 customers', health(hub.base)],
          ['embedded: batch health, 1,000 customers', health(embedded.base)],
          [`bare route, batch health size (${healthBody.length} B)`, { url: `${bares[1]!.base}/x` }],
        ];
        const samples = cases.map(() => [] as LoadResult[]);
        for (let round = 0; round < ROUNDS; round++) {
          for (const [i, [, options]] of cases.entries()) samples[i]!.push(await load({ connections: o.connections, duration: o.duration, ...options }));
        }
        const medians = samples.map((list) => [...list].sort((a, b) => a.rps - b.rps)[Math.floor(list.length / 2)]!);
        const ratio = (a: number, b: number) => Number((medians[a]!.rps / medians[b]!.rps).toFixed(3));
        ratios['PostgreSQL search page hub/bare'] = ratio(0, 2);
        ratios['embedded search page hub/bare'] = ratio(1, 2);
        ratios['search PostgreSQL/embedded'] = ratio(0, 1);
        ratios['PostgreSQL batch health hub/bare'] = ratio(3, 5);
        ratios['embedded batch health hub/bare'] = ratio(4, 5);
        ratios['batch health PostgreSQL/embedded'] = ratio(3, 4);
        for (const [i, [name]] of cases.entries()) {
          rows.push({ name: `${name}, median of ${ROUNDS}`, result: medians[i]! });
          console.log(`  ${name}: ${medians[i]!.rps} req/s (median of ${samples[i]!.map((r) => r.rps).join(', ')})`);
        }
      } finally {
        for (const bare of bares) bare.stop();
        await embedded.kill('SIGTERM');
        hubs.splice(hubs.indexOf(embedded), 1);
      }

      // Reads through three hubs on the one database against one hub, in turns.
      hubs.push(...(await Promise.all([startHub(env), startHub(env)])));
      const one: LoadResult[] = [];
      const threeSums: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        one.push(await load({ connections: o.connections, duration: o.duration, headers, url: `${hub.base}/api/v1/customers`, paths: searchPaths }));
        const three = await Promise.all(
          hubs.map((h) => load({ connections: Math.max(1, Math.round(o.connections / 3)), duration: o.duration, headers, url: `${h.base}/api/v1/customers`, paths: searchPaths })),
        );
        threeSums.push(three.reduce((n, r) => n + r.rps, 0));
      }
      const oneRps = [...one].sort((a, b) => a.rps - b.rps)[Math.floor(ROUNDS / 2)]!.rps;
      const threeRps = [...threeSums].sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
      ratios['search 3 hubs/1 hub'] = Number((threeRps / oneRps).toFixed(2));
      figures.threeHubs = { oneHubRps: oneRps, threeHubsRps: threeRps };
      console.log(`  search through 3 hubs: ${threeRps} req/s against ${oneRps} through 1 (medians of ${ROUNDS})`);

      // How soon a write on one hub shows on another: create a role on hub 1, ask hub 2 until it lists it.
      const lags: number[] = [];
      for (let i = 0; i < 20; i++) {
        const name = `lag probe ${i}`;
        const res = await fetch(`${hubs[0]!.base}/api/v1/roles`, { method: 'POST', headers, body: JSON.stringify({ name, permissions: ['monitoring'] }) });
        const written = performance.now();
        if (res.status !== 201) throw new Error(`lag probe: ${res.status} ${await res.text()}`);
        for (;;) {
          const roles = (await (await fetch(`${hubs[1]!.base}/api/v1/roles?q=${encodeURIComponent(name)}`, { headers })).json()) as { items: { name: string }[] };
          if (roles.items.some((r) => r.name === name)) break;
          if (performance.now() - written > 10_000) throw new Error('lag probe: the write did not show on the other hub within 10 s');
        }
        lags.push(performance.now() - written);
      }
      lags.sort((a, b) => a - b);
      figures.visibleOnOtherHubMs = { p50: Number(lags[10]!.toFixed(1)), max: Number(lags.at(-1)!.toFixed(1)) };
      console.log(`  a write on one hub shows on another after ${lags[10]!.toFixed(1)} ms (p50), ${lags.at(-1)!.toFixed(1)} ms at most`);
      for (const h of hubs.splice(0)) await h.kill('SIGTERM');
    }

    // Policy start: few and many sessions stored, PostgreSQL and the embedded store.
    const pgFew = await o.policyStartCost({ SPHUB_DATABASE_URL: smallUrl }, `PostgreSQL, ${small.sessions} sessions stored`);
    // Many sessions, PostgreSQL and the embedded store in turns (each start of a hub marks the
    // sessions the previous one left running Failed, so the same policies start again).
    const pgRuns: LoadResult[] = [];
    const embeddedRuns: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      pgRuns.push((await o.policyStartCost({ SPHUB_DATABASE_URL: bigUrl }, 'PostgreSQL')).row.result);
      embeddedRuns.push((await o.policyStartCost({ SPHUB_DATA_DIR: big.dir }, 'embedded')).row.result);
    }
    const byP50 = (list: LoadResult[]) => [...list].sort((a, b) => a.p50 - b.p50)[Math.floor(list.length / 2)]!;
    const pgMany = byP50(pgRuns);
    const embeddedMany = byP50(embeddedRuns);
    rows.push(
      pgFew.row,
      { name: `policy start (write), PostgreSQL, ${big.sessions} sessions stored, median of ${ROUNDS}`, result: pgMany },
      { name: `policy start (write), embedded store, ${big.sessions} sessions stored, median of ${ROUNDS}`, result: embeddedMany },
    );
    ratios['PostgreSQL policy start p50 many/few sessions'] = Number((pgMany.p50 / Math.max(0.01, pgFew.row.result.p50)).toFixed(2));
    ratios['policy start p50 PostgreSQL/embedded'] = Number((pgMany.p50 / Math.max(0.01, embeddedMany.p50)).toFixed(2));
    console.log(`  policy start p50: PostgreSQL ${pgRuns.map((r) => r.p50).join(', ')} ms; embedded ${embeddedRuns.map((r) => r.p50).join(', ')} ms`);
    figures.ratios = ratios;
    return { rows, figures };
  } finally {
    for (const h of hubs) await h.kill('SIGKILL').catch(() => undefined);
    await cluster.stop();
    await rm(work, { recursive: true, force: true });
  }
}
