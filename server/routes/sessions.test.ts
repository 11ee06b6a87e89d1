import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../shared/api/client.js';
import { FakeClock, HOUR, MINUTE } from '../../shared/domain/clock.js';
import { createTestHub, type TestHub } from '../../test/helpers/hub.js';
import { parseCsv } from '../../shared/domain/csv.js';
import { SESSION_COLUMNS } from '../services/backup/session-export.js';
import { advance, putCustomers, ScriptedRunner, testCustomer, type ScriptedSession } from '../services/backup/testing.js';

let t: TestHub;
afterEach(async () => t?.close());

async function world(scripts: ScriptedSession[], options: { clock?: FakeClock; env?: Record<string, string> } = {}) {
  const runner = new ScriptedRunner(scripts);
  t = await createTestHub({ services: { runner }, ...(options.clock && { clock: options.clock }), ...(options.env && { config: { env: options.env } }) });
  const acme = testCustomer({ displayName: 'Acme Corp', domain: 'acme.com' });
  await putCustomers(t.hub, acme);
  const policy = await t.admin.createPolicy({ customerId: acme.id, name: 'Mail', backupType: 'EntireOrganization', services: ['Exchange Online'] });
  return { acme, policy, runner, backup: t.hub.ctx.services.backup };
}

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
};

