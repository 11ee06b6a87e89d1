/**
 * The sync section of `npm run bench`: a hub process syncing from a VSPC stand-in with
 * BENCH_SYNC_COMPANIES companies (10,000) of BENCH_SYNC_JOBS_PER_COMPANY jobs (3). Measures the
 * first full sync (time, requests, the hub's RSS), then an incremental sync after 1 % of the jobs
 * ran again, then the same change on twice the estate's changes (requests should follow the
 * change). Figures, no assertions. Alone: `npm run bench:sync` (BENCH_SYNC_COMPANIES=200 for a
 * quick look).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiClient } from '../../shared/api/client.js';
import { listen } from '../standins/listen.js';
import { advance } from '../standins/vspc/estate.js';
import { createVspcStandin } from '../standins/vspc/server.js';
import { startHub } from './hub-process.js';

const KEY = 'sph_benchmark_administrator_key_000000000';

export interface SyncBenchResult {
  companies: number;
  jobs: number;
  first: { seconds: number; requests: number; rssMiB: number; result: string; sessionsCreated: number };
  incremental: { changedJobs: number; seconds: number; requests: number; result: string; sessionsCreated: number };
  incrementalDouble: { changedJobs: number; seconds: number; requests: number; result: string; sessionsCreated: number };
}

export async function runSyncBench(options: { companies?: number; jobsPerCompany?: number } = {}): Promise<SyncBenchResult> {
  const companies = options.companies ?? Number(process.env.BENCH_SYNC_COMPANIES ?? 10_000);
  const jobsPerCompany = options.jobsPerCompany ?? Number(process.env.BENCH_SYNC_JOBS_PER_COMPANY ?? 3);
  console.log(`Sync: VSPC stand-in with ${companies} companies, ${companies * jobsPerCompany} VB365 jobs...`);
  const standin = createVspcStandin({ companies, jobsPerCompany, alarms: Math.ceil(companies / 100), seed: 9 });
  const upstream = await listen(standin.app);
  const dir = await mkdtemp(join(tmpdir(), 'sphub-bench-sync-'));
  const hub = await startHub({ SPHUB_DATA_DIR: dir, SPHUB_ADMIN_KEY: KEY, SPHUB_CONNECTION_SYNC: 'off', SPHUB_SCHEDULER: 'off' });
  try {
    const admin = createApiClient({ baseUrl: hub.base, apiKey: KEY });
    const c = await admin.createConnection({ kind: 'vspc', name: 'bench', baseUrl: `${upstream.origin}/api/v3`, auth: { type: 'apiKey', apiKey: standin.apiKey } });
    const timed = async () => {
      const started = performance.now();
      const run = await admin.syncConnection(c.id, { wait: true });
      return { seconds: Number(((performance.now() - started) / 1000).toFixed(2)), requests: run.requests, result: run.result, sessionsCreated: run.counts.sessions?.created ?? 0 };
    };
    const first = { ...(await timed()), rssMiB: Math.round((await hub.rssBytes()) / 2 ** 20) };
    console.log(`  first full sync: ${first.seconds} s, ${first.requests} requests, hub RSS ${first.rssMiB} MiB (${first.result})`);
    const changed = advance(standin.estate, 0.01, 1).length;
    const incremental = { changedJobs: changed, ...(await timed()) };
    console.log(`  incremental after ${changed} jobs ran: ${incremental.seconds} s, ${incremental.requests} requests, ${incremental.sessionsCreated} sessions recorded (${incremental.result})`);
    const changedDouble = advance(standin.estate, 0.02, 1).length;
    const incrementalDouble = { changedJobs: changedDouble, ...(await timed()) };
    console.log(
      `  incremental after ${changedDouble} jobs ran: ${incrementalDouble.seconds} s, ${incrementalDouble.requests} requests, ${incrementalDouble.sessionsCreated} sessions recorded (${incrementalDouble.result})`,
    );
    return { companies, jobs: standin.estate.jobs.length, first, incremental, incrementalDouble };
  } finally {
    await hub.kill('SIGTERM');
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runSyncBench()
    .then((result) => console.log(JSON.stringify(result, null, 2)))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
