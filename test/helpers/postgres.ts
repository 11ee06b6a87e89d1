import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../bench/hub-process.js';

const run = promisify(execFile);
const BIN = process.env.SPHUB_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** True when the PostgreSQL server binaries are here. In CI they must be: tests that need them fail there instead of skipping. */
export const postgresAvailable = existsSync(join(BIN, 'initdb')) || process.env.CI === 'true';

export interface TestPostgres {
  /** postgres://… of the cluster's `postgres` database. */
  url: string;
  /** A new empty database on the cluster, for one test. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster for tests: initdb in a temp folder, listening on a free port on
 * loopback (and a socket in that folder), without fsync unless `durable` (benchmarks: writes then
 * cost what they cost in production).
 * `stop()` shuts it down and deletes the folder. As root (CI), the server runs as `postgres`,
 * since initdb refuses root.
 */
export async function startTestPostgres(options: { durable?: boolean } = {}): Promise<TestPostgres> {
  if (!existsSync(join(BIN, 'initdb'))) throw new Error(`PostgreSQL is not installed (no ${BIN}/initdb); .ci/run installs it from Debian's packages`);
  const dir = await mkdtemp(join(tmpdir(), 'sphub-pg-'));
  const asRoot = process.getuid?.() === 0;
  const as = async (cmd: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(BIN, cmd), ...args]) : run(join(BIN, cmd), args));
  if (asRoot) await chown(dir, ...(await ids('postgres')));
  const data = join(dir, 'data');
  await as('initdb', ['--no-sync', '-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8']);
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      await as('pg_ctl', [
        '-D',
        data,
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 ${options.durable ? '' : '-c fsync=off '}-c max_connections=200`,
        '-l',
        join(dir, 'log'),
        '-w',
        'start',
      ]);
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let n = 0;
  return {
    url,
    async createDatabase() {
      n += 1;
      const name = `t${n}_${process.pid}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await as('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function ids(user: string): Promise<[number, number]> {
  const { stdout } = await run('id', ['-u', user]);
  const { stdout: group } = await run('id', ['-g', user]);
  return [Number(stdout.trim()), Number(group.trim())];
}
