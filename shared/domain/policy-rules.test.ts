import { describe, expect, it } from 'vitest';
import { say, type Text } from '../i18n/index.js';
import { emptyObjects } from '../schemas/backup.js';
import { HOUR } from './clock.js';
import {
  applyDisable,
  applyEnable,
  applyFinish,
  applyStart,
  customerConflict,
  deleteConflict,
  disableConflict,
  enableConflict,
  nextRunOnEnable,
  nextScheduledRun,
  scopeProblems,
  startConflict,
  stopConflict,
} from './policy-rules.js';
import { samplePolicy as policy } from './testing.js';

const NOW = new Date('2026-11-24T09:00:00.000Z');

/** A refusal in English (null stays null, so toMatch fails on a missing refusal). */
const english = (text: Text | null) => (text ? say('en', text) : null);

describe('policy conflicts', () => {
  it('refuses actions for customers that are not active, naming the status', () => {
    expect(customerConflict({ displayName: 'Acme', status: 'active' })).toBeNull();
    expect(english(customerConflict({ displayName: 'Acme', status: 'pending' }))).toMatch(/"Acme" is pending/);
  });

  it('refuses to start a running or a disabled policy', () => {
    expect(startConflict(policy())).toBeNull();
    expect(english(startConflict(policy({ runningSessionId: 'ses_1.pol_1' })))).toMatch(/already running.*ses_1\.pol_1/);
    expect(english(startConflict(policy({ enabled: false })))).toMatch(/disabled/);
  });

  it('refuses to stop an idle policy and to delete a running one', () => {
    expect(english(stopConflict(policy()))).toMatch(/not running/);
    expect(stopConflict(policy({ runningSessionId: 's' }))).toBeNull();
    expect(english(deleteConflict(policy({ runningSessionId: 's' })))).toMatch(/Stop its session/);
    expect(deleteConflict(policy())).toBeNull();
  });

  it('refuses to enable an enabled policy or disable a disabled one', () => {
    expect(english(enableConflict(policy()))).toMatch(/already enabled/);
    expect(enableConflict(policy({ enabled: false }))).toBeNull();
    expect(english(disableConflict(policy({ enabled: false })))).toMatch(/already disabled/);
    expect(disableConflict(policy())).toBeNull();
  });
});

describe('policy scope', () => {
  it('needs a selected object for SelectedItems and none for EntireOrganization', () => {
    expect(scopeProblems({ backupType: 'SelectedItems', selected: emptyObjects(), excluded: emptyObjects() })).toEqual([{ field: 'selected', message: expect.stringMatching(/at least one/) }]);
    expect(scopeProblems({ backupType: 'EntireOrganization', selected: { ...emptyObjects(), teams: ['Sales'] }, excluded: emptyObjects() })[0]?.field).toBe('selected');
    expect(scopeProblems({ backupType: 'EntireOrganization', selected: emptyObjects(), excluded: { ...emptyObjects(), users: ['a@b.com'] } })).toEqual([]);
  });

  it('refuses an object both selected and excluded, case-insensitively', () => {
    const problems = scopeProblems({
      backupType: 'SelectedItems',
      selected: { ...emptyObjects(), users: ['Ann@contoso.com'] },
      excluded: { ...emptyObjects(), users: ['ann@contoso.com'] },
    });
    expect(problems).toEqual([{ field: 'excluded.users', message: '"ann@contoso.com" is also selected' }]);
  });
});

describe('schedule', () => {
  it('keeps a future slot and moves a past one forward in whole intervals', () => {
    expect(nextScheduledRun('2026-11-25T01:30:00.000Z', NOW, 24)).toBe('2026-11-25T01:30:00.000Z');
    expect(nextScheduledRun('2026-11-24T01:30:00.000Z', NOW, 24)).toBe('2026-11-25T01:30:00.000Z');
    // Three days of downtime: one run now, then back on the 01:30 phase (not three runs).
    expect(nextScheduledRun('2026-11-21T01:30:00.000Z', NOW, 24)).toBe('2026-11-25T01:30:00.000Z');
    expect(nextScheduledRun('2026-11-24T09:00:00.000Z', NOW, 6)).toBe('2026-11-24T15:00:00.000Z');
    expect(nextScheduledRun(null, NOW, 24)).toBe('2026-11-25T09:00:00.000Z');
  });

  it('schedules an enabled policy one interval after its last run, or now', () => {
    expect(nextRunOnEnable({ lastRun: null, scheduleHours: 24 }, NOW)).toBe(NOW.toISOString());
    expect(nextRunOnEnable({ lastRun: '2026-11-24T01:00:00.000Z', scheduleHours: 24 }, NOW)).toBe('2026-11-25T01:00:00.000Z');
    expect(nextRunOnEnable({ lastRun: '2026-11-20T01:00:00.000Z', scheduleHours: 24 }, NOW)).toBe(NOW.toISOString());
  });

  it('disabling clears the next run, enabling sets it', () => {
    const disabled = applyDisable(policy(), NOW);
    expect(disabled).toMatchObject({ enabled: false, nextRun: null });
    expect(applyEnable(disabled, NOW)).toMatchObject({ enabled: true, nextRun: NOW.toISOString() });
  });
});

