/**
 * Soak: the demo hub under a mixed load (customer searches, dashboard and alert reads, restores
 * recorded, policy starts and stops) for a while, once without SMTP and once with a local SMTP
 * server, with every failure and completion mailed to a contact. Each sample (every minute by
 * default) reports resident memory, the size of the store's snapshot and journal, open files,
 * and the messages stored in the outbox. After warm-up all of them should stay flat.
 *
 *   npx tsx test/bench/soak.ts [minutesPerMode=10] [sampleSeconds=60] [both|smtp|nosmtp]
 *   BENCH_SOAK_MINUTES, BENCH_SOAK_SAMPLE_SECONDS, BENCH_SOAK_MODES, BENCH_SOAK_CONCURRENCY (outbox sends at once, 16),
 *   BENCH_SOAK_HUB_NODE_OPTIONS (for the hub process only)
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { startHub, type HubProcess } from './hub-process.js';
import { load, type LoadResult } from './load.js';

const KEY = 'sph_benchmark_administrator_key_000000000';
const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

export interface SoakSample {
  minute: number;
  rssMiB: number;
  snapshotKiB: number;
  journalKiB: number;
  openFiles: number;
  outboxStored: number;
  outboxPending: number;
  /** Messages waiting in the spool on disk (behind the window kept in the store), and the spool's size. */
  spooled: number;
  spoolKiB: number;
  destinations: number;
}

export interface SoakMode {
  smtp: boolean;
  minutes: number;
  /** hub.json after a graceful stop (the journal folded in): after seeding and settings, and at the end of the load. */
  snapshotKiB: { before: number; after: number };
  samples: SoakSample[];
  load: Record<string, { requests: number; rps: number; non2xx: number }>;
  mailsReceived: number;
}

