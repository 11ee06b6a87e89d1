import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../shared/api/client.js';
import { connections } from '../../server/connections/collections.js';
import { defaultKinds } from '../../server/connections/area.js';
import { policies } from '../../server/services/backup/collections.js';
import { customers } from '../../server/services/customer-collection.js';
import { createTestHub, type TestHub } from '../helpers/hub.js';
import { listen } from '../standins/listen.js';
import { advance, removeCompany } from '../standins/vspc/estate.js';
import { createVspcStandin, type VspcStandin } from '../standins/vspc/server.js';

// The hub against the VSPC stand-in over real HTTP on loopback: connection CRUD and test, the
// sync of companies, tenants, jobs, sessions, alarms and usage, upstream faults, forwarding of
// actions, and secrets that never come back out.

const sleeps: number[] = [];
const kinds = (fullSyncMinutes = 0) => defaultKinds({ vspc: { client: { backoffMs: 1, timeoutMs: 400, sleep: async (ms) => void sleeps.push(ms) }, pollMs: 1, fullSyncMinutes } });

let standin: VspcStandin;
let upstream: { origin: string; close: () => Promise<void> };
let t: TestHub;
const logged: string[] = [];

async function connect(overrides: Record<string, unknown> = {}) {
  return t.admin.createConnection({
    kind: 'vspc',
    name: `VSPC ${Math.random().toString(36).slice(2, 8)}`,
    baseUrl: `${upstream.origin}/api/v3`,
    auth: { type: 'apiKey', apiKey: standin.apiKey },
    ...overrides,
  } as never);
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(() => {
  for (const level of ['log', 'warn', 'error', 'info'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
  }
});
afterAll(() => vi.restoreAllMocks());

beforeEach(async () => {
  sleeps.length = 0;
  standin = createVspcStandin({ companies: 20, jobsPerCompany: 2, alarms: 3, seed: 5, now: new Date('2026-11-20T06:00:00Z') });
  upstream = await listen(standin.app);
  t = await createTestHub({ clock: undefined, services: { connectionKinds: kinds() }, config: { env: { SPHUB_CONNECTION_SYNC: 'off', SPHUB_SCHEDULER: 'off' } } });
  t.clock.set(new Date('2026-11-20T09:00:00Z'));
});
afterEach(async () => {
  await t.hub.ctx.services.connectionSync.idle();
  await t.close();
  await upstream.close();
});

describe('connections: records and secrets', () => {
  it('creates, lists, changes and deletes a connection without ever answering its secret', async () => {
    const created = await connect({ name: 'Main VSPC' });
    expect(created).toMatchObject({
      kind: 'vspc',
      name: 'Main VSPC',
      baseUrl: `${upstream.origin}/api/v3`,
      auth: { type: 'apiKey', username: null, secretSet: true },
      status: 'new',
      syncIntervalMinutes: 10,
      insecureSkipVerify: false,
    });
    expect(JSON.stringify(await t.admin.connections())).not.toContain(standin.apiKey);
    const changed = await t.admin.updateConnection(created.id, { auth: { type: 'password', username: 'sphub', password: 'standin-password' }, syncIntervalMinutes: 30 });
    expect(changed.auth).toEqual({ type: 'password', username: 'sphub', secretSet: true });
    const stored = t.hub.ctx.store.get(connections, created.id)!;
    expect(JSON.stringify(stored)).not.toContain('standin-password');
    expect(stored.sealedSecret).toMatch(/^v1:/);
    await t.admin.deleteConnection(created.id);
    expect((await rejection(t.admin.connection(created.id))).status).toBe(404);
  });

  it('refuses base URLs that are not https, point at link-local or metadata addresses, or carry credentials', async () => {
    for (const baseUrl of [
      'http://vspc.example.com/api/v3',
      'https://169.254.169.254/latest',
      'https://[fe80::1]/api/v3',
      'https://metadata.google.internal/',
      'ftp://vspc.example.com/',
      'https://user:pw@vspc.example.com/api/v3',
      'not a url',
    ]) {
      const error = await rejection(connect({ baseUrl }));
      expect(error.status, baseUrl).toBe(400);
      expect(error.details.map((d) => d.field)).toContain('body.baseUrl');
    }
    expect((await t.admin.connections()).total).toBe(0);
    const strange = await rejection(connect({ auth: { type: 'token', token: 'x' } }));
    expect(strange.status).toBe(400);
  });

  it('needs siteSettings', async () => {
    const { client } = await t.userWith(['customerManagement', 'backupManagement']);
    const error = await rejection(client.connections());
    expect(error.status).toBe(403);
    expect(error.message).toContain('siteSettings');
  });
});

describe('connections: test', () => {
  it('says what is wrong: 401, 403 and the role, nothing listening, no API at the path, and ok', async () => {
    const good = await connect();
    expect(await t.admin.testConnection(good.id)).toMatchObject({ ok: true, stage: 'ok', apiVersion: '3.7' });
    expect(standin.calls.at(-1)?.clientVersion).toBe('3.7');

    const wrongKey = await connect({ auth: { type: 'apiKey', apiKey: 'not-the-key-0000' } });
    expect(await t.admin.testConnection(wrongKey.id)).toMatchObject({ ok: false, stage: 'auth' });

    const wrongPassword = await connect({ auth: { type: 'password', username: 'sphub', password: 'wrong' } });
    const refused = await t.admin.testConnection(wrongPassword.id);
    expect(refused).toMatchObject({ ok: false, stage: 'auth' });
    expect(refused.message).toContain('invalid_grant');
    expect(refused.message).not.toContain('wrong');

    standin.fault('/organizations/companies', { status: 403 });
    const forbidden = await t.admin.testConnection(good.id);
    expect(forbidden).toMatchObject({ ok: false, stage: 'permission' });
    expect(forbidden.message).toContain('Portal Administrator');
    standin.clearFaults();

    const noApi = await connect({ baseUrl: `${upstream.origin}/api/v9` });
    expect(await t.admin.testConnection(noApi.id)).toMatchObject({ ok: false, stage: 'http' });

    const closed = await listen(createVspcStandin({ companies: 0 }).app);
    await closed.close();
    const nothing = await connect({ baseUrl: `${closed.origin}/api/v3` });
    const tcp = await t.admin.testConnection(nothing.id);
    expect(tcp).toMatchObject({ ok: false, stage: 'tcp' });
    expect(tcp.message).toContain('refused');
  });
});

describe('connections: test over TLS and DNS', () => {
  it('names a TLS failure and the CA to give; accepts the private CA, or an explicit insecureSkipVerify', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sphub-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '2',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const key = await readFile(join(dir, 'key.pem'), 'utf8');
      const cert = await readFile(join(dir, 'cert.pem'), 'utf8');
      const secure = await listen(standin.app, 0, { key, cert });
      try {
        const plain = await connect({ baseUrl: `${secure.origin}/api/v3` });
        const refused = await t.admin.testConnection(plain.id);
        expect(refused).toMatchObject({ ok: false, stage: 'tls' });
        expect(refused.message).toContain('caCertificatePem');
        const withCa = await connect({ baseUrl: `${secure.origin}/api/v3`, caCertificatePem: cert });
        expect(await t.admin.testConnection(withCa.id)).toMatchObject({ ok: true, stage: 'ok' });
        expect((await t.admin.syncConnection(withCa.id, { wait: true })).result).toBe('success');
        const insecure = await connect({ baseUrl: `${secure.origin}/api/v3`, insecureSkipVerify: true });
        expect(insecure.insecureSkipVerify).toBe(true);
        expect(await t.admin.testConnection(insecure.id)).toMatchObject({ ok: true });
        expect(t.hub.banner('http://hub').join('\n')).toContain('certificate checks are OFF');
      } finally {
        await secure.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names a name that does not resolve', async () => {
    const c = await connect({ baseUrl: 'https://vspc.nonexistent.invalid:1280/api/v3' });
    const result = await t.admin.testConnection(c.id);
    expect(result).toMatchObject({ ok: false, stage: 'dns' });
    expect(result.message).toContain('vspc.nonexistent.invalid');
  });
});

describe('connections: sync', () => {
  it('brings companies, tenants, jobs, sessions, alarms and usage, each marked with its source; a second run changes nothing', async () => {
    const c = await connect();
    const run = await t.admin.syncConnection(c.id, { wait: true });
    expect(run.result).toBe('success');
    expect(run.counts.customers).toEqual({ created: 20, updated: 0, unchanged: 0, gone: 0 });
    expect(run.counts.tenants!.created).toBe(20);
    expect(run.counts.policies!.created).toBe(40);
    expect(run.counts.sessions!.created).toBe(40);
    expect(run.counts.alarms!.created).toBe(3);
    expect(run.counts.usage!.created).toBe(20);
    expect(run.requests).toBeGreaterThanOrEqual(6);

    const company = standin.estate.companies[0]!;
    const customer = (await t.admin.customers({ q: company.name!, pageSize: 5 })).items.find((x) => x.displayName === company.name)!;
    expect(customer).toMatchObject({
      status: 'active',
      tenantDomain: standin.estate.mappings[0]!.vb365OrganizationName,
      source: { connectionId: c.id, kind: 'vspc', upstreamId: company.instanceUid, goneAt: null },
    });
    expect(customer.backedUpAccounts).toBe(standin.estate.protectedUsers.get(company.instanceUid!));

    const job = standin.estate.jobs.find((j) => j.lastStatus === 'Failed') ?? standin.estate.jobs[0]!;
    const policy = (await t.admin.policies({ q: job.name!, pageSize: 5 })).items.find((p) => p.name === job.name)!;
    expect(policy).toMatchObject({
      enabled: true,
      lastRun: job.lastRun,
      nextRun: job.nextRun,
      lastStatus: job.lastStatus,
      source: { kind: 'vspc', upstreamId: job.instanceUid, parentId: job.vb365ServerUid },
    });
    const sessions = await t.admin.policySessions(policy.id);
    expect(sessions.items).toHaveLength(1);
    expect(sessions.items[0]).toMatchObject({ status: job.lastStatus, startedAt: job.lastRun, runner: `VSPC ${c.name}` });

    const alerts = await t.admin.alerts({ kind: ['vspcAlarm'] });
    expect(alerts.total).toBe(3);
    if (job.lastStatus === 'Failed') expect((await t.admin.alerts({ kind: ['backupFailed'] })).items.map((a) => a.subject.id)).toContain(policy.id);

    const month = '2026-11';
    const daily = await t.hub.ctx.services.usage.daily.usage(month);
    expect(daily.find((u) => u.customerId === customer.id)?.highest).toBe(customer.backedUpAccounts);

    const again = await t.admin.syncConnection(c.id, { wait: true });
    expect(again.counts.customers).toEqual({ created: 0, updated: 0, unchanged: 20, gone: 0 });
    expect(again.counts.policies).toEqual({ created: 0, updated: 0, unchanged: 40, gone: 0 });
    expect(again.counts.sessions!.created).toBe(0);

    const runs = await t.admin.connectionRuns(c.id);
    expect(runs.items.map((r) => r.id)).toEqual([again.id, run.id]);
    const synced = (await t.hub.ctx.events.since(0)).filter((e) => e.type === 'connection.synced' && e.subject?.id === c.id);
    expect(synced.map((e) => e.data.runId)).toEqual([run.id, again.id]);
    expect((await t.admin.connection(c.id)).status).toBe('ok');
  });

  it('records each new run of a job as a session, with its log records, and marks what is gone upstream, keeping its history', async () => {
    const c = await connect();
    await t.admin.syncConnection(c.id, { wait: true });
    const changed = advance(standin.estate, 0.1, 2);
    const gone = standin.estate.companies[3]!;
    removeCompany(standin.estate, gone.instanceUid!);
    const run = await t.admin.syncConnection(c.id, { wait: true });
    expect(run.counts.customers!.gone).toBe(1);
    expect(run.counts.policies!.gone).toBe(2);
    const stillThere = changed.filter((j) => j.vspcOrganizationUid !== gone.instanceUid);
    expect(run.counts.sessions!.created).toBe(stillThere.length);

    const goneCustomer = [...t.hub.ctx.store.all(customers)].find((x) => x.source?.upstreamId === gone.instanceUid)!;
    expect(goneCustomer.source!.goneAt).toBe(t.clock.now().toISOString());
    expect(goneCustomer.status).toBe('active');

    const job = stillThere.find((j) => j.lastStatus !== 'Success') ?? stillThere[0]!;
    const policy = [...t.hub.ctx.store.all(policies)].find((p) => p.source?.upstreamId === job.instanceUid)!;
    const sessions = await t.admin.policySessions(policy.id);
    expect(sessions.items.map((s) => s.startedAt)).toEqual([job.lastRun, expect.any(String)]);
    const logs = await t.admin.sessionLogs(sessions.items[0]!.id);
    expect(logs.items[0]!.message).toContain('Run reported by VSPC');
    if (job.lastStatus !== 'Success') expect(logs.items.some((l) => l.message === job.lastStatusDetails && l.status !== 'Info')).toBe(true);
  });

  it('between full reads, reads only the jobs that ran since the watermark (and runs still in progress), so requests follow the change', async () => {
    await t.close();
    t = await createTestHub({ services: { connectionKinds: kinds(60) }, config: { env: { SPHUB_CONNECTION_SYNC: 'off', SPHUB_SCHEDULER: 'off' } } });
    t.clock.set(new Date('2026-11-20T09:00:00Z'));
    const c = await connect();
    const full = await t.admin.syncConnection(c.id, { wait: true });
    expect(full.notes[0]).toBe('Full read.');
    const running = standin.estate.jobs[5] as { lastRun: string; lastStatus: string };
    const changed = advance(standin.estate, 0.1, 1);
    running.lastRun = standin.estate.now.toISOString();
    running.lastStatus = 'Running';
    standin.calls.length = 0;
    t.clock.advance(10 * 60_000);
    const incremental = await t.admin.syncConnection(c.id, { wait: true });
    expect(incremental.notes[0]).toContain('Incremental read');
    expect(incremental.requests).toBe(2);
    expect(standin.calls.map((x) => x.path)).toEqual(['/infrastructure/vb365Servers/organizations/jobs', '/alarms/active']);
    expect(JSON.parse(standin.calls[0]!.query.filter!)).toEqual([{ property: 'lastRun', operation: 'greaterThan', value: expect.any(String) }]);
    expect(incremental.counts.sessions!.created).toBe(new Set([...changed, running]).size);
    expect(incremental.counts.customers).toEqual({ created: 0, updated: 0, unchanged: 0, gone: 0 });

    // The run seen running ends without a new lastRun: the next incremental read still covers it.
    running.lastStatus = 'Success';
    t.clock.advance(10 * 60_000);
    const next = await t.admin.syncConnection(c.id, { wait: true });
    expect(next.counts.sessions!.updated).toBe(1);
    const policy = [...t.hub.ctx.store.all(policies)].find((p) => p.source?.upstreamId === standin.estate.jobs[5]!.instanceUid)!;
    expect(policy.lastStatus).toBe('Success');
    t.clock.advance(61 * 60_000);
    expect((await t.admin.syncConnection(c.id, { wait: true })).notes[0]).toBe('Full read.');
  });

  it('keeps unknown status values as text instead of failing the run', async () => {
    const job = standin.estate.jobs[0] as { lastStatus: string; lastStatusDetails: string };
    job.lastStatus = 'Hibernating';
    const c = await connect();
    const run = await t.admin.syncConnection(c.id, { wait: true });
    expect(run.result).toBe('success');
    const policy = [...t.hub.ctx.store.all(policies)].find((p) => p.source?.upstreamId === standin.estate.jobs[0]!.instanceUid)!;
    expect(policy.source!.upstreamStatus).toBe('Hibernating');
    expect(policy.lastMessage).toContain('VSPC status "Hibernating"');
  });

  it('links by exact name or domain, reports an ambiguous match and leaves it unlinked, and honours an explicit link', async () => {
    const [first, second, third] = standin.estate.companies;
    const byName = await t.admin.createCustomer({ displayName: first!.name!, domain: 'first-own-domain.com', contact: { firstName: 'A', lastName: 'B', email: 'a@first-own-domain.com' } } as never);
    await t.admin.createCustomer({ displayName: second!.name!, domain: 'second-a.com', contact: { firstName: 'A', lastName: 'B', email: 'a@second-a.com' } } as never);
    await t.admin.createCustomer({ displayName: second!.name!.toUpperCase(), domain: 'second-b.com', contact: { firstName: 'A', lastName: 'B', email: 'a@second-b.com' } } as never);
    const explicit = await t.admin.createCustomer({ displayName: 'Someone else entirely', domain: 'elsewhere.com', contact: { firstName: 'A', lastName: 'B', email: 'a@elsewhere.com' } } as never);
    const c = await connect();
    const linked = await t.admin.linkCustomerSource(explicit.id, { connectionId: c.id, upstreamId: third!.instanceUid! });
    expect(linked.source).toMatchObject({ connectionId: c.id, upstreamId: third!.instanceUid });

    const run = await t.admin.syncConnection(c.id, { wait: true });
    expect(run.counts.customers).toMatchObject({ created: 17, updated: 2 });
    expect(run.notes.some((n) => n.includes(second!.name!) && n.includes('left unlinked'))).toBe(true);
    expect((await t.admin.customer(byName.id)).source?.upstreamId).toBe(first!.instanceUid);
    expect((await t.admin.customer(explicit.id)).displayName).toBe(third!.name);
    const seconds = [...t.hub.ctx.store.all(customers)].filter((x) => x.displayName.toLowerCase() === second!.name!.toLowerCase());
    expect(seconds.map((s) => s.source)).toEqual([undefined, undefined]);
    expect(run.notes.some((n) => n.includes('2 VB365 jobs belong to companies not linked'))).toBe(true);

    const taken = await rejection(t.admin.linkCustomerSource(seconds[0]!.id, { connectionId: c.id, upstreamId: first!.instanceUid! }));
    expect(taken.status).toBe(409);
    expect((await rejection(t.admin.linkCustomerSource(seconds[0]!.id, { connectionId: 'con_nothing', upstreamId: 'x' }))).status).toBe(404);
    await t.admin.unlinkCustomerSource(byName.id);
    expect((await t.admin.customer(byName.id)).source).toBeUndefined();
    expect((await rejection(t.admin.unlinkCustomerSource(byName.id))).status).toBe(409);
  });
});

describe('connections: upstream faults', () => {
  it('retries 429 and 503 after Retry-After, and 5xx and 520 with backoff', async () => {
    const c = await connect();
    standin.fault('/alarms/active', { status: 429, retryAfter: '3', times: 1 });
    standin.fault('/organizations/companies/usage', { status: 520, times: 2 });
    standin.fault('/licensing/usage/organizations', { status: 503, retryAfter: '1', times: 1 });
    const run = await t.admin.syncConnection(c.id, { wait: true });
    expect(run.result).toBe('success');
    expect(sleeps).toContain(3000);
    expect(sleeps).toContain(1000);
    expect(sleeps.filter((ms) => ms < 10)).toHaveLength(2);
  });

  it('a failing run applies nothing, records the error with the upstream request id, raises connectionFailing, and the next good run clears it', async () => {
    const c = await connect();
    standin.fault('/licensing/usage/organizations', { status: 520 });
    const versionBefore = t.hub.ctx.store.count(customers);
    const run = await t.admin.syncConnection(c.id, { wait: true });
    expect(run.result).toBe('failed');
    expect(run.errors[0]).toMatchObject({ path: '/licensing/usage/organizations', status: 520 });
    expect(run.errors[0]!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(standin.calls.filter((x) => x.path === '/licensing/usage/organizations').map((x) => x.requestId)).toContain(run.errors[0]!.requestId);
    expect(run.requests).toBeGreaterThan(6);
    expect(t.hub.ctx.store.count(customers)).toBe(versionBefore);
    expect(t.hub.ctx.store.count(policies)).toBe(0);
    const view = await t.admin.connection(c.id);
    expect(view).toMatchObject({ status: 'failing', syncing: false });
    expect((await t.admin.alerts({ kind: ['connectionFailing'] })).items[0]).toMatchObject({ severity: 'critical', subject: { id: c.id } });
    const raised = (await t.hub.ctx.events.since(0)).find((e) => e.type === 'alert.raised' && e.data.kind === 'connectionFailing');
    expect(raised?.data.topic).toBe('connectionFailing');

    standin.clearFaults();
    expect((await t.admin.syncConnection(c.id, { wait: true })).result).toBe('success');
    expect((await t.admin.alerts({ kind: ['connectionFailing'] })).total).toBe(0);
    expect(t.hub.ctx.store.count(policies)).toBe(40);
  });

  it('fails on bad JSON and on answers slower than the timeout, with nothing applied', async () => {
    const c = await connect();
    standin.fault('/infrastructure/vb365Servers/organizations/jobs', { badJson: true });
    const bad = await t.admin.syncConnection(c.id, { wait: true });
    expect(bad.result).toBe('failed');
    expect(bad.errors[0]!.message).toContain('not JSON');
    standin.clearFaults();
    standin.fault('/alarms/active', { delayMs: 700 });
    const slow = await t.admin.syncConnection(c.id, { wait: true });
    expect(slow.result).toBe('failed');
    expect(slow.errors[0]!.message).toMatch(/no answer within/);
    expect(t.hub.ctx.store.count(customers)).toBe(0);
  });

  it('re-reads a listing that changes between pages (items appearing), and fails only if it keeps changing', async () => {
    const small = createVspcStandin({ companies: 4, jobsPerCompany: 1, alarms: 1 });
    const server = await listen(small.app);
    try {
      const hub = await createTestHub({
        services: { connectionKinds: defaultKinds({ vspc: { client: { backoffMs: 1, timeoutMs: 2000, pageSize: 2 }, pollMs: 1, fullSyncMinutes: 0 } }) },
        config: { env: { SPHUB_CONNECTION_SYNC: 'off' } },
      });
      const c = await hub.admin.createConnection({ kind: 'vspc', name: 'paged', baseUrl: `${server.origin}/api/v3`, auth: { type: 'apiKey', apiKey: small.apiKey } });
      small.fault('/organizations/companies', { drift: true, times: 1 });
      const run = await hub.admin.syncConnection(c.id, { wait: true });
      expect(run.result).toBe('success');
      expect(run.counts.customers!.created).toBe(5);
      small.fault('/organizations/companies', { drift: true });
      const drifting = await hub.admin.syncConnection(c.id, { wait: true });
      expect(drifting.result).toBe('failed');
      expect(drifting.errors[0]!.message).toContain('kept changing');
      await hub.close();
    } finally {
      await server.close();
    }
  });

  it('on 401 signs in again once (password grant with refresh token), then fails the connection if still refused', async () => {
    const c = await connect({ auth: { type: 'password', username: 'sphub', password: 'standin-password' } });
    expect((await t.admin.syncConnection(c.id, { wait: true })).result).toBe('success');
    standin.expireTokens();
    expect((await t.admin.syncConnection(c.id, { wait: true })).result).toBe('success');
    expect(standin.calls.filter((x) => x.path === '/token').length).toBe(2);
    standin.fault('/organizations/companies', { status: 401 });
    const refused = await t.admin.syncConnection(c.id, { wait: true });
    expect(refused.result).toBe('failed');
    expect(refused.errors[0]).toMatchObject({ status: 401 });
  });

  it('never runs two syncs of one connection at once, here or by another process holding the lease', async () => {
    const c = await connect();
    standin.fault('/organizations/companies', { delayMs: 150, times: 1 });
    const first = t.admin.syncConnection(c.id, { wait: true });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = await rejection(t.admin.syncConnection(c.id));
    expect(second.status).toBe(409);
    expect((await first).result).toBe('success');

    // Another hub process holds a live lease: refused; once expired (it crashed), the run proceeds and the stale run reads "interrupted".
    const record = t.hub.ctx.store.get(connections, c.id)!;
    const staleRun = { ...record.lastRun!, id: 'run_crashed', result: 'running' as const, endedAt: null };
    await t.hub.ctx.store.write((tx) =>
      tx.put(connections, { ...record, lastRun: staleRun, lease: { runId: 'run_crashed', holder: 'other-process', expiresAt: new Date(t.clock.now().getTime() + 60_000).toISOString() } }),
    );
    const held = await rejection(t.admin.syncConnection(c.id));
    expect(held.status).toBe(409);
    expect(held.message).toContain('another SP Hub process');
    t.clock.advance(61_000);
    expect((await t.admin.syncConnection(c.id, { wait: true })).result).toBe('success');
    const runs = await t.admin.connectionRuns(c.id);
    expect(runs.items.find((r) => r.id === 'run_crashed')?.result).toBe('interrupted');
  });

  it('the scheduler runs each connection when its interval (plus jitter) has passed', async () => {
    const c = await connect({ syncIntervalMinutes: 10 });
    const engine = t.hub.ctx.services.connectionSync;
    expect(await Promise.all(await engine.tick())).toHaveLength(1);
    expect(await engine.tick()).toHaveLength(0);
    t.clock.advance(13 * 60_000);
    const runs = await Promise.all(await engine.tick());
    expect(runs.map((r) => r.trigger)).toEqual(['schedule']);
    await t.admin.updateConnection(c.id, { enabled: false });
    t.clock.advance(30 * 60_000);
    expect(await engine.tick()).toHaveLength(0);
  });
});

describe('connections: actions forwarded upstream', () => {
  it('start, stop, enable and disable of a synced policy go to VSPC with an X-Request-id; the answer is what VSPC said', async () => {
    const c = await connect();
    await t.admin.syncConnection(c.id, { wait: true });
    const job = standin.estate.jobs[2]!;
    const policy = [...t.hub.ctx.store.all(policies)].find((p) => p.source?.upstreamId === job.instanceUid)!;
    const session = await t.admin.startPolicy(policy.id);
    expect(session).toMatchObject({ status: 'Running', runner: `VSPC ${c.name}` });
    expect(standin.actions.at(-1)).toMatchObject({ action: 'start', target: job.instanceUid });
    expect(session.summary).toContain(standin.actions.at(-1)!.requestId!);
    const disabled = await t.admin.disablePolicy(policy.id);
    expect(disabled).toMatchObject({ enabled: false, nextRun: null });
    expect(job.isEnabled).toBe(false);
    await t.admin.enablePolicy(policy.id);
    await t.admin.stopPolicy(policy.id);
    expect(standin.actions.map((a) => a.action)).toEqual(['start', 'disable', 'enable', 'stop']);
    const audit = await t.admin.audit({ action: 'policy.start.forwarded' });
    expect(audit.items[0]).toMatchObject({ target: { id: policy.id } });
    expect(JSON.stringify(audit.items[0])).toContain(job.instanceUid!);
    // The hub's own runner and scheduler leave synced policies alone, even when VSPC's next run has passed.
    t.clock.advance(3 * 24 * 3_600_000);
    expect(await t.hub.ctx.services.backup.runDue()).toBe(0);
    expect(t.hub.ctx.services.backup.runningSessions).toBe(0);
    await expect(rejection(t.admin.updatePolicy(policy.id, { name: 'Renamed' }))).resolves.toMatchObject({ status: 409 });
  });

  it('follows a 202 through /asyncActions and never reports a success VSPC did not confirm', async () => {
    await upstream.close();
    standin = createVspcStandin({ companies: 3, jobsPerCompany: 1, alarms: 1, asyncActions: true, asyncOutcome: 'failed' });
    upstream = await listen(standin.app);
    const c = await connect();
    await t.admin.syncConnection(c.id, { wait: true });
    const policy = [...t.hub.ctx.store.all(policies)][0]!;
    const failed = await rejection(t.admin.startPolicy(policy.id));
    expect(failed.status).toBe(409);
    expect(failed.message).toContain('failed');
    expect(standin.calls.some((x) => x.path.startsWith('/asyncActions/'))).toBe(true);
    standin.options.asyncOutcome = 'succeed';
    const ok = await t.admin.disablePolicy(policy.id);
    expect(ok.enabled).toBe(false);

    await upstream.close();
    const down = await rejection(t.admin.enablePolicy(policy.id));
    expect(down.status).toBe(503);
    expect((await t.admin.policy(policy.id)).enabled).toBe(false);
    upstream = await listen(standin.app);
  });

  it('acknowledging and resolving a VSPC alarm in the hub is forwarded first', async () => {
    const c = await connect();
    await t.admin.syncConnection(c.id, { wait: true });
    const [first, second] = (await t.admin.alerts({ kind: ['vspcAlarm'] })).items;
    const acked = await t.admin.acknowledgeAlert(first!.id, 'looking');
    expect(acked.acknowledged?.note).toBe('looking');
    expect(standin.actions.at(-1)).toMatchObject({ action: 'acknowledge' });
    await t.admin.resolveAlert(second!.id, 'fixed');
    expect(standin.actions.at(-1)).toMatchObject({ action: 'resolve' });
    expect((await t.admin.alerts({ kind: ['vspcAlarm'] })).items.map((a) => a.id)).not.toContain(second!.id);
    const own = await t.admin.alerts({ kind: ['connectionFailing', 'backupFailed'] });
    if (own.items[0]) expect((await rejection(t.admin.resolveAlert(own.items[0].id))).status).toBe(409);
  });
});

describe('connections: secrets stay secret', () => {
  it('a copy of the data folder without its key file holds no secret; the key file is mode 600', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sphub-conn-'));
    try {
      const hub = await createTestHub({ services: { connectionKinds: kinds() }, config: { dataDir: dir, env: { SPHUB_CONNECTION_SYNC: 'off' } } });
      const c = await hub.admin.createConnection({ kind: 'vspc', name: 'on disk', baseUrl: `${upstream.origin}/api/v3`, auth: { type: 'password', username: 'sphub', password: 'standin-password' } });
      expect((await hub.admin.syncConnection(c.id, { wait: true })).result).toBe('success');
      await hub.close();
      expect((await stat(join(dir, 'secret.key'))).mode & 0o777).toBe(0o600);
      const files = (await readdir(dir, { recursive: true })).filter((f) => f !== 'secret.key');
      let text = '';
      for (const f of files) if ((await stat(join(dir, f))).isFile()) text += await readFile(join(dir, f), 'utf8');
      expect(text).toContain(c.id);
      expect(text).not.toContain('standin-password');
      // Reopened with the same key file, the connection still works.
      const again = await createTestHub({ services: { connectionKinds: kinds() }, config: { dataDir: dir, env: { SPHUB_CONNECTION_SYNC: 'off' } } });
      expect((await again.admin.testConnection(c.id)).ok).toBe(true);
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('no answer, log line, audit entry or event holds an API key or password', async () => {
    const secrets = [standin.apiKey, 'standin-password', 'wrong-password-123'];
    const answers: string[] = [];
    const record = async <T>(p: Promise<T>) => {
      try {
        const value = await p;
        answers.push(JSON.stringify(value));
        return value;
      } catch (error) {
        answers.push(JSON.stringify({ message: (error as Error).message, details: (error as ApiError).details }));
        return null;
      }
    };
    const a = (await record(connect({ name: 'secret A' })))!;
    const b = (await record(connect({ name: 'secret B', auth: { type: 'password', username: 'sphub', password: 'standin-password' } })))!;
    const w = (await record(connect({ name: 'secret W', auth: { type: 'password', username: 'sphub', password: 'wrong-password-123' } })))!;
    await record(t.admin.testConnection(a.id));
    await record(t.admin.testConnection(w.id));
    await record(t.admin.syncConnection(a.id, { wait: true }));
    await record(t.admin.syncConnection(b.id, { wait: true }));
    await record(t.admin.syncConnection(w.id, { wait: true }));
    standin.fault('/alarms/active', { status: 520 });
    await record(t.admin.syncConnection(a.id, { wait: true }));
    await record(t.admin.updateConnection(b.id, { auth: { type: 'apiKey', apiKey: standin.apiKey } }));
    await record(t.admin.connections());
    await record(t.admin.connectionRuns(a.id));
    await record(t.admin.connectionRuns(w.id));
    await record(t.admin.alerts());
    await record(connect({ name: 'secret A' }));
    const raw = await t.fetch('http://hub.test/api/v1/openapi.json');
    answers.push(await raw.text());
    const audit = t.hub.ctx.audit.list({ page: 1, pageSize: 100_000 });
    const events = await t.hub.ctx.events.since(0);
    const everything = [...answers, JSON.stringify(audit), JSON.stringify(events), ...logged].join('\n');
    expect(everything.length).toBeGreaterThan(1000);
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(everything).toContain('connection.created');
  });
});
