import { describe, expect, it } from 'vitest';
import { FakeClock, MINUTE } from '../../shared/domain/clock.js';
import { samplePolicy } from '../../shared/domain/testing.js';
import type { LogStatus, Policy } from '../../shared/schemas/backup.js';
import { HubTimers, type BackupJob, type SessionControl, type SessionCounters } from './runner.js';
import { planSession, renderPlan, SimulatedRunner, simulatedTenant } from './runner-simulated.js';

const customer = { id: 'cus_acme', displayName: 'Acme', domain: 'acme.com', tenantDomain: 'acme.onmicrosoft.com', totalActiveAccounts: 120, backedUpAccounts: 110 };

function job(sessionId: string, over: { policy?: Partial<Policy>; connected?: boolean } = {}): BackupJob {
  return {
    sessionId,
    policy: samplePolicy({ services: ['Exchange Online', 'OneDrive and SharePoint', 'Teams'], ...over.policy }),
    customer,
    tenant: { connected: over.connected ?? true, reason: over.connected === false ? 'consent revoked' : null },
    startedAt: new Date('2026-11-24T01:30:00Z'),
  };
}

/** A control on a fake clock that records what the runner reports. */
function harness(clock: FakeClock) {
  const timers = new HubTimers(clock);
  const abort = new AbortController();
  const logs: { at: string; status: LogStatus; message: string }[] = [];
  const progress: Partial<SessionCounters>[] = [];
  const control: SessionControl = {
    signal: abort.signal,
    now: () => clock.now(),
    wait: (ms) => timers.wait(ms, abort.signal),
    log: (status, message) => logs.push({ at: clock.now().toISOString(), status, message }),
    progress: (p) => progress.push(p),
  };
  /** Moves the clock in steps, releasing waits as it goes. */
  const run = async (ms: number, step = 1_000) => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(step);
      timers.fire();
      for (let i = 0; i < 5; i++) await Promise.resolve();
    }
  };
  return { timers, abort, logs, progress, control, run };
}

describe('the simulated tenant and its sessions', () => {
  it('derives a stable tenant from the customer', () => {
    expect(simulatedTenant(customer)).toEqual(simulatedTenant({ ...customer }));
    expect(simulatedTenant(customer).mailboxes).toBe(120);
    expect(simulatedTenant({ ...customer, tenantDomain: null }).domain).toBe('acme.onmicrosoft.com');
  });

  it('plans the same session for the same seed and session id, another for another', () => {
    expect(planSession(job('ses_1.pol_1'), { seed: 3 })).toEqual(planSession(job('ses_1.pol_1'), { seed: 3 }));
    expect(planSession(job('ses_1.pol_1'), { seed: 3 })).not.toEqual(planSession(job('ses_2.pol_1'), { seed: 3 }));
  });

  it('counts objects in scope: mailbox and OneDrive per user, groups, sites, teams, less the excluded', () => {
    const tenant = simulatedTenant(customer);
    const whole = planSession(job('s'), { failureRate: 0, warningRate: 0 });
    expect(whole.totalObjects).toBe(tenant.mailboxes * 2 + tenant.groups + tenant.sites + tenant.teams);
    const mail = planSession(job('s', { policy: { services: ['Exchange Online'], excluded: { users: ['a@acme.com', 'b@acme.com'], groups: [], sites: [], teams: [] } } }), { failureRate: 0 });
    expect(mail).toMatchObject({ totalObjects: tenant.mailboxes + tenant.groups - 2, excludedObjects: 2 });
    const selected = planSession(
      job('s', {
        policy: {
          backupType: 'SelectedItems',
          services: ['Exchange Online', 'OneDrive and SharePoint'],
          selected: { users: ['a@acme.com', 'b@acme.com'], groups: [], sites: ['Finance'], teams: ['Sales'] },
        },
      }),
      { failureRate: 0 },
    );
    expect(selected.totalObjects).toBe(2 * 2 + 1 + 1);
  });

  it('gives mostly Success, some Warning and Failed, with realistic durations', () => {
    const counts = { Success: 0, Warning: 0, Failed: 0, Disconnected: 0 };
    const durations: number[] = [];
    for (let i = 1; i <= 500; i++) {
      const plan = planSession(job(`ses_${i}.pol_1`), { seed: 1 });
      counts[plan.status] += 1;
      if (plan.status === 'Success') durations.push(plan.durationMs);
    }
    expect(counts.Disconnected).toBe(0);
    expect(counts.Success).toBeGreaterThan(350);
    expect(counts.Warning).toBeGreaterThan(20);
    expect(counts.Failed).toBeGreaterThan(10);
    // 245 objects at 2-4 s each: 8 to 20 minutes of processing when the session runs to its end.
    expect(Math.min(...durations)).toBeGreaterThan(8 * MINUTE);
    expect(Math.max(...durations)).toBeLessThan(21 * MINUTE);
  });

  it('ends Disconnected when the tenant connection is broken, saying why', () => {
    const plan = planSession(job('ses_1.pol_1', { connected: false }));
    expect(plan.status).toBe('Disconnected');
    expect(plan.summary).toBe('Unable to connect to Microsoft 365 organization acme.onmicrosoft.com: consent revoked');
    expect(plan.processedObjects).toBe(0);
  });

  it('writes a planned session out with the portal log lines', () => {
    const plan = planSession(job('ses_1.pol_1'), { failureRate: 0, warningRate: 0 });
    const start = Date.parse('2026-11-24T01:30:00Z');
    const { logs, endedAt } = renderPlan(plan, 'ses_1.pol_1', start);
    expect(endedAt).toBe(start + plan.durationMs);
    const messages = logs.map((l) => l.message);
    expect(messages[0]).toBe('Job started at 2026-11-24 01:30:00 UTC by SimulatedRunner (a simulation: no Microsoft 365 data is read or stored)');
    expect(messages).toContain(`Found ${plan.totalObjects} objects`);
    expect(messages).toContain('Found 0 excluded objects');
    expect(messages.find((m) => m.startsWith('Transferred: '))).toMatch(/^Transferred: [\d.]+ (KB|MB|GB) \([\d,]+ items\) at [\d.]+ (KB|MB) ?\/s \([\d,]+ items\/s\)$/);
    expect(logs.at(-1)).toMatchObject({ status: 'Success', message: `Job finished at ${new Date(endedAt).toISOString().slice(0, 19).replace('T', ' ')} UTC with status Success` });
    expect(logs.map((l) => l.at)).toEqual([...logs.map((l) => l.at)].sort());
    expect(logs.filter((l) => l.status === 'Failed' || l.status === 'Warning')).toEqual([]);
  });

  it('logs warnings only for Warning sessions and one failure, at its point, for Failed ones', () => {
    for (let i = 1; i <= 200; i++) {
      const plan = planSession(job(`ses_${i}.pol_1`), { seed: 2 });
      const levels = plan.steps.flatMap((s) => (s.kind === 'log' ? [s.status] : []));
      if (plan.status === 'Success') expect(levels.every((l) => l === 'Info')).toBe(true);
      if (plan.status === 'Warning') expect(levels.filter((l) => l === 'Warning').length).toBeGreaterThan(0);
      if (plan.status === 'Warning') expect(levels).not.toContain('Failed');
      if (plan.status === 'Failed') {
        expect(levels.filter((l) => l === 'Failed')).toHaveLength(1);
        expect(plan.processedObjects).toBeLessThan(plan.totalObjects);
      }
    }
  });
});

