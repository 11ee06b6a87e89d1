import { intBetween, pick, seededRandom } from '../../shared/domain/random.js';
import { formatBytes } from '../../shared/domain/units.js';
import type { LogStatus, ProtectedService } from '../../shared/schemas/backup.js';
import type { BackupJob, BackupRunner, RunResult, SessionControl } from './runner.js';

// The built-in runner. It backs nothing up: it simulates a Microsoft 365 organization's
// mailboxes, OneDrives, sites and teams with realistic, seeded sizes, timings and outcomes,
// and every session's log says so.

export const SIMULATED_RUNNER_NAME = 'SimulatedRunner';

export interface SimulatedRunnerOptions {
  /** Mixed into every session's seed: the same seed gives the same sessions. */
  seed?: number;
  /**
   * How many times faster than real a session runs. Realistic sessions take 3 to 27 minutes;
   * 30 (the default) makes them 6 s to a minute for demos. `Infinity` runs them at once.
   */
  speed?: number;
  /** Outcome odds for a reachable tenant (the rest is Success). */
  warningRate?: number;
  failureRate?: number;
}

/** The simulated organization behind a customer; stable for a customer id. */
export interface SimulatedTenant {
  domain: string;
  mailboxes: number;
  groups: number;
  sites: number;
  teams: number;
}

export type PlanStep =
  | { at: number; kind: 'log'; status: LogStatus; message: string }
  | { at: number; kind: 'scope'; totalObjects: number; excludedObjects: number }
  | { at: number; kind: 'progress'; progress: number; processedObjects: number; transferredBytes: number }
  | { at: number; kind: 'transferred' };

/** A whole session decided up front; `run` plays it against the clock, the history seed writes it out. */
export interface SessionPlan {
  status: RunResult['status'];
  summary: string | null;
  totalObjects: number;
  excludedObjects: number;
  processedObjects: number;
  transferredBytes: number;
  items: number;
  /** When processing starts and the whole session ends, in simulated ms from the start. */
  processingStartsAt: number;
  durationMs: number;
  steps: PlanStep[];
}

const FIRST_NAMES = [
  'anna.keller',
  'ben.osei',
  'carla.mendes',
  'dev.patel',
  'elena.rossi',
  'farid.haddad',
  'grace.lin',
  'hugo.berg',
  'ines.duarte',
  'jonas.weber',
  'kara.nyberg',
  'liam.walsh',
  'mia.tanaka',
  'noah.fischer',
];
const SITES = ['Finance', 'HR', 'Marketing', 'Projects', 'Legal', 'Sales', 'IT', 'Operations'];
const TEAMS = ['Leadership', 'Sales Team', 'Support', 'Engineering', 'Onboarding', 'Field Service'];

/** FNV-1a: a stable 32-bit seed from a string. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function simulatedTenant(customer: BackupJob['customer']): SimulatedTenant {
  const random = seededRandom(hashSeed(`tenant:${customer.id}`));
  const mailboxes = Math.max(5, customer.totalActiveAccounts || customer.backedUpAccounts || intBetween(random, 15, 400));
  return {
    domain: customer.tenantDomain ?? `${(customer.domain ?? 'tenant').split('.')[0] ?? 'tenant'}.onmicrosoft.com`,
    mailboxes,
    groups: Math.max(1, Math.round(mailboxes / intBetween(random, 8, 14))),
    sites: Math.max(1, Math.round(mailboxes / intBetween(random, 5, 12))),
    teams: Math.round(mailboxes / intBetween(random, 6, 15)),
  };
}

/** Objects in scope: mailboxes and OneDrives per user, group mailboxes, sites, teams. */
function scopeCounts(job: BackupJob, tenant: SimulatedTenant): { total: number; excluded: number } {
  const { policy } = job;
  const has = (s: ProtectedService) => policy.services.includes(s);
  const perUser = (has('Exchange Online') ? 1 : 0) + (has('OneDrive and SharePoint') ? 1 : 0);
  const excluded = policy.excluded.users.length * Math.max(1, perUser) + policy.excluded.groups.length + policy.excluded.sites.length + policy.excluded.teams.length;
  if (policy.backupType === 'SelectedItems') {
    const s = policy.selected;
    const total = s.users.length * Math.max(1, perUser) + s.groups.length + (has('OneDrive and SharePoint') || s.sites.length ? s.sites.length : 0) + s.teams.length;
    return { total: Math.max(0, total - excluded), excluded };
  }
  const total = tenant.mailboxes * perUser + (has('Exchange Online') ? tenant.groups : 0) + (has('OneDrive and SharePoint') ? tenant.sites : 0) + (has('Teams') ? tenant.teams : 0);
  return { total: Math.max(0, total - excluded), excluded };
}

