/**
 * Failed-authentication throttle under attack: a valid key's throughput on `GET /me` alone, then
 * the same while another process hammers the hub with wrong keys from the same address. The
 * valid key must not slow down; the attacker gets 401 for a burst, then 429.
 *
 *   npx tsx test/bench/auth-throttle.ts [seconds=5]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub } from './hub-process.js';
import { load, type LoadResult } from './load.js';

const KEY = 'sph_benchmark_administrator_key_000000000';

export async function runAuthThrottle(seconds = Number(process.env.BENCH_DURATION ?? 5), connections = Number(process.env.BENCH_CONNECTIONS ?? 16)) {
  const dir = await mkdtemp(join(tmpdir(), 'sphub-auth-bench-'));
  const hub = await startHub({ SPHUB_DATA_DIR: dir, SPHUB_ADMIN_KEY: KEY, SPHUB_SCHEDULER: 'off' });
  try {
    const valid = { url: `${hub.base}/api/v1/me`, headers: { authorization: `Bearer ${KEY}` }, connections, duration: seconds };
    const alone = await load(valid);
    const wrongKey = `sph_not_a_key_${'x'.repeat(30)}`;
    const [underAttack, attacker] = await Promise.all([load(valid), load({ url: `${hub.base}/api/v1/me`, headers: { authorization: `Bearer ${wrongKey}` }, connections, duration: seconds })]);
    const audits = (await (await fetch(`${hub.base}/api/v1/audit?action=auth.throttled&pageSize=200`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as { total: number };
    const row = (r: LoadResult) => ({ rps: r.rps, p50: r.p50, p99: r.p99, non2xx: r.non2xx });
    const result = {
      seconds,
      connections,
      validAlone: row(alone),
      validUnderAttack: row(underAttack),
      validThroughputRatio: Number((underAttack.rps / Math.max(1, alone.rps)).toFixed(2)),
      attacker: { requests: attacker.requests, rps: attacker.rps, statuses: attacker.statuses ?? {} },
      auditEntries: audits.total,
    };
    console.log(
      `  auth throttle: valid key ${alone.rps} req/s alone, ${underAttack.rps} req/s under attack (${result.validThroughputRatio} x; the two share 2 cores); attacker ${attacker.rps} req/s answered ${JSON.stringify(result.attacker.statuses)}; ${audits.total} audit entr${audits.total === 1 ? 'y' : 'ies'}`,
    );
    return result;
  } finally {
    await hub.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // A failure is an unhandled rejection on purpose: Node prints it and exits with code 1.
  void runAuthThrottle(Number(process.argv[2] ?? 5)).then((r) => console.log(JSON.stringify(r, null, 2)));
}
