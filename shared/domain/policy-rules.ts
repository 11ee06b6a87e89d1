import type { BackupType, Policy, PolicyObjects, SessionResult } from '../schemas/backup.js';
import { OBJECT_KINDS } from '../schemas/backup.js';
import type { Text } from '../i18n/index.js';
import { HOUR } from './clock.js';

// The life of a Flex backup policy as pure transitions: what may happen in which state (a
// refusal is a sentence for a 409, a catalog Text so the API says it in the caller's language),
// and the record each step leaves behind.

export interface Problem {
  field: string;
  message: string;
}

/** Policies can be managed only for onboarded (active) customers. */
export function customerConflict(customer: { displayName: string; status: string }): Text | null {
  if (customer.status === 'active') return null;
  return { key: 'api.policy.customerInactive', params: { customer: customer.displayName, status: customer.status } };
}

export function startConflict(policy: Policy): Text | null {
  if (policy.runningSessionId) {
    return { key: 'api.policy.alreadyRunning', params: { policy: policy.name, session: policy.runningSessionId, started: policy.lastRun ?? { key: 'api.justNow' } } };
  }
  if (!policy.enabled) return { key: 'api.policy.disabled', params: { policy: policy.name } };
  return null;
}

export function stopConflict(policy: Policy): Text | null {
  return policy.runningSessionId ? null : { key: 'api.policy.notRunning', params: { policy: policy.name } };
}

export function enableConflict(policy: Policy): Text | null {
  return policy.enabled ? { key: 'api.policy.alreadyEnabled', params: { policy: policy.name } } : null;
}

export function disableConflict(policy: Policy): Text | null {
  return policy.enabled ? null : { key: 'api.policy.alreadyDisabled', params: { policy: policy.name } };
}

export function deleteConflict(policy: Policy): Text | null {
  return policy.runningSessionId ? { key: 'api.policy.deleteRunning', params: { policy: policy.name } } : null;
}

/**
 * What a policy backs up must make sense: SelectedItems names at least one object,
 * EntireOrganization selects nothing (it leaves objects out with `excluded`), and nothing is
 * both selected and excluded.
 */
export function scopeProblems(scope: { backupType: BackupType; selected: PolicyObjects; excluded: PolicyObjects }): Problem[] {
  const problems: Problem[] = [];
  const selectedCount = OBJECT_KINDS.reduce((n, kind) => n + scope.selected[kind].length, 0);
  if (scope.backupType === 'SelectedItems' && selectedCount === 0) {
    problems.push({ field: 'selected', message: 'SelectedItems needs at least one selected user, group, site or team' });
  }
  if (scope.backupType === 'EntireOrganization' && selectedCount > 0) {
    problems.push({ field: 'selected', message: 'must be empty for EntireOrganization (leave objects out with excluded)' });
  }
  for (const kind of OBJECT_KINDS) {
    const selected = new Set(scope.selected[kind].map((v) => v.toLowerCase()));
    for (const item of scope.excluded[kind]) {
      if (selected.has(item.toLowerCase())) problems.push({ field: `excluded.${kind}`, message: `"${item}" is also selected` });
    }
  }
  return problems;
}

/**
 * The next slot of the schedule after `now`, keeping the phase of the previous slot (a policy
 * that ran at 01:30 keeps running at 01:30). A slot still in the future is kept as it is.
 */
export function nextScheduledRun(previous: string | null, now: Date, scheduleHours: number): string {
  const interval = scheduleHours * HOUR;
  if (!previous) return new Date(now.getTime() + interval).toISOString();
  const slot = Date.parse(previous);
  if (slot > now.getTime()) return previous;
  const steps = Math.floor((now.getTime() - slot) / interval) + 1;
  return new Date(slot + steps * interval).toISOString();
}

/** Enabling schedules the next run one interval after the last one, or now if that is past. */
export function nextRunOnEnable(policy: Pick<Policy, 'lastRun' | 'scheduleHours'>, now: Date): string {
  if (!policy.lastRun) return now.toISOString();
  return new Date(Math.max(now.getTime(), Date.parse(policy.lastRun) + policy.scheduleHours * HOUR)).toISOString();
}

/** The fields a policy is created with. */
export type NewPolicy = Pick<Policy, 'id' | 'customerId' | 'name' | 'backupType' | 'services' | 'selected' | 'excluded' | 'enabled' | 'scheduleHours' | 'nextRun' | 'createdAt' | 'createdBy'>;