/** A mailbox, site or team name from the job, for warnings and errors. */
function objectName(job: BackupJob, tenant: SimulatedTenant, random: () => number): string {
  const s = job.policy.selected;
  const options: string[] = [];
  if (job.policy.backupType === 'SelectedItems') {
    options.push(...s.users.map((u) => `Mailbox ${u}`), ...s.sites.map((x) => `Site ${x}`), ...s.teams.map((t) => `Team ${t}`), ...s.groups.map((g) => `Group ${g}`));
  }
  if (options.length > 0) return pick(random, options);
  const kind = random();
  const host = tenant.domain.replace(/\.onmicrosoft\.com$/, '');
  if (kind < 0.5 || (job.policy.services.length === 1 && job.policy.services[0] === 'Exchange Online')) return `Mailbox ${pick(random, FIRST_NAMES)}@${tenant.domain}`;
  if (kind < 0.8) return `Site https://${host}.sharepoint.com/sites/${pick(random, SITES)}`;
  return `Team ${pick(random, TEAMS)}`;
}

const WARNINGS = [
  (n: number) => `${n} item${n === 1 ? ' was' : 's were'} skipped: larger than the 150 MB item limit`,
  (n: number) => `${n} item${n === 1 ? '' : 's'} could not be read (locked by another process); they will be retried next session`,
  (n: number) => `${n} item${n === 1 ? ' has' : 's have'} a path longer than 400 characters and were skipped`,
];
const FAILURES = [
  'processing failed after 5 retries: Microsoft 365 throttled the requests (HTTP 429)',
  'processing failed: the backup storage did not answer in time',
  'processing failed: access was denied to the object (the backup application lacks a permission)',
];

/** Decides a whole session from the job and a seed; pure. */
export function planSession(job: BackupJob, options: { seed?: number; warningRate?: number; failureRate?: number } = {}): SessionPlan {
  const random = seededRandom(hashSeed(`${options.seed ?? 1}:${job.sessionId}`));
  const tenant = simulatedTenant(job.customer);
  const { total, excluded } = scopeCounts(job, tenant);
  const steps: PlanStep[] = [];
  let t = 0;
  const log = (status: LogStatus, message: string) => steps.push({ at: t, kind: 'log', status, message });

  t += intBetween(random, 3_000, 8_000);
  if (!job.tenant.connected) {
    t += intBetween(random, 20_000, 45_000); // connection attempts time out
    const reason = job.tenant.reason ?? 'the organization did not accept the backup application sign-in (consent revoked or password changed)';
    const summary = `Unable to connect to Microsoft 365 organization ${tenant.domain}: ${reason}`;
    log('Failed', summary);
    return { status: 'Disconnected', summary, totalObjects: 0, excludedObjects: 0, processedObjects: 0, transferredBytes: 0, items: 0, processingStartsAt: t, durationMs: t, steps };
  }
  log('Info', `Connected to Microsoft 365 organization ${tenant.domain}`);
  t += intBetween(random, 10_000, 40_000) + Math.min(total * 20, 60_000);
  steps.push({ at: t, kind: 'scope', totalObjects: total, excludedObjects: excluded });
  log('Info', `Found ${total.toLocaleString('en-US')} objects`);
  log('Info', `Found ${excluded.toLocaleString('en-US')} excluded objects`);
  const processingStartsAt = t;

  const roll = random();
  const failureRate = options.failureRate ?? 0.06;
  const warningRate = options.warningRate ?? 0.12;
  const status: RunResult['status'] = total === 0 ? 'Success' : roll < failureRate ? 'Failed' : roll < failureRate + warningRate ? 'Warning' : 'Success';
  // Incremental data per object (mail, files, list items), and a realistic pace per object.
  const meanBytes = intBetween(random, 2, 24) * 1024 * 1024;
  const plannedBytes = Math.round(total * meanBytes * (0.7 + random() * 0.6));
  // Objects are processed in parallel: big tenants take longer, but not hours for an incremental run.
  const processing = Math.min(25 * 60_000, Math.max(3 * 60_000, Math.round(total * (2_000 + random() * 2_000))));
  const failAt = status === 'Failed' ? 0.3 + random() * 0.6 : 1;
  const chunks = 10;
  const warningChunks = new Set<number>();
  if (status === 'Warning') for (let i = intBetween(random, 1, 3); i > 0; i--) warningChunks.add(intBetween(random, 1, chunks));

  let processed = 0;
  let bytes = 0;
  let failure: string | null = null;
  let warnings = 0;
  for (let chunk = 1; chunk <= chunks; chunk++) {
    const fraction = Math.min(chunk / chunks, failAt);
    t = processingStartsAt + Math.round(processing * fraction);
    processed = Math.round(total * fraction);
    bytes = Math.round(plannedBytes * fraction);
    steps.push({ at: t, kind: 'progress', progress: Math.round(fraction * 100), processedObjects: processed, transferredBytes: bytes });
    if (warningChunks.has(chunk)) {
      warnings += 1;
      log('Warning', `${objectName(job, tenant, random)}: ${pick(random, WARNINGS)(intBetween(random, 1, 12))}`);
    }
    if (status === 'Failed' && fraction >= failAt) {
      failure = `${objectName(job, tenant, random)}: ${pick(random, FAILURES)}`;
      log('Failed', failure);
      break;
    }
  }
  t += intBetween(random, 2_000, 6_000);
  steps.push({ at: t, kind: 'transferred' });
  const items = Math.round(bytes / (intBetween(random, 60, 240) * 1024));
  const summary = status === 'Failed' ? failure : status === 'Warning' ? `${warnings} warning${warnings === 1 ? '' : 's'}: some items were skipped` : null;
  return { status, summary, totalObjects: total, excludedObjects: excluded, processedObjects: processed, transferredBytes: bytes, items, processingStartsAt, durationMs: t, steps };
}

