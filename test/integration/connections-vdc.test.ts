import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/client.js';
import { defaultKinds } from '../../server/connections/area.js';
import { policies } from '../../server/services/backup/collections.js';
import { createTestHub, type TestHub } from '../helpers/hub.js';
import { listen } from '../standins/listen.js';
import { createVdcStandin, finishSession, runJobs, type VdcStandin } from '../standins/vdc/server.js';

// A VDC Public API connection against its stand-in over real HTTP: jobs become the customer's
// policies, sessions come incrementally with their parsed logs, actions answer 409 (read-only).

const sleeps: number[] = [];
let standin: VdcStandin;
let upstream: { origin: string; close: () => Promise<void> };
let t: TestHub;
let customerId: string;

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

async function setup(limits: { sessionsPerJob?: number; logFetchesPerRun?: number } = {}) {
  t = await createTestHub({
    services: { connectionKinds: defaultKinds({ vdc: { client: { backoffMs: 1, timeoutMs: 500, sleep: async (ms) => void sleeps.push(ms) }, limits } }) },
    config: { env: { SPHUB_CONNECTION_SYNC: 'off', SPHUB_SCHEDULER: 'off' } },
  });
  customerId = (await t.admin.createCustomer({ displayName: 'Contoso Ltd', domain: 'contoso.com', contact: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@contoso.com' } } as never)).id;
}

const connect = (overrides: Record<string, unknown> = {}) =>
  t.admin.createConnection({ kind: 'vdc', name: 'VDC EMEA', baseUrl: upstream.origin, customerId, auth: { type: 'apiKey', apiKey: standin.apiKey }, ...overrides } as never);

beforeEach(async () => {
  sleeps.length = 0;
  standin = createVdcStandin({ jobs: 4, days: 6, seed: 3, now: new Date('2026-11-20T06:00:00Z') });
  upstream = await listen(standin.app);
});
afterEach(async () => {
  await t.hub.ctx.services.connectionSync.idle();
  await t.close();
  await upstream.close();
});

describe('VDC connections', () => {
  it('belong to one existing customer and take an API key', async () => {
    await setup();
    expect((await rejection(connect({ customerId: undefined }))).details.map((d) => d.field)).toContain('body.customerId');
    expect((await rejection(connect({ customerId: 'cus_nobody' }))).status).toBe(400);
    expect((await rejection(connect({ auth: { type: 'password', username: 'a', password: 'b' } }))).status).toBe(400);
    expect((await rejection(connect({ baseUrl: 'http://vdc.example.com' }))).status).toBe(400);
    const c = await connect();
    expect(c).toMatchObject({ kind: 'vdc', customerId, auth: { type: 'apiKey', secretSet: true } });
    expect(JSON.stringify(await t.admin.connections())).not.toContain(standin.apiKey);
    expect(await t.admin.testConnection(c.id)).toMatchObject({ ok: true, stage: 'ok' });
    expect((await rejection(t.admin.updateConnection(c.id, { auth: { type: 'password', username: 'a', password: 'b' } }))).status).toBe(400);
    const wrong = await connect({ name: 'wrong key', auth: { type: 'apiKey', apiKey: 'nope-nope-nope' } });
    expect(await t.admin.testConnection(wrong.id)).toMatchObject({ ok: false, stage: 'auth' });
  });

  it("syncs jobs into the customer's policies with sessions and logs parsed from their titles, then only what is new", async () => {
    await setup();
    const c = await connect();
    const first = await t.admin.syncConnection(c.id, { wait: true });
    expect(first.result).toBe('success');
    expect(first.counts.policies!.created).toBe(4);
    expect(first.counts.sessions!.created).toBe(24);
    expect(first.requests).toBe(1 + 4 + 24);

    const job = standin.estate.jobs[0]!;
    const policy = [...t.hub.ctx.store.all(policies)].find((p) => p.source?.upstreamId === job.id)!;
    expect(policy).toMatchObject({ customerId, name: job.name, backupType: job.backupType, lastRun: job.lastRun, lastStatus: job.lastStatus, source: { kind: 'vdc', connectionId: c.id } });
    expect(policy.averageProcessMs).toBe(job.avgJobProcessTimeInSeconds! * 1000);
    const sessions = await t.admin.policySessions(policy.id);
    expect(sessions.total).toBe(6);
    const newest = standin.estate.sessions.get(job.id)![0]!;
    expect(sessions.items[0]).toMatchObject({ startedAt: newest.creationTime, endedAt: newest.endTime, status: newest.status, runner: 'VDC VDC EMEA' });
    const logs = await t.admin.sessionLogs(sessions.items[0]!.id);
    expect(logs.items.find((l) => l.message.startsWith('Found '))).toMatchObject({ status: 'Success', message: `Found ${newest.processedObjects} objects` });

    const quiet = await t.admin.syncConnection(c.id, { wait: true });
    expect(quiet.requests).toBe(1);
    expect(quiet.counts.sessions).toEqual({ created: 0, updated: 0, unchanged: 0, gone: 0 });

    runJobs(standin.estate, 2, 'Failed');
    const next = await t.admin.syncConnection(c.id, { wait: true });
    expect(next.counts.sessions!.created).toBe(2);
    expect(next.requests).toBe(1 + 2 + 2);
    expect((await t.admin.policy(policy.id)).lastStatus).toBe('Failed');
    expect((await t.admin.alerts({ kind: ['backupFailed'] })).items.map((a) => a.subject.id)).toContain(policy.id);
  });

  it('reads a running session again until it ends, and bounds log fetches per run', async () => {
    await setup({ logFetchesPerRun: 10 });
    const c = await connect();
    const first = await t.admin.syncConnection(c.id, { wait: true });
    expect(first.notes.some((n) => n.includes('wait for their logs'))).toBe(true);
    const second = await t.admin.syncConnection(c.id, { wait: true });
    expect(second.counts.logs!.created).toBeGreaterThan(0);
    expect((await t.admin.syncConnection(c.id, { wait: true })).notes.some((n) => n.includes('wait for their logs'))).toBe(false);

    const [running] = runJobs(standin.estate, 1, 'Running');
    const seen = await t.admin.syncConnection(c.id, { wait: true });
    expect(seen.counts.sessions!.created).toBe(1);
    const policy = [...t.hub.ctx.store.all(policies)].find((p) => p.source?.upstreamId === running!.jobId)!;
    expect((await t.admin.policySessions(policy.id)).items[0]!.status).toBe('Running');
    finishSession(standin.estate, running!.id, 'Success');
    const ended = await t.admin.syncConnection(c.id, { wait: true });
    expect(ended.counts.sessions).toMatchObject({ created: 0, updated: 1 });
    const latest = (await t.admin.policySessions(policy.id)).items[0]!;
    expect(latest.status).toBe('Success');
    expect((await t.admin.sessionLogs(latest.id)).items.at(-1)).toMatchObject({ status: 'Success', message: 'Job finished' });
  });

  it('keeps unknown statuses as text and ignores unknown fields', async () => {
    await setup();
    const job = standin.estate.jobs[1]!;
    Object.assign(standin.estate.sessions.get(job.id)![0]!, { status: 'Hibernating', somethingNew: { nested: true } });
    Object.assign(job, { lastStatus: 'Hibernating' });
    const c = await connect();
    expect((await t.admin.syncConnection(c.id, { wait: true })).result).toBe('success');
    const policy = [...t.hub.ctx.store.all(policies)].find((p) => p.source?.upstreamId === job.id)!;
    expect(policy.source!.upstreamStatus).toBe('Hibernating');
    expect(policy.lastMessage).toContain('VDC status "Hibernating"');
    expect((await t.admin.policySessions(policy.id)).items[0]!.summary).toContain('VDC status "Hibernating"');
  });

  it('answers 409 saying to act in the portal for start, stop, enable and disable, and sends nothing', async () => {
    await setup();
    const c = await connect();
    await t.admin.syncConnection(c.id, { wait: true });
    const policy = [...t.hub.ctx.store.all(policies)][0]!;
    const before = standin.calls.length;
    for (const act of [t.admin.startPolicy, t.admin.stopPolicy, t.admin.enablePolicy, t.admin.disablePolicy]) {
      const error = await rejection(act(policy.id));
      expect(error.status).toBe(409);
      expect(error.message).toContain('read-only');
      expect(error.message).toContain('Veeam Data Cloud portal');
    }
    expect(standin.calls.length).toBe(before);
  });

  it('retries throttling and server faults; a bad answer or a refused key fails the run with nothing applied', async () => {
    await setup();
    const c = await connect();
    standin.fault('/v1/reports/backup-jobs', { status: 429, retryAfter: '2', times: 1 });
    standin.fault('/v1/reports/backup-jobs/*', { status: 500, times: 1 });
    expect((await t.admin.syncConnection(c.id, { wait: true })).result).toBe('success');
    expect(sleeps).toContain(2000);
    standin.clearFaults();
    runJobs(standin.estate, 1);
    standin.fault('/v1/reports/backup-jobs', { badJson: true });
    const bad = await t.admin.syncConnection(c.id, { wait: true });
    expect(bad.result).toBe('failed');
    expect(bad.errors[0]!.message).toContain('not JSON');
    standin.clearFaults();
    standin.fault('/v1/reports/backup-jobs', { status: 401 });
    const refused = await t.admin.syncConnection(c.id, { wait: true });
    expect(refused.errors[0]!.message).toContain('Settings > System > VDC Public API');
    expect((await t.admin.alerts({ kind: ['connectionFailing'] })).total).toBe(1);
    standin.clearFaults();
    const ok = await t.admin.syncConnection(c.id, { wait: true });
    expect(ok.counts.sessions!.created).toBe(1);
  });
});
