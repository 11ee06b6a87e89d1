import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../area.js';
import { postgresAvailable, startTestPostgres, type TestPostgres } from '../../../test/helpers/postgres.js';
import { JobLeases } from './leases.js';

function recordingJob(name: string, log: string[], hub: string): Job {
  return { name, start: () => void log.push(`${hub} start ${name}`), stop: () => void log.push(`${hub} stop ${name}`) };
}

describe.skipIf(!postgresAvailable)('JobLeases', () => {
  let cluster: TestPostgres;
  const opened: JobLeases[] = [];
  beforeAll(async () => {
    cluster = await startTestPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  afterEach(async () => {
    for (const l of opened.splice(0)) await l.close();
  });
  const leases = (url: string) => {
    const l = new JobLeases(url, 50);
    opened.push(l);
    return l;
  };

  it('runs each job on one hub only, and moves it to another when its hub goes away', async () => {
    const url = await cluster.createDatabase();
    const log: string[] = [];
    const [a, b] = [leases(url), leases(url)];
    const jobsA = [a.exclusive(recordingJob('scheduler', log, 'a')), a.exclusive(recordingJob('outbox', log, 'a'))];
    const jobsB = [b.exclusive(recordingJob('scheduler', log, 'b')), b.exclusive(recordingJob('outbox', log, 'b'))];
    for (const job of jobsA) await job.start();
    for (const job of jobsB) await job.start();
    await new Promise((r) => setTimeout(r, 200)); // b keeps trying meanwhile
    expect(log).toEqual(['a start scheduler', 'a start outbox']);
    expect(b.held).toEqual([]);
    // a stops (as a hub shutting down): b takes both over.
    for (const job of jobsA) await job.stop();
    await vi.waitFor(() => expect(b.held.sort()).toEqual(['outbox', 'scheduler']), { timeout: 2_000, interval: 10 });
    expect(log.filter((l) => l.startsWith('b start')).sort()).toEqual(['b start outbox', 'b start scheduler']);
  });

  it('stops its jobs when its lease connection is cut (its locks are gone); then one hub runs them again', async () => {
    const url = await cluster.createDatabase();
    const log: string[] = [];
    const [a, b] = [leases(url), leases(url)];
    await a.exclusive(recordingJob('digest', log, 'a')).start();
    await b.exclusive(recordingJob('digest', log, 'b')).start();
    expect(a.held).toEqual(['digest']);
    // As when a hub's machine is lost: the server ends the session that holds the lock.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const holders = await admin.query(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
      expect(holders.rows).toHaveLength(1);
      for (const { pid } of holders.rows) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await vi.waitFor(() => expect(log).toContain('a stop digest'), { timeout: 3_000, interval: 10 });
      await vi.waitFor(() => expect([...a.held, ...b.held]).toEqual(['digest']), { timeout: 3_000, interval: 10 });
      // Never two at once: each start after the cut follows the stop of the one before.
      const running = log.reduce((n, l) => n + (l.includes(' start ') ? 1 : -1), 0);
      expect(running).toBe(1);
    } finally {
      errors.mockRestore();
      await admin.end();
    }
  });
});
