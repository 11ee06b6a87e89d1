/**
 * Crash safety: a write storm against the real hub process, killed with SIGKILL at random
 * moments, restarted on the same data folder each time. Every write that got a 2xx must be there
 * after the restart. Prints kills, acknowledged writes and lost writes (must be 0).
 *
 *   npx tsx test/bench/crash.ts [kills=100] [seed=7]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../shared/domain/random.js';
import { startHub } from './hub-process.js';

const KEY = 'sph_crash_test_administrator_key_000000000';

export async function runCrash(kills = 100, seed = 7) {
  const random = seededRandom(seed);
  const dir = await mkdtemp(join(tmpdir(), 'sphub-crash-'));
  const env = { SPHUB_DATA_DIR: dir, SPHUB_ADMIN_KEY: KEY };
  const acked = new Set<string>();
  let attempted = 0;
  let lost = 0;
  let startTotal = 0;
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  try {
    for (let round = 0; round < kills; round++) {
      const hub = await startHub(env);
      startTotal += hub.startMs;
      // Everything acknowledged before must have survived the previous kill.
      const present = await roleNames(hub.base, headers);
      for (const name of acked) if (!present.has(name)) lost += 1;
      if (lost > 0) {
        console.error(`round ${round}: ${lost} acknowledged writes are missing`);
        await hub.kill();
        break;
      }
      let stop = false;
      const writers = Array.from({ length: 8 }, async (_, w) => {
        for (let n = 0; !stop; n++) {
          const name = `r${round}-w${w}-${n}`;
          attempted += 1;
          try {
            const r = await fetch(`${hub.base}/api/v1/roles`, { method: 'POST', headers, body: JSON.stringify({ name, permissions: ['customerManagement'] }) });
            if (r.status === 201) acked.add(name);
          } catch {
            return; // the process died under us: this write was never acknowledged
          }
        }
      });
      await new Promise((r) => setTimeout(r, 50 + random() * 400));
      stop = true;
      await hub.kill('SIGKILL');
      await Promise.allSettled(writers);
      if ((round + 1) % 10 === 0) console.log(`  ${round + 1} kills, ${acked.size} acknowledged writes, ${lost} lost`);
    }
    const final = await startHub(env);
    const present = await roleNames(final.base, headers);
    lost = [...acked].filter((n) => !present.has(n)).length;
    await final.kill('SIGTERM');
    const result = { kills, attemptedWrites: attempted, acknowledgedWrites: acked.size, lostWrites: lost, meanRestartMs: Math.round(startTotal / kills) };
    console.log(JSON.stringify(result, null, 2));
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every role's name, page by page. */
async function roleNames(base: string, headers: Record<string, string>): Promise<Set<string>> {
  const names = new Set<string>();
  for (let page = 1; ; page++) {
    const res = (await (await fetch(`${base}/api/v1/roles?pageSize=200&page=${page}`, { headers })).json()) as { items: { name: string }[]; total: number };
    for (const r of res.items) names.add(r.name);
    if (res.items.length === 0 || page * 200 >= res.total) return names;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // A failure is an unhandled rejection on purpose: Node prints it and exits with code 1.
  void runCrash(Number(process.argv[2] ?? 100), Number(process.argv[3] ?? 7)).then((r) => process.exit(r.lostWrites === 0 ? 0 : 1));
}