// Log lines shared by live sessions and generated history.
export const startedMessage = (at: Date) => `Job started at ${formatTime(at)} by ${SIMULATED_RUNNER_NAME} (a simulation: no Microsoft 365 data is read or stored)`;
export function transferredMessage(bytes: number, items: number, seconds: number): string {
  const s = Math.max(1, seconds);
  return `Transferred: ${formatBytes(bytes)} (${items.toLocaleString('en-US')} items) at ${formatBytes(bytes / s)}/s (${Math.round(items / s).toLocaleString('en-US')} items/s)`;
}
export const finishedMessage = (at: Date, status: string) => `Job finished at ${formatTime(at)} with status ${status}`;
export const finishedLogStatus = (status: string): LogStatus => (status === 'Success' ? 'Success' : status === 'Warning' ? 'Warning' : 'Failed');
const formatTime = (at: Date) => `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** The built-in runner: simulated sessions that take (scaled) real time on the hub's clock. */
export class SimulatedRunner implements BackupRunner {
  readonly name = SIMULATED_RUNNER_NAME;
  private readonly speed: number;

  constructor(private readonly options: SimulatedRunnerOptions = {}) {
    this.speed = options.speed === undefined ? 30 : options.speed;
    if (!(this.speed > 0)) throw new Error('SimulatedRunner speed must be above 0 (Infinity runs sessions at once)');
  }

  async run(job: BackupJob, control: SessionControl): Promise<RunResult> {
    const plan = planSession(job, this.options);
    const startedAt = control.now();
    control.log('Info', startedMessage(startedAt));
    let processingStartedAt = startedAt.getTime();
    let current = { processedObjects: 0, transferredBytes: 0 };
    for (const step of plan.steps) {
      // Aim at the step's time on the session's own timeline, so late wake-ups do not add up.
      await control.wait(startedAt.getTime() + step.at / this.speed - control.now().getTime());
      // Stopped: the hub has already ended the session as Stopped and ignores what we return.
      if (control.signal.aborted) return { status: 'Failed', summary: 'stopped before the end' };
      if (step.kind === 'scope') {
        processingStartedAt = control.now().getTime();
        control.progress({ totalObjects: step.totalObjects, excludedObjects: step.excludedObjects });
      } else if (step.kind === 'log') control.log(step.status, step.message);
      else if (step.kind === 'progress') {
        current = { processedObjects: step.processedObjects, transferredBytes: step.transferredBytes };
        control.progress({ progress: step.progress, ...current });
      } else {
        const seconds = (control.now().getTime() - processingStartedAt) / 1000;
        const items = plan.transferredBytes > 0 ? Math.round((plan.items * current.transferredBytes) / plan.transferredBytes) : 0;
        control.log('Info', transferredMessage(current.transferredBytes, items, seconds));
      }
    }
    if (plan.status === 'Success' || plan.status === 'Warning') control.progress({ progress: 100 });
    control.log(finishedLogStatus(plan.status), finishedMessage(control.now(), plan.status));
    return { status: plan.status, summary: plan.summary };
  }
}

/** A planned session written out at simulated (real) speed: what history generators store. */
export function renderPlan(plan: SessionPlan, sessionId: string, startedAt: number): { logs: { sessionId: string; at: string; status: LogStatus; message: string }[]; endedAt: number } {
  const logs: { sessionId: string; at: string; status: LogStatus; message: string }[] = [];
  const at = (offset: number) => new Date(startedAt + offset).toISOString();
  logs.push({ sessionId, at: at(0), status: 'Info', message: startedMessage(new Date(startedAt)) });
  let bytes = 0;
  for (const step of plan.steps) {
    if (step.kind === 'log') logs.push({ sessionId, at: at(step.at), status: step.status, message: step.message });
    else if (step.kind === 'progress') bytes = step.transferredBytes;
    else if (step.kind === 'transferred') {
      const items = plan.transferredBytes > 0 ? Math.round((plan.items * bytes) / plan.transferredBytes) : 0;
      logs.push({ sessionId, at: at(step.at), status: 'Info', message: transferredMessage(bytes, items, (step.at - plan.processingStartsAt) / 1000) });
    }
  }
  logs.push({ sessionId, at: at(plan.durationMs), status: finishedLogStatus(plan.status), message: finishedMessage(new Date(startedAt + plan.durationMs), plan.status) });
  return { logs, endedAt: startedAt + plan.durationMs };
}