describe('sessions', () => {
  it('runs a session with live progress and records its end on the policy and in the history', async () => {
    const { policy, runner } = await world([{ status: 'Success', durationMs: 10 * MINUTE }]);
    const started = await t.admin.startPolicy(policy.id);
    expect(started.id).toBe(`ses_1.${policy.id}`);
    expect(runner.jobs[0]).toMatchObject({ sessionId: started.id, customer: { displayName: 'Acme Corp' }, tenant: { connected: true } });
    await advance(t.hub, t.clock, 6 * MINUTE, MINUTE);
    expect(await t.admin.session(started.id)).toMatchObject({ status: 'Running', progress: 50, processedObjects: 5, totalObjects: 10, excludedObjects: 1 });
    expect((await t.admin.policy(policy.id)).running).toMatchObject({ sessionId: started.id, progress: 50, transferredBytes: 5_000 });
    await advance(t.hub, t.clock, 5 * MINUTE, MINUTE);
    const done = await t.admin.session(started.id);
    expect(done).toMatchObject({ status: 'Success', progress: 100, processedObjects: 9, transferredBytes: 9_000, durationMs: 10 * MINUTE, trigger: 'manual' });
    expect(done.endedAt).toBe(new Date(Date.parse(started.startedAt) + 10 * MINUTE).toISOString());
    expect(await t.admin.policy(policy.id)).toMatchObject({
      lastStatus: 'Success',
      lastResult: 'Success',
      lastRun: started.startedAt,
      lastSuccessAt: done.endedAt,
      runningSessionId: null,
      running: null,
      averageProcessTime: '00:10:00',
    });
    const logs = await t.admin.sessionLogs(started.id);
    expect(logs.items.map((l) => [l.status, l.message])).toEqual([
      ['Info', 'Job started'],
      ['Success', 'Job finished with status Success'],
    ]);
  });

  it('gives the runner result to the policy: Warning, Failed with its reason, Disconnected', async () => {
    const { acme, policy } = await world([
      { status: 'Warning', summary: '2 items skipped', logs: [['Warning', 'Mailbox ann@acme.com: 2 items skipped']] },
      { status: 'Failed', summary: 'throttled' },
      { status: 'Disconnected', summary: 'cannot connect' },
    ]);
    const run = async () => {
      const s = await t.admin.startPolicy(policy.id);
      await advance(t.hub, t.clock, 2 * MINUTE, 30_000);
      return t.admin.session(s.id);
    };
    expect((await run()).status).toBe('Warning');
    expect(await t.admin.policy(policy.id)).toMatchObject({ lastStatus: 'Warning', lastMessage: '2 items skipped' });
    const failed = await run();
    expect(failed).toMatchObject({ status: 'Failed', summary: 'throttled' });
    const p = await t.admin.policy(policy.id);
    expect(p).toMatchObject({ lastStatus: 'Failed', lastMessage: 'throttled', failingSince: expect.any(String) });
    await t.admin.setTenantConnection(acme.id, { status: 'broken', reason: 'consent revoked' });
    expect((await run()).status).toBe('Disconnected');
    expect((await t.admin.policy(policy.id)).lastStatus).toBe('Disconnected');
  });

  it('passes a broken tenant connection to the runner', async () => {
    const { acme, policy, runner } = await world([{ status: 'Success' }]);
    expect(await t.admin.tenantConnection(acme.id)).toMatchObject({ status: 'connected' });
    const broken = await t.admin.setTenantConnection(acme.id, { status: 'broken', reason: 'password changed' });
    expect(broken).toMatchObject({ status: 'broken', reason: 'password changed', since: t.clock.now().toISOString() });
    await t.admin.startPolicy(policy.id);
    expect(runner.jobs[0]?.tenant).toEqual({ connected: false, reason: 'password changed' });
    const reader = await t.userWith([]);
    expect((await failure(reader.client.setTenantConnection(acme.id, { status: 'connected' }))).status).toBe(403);
  });

  it('a runner that throws ends the session Failed and says so in the log', async () => {
    const { policy } = await world([{ status: 'Success', throws: 'tenant API exploded' }]);
    const s = await t.admin.startPolicy(policy.id);
    await advance(t.hub, t.clock, MINUTE, 30_000);
    expect(await t.admin.session(s.id)).toMatchObject({ status: 'Failed', summary: 'The runner ScriptedRunner failed: tenant API exploded' });
    expect((await t.admin.sessionLogs(s.id, { status: ['Failed'] })).items.map((l) => l.message)).toEqual(['The runner ScriptedRunner failed: tenant API exploded']);
  });

  it('stop really stops: the session ends Stopped at once and the runner adds nothing after', async () => {
    const { policy } = await world([{ status: 'Success', durationMs: 20 * MINUTE }]);
    const s = await t.admin.startPolicy(policy.id);
    await advance(t.hub, t.clock, 11 * MINUTE, MINUTE);
    const stopped = await t.admin.stopPolicy(policy.id);
    expect(stopped).toMatchObject({ id: s.id, status: 'Stopped', progress: 50, summary: expect.stringMatching(/^Stopped by /) });
    expect(await t.admin.policy(policy.id)).toMatchObject({ lastStatus: 'Stopped', runningSessionId: null, lastSuccessAt: null });
    await advance(t.hub, t.clock, 30 * MINUTE, MINUTE);
    expect((await t.admin.session(s.id)).status).toBe('Stopped');
    const logs = (await t.admin.sessionLogs(s.id)).items;
    expect(logs.at(-1)).toMatchObject({ status: 'Warning', message: expect.stringMatching(/^Job stopped by /) });
    expect(logs.some((l) => l.message.includes('finished'))).toBe(false);
    expect((await t.admin.audit({ action: 'session.finished' })).items[0]?.details).toMatchObject({ status: 'Stopped' });
    // It can run again afterwards.
    expect((await t.admin.startPolicy(policy.id)).id).toBe(`ses_2.${policy.id}`);
  });

  it("lists a policy's sessions newest first with status and date filters and pages", async () => {
    const clock = new FakeClock('2026-11-20T01:00:00Z');
    const { policy } = await world([{ status: 'Success' }, { status: 'Failed' }, { status: 'Success' }, { status: 'Warning' }], { clock });
    const ids: string[] = [];
    for (let day = 0; day < 4; day++) {
      ids.push((await t.admin.startPolicy(policy.id)).id);
      await advance(t.hub, t.clock, 2 * MINUTE, 30_000);
      t.clock.advance(24 * HOUR - 2 * MINUTE);
    }
    const all = await t.admin.policySessions(policy.id);
    expect(all).toMatchObject({ total: 4, page: 1, pageSize: 30 });
    expect(all.items.map((s) => s.id)).toEqual([...ids].reverse());
    expect(all.items.map((s) => s.status)).toEqual(['Warning', 'Success', 'Failed', 'Success']);
    expect((await t.admin.policySessions(policy.id, { status: ['Failed', 'Warning'] })).items.map((s) => s.id)).toEqual([ids[3], ids[1]]);
    expect((await t.admin.policySessions(policy.id, { from: '2026-11-21', to: '2026-11-22' })).items.map((s) => s.id)).toEqual([ids[2], ids[1]]);
    expect((await t.admin.policySessions(policy.id, { from: '2026-11-22T00:00:00Z' })).total).toBe(2);
    const page = await t.admin.policySessions(policy.id, { page: 2, pageSize: 3 });
    expect(page.items.map((s) => s.id)).toEqual([ids[0]]);
    expect((await failure(t.admin.policySessions(policy.id, { from: 'yesterday' }))).status).toBe(400);
    expect((await failure(t.admin.policySessions('pol_missing'))).status).toBe(404);
  });

  it("serves a session's logs filtered by status and as CSV, and 404 for unknown sessions", async () => {
    const { policy } = await world([
      {
        status: 'Warning',
        logs: [
          ['Warning', 'Site "Finance", "Q4": 1 item skipped'],
          ['Info', '=cmd|calc'],
        ],
      },
    ]);
    const s = await t.admin.startPolicy(policy.id);
    await advance(t.hub, t.clock, 2 * MINUTE, 30_000);
    const warnings = await t.admin.sessionLogs(s.id, { status: ['Warning'] });
    expect(warnings.session.id).toBe(s.id);
    expect(warnings.items.map((l) => l.message)).toEqual(['Site "Finance", "Q4": 1 item skipped', 'Job finished with status Warning']);
    const csv = await t.admin.sessionLogsCsv(s.id);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['Time', 'Status', 'Message']);
    expect(rows.slice(1).map((r) => r.slice(1))).toEqual([
      ['Info', 'Job started'],
      ['Warning', 'Site "Finance", "Q4": 1 item skipped'],
      ['Info', "'=cmd|calc"],
      ['Warning', 'Job finished with status Warning'],
    ]);
    const response = await t.admin.raw('GET', `/sessions/${s.id}/logs.csv`);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="session-logs-${s.id}.csv"`);
    expect((await failure(t.admin.session(`ses_9.${policy.id}`))).status).toBe(404);
    expect((await failure(t.admin.session('ses_1.pol_nothere'))).status).toBe(404);
    expect((await failure(t.admin.sessionLogs('not-a-session'))).status).toBe(404);
  });

  it("exports a customer's month as a ZIP of CSV files that read back, including deleted policies", async () => {
    const clock = new FakeClock('2026-10-31T23:00:00Z');
    const { acme, policy } = await world(
      [
        { status: 'Success', durationMs: 2 * MINUTE },
        { status: 'Failed', summary: 'throttled, "429"' },
      ],
      { clock },
    );
    const october = await t.admin.startPolicy(policy.id);
    await advance(t.hub, t.clock, 3 * MINUTE, MINUTE);
    t.clock.set('2026-11-02T01:30:00Z');
    const november = await t.admin.startPolicy(policy.id);
    await advance(t.hub, t.clock, 3 * MINUTE, MINUTE);
    const other = await t.admin.createPolicy({ customerId: acme.id, name: 'Teams', backupType: 'EntireOrganization', services: ['Teams'] });
    const deleted = await t.admin.startPolicy(other.id);
    await advance(t.hub, t.clock, 3 * MINUTE, MINUTE);
    await t.admin.deletePolicy(other.id);

    const zip = await t.admin.exportSessions(acme.id, '2026-11');
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['session-logs-2026-11.csv', 'sessions-2026-11.csv']);
    const sessions = parseCsv(strFromU8(files['sessions-2026-11.csv']!));
    expect(sessions[0]).toEqual(SESSION_COLUMNS);
    const byId = Object.fromEntries(sessions.slice(1).map((r) => [r[0], Object.fromEntries(SESSION_COLUMNS.map((c, i) => [c, r[i]]))]));
    expect(Object.keys(byId).sort()).toEqual([november.id, deleted.id].sort());
    expect(byId[november.id]).toMatchObject({
      Policy: 'Mail',
      Customer: 'Acme Corp',
      Status: 'Failed',
      'Processed Objects': '9',
      Summary: 'throttled, "429"',
      Runner: 'ScriptedRunner',
      Trigger: 'manual',
    });
    expect(byId[deleted.id]).toMatchObject({ Policy: 'Teams', Status: 'Failed' });
    const logs = parseCsv(strFromU8(files['session-logs-2026-11.csv']!));
    expect(logs[0]).toEqual(['Session ID', 'Policy', 'Time', 'Status', 'Message']);
    expect(new Set(logs.slice(1).map((r) => r[0]))).toEqual(new Set([november.id, deleted.id]));
    const octoberZip = unzipSync(await t.admin.exportSessions(acme.id, '2026-10'));
    expect(
      parseCsv(strFromU8(octoberZip['sessions-2026-10.csv']!))
        .slice(1)
        .map((r) => r[0]),
    ).toEqual([october.id]);
    const empty = unzipSync(await t.admin.exportSessions(acme.id, '2026-01'));
    expect(parseCsv(strFromU8(empty['sessions-2026-01.csv']!))).toEqual([SESSION_COLUMNS]);

    const response = await t.admin.raw('GET', `/customers/${acme.id}/sessions/export`, { query: { month: '2026-11' } });
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="sessions-acme-corp-2026-11.zip"');
    expect((await failure(t.admin.exportSessions(acme.id, '2026-13'))).status).toBe(400);
    expect((await failure(t.admin.exportSessions('cus_nobody', '2026-11'))).status).toBe(404);
    const reader = await t.userWith([]);
    expect((await failure(reader.client.exportSessions(acme.id, '2026-11'))).message).toMatch(/"backupManagement"/);
  });

  it('emits session.started and session.finished with the notification topic', async () => {
    const { policy } = await world([{ status: 'Failed', summary: 'throttled' }]);
    const from = t.hub.ctx.events.lastId;
    const s = await t.admin.startPolicy(policy.id);
    await advance(t.hub, t.clock, 2 * MINUTE, 30_000);
    const events = (await t.hub.ctx.events.since(from)).filter((e) => e.type.startsWith('session.'));
    expect(events.map((e) => e.type)).toEqual(['session.started', 'session.finished']);
    expect(events[1]).toMatchObject({ customerId: policy.customerId, data: { sessionId: s.id, status: 'Failed', summary: 'throttled', topic: 'backupFailed', policyName: 'Mail' } });
  });
});
