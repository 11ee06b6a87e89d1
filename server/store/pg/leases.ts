import pg from 'pg';
import type { Job } from '../../area.js';

/** First key of the advisory locks that are job leases (the second is the hash of the job's name). */
const LEASE_SPACE = 0x5350_4a42; // 'SPJB'

interface Entry {
  job: Job;
  /** The hub asked for this job to run. */
  wanted: boolean;
  /** This hub holds the lease and started the job. */
  running: boolean;
}

/**
 * Background jobs that must run once across all hubs on a database (the backup scheduler, the
 * outbox dispatcher, the digest, usage reports, the customer lifecycle, status polling…).
 *
 * Each job's lease is a session-level PostgreSQL advisory lock, taken on one connection this hub
 * keeps for its leases. A hub that gets the lock starts the job; the others try again every
 * `retryMs`. A hub that dies (SIGKILL, a lost machine) loses its connection and PostgreSQL
 * releases its locks at once, so another hub takes the job over within `retryMs`. If this hub's
 * lease connection fails, it stops its jobs, since it can no longer be sure it holds them.
 */
export class JobLeases {
  private readonly entries: Entry[] = [];
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client | null> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private turn: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly retryMs = 1_000,
  ) {}

  /** The job as this hub sees it: start() runs it if (and as soon as) this hub holds its lease. */
  exclusive(job: Job): Job {
    const entry: Entry = { job, wanted: false, running: false };
    this.entries.push(entry);
    return {
      name: job.name,
      start: async () => {
        entry.wanted = true;
        this.arm();
        await this.serialized(() => this.acquire());
      },
      stop: async () => {
        entry.wanted = false;
        await this.serialized(async () => {
          // Stopped even when another hub runs it: stop() also releases what the job set up here.
          await entry.job.stop();
          if (entry.running) {
            entry.running = false;
            await this.client?.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LEASE_SPACE, job.name]).catch(() => undefined);
          }
        });
        if (this.entries.every((e) => !e.wanted)) await this.close();
      },
    };
  }

  /** Names of the jobs this hub runs now. */
  get held(): string[] {
    return this.entries.filter((e) => e.running).map((e) => e.job.name);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.turn;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private arm(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.serialized(() => this.acquire()), this.retryMs);
    this.timer.unref();
  }

  private serialized(task: () => Promise<void>): Promise<void> {
    const next = this.turn.then(task, task);
    this.turn = next.catch((error) => console.error('job leases:', error));
    return next;
  }

  private async acquire(): Promise<void> {
    if (this.closed) return;
    const waiting = this.entries.filter((e) => e.wanted && !e.running);
    if (waiting.length === 0) return;
    const client = await this.connection();
    if (!client) return;
    for (const entry of waiting) {
      const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [LEASE_SPACE, entry.job.name]).catch(() => null);
      if (!got?.rows[0]?.ok) continue;
      entry.running = true;
      try {
        await entry.job.start();
      } catch (error) {
        console.error(`job ${entry.job.name} could not start:`, error);
        entry.running = false;
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LEASE_SPACE, entry.job.name]).catch(() => undefined);
      }
    }
  }

  private connection(): Promise<pg.Client | null> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.url });
      client.on('error', (error) => void this.lost(client, error));
      try {
        await client.connect();
      } catch {
        return null;
      }
      this.client = client;
      return client;
    })().finally(() => (this.connecting = null));
    return this.connecting;
  }

  /** The lease connection broke: its locks are gone, so this hub stops the jobs it ran. */
  private async lost(client: pg.Client, error: Error): Promise<void> {
    if (this.client !== client) return;
    this.client = null;
    if (this.closed) return;
    console.error(`job leases: the lease connection failed (${error.message}); stopping this hub's jobs until it holds their leases again`);
    await this.serialized(async () => {
      for (const entry of this.entries.filter((e) => e.running)) {
        entry.running = false;
        await entry.job.stop();
      }
    });
  }
}
