import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY, FakeClock, HOUR, MINUTE, systemClock } from '../../shared/domain/clock.js';
import { samplePolicy } from '../../shared/domain/testing.js';
import { createTestHub, type TestHub } from '../../test/helpers/hub.js';
import { policies } from '../services/backup/collections.js';
import { INTERRUPTED_MESSAGE } from '../services/backup/backup-service.js';
import { customers } from '../services/customer-collection.js';
import { advance, putCustomers, ScriptedRunner, testCustomer } from '../services/backup/testing.js';

const hubs: TestHub[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0).reverse()) await h.close().catch(() => undefined);
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function open(options: { clock: FakeClock; dir?: string; runner?: ScriptedRunner }) {
  const t = await createTestHub({
    clock: options.clock,
    ...(options.runner && { services: { runner: options.runner } }),
    config: { ...(options.dir && { dataDir: options.dir }), env: { SPHUB_SCHEDULER: 'off' } },
  });
  hubs.push(t);
  return t;
}

const acme = testCustomer({ id: 'cus_acme', displayName: 'Acme Corp', domain: 'acme.com' });

describe('the backup scheduler', () => {
  it('starts an enabled policy when due, not before, and keeps the daily phase', async () => {
    const clock = new FakeClock('2026-11-24T01:30:00Z');
    const t = await open({ clock, runner: new ScriptedRunner([{ status: 'Success', durationMs: 15 * MINUTE }]) });
    await putCustomers(t.hub, acme);
    const policy = await t.admin.createPolicy({ customerId: acme.id, name: 'Mail', backupType: 'EntireOrganization' });
    const scheduler = t.hub.ctx.services.backupScheduler;
    expect((await scheduler.tick()).started).toBe(1);
    const first = await t.admin.policy(policy.id);
    expect(first).toMatchObject({ lastStatus: 'Running', nextRun: '2026-11-25T01:30:00.000Z' });
    const [session] = (await t.admin.policySessions(policy.id)).items;
    expect(session).toMatchObject({ trigger: 'schedule', startedBy: 'SP Hub scheduler', status: 'Running' });
    await advance(t.hub, clock, 20 * MINUTE, MINUTE);
    expect((await scheduler.tick()).started).toBe(0);
    clock.set('2026-11-25T01:29:59Z');
    expect((await scheduler.tick()).started).toBe(0);
    clock.set('2026-11-25T01:30:02Z');
    expect((await scheduler.tick()).started).toBe(1);
    expect((await t.admin.policy(policy.id)).nextRun).toBe('2026-11-26T01:30:00.000Z');
    expect((await t.admin.policySessions(policy.id)).total).toBe(2);
  });

  it('leaves disabled policies alone and skips the slot of a customer that is not active', async () => {
    const clock = new FakeClock('2026-11-24T01:30:00Z');
    const t = await open({ clock, runner: new ScriptedRunner([{ status: 'Success' }]) });
    await putCustomers(t.hub, acme);
    const disabled = await t.admin.createPolicy({ customerId: acme.id, name: 'Off', backupType: 'EntireOrganization', enabled: false });
    const paused = await t.admin.createPolicy({ customerId: acme.id, name: 'Later', backupType: 'EntireOrganization', services: ['Teams'] });
    await putCustomers(t.hub, { ...acme, status: 'pending' });
    expect((await t.hub.ctx.services.backupScheduler.tick()).started).toBe(0);
    expect(await t.admin.policy(disabled.id)).toMatchObject({ lastStatus: 'Never', nextRun: null });
    expect(await t.admin.policy(paused.id)).toMatchObject({ lastStatus: 'Never', nextRun: '2026-11-25T01:30:00.000Z' });
  });

  it('runs sessions with the built-in SimulatedRunner on the fake clock', async () => {
    const clock = new FakeClock('2026-11-24T01:30:00Z');
    const t = await open({ clock });
    await putCustomers(t.hub, acme);
    const policy = await t.admin.createPolicy({ customerId: acme.id, name: 'Mail', backupType: 'EntireOrganization', services: ['Exchange Online'] });
    await t.hub.ctx.services.backupScheduler.tick();
    // Realistic sessions of 10-20 minutes run 30 times faster by default.
    await advance(t.hub, clock, 2 * MINUTE, 1_000);
    const [session] = (await t.admin.policySessions(policy.id)).items;
    expect(session).toMatchObject({ runner: 'SimulatedRunner', status: expect.stringMatching(/^(Success|Warning|Failed)$/) });
    expect(session!.durationMs).toBeGreaterThan(2_000);
    const logs = (await t.admin.sessionLogs(session!.id)).items.map((l) => l.message);
    expect(logs[0]).toMatch(/^Job started at .* by SimulatedRunner/);
    expect(logs).toContain('Found 0 excluded objects');
    expect(logs.at(-1)).toMatch(/^Job finished at .* with status /);
  });

  it('survives a crash mid-session: the session ends Failed "interrupted by a restart", no run lost or doubled', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sphub-scheduler-'));
    dirs.push(dir);
    const clock = new FakeClock('2026-11-24T01:30:00Z');
    const first = await open({ clock, dir, runner: new ScriptedRunner([{ status: 'Success', durationMs: 30 * MINUTE }]) });
    await putCustomers(first.hub, acme);
    const policy = await first.admin.createPolicy({ customerId: acme.id, name: 'Mail', backupType: 'EntireOrganization' });
    await first.hub.ctx.services.backupScheduler.tick();
    const running = (await first.admin.policy(policy.id)).runningSessionId!;
    await advance(first.hub, clock, 5 * MINUTE, MINUTE);
    // The process dies: the runner stops and nothing more is written (the store is closed only after the test).
    await first.hub.ctx.services.backup.close();

    clock.advance(10 * MINUTE);
    const second = await open({ clock, dir, runner: new ScriptedRunner([{ status: 'Success', durationMs: 10 * MINUTE }]) });
    await second.hub.start();
    const session = await second.admin.session(running);
    expect(session).toMatchObject({ status: 'Failed', summary: INTERRUPTED_MESSAGE, endedAt: clock.now().toISOString() });
    const logs = (await second.admin.sessionLogs(running)).items;
    expect(logs.at(-1)).toMatchObject({ status: 'Failed', message: 'Session interrupted by a restart of SP Hub; it did not complete' });
    expect(logs[0]?.message).toBe('Job started');
    expect(await second.admin.policy(policy.id)).toMatchObject({ lastStatus: 'Failed', runningSessionId: null, nextRun: '2026-11-25T01:30:00.000Z' });
    // Not doubled: the slot that ran is not run again after the restart...
    expect((await second.hub.ctx.services.backupScheduler.tick()).started).toBe(0);
    // ...and not lost: the next one runs once.
    clock.set('2026-11-25T01:30:00Z');
    expect((await second.hub.ctx.services.backupScheduler.tick()).started).toBe(1);
    expect((await second.hub.ctx.services.backupScheduler.tick()).started).toBe(0);
    const sessions = await second.admin.policySessions(policy.id);
    expect(sessions.items.map((s) => [s.id, s.status])).toEqual([
      [`ses_2.${policy.id}`, 'Running'],
      [running, 'Failed'],
    ]);
  });

  it('runs a slot missed while the hub was down once when it comes back, then keeps the phase', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sphub-scheduler-'));
    dirs.push(dir);
    const clock = new FakeClock('2026-11-24T01:30:00Z');
    const first = await open({ clock, dir, runner: new ScriptedRunner([{ status: 'Success', durationMs: 10 * MINUTE }]) });
    await putCustomers(first.hub, acme);
    const policy = await first.admin.createPolicy({ customerId: acme.id, name: 'Mail', backupType: 'EntireOrganization' });
    await first.hub.ctx.services.backupScheduler.tick();
    await advance(first.hub, clock, 15 * MINUTE, MINUTE);
    hubs.splice(hubs.indexOf(first), 1);
    await first.close();

    clock.set('2026-11-27T09:00:00Z');
    const second = await open({ clock, dir, runner: new ScriptedRunner([{ status: 'Success', durationMs: 10 * MINUTE }]) });
    await second.hub.start();
    expect((await second.hub.ctx.services.backupScheduler.tick()).started).toBe(1);
    expect((await second.hub.ctx.services.backupScheduler.tick()).started).toBe(0);
    expect(await second.admin.policy(policy.id)).toMatchObject({ nextRun: '2026-11-28T01:30:00.000Z' });
    expect((await second.admin.policySessions(policy.id)).total).toBe(2);
  });

  it('recovers a session whose start was saved on the policy but never reached its file', async () => {
    const clock = new FakeClock('2026-11-24T02:00:00Z');
    const t = await open({ clock, runner: new ScriptedRunner([{ status: 'Success' }]) });
    await putCustomers(t.hub, acme);
    const record = samplePolicy({
      id: 'pol_crashed',
      customerId: acme.id,
      lastStatus: 'Running',
      lastRun: '2026-11-24T01:30:00.000Z',
      runningSessionId: 'ses_3.pol_crashed',
      runCount: 3,
      nextRun: '2026-11-25T01:30:00.000Z',
    });
    await t.hub.ctx.store.write((tx) => tx.put(policies, record));
    await t.hub.start();
    expect(await t.admin.session('ses_3.pol_crashed')).toMatchObject({ status: 'Failed', startedAt: '2026-11-24T01:30:00.000Z', durationMs: 30 * MINUTE, summary: INTERRUPTED_MESSAGE });
    expect(await t.admin.policy('pol_crashed')).toMatchObject({ lastStatus: 'Failed', runningSessionId: null, nextRun: '2026-11-25T01:30:00.000Z' });
  });

  it('removes the policies of a customer that was deleted (offboarding)', async () => {
    const clock = new FakeClock('2026-11-24T01:30:00Z');
    const t = await open({ clock, runner: new ScriptedRunner([{ status: 'Success', durationMs: HOUR }]) });
    await putCustomers(t.hub, acme);
    const policy = await t.admin.createPolicy({ customerId: acme.id, name: 'Mail', backupType: 'EntireOrganization' });
    const session = await t.admin.startPolicy(policy.id);
    await t.hub.ctx.store.write((tx) => tx.delete(customers, acme.id));
    const report = await t.hub.ctx.services.backupScheduler.tick();
    expect(report.removedPolicies).toBe(1);
    expect((await t.admin.policies()).total).toBe(0);
    // Its history stays readable.
    expect((await t.admin.session(session.id)).status).toBe('Stopped');
    clock.advance(2 * DAY);
    expect((await t.hub.ctx.services.backupScheduler.tick()).started).toBe(0);
  });
});

describe('the backup scheduler on a real clock', () => {
  it('starts due policies and moves sessions along by itself once started', async () => {
    const t = await createTestHub({ clock: systemClock, config: { env: { SPHUB_RUNNER_SPEED: '600' } } });
    hubs.push(t);
    await putCustomers(t.hub, acme);
    const policy = await t.admin.createPolicy({ customerId: acme.id, name: 'Mail', backupType: 'SelectedItems', services: ['Exchange Online'], selected: { users: ['ann@acme.com'] } });
    await t.hub.start();
    // 1 object: 3 minutes of simulated processing at most, 600 times faster is well under 2 s.
    const deadline = Date.now() + 10_000;
    let status = 'Never';
    while (Date.now() < deadline) {
      status = (await t.admin.policy(policy.id)).lastStatus;
      if (status !== 'Never' && status !== 'Running') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(['Success', 'Warning', 'Failed']).toContain(status);
    expect((await t.admin.policySessions(policy.id)).items[0]).toMatchObject({ trigger: 'schedule', runner: 'SimulatedRunner' });
  });
});