describe('start and finish', () => {
  it('a start marks the policy Running and consumes a due slot only', () => {
    const due = applyStart(policy({ nextRun: '2026-11-24T01:30:00.000Z' }), { sessionId: 'ses_1.pol_1', now: NOW });
    expect(due).toMatchObject({ lastStatus: 'Running', lastRun: NOW.toISOString(), runningSessionId: 'ses_1.pol_1', runCount: 1, nextRun: '2026-11-25T01:30:00.000Z' });
    const early = applyStart(policy({ nextRun: '2026-11-25T01:30:00.000Z' }), { sessionId: 'ses_1.pol_1', now: NOW });
    expect(early.nextRun).toBe('2026-11-25T01:30:00.000Z');
    expect(applyStart(policy({ nextRun: null, enabled: false }), { sessionId: 's', now: NOW }).nextRun).toBeNull();
  });

  it('a finish records the result, success time, failing streak and average time', () => {
    let p = applyStart(policy(), { sessionId: 's1', now: NOW });
    p = applyFinish(p, { sessionId: 's1', result: 'Failed', startedAt: NOW.toISOString(), endedAt: '2026-11-24T09:10:00.000Z', summary: 'throttled' });
    expect(p).toMatchObject({
      lastStatus: 'Failed',
      lastResult: 'Failed',
      lastMessage: 'throttled',
      runningSessionId: null,
      lastSessionId: 's1',
      lastSuccessAt: null,
      failingSince: '2026-11-24T09:10:00.000Z',
      averageProcessMs: 600_000,
      timedRuns: 1,
    });
    p = applyFinish(applyStart(p, { sessionId: 's2', now: new Date('2026-11-25T09:00:00Z') }), {
      sessionId: 's2',
      result: 'Warning',
      startedAt: '2026-11-25T09:00:00.000Z',
      endedAt: '2026-11-25T09:20:00.000Z',
      summary: null,
    });
    // Warning protects (stale clock resets) but the streak of non-success goes on.
    expect(p).toMatchObject({ lastResult: 'Warning', lastSuccessAt: '2026-11-25T09:20:00.000Z', failingSince: '2026-11-24T09:10:00.000Z', averageProcessMs: 900_000, timedRuns: 2 });
    p = applyFinish(applyStart(p, { sessionId: 's3', now: new Date('2026-11-26T09:00:00Z') }), {
      sessionId: 's3',
      result: 'Stopped',
      startedAt: '2026-11-26T09:00:00.000Z',
      endedAt: '2026-11-26T09:01:00.000Z',
      summary: null,
    });
    // Stopped neither protects nor counts towards the average.
    expect(p).toMatchObject({ lastStatus: 'Stopped', lastSuccessAt: '2026-11-25T09:20:00.000Z', failingSince: '2026-11-24T09:10:00.000Z', averageProcessMs: 900_000, timedRuns: 2 });
    p = applyFinish(applyStart(p, { sessionId: 's4', now: new Date('2026-11-27T09:00:00Z') }), {
      sessionId: 's4',
      result: 'Success',
      startedAt: '2026-11-27T09:00:00.000Z',
      endedAt: '2026-11-27T09:30:00.000Z',
      summary: null,
    });
    expect(p).toMatchObject({ lastResult: 'Success', failingSince: null, averageProcessMs: 1_200_000, timedRuns: 3, runCount: 4 });
  });

  it('a finish of another session leaves the running one in place', () => {
    const p = applyFinish(policy({ runningSessionId: 's2' }), { sessionId: 's1', result: 'Failed', startedAt: NOW.toISOString(), endedAt: NOW.toISOString(), summary: null });
    expect(p.runningSessionId).toBe('s2');
    expect(6 * HOUR).toBe(21_600_000);
  });
});