/** A Flex policy as created: never run, nothing failing, no session. */
export function newPolicy(fields: NewPolicy): Policy {
  return {
    ...fields,
    policyType: 'Flex',
    lastRun: null,
    lastStatus: 'Never',
    lastResult: 'Never',
    lastMessage: null,
    lastSuccessAt: null,
    failingSince: null,
    averageProcessMs: 0,
    timedRuns: 0,
    runCount: 0,
    runningSessionId: null,
    lastSessionId: null,
    updatedAt: fields.createdAt,
  };
}

/**
 * A session starts. A due slot is consumed (moved to the next one) whoever starts the session,
 * so a manual start just before the schedule does not run twice.
 */
export function applyStart(policy: Policy, start: { sessionId: string; now: Date }): Policy {
  const due = policy.nextRun !== null && Date.parse(policy.nextRun) <= start.now.getTime();
  return {
    ...policy,
    lastStatus: 'Running',
    lastRun: start.now.toISOString(),
    runningSessionId: start.sessionId,
    runCount: policy.runCount + 1,
    nextRun: due ? nextScheduledRun(policy.nextRun, start.now, policy.scheduleHours) : policy.nextRun,
    updatedAt: start.now.toISOString(),
  };
}

/** Success and Warning protect the data (Warning: some items were skipped); the rest do not. */
export const isProtectingResult = (result: string): boolean => result === 'Success' || result === 'Warning';
/** Sessions that ran to their end count towards the average process time. */
const isTimedResult = (result: SessionResult): boolean => result === 'Success' || result === 'Warning' || result === 'Failed';

/** A session ended: the policy's current state takes its result. */
/** The notification topic a finished session raises: completed (with or without warnings) or failed; none when stopped. */
export function finishedSessionTopic(status: string): 'backupComplete' | 'backupFailed' | null {
  return status === 'Success' || status === 'Warning' ? 'backupComplete' : status === 'Failed' || status === 'Disconnected' ? 'backupFailed' : null;
}

export function applyFinish(policy: Policy, end: { sessionId: string; result: SessionResult; startedAt: string; endedAt: string; summary: string | null }): Policy {
  const duration = Math.max(0, Date.parse(end.endedAt) - Date.parse(end.startedAt));
  const timed = isTimedResult(end.result);
  return {
    ...policy,
    lastStatus: end.result,
    lastResult: end.result,
    lastMessage: end.summary,
    runningSessionId: policy.runningSessionId === end.sessionId ? null : policy.runningSessionId,
    lastSessionId: end.sessionId,
    lastSuccessAt: isProtectingResult(end.result) ? end.endedAt : policy.lastSuccessAt,
    failingSince: end.result === 'Success' ? null : end.result === 'Stopped' ? policy.failingSince : (policy.failingSince ?? end.endedAt),
    averageProcessMs: timed ? Math.round((policy.averageProcessMs * policy.timedRuns + duration) / (policy.timedRuns + 1)) : policy.averageProcessMs,
    timedRuns: timed ? policy.timedRuns + 1 : policy.timedRuns,
    updatedAt: end.endedAt,
  };
}

export function applyEnable(policy: Policy, now: Date): Policy {
  return { ...policy, enabled: true, nextRun: nextRunOnEnable(policy, now), updatedAt: now.toISOString() };
}

export function applyDisable(policy: Policy, now: Date): Policy {
  return { ...policy, enabled: false, nextRun: null, updatedAt: now.toISOString() };
}

// ---- the schedule ----

/** Where Veeam takes support cases (the guide: "log in to My Account ... and open a support case"). */
export const VEEAM_MY_ACCOUNT_URL = 'https://my.veeam.com';

/**
 * The guide: "By default, backup policies run every 24 hours. To change the schedule, log in to My
 * Account ... and open a support case." Only hub-native policies and upstream jobs whose schedule
 * the upstream lets this user edit (VSPC's scheduleEditingAvailable) change it here.
 */
export function scheduleEditable(policy: Pick<Policy, 'scheduleEditingAvailable'>): boolean {
  return policy.scheduleEditingAvailable !== false;
}

/** The support case that asks Veeam to change a policy's schedule, ready to paste. */
export function scheduleSupportCase(policy: Pick<Policy, 'name' | 'scheduleHours'>, customerName: string, requestedHours?: number): string {
  return [
    `Open a case at ${VEEAM_MY_ACCOUNT_URL} (Support > Open a case).`,
    'Request summary: Change backup policy schedule in VDC M365',
    `Customer: ${customerName}`,
    `Backup policy: ${policy.name}`,
    `Current schedule: every ${policy.scheduleHours} hours`,
    `Requested schedule: ${requestedHours ? `every ${requestedHours} hours` : '(state the schedule you need)'}`,
  ].join('\n');
}
