/**
 * The batch-health section of `npm run bench` on its own, small and short: POST /customers/health
 * for 1,000 customers against a bare @hono/node-server route serving a body of the same size,
 * from a separate autocannon process, one after the other. Figures, not assertions.
 *   BENCH_CUSTOMERS=4000 BENCH_DURATION=3 npx tsx test/bench/batch-health.ts
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateStore } from './generate.js';
import { freePort, startHub } from './hub-process.js';
import { load } from './load.js';

const KEY = 'sph_benchmark_administrator_key_000000000';
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 4000);
const DURATION = Number(process.env.BENCH_DURATION ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const root = fileURLToPath(new URL('../../', import.meta.url));
const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

const work = await mkdtemp(join(tmpdir(), 'sphub-bench-health-'));
try {
  const store = await generateStore({ dir: join(work, 'store'), adminKey: KEY, customers: CUSTOMERS, policiesPerCustomer: 3, days: 1, now: new Date() });
  const ids = store.customers.filter((c) => c.status !== 'offboarded').map((c) => c.id);
  const bodies = [0, 1, 2, 3].map((k) => JSON.stringify({ ids: ids.slice((k * 1000) % Math.max(1, ids.length - 999), ((k * 1000) % Math.max(1, ids.length - 999)) + 1000) }));
  const hub = await startHub({ SPHUB_DATA_DIR: store.dir, SPHUB_ADMIN_KEY: KEY, SPHUB_SCHEDULER: 'off' });
  const answer = await (await fetch(`${hub.base}/api/v1/customers/health`, { method: 'POST', headers, body: bodies[0] })).text();
  const file = join(work, 'health.json');
  await writeFile(file, answer);
  const port = await freePort();
  const bare = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/bench/bare-server.ts'), String(port), file], { stdio: ['ignore', 'pipe', 'inherit'], cwd: root });
  await new Promise((resolve) => bare.stdout!.once('data', resolve));
  try {
    // A short warm-up of both (the first seconds of a fresh process run unoptimised code), then
    // alternated rounds, so a neighbour's burst on the shared machine hits both sides alike.
    await load({ url: `${hub.base}/api/v1/customers/health`, method: 'POST', headers, bodies, connections: CONNECTIONS, duration: 1 });
    await load({ url: `http://127.0.0.1:${port}/x`, connections: CONNECTIONS, duration: 1 });
    for (let round = 1; round <= ROUNDS; round++) {
      const hubResult = await load({ url: `${hub.base}/api/v1/customers/health`, method: 'POST', headers, bodies, connections: CONNECTIONS, duration: DURATION });
      // The bare route as run.ts measures it (a GET, no request body), and given the same POST
      // bodies as the hub (so the load generator does the same work on both sides).
      const bareResult = await load({ url: `http://127.0.0.1:${port}/x`, connections: CONNECTIONS, duration: DURATION });
      const barePost = await load({ url: `http://127.0.0.1:${port}/x`, method: 'POST', headers, bodies, connections: CONNECTIONS, duration: DURATION });
      console.log(
        `round ${round}: batch health (1,000 customers, ${answer.length} B) ${hubResult.rps} req/s p50 ${hubResult.p50} ms` +
          `${hubResult.non2xx ? ` (${hubResult.non2xx} non-2xx)` : ''}; bare GET ${bareResult.rps} req/s (hub/bare ${(hubResult.rps / bareResult.rps).toFixed(2)}); ` +
          `bare POST of the same bodies ${barePost.rps} req/s (hub/bare ${(hubResult.rps / barePost.rps).toFixed(2)})`,
      );
    }
  } finally {
    bare.kill('SIGKILL');
    await hub.kill('SIGTERM');
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
