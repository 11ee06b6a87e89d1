import { Hono, type Context } from 'hono';
import { intBetween, pick, seededRandom } from '../../../shared/domain/random.js';
import type { VdcJob, VdcLog, VdcSession } from '../../../server/connections/vdc/client.js';
import type { Fault, RecordedCall } from '../vspc/server.js';

// A stand-in for the VDC Public API (technical preview): read-only reports of one tenancy's
// backup jobs, their sessions (newest first) and session logs, behind an API key, with the same
// per-path fault injection as the VSPC stand-in.

export interface VdcEstate {
  jobs: VdcJob[];
  sessions: Map<string, VdcSession[]>;
  logs: Map<string, VdcLog[]>;
  now: Date;
  random: () => number;
  n: number;
}

export interface VdcStandinOptions {
  jobs: number;
  /** Days of daily sessions per job. */
  days?: number;
  seed?: number;
  now?: Date;
  apiKey?: string;
}

export interface VdcStandin {
  app: Hono;
  estate: VdcEstate;
  apiKey: string;
  calls: RecordedCall[];
  fault(path: string, fault: Fault): void;
  clearFaults(): void;
}

const KINDS = ['Mailboxes', 'OneDrive', 'SharePoint', 'Teams'];
const STATUSES = ['Success', 'Success', 'Success', 'Success', 'Warning', 'Failed'] as const;
const id = (kind: string, n: number) => `${kind}-${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;

function addSession(estate: VdcEstate, job: VdcJob, at: Date, status: string): VdcSession {
  estate.n += 1;
  const running = status === 'Running';
  const minutes = intBetween(estate.random, 3, 40);
  const session: VdcSession = {
    id: id('ses', estate.n),
    creationTime: at.toISOString(),
    endTime: running ? null : new Date(at.getTime() + minutes * 60_000).toISOString(),
    progress: running ? 40 : 100,
    status,
    processedObjects: intBetween(estate.random, 10, 500),
    jobId: job.id,
    copyJobId: null,
    jobType: 'Backup',
  };
  estate.sessions.set(job.id, [session, ...(estate.sessions.get(job.id) ?? [])]);
  estate.logs.set(session.id, running ? [] : logsFor(session, status, minutes));
  (job as { lastRun: string | null }).lastRun = session.creationTime;
  (job as { lastStatus: string | null }).lastStatus = status;
  return session;
}

function logsFor(s: VdcSession, status: string, minutes: number): VdcLog[] {
  const t = (m: number) => new Date(Date.parse(s.creationTime) + m * 60_000).toISOString();
  const found = s.processedObjects ?? 0;
  return [
    { id: `${s.id}-1`, title: '[Success] Job started', creationTime: t(0), endTime: t(0) },
    { id: `${s.id}-2`, title: `[Success] Found ${found} objects`, creationTime: t(1), endTime: t(1) },
    ...(status === 'Warning' ? [{ id: `${s.id}-3`, title: '[Warning] 2 items were skipped: the mailbox is on hold', creationTime: t(2), endTime: t(2) }] : []),
    ...(status === 'Failed' ? [{ id: `${s.id}-3`, title: '[Failed] Failed to process 3 mailboxes: the organization revoked consent', creationTime: t(2), endTime: t(2) }] : []),
    { id: `${s.id}-4`, title: `[Success] Transferred: 168.8 MB (2472 items) at 1.8 MB/s (26 items/s)`, creationTime: t(minutes - 1), endTime: t(minutes - 1) },
    { id: `${s.id}-5`, title: `[${status}] Job finished`, creationTime: t(minutes), endTime: t(minutes) },
  ];
}

function createVdcEstate(options: VdcStandinOptions): VdcEstate {
  const now = options.now ?? new Date();
  const estate: VdcEstate = { jobs: [], sessions: new Map(), logs: new Map(), now, random: seededRandom(options.seed ?? 5), n: 0 };
  for (let j = 0; j < options.jobs; j++) {
    const job: VdcJob = {
      id: id('job', j + 1),
      name: `${KINDS[j % KINDS.length]} ${Math.floor(j / KINDS.length) + 1}`,
      backupType: j % 3 === 0 ? 'SelectedItems' : 'EntireOrganization',
      jobType: 'Backup',
      isEnabled: true,
      lastRun: null,
      lastStatus: null,
      nextRun: new Date(now.getTime() + 12 * 3_600_000).toISOString(),
      avgJobProcessTimeInSeconds: intBetween(estate.random, 120, 2400),
      organizationVboInstanceId: id('org', 1),
      // A field the hub does not know: ignored.
      region: 'EMEA',
    } as VdcJob;
    estate.jobs.push(job);
    for (let d = options.days ?? 30; d >= 1; d--) addSession(estate, job, new Date(now.getTime() - d * 86_400_000), pick(estate.random, STATUSES));
  }
  return estate;
}

/** `count` jobs run once more (a session now, `status` or a random end). */
export function runJobs(estate: VdcEstate, count: number, status?: string): VdcSession[] {
  estate.now = new Date(estate.now.getTime() + 3_600_000);
  return estate.jobs.slice(0, count).map((job) => addSession(estate, job, estate.now, status ?? pick(estate.random, STATUSES)));
}

/** A running session ends. */
export function finishSession(estate: VdcEstate, sessionId: string, status: string): void {
  for (const list of estate.sessions.values()) {
    const s = list.find((x) => x.id === sessionId);
    if (!s) continue;
    Object.assign(s, { status, endTime: new Date(Date.parse(s.creationTime) + 600_000).toISOString(), progress: 100 });
    estate.logs.set(s.id, logsFor(s, status, 10));
    const job = estate.jobs.find((j) => j.id === s.jobId)!;
    if (list[0] === s) (job as { lastStatus: string | null }).lastStatus = status;
  }
}

export function createVdcStandin(options: VdcStandinOptions): VdcStandin {
  const estate = createVdcEstate(options);
  const apiKey = options.apiKey ?? 'vdc-standin-api-key-fedcba9876543210';
  const faults = new Map<string, Fault & { used: number }>();
  const calls: RecordedCall[] = [];
  const app = new Hono();
  const problem = (c: Context, status: number, title: string) => c.json({ type: 'about:blank', title, status }, status as 400);

  app.use('/v1/*', async (c, next) => {
    calls.push({ method: c.req.method, path: c.req.path, query: c.req.query(), requestId: c.req.header('x-request-id') ?? null, clientVersion: null });
    const fault = [...faults.entries()].find(([p]) => p === c.req.path || (p.endsWith('*') && c.req.path.startsWith(p.slice(0, -1))))?.[1];
    if (fault && (fault.times === undefined || fault.used < fault.times)) {
      fault.used += 1;
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault.status) return c.json({ title: `Injected ${fault.status}`, status: fault.status }, fault.status as 400, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
      if (fault.badJson) return c.body('[{"id": ', 200, { 'content-type': 'application/json' });
    }
    if ((c.req.header('authorization') ?? '') !== `Bearer ${apiKey}`) return problem(c, 401, 'The API key is missing or not valid.');
    return next();
  });
  app.get('/v1/reports/backup-jobs', (c) => c.json(estate.jobs));
  app.get('/v1/reports/backup-jobs/:job/job-sessions', (c) => {
    if (!estate.jobs.some((j) => j.id === c.req.param('job'))) return problem(c, 404, 'No such job');
    return c.json(estate.sessions.get(c.req.param('job')) ?? []);
  });
  app.get('/v1/reports/backup-jobs/:job/job-sessions/:session/logs', (c) => {
    const logs = estate.logs.get(c.req.param('session'));
    if (!logs) return problem(c, 404, 'No such session');
    return c.json(logs);
  });
  app.get('/v1/reports/backup-jobs/:job/job-sessions/:session/logs/download', (c) => {
    const logs = estate.logs.get(c.req.param('session'));
    if (!logs) return problem(c, 404, 'No such session');
    return c.body(logs.map((l) => `${l.creationTime}\t${l.title}`).join('\n'), 200, {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${c.req.param('session')}.log"`,
    });
  });
  app.notFound((c) => problem(c, 404, `No operation at ${c.req.method} ${c.req.path}`));
  return { app, estate, apiKey, calls, fault: (path, fault) => faults.set(path, { ...fault, used: 0 }), clearFaults: () => faults.clear() };
}