describe('SimulatedRunner', () => {
  it('runs over the hub clock at its speed, reporting progress and logs, and finishes', async () => {
    const clock = new FakeClock('2026-11-24T01:30:00Z');
    const h = harness(clock);
    const runner = new SimulatedRunner({ seed: 5, speed: 30, failureRate: 0, warningRate: 0 });
    expect(runner.name).toBe('SimulatedRunner');
    const done = runner.run(job('ses_1.pol_1'), h.control);
    let finished = false;
    void done.then(() => (finished = true));
    await h.run(5_000);
    expect(finished).toBe(false);
    expect(h.logs[0]?.message).toMatch(/SimulatedRunner/);
    const plan = planSession(job('ses_1.pol_1'), { seed: 5, failureRate: 0, warningRate: 0 });
    // At speed 30 the whole session takes its planned duration / 30 on the clock.
    await h.run(Math.ceil(plan.durationMs / 30) + 2_000);
    expect(await done).toEqual({ status: 'Success', summary: null });
    const percents = h.progress.map((p) => p.progress).filter((p): p is number => p !== undefined);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);
    expect(h.progress.find((p) => p.totalObjects !== undefined)).toEqual({ totalObjects: plan.totalObjects, excludedObjects: 0 });
    expect(h.logs.at(-1)?.message).toMatch(/^Job finished at .* with status Success$/);
    const elapsed = Date.parse(h.logs.at(-1)!.at) - Date.parse(h.logs[0]!.at);
    expect(elapsed).toBeGreaterThanOrEqual(Math.floor(plan.durationMs / 30) - 1_000);
    expect(elapsed).toBeLessThanOrEqual(Math.ceil(plan.durationMs / 30) + 1_000);
  });

  it('runs at once with an infinite speed', async () => {
    const h = harness(new FakeClock());
    const result = await new SimulatedRunner({ speed: Infinity, failureRate: 1 }).run(job('ses_9.pol_1'), h.control);
    expect(result.status).toBe('Failed');
    expect(result.summary).toMatch(/processing failed/);
    expect(h.logs.filter((l) => l.status === 'Failed')).toHaveLength(2);
  });

  it('stops working as soon as the session is stopped', async () => {
    const clock = new FakeClock();
    const h = harness(clock);
    const done = new SimulatedRunner({ speed: 1 }).run(job('ses_1.pol_1'), h.control);
    await h.run(60_000, 5_000);
    const before = h.logs.length;
    h.abort.abort();
    await done;
    await h.run(60 * MINUTE, 60_000);
    expect(h.logs.length).toBe(before);
    expect(h.timers.pending).toBe(0);
  });

  it('refuses a speed that is not above zero', () => {
    expect(() => new SimulatedRunner({ speed: 0 })).toThrow(/above 0/);
  });
});