/** A loopback SMTP server that only counts what it accepts (keeping mails would grow this process). */
async function countingSmtp(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, count: () => received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function sizeOf(path: string): Promise<number> {
  try {
    const s = await stat(path);
    if (!s.isDirectory()) return s.size;
    let total = 0;
    for (const name of await readdir(path)) total += await sizeOf(join(path, name));
    return total;
  } catch {
    return 0;
  }
}

async function api<T>(hub: HubProcess, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${hub.base}/api/v1${path}`, { ...init, headers });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function sample(hub: HubProcess, dir: string, minute: number): Promise<SoakSample> {
  const outbox = await api<{ total: number; counts: Record<string, number>; spooled: number; destinations: unknown[] }>(hub, '/outbox?pageSize=1');
  return {
    minute,
    rssMiB: Math.round((await hub.rssBytes()) / 2 ** 20),
    snapshotKiB: Math.round((await sizeOf(join(dir, 'hub.json'))) / 1024),
    journalKiB: Math.round((await sizeOf(join(dir, 'journal'))) / 1024),
    openFiles: (await readdir(`/proc/${hub.child.pid}/fd`)).length,
    outboxStored: outbox.total,
    outboxPending: (outbox.counts.pending ?? 0) + (outbox.counts['failed-retrying'] ?? 0) + (outbox.counts.sending ?? 0),
    spooled: outbox.spooled,
    spoolKiB: Math.round((await sizeOf(join(dir, 'outbox-spool'))) / 1024),
    destinations: outbox.destinations.length,
  };
}

async function soakOnce(smtp: boolean, minutes: number, sampleSeconds: number): Promise<SoakMode> {
  const dir = await mkdtemp(join(tmpdir(), 'sphub-soak-'));
  const mail = smtp ? await countingSmtp() : null;
  const env = {
    SPHUB_DATA_DIR: dir,
    SPHUB_DEMO: 'true',
    SPHUB_ADMIN_KEY: KEY,
    SPHUB_RUNNER_SPEED: 'instant',
    SPHUB_EXPENSIVE_READS_PER_KEY: '64',
    SPHUB_OUTBOX_CONCURRENCY: process.env.BENCH_SOAK_CONCURRENCY ?? '16',
    // Node options for the hub only, e.g. --max-old-space-size=192: a hub that only seems to grow (garbage not yet collected) runs on; a leak ends it.
    ...(process.env.BENCH_SOAK_HUB_NODE_OPTIONS && { NODE_OPTIONS: process.env.BENCH_SOAK_HUB_NODE_OPTIONS }),
    // A pooled SMTP connection, as a real relay would be used.
    ...(mail && { SPHUB_SMTP_URL: `${mail.url}?pool=true&maxConnections=8`, SPHUB_SMTP_FROM: 'SP Hub <hub@northwind-msp.com>', SPHUB_SMTP_RATE_PER_SECOND: '1000' }),
  };
  const first = await startHub(env, 120_000);
  await api(first, '/settings/notifications', {
    method: 'PUT',
    body: JSON.stringify({
      language: 'en',
      allowCustomerNotifications: true,
      contacts: [{ type: 'email', email: 'noc@northwind-msp.com', topics: ['backupFailed', 'backupComplete', 'restoreActivity'] }],
    }),
  });
  await first.kill('SIGTERM');
  const snapshotBefore = Math.round((await sizeOf(join(dir, 'hub.json'))) / 1024);
  const hub = await startHub(env, 120_000);
  let stopped = false;
  try {
    const policies = (await api<{ items: { id: string; customerId: string }[] }>(hub, '/policies?pageSize=200')).items;
    const customers = (await api<{ items: { id: string; displayName: string }[] }>(hub, '/customers?pageSize=200&status=active')).items;
    const seconds = Math.round(minutes * 60);
    const base = `${hub.base}/api/v1`;
    const loads: Promise<LoadResult>[] = [
      load({
        url: `${base}/customers`,
        paths: customers.map((c) => `/api/v1/customers?q=${encodeURIComponent(c.displayName.slice(0, 4))}&pageSize=25`).concat(['/api/v1/dashboard', '/api/v1/alerts?pageSize=25']),
        headers,
        connections: 4,
        duration: seconds,
      }),
      load({ url: `${base}/policies/x/start`, method: 'POST', body: '{}', paths: policies.map((p) => `/api/v1/policies/${p.id}/start`), headers, connections: 2, duration: seconds }),
      load({ url: `${base}/policies/x/stop`, method: 'POST', body: '{}', paths: policies.map((p) => `/api/v1/policies/${p.id}/stop`), headers, connections: 1, duration: seconds }),
      load({
        url: `${base}/restores`,
        method: 'POST',
        bodies: customers.map((c, i) => JSON.stringify({ customerId: c.id, kind: 'mailItem', item: `Inbox item ${i}`, status: 'Success', outcome: 'Restored.' })),
        headers,
        connections: 1,
        duration: seconds,
      }),
    ];
    const samples: SoakSample[] = [await sample(hub, dir, 0)];
    console.log(`  soak ${smtp ? 'with' : 'without'} SMTP: ${JSON.stringify(samples[0])}`);
    const started = performance.now();
    for (let n = 1; (n * sampleSeconds) / 60 <= minutes + 1e-9; n++) {
      const wait = started + n * sampleSeconds * 1000 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const s = await sample(hub, dir, Number(((n * sampleSeconds) / 60).toFixed(2)));
      samples.push(s);
      console.log(`  soak ${smtp ? 'with' : 'without'} SMTP: ${JSON.stringify(s)}`);
    }
    const [reads, starts, stops, restores] = await Promise.all(loads);
    const row = (r: LoadResult) => ({ requests: r.requests, rps: r.rps, non2xx: r.non2xx });
    await hub.kill('SIGTERM');
    stopped = true;
    const snapshotKiB = { before: snapshotBefore, after: Math.round((await sizeOf(join(dir, 'hub.json'))) / 1024) };
    console.log(`  soak ${smtp ? 'with' : 'without'} SMTP: hub.json ${snapshotKiB.before} KiB before, ${snapshotKiB.after} KiB after the load`);
    return { smtp, minutes, snapshotKiB, samples, load: { reads: row(reads!), starts: row(starts!), stops: row(stops!), restores: row(restores!) }, mailsReceived: mail?.count() ?? 0 };
  } finally {
    if (!stopped) await hub.kill('SIGTERM');
    await mail?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function runSoak(
  minutes = Number(process.env.BENCH_SOAK_MINUTES ?? 10),
  sampleSeconds = Number(process.env.BENCH_SOAK_SAMPLE_SECONDS ?? 60),
  modes: 'both' | 'smtp' | 'nosmtp' = (process.env.BENCH_SOAK_MODES as 'both' | 'smtp' | 'nosmtp' | undefined) ?? 'both',
): Promise<SoakMode[]> {
  const runs: SoakMode[] = [];
  if (modes !== 'smtp') runs.push(await soakOnce(false, minutes, sampleSeconds));
  if (modes !== 'nosmtp') runs.push(await soakOnce(true, minutes, sampleSeconds));
  return runs;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // A failure is an unhandled rejection on purpose: Node prints it and exits with code 1.
  void runSoak(
    Number(process.argv[2] ?? process.env.BENCH_SOAK_MINUTES ?? 10),
    Number(process.argv[3] ?? process.env.BENCH_SOAK_SAMPLE_SECONDS ?? 60),
    (process.argv[4] ?? process.env.BENCH_SOAK_MODES ?? 'both') as 'both' | 'smtp' | 'nosmtp',
  ).then((r) => console.log(JSON.stringify(r, null, 2)));
}
