import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DAY, HOUR, MINUTE } from '../../shared/domain/clock.js';
import { applyFinish, applyStart, applyDisable, newPolicy, nextScheduledRun } from '../../shared/domain/policy-rules.js';
import { intBetween, pick, seededRandom } from '../../shared/domain/random.js';
import { dayOf, monthOf } from '../../shared/domain/units.js';
import {
  ALL_SERVICES,
  emptyObjects,
  type LogRecord,
  type Policy,
  type PolicyObjects,
  type ProtectedService,
  type Restore,
  type RestoreKind,
  type Session,
  type SessionResult,
} from '../../shared/schemas/backup.js';
import type { Customer } from '../../shared/schemas/customers.js';
import type { DailyFigures } from '../../shared/schemas/monitoring.js';
import type { HubContext } from '../context.js';
import { newId } from '../ids.js';
import { backupJob } from '../jobs/runner.js';
import { planSession, renderPlan, SIMULATED_RUNNER_NAME, type SessionPlan } from '../jobs/runner-simulated.js';
import { customers as customersCollection } from '../services/customer-collection.js';
import { mkdirPrivate, PRIVATE_FILE_MODE } from '../store/file-modes.js';
import { AlertService } from '../services/backup/alert-service.js';
import { CustomerDirectory } from '../services/backup/customer-directory.js';
import { PolicyIndex } from '../services/backup/policy-index.js';
import { dailyFigures, policies as policiesCollection, tenantConnections } from '../services/backup/collections.js';
import { emptyDay } from '../services/backup/daily-figures.js';
import type { BackupParts } from '../services/backup/parts.js';
import { logLine, sessionFile, sessionIdFor, sessionLine } from '../services/backup/session-history.js';
import type { Store } from '../store/store.js';

// Demo data for the backup area, and a bulk generator for the benchmark's million sessions.

interface PolicyTemplate {
  name: string;
  backupType: Policy['backupType'];
  services: ProtectedService[];
  selected?: (c: Customer, tenant: string) => Partial<PolicyObjects>;
  excluded?: (c: Customer, tenant: string) => Partial<PolicyObjects>;
}

const TEMPLATES: PolicyTemplate[] = [
  { name: 'Backup entire organization', backupType: 'EntireOrganization', services: [...ALL_SERVICES], excluded: (c) => ({ users: [`former.employee@${c.domain}`] }) },
  {
    name: 'Executives',
    backupType: 'SelectedItems',
    services: ['Exchange Online', 'OneDrive and SharePoint'],
    selected: (c) => ({ users: [`ceo@${c.domain}`, `cfo@${c.domain}`, `office.manager@${c.domain}`] }),
  },
  {
    name: 'Project sites',
    backupType: 'SelectedItems',
    services: ['OneDrive and SharePoint'],
    selected: (_c, t) => ({ sites: [`https://${t}.sharepoint.com/sites/Projects`, `https://${t}.sharepoint.com/sites/Finance`] }),
  },
  { name: 'Teams - Entire organization', backupType: 'EntireOrganization', services: ['Teams'] },
  { name: 'Exchange Online - Entire organization', backupType: 'EntireOrganization', services: ['Exchange Online'] },
];

/** What the last sessions of a demo policy show. */
type Scenario = 'normal' | 'failed' | 'warning' | 'stale' | 'disconnected' | 'disabled' | 'dueNow';

const RESTORE_ITEMS: Record<RestoreKind, string[]> = {
  mailItem: ['Inbox/Contract renewal 2026.msg', 'Sent Items/Quarterly numbers', 'Calendar/Board meeting series', 'Inbox (whole folder)'],
  oneDriveFile: ['Documents/Budget.xlsx', 'Desktop/Presentation final v3.pptx', 'Documents/Scans (folder)', 'Pictures/Event 2026'],
  sharePointItem: ['Shared Documents/Policies/Travel policy.docx', 'Site Pages/Home.aspx', 'Lists/Assets (list)', 'Shared Documents/Projects (library)'],
  teamsItem: ['General channel posts', 'Files/Kick-off notes.docx', 'Planning channel (whole channel)', 'Tabs/Wiki'],
};

/** Why the demo's disconnected customer cannot be reached. */
const REVOKED = 'the organization revoked the backup application consent';

const tenantName = (c: Customer) => (c.tenantDomain ?? c.domain ?? 'tenant').split('.')[0] ?? 'tenant';

function objects(partial: Partial<PolicyObjects> | undefined): PolicyObjects {
  return { ...emptyObjects(), ...partial };
}

/** A stopped session: the plan cut at 40 % of its processing, with who stopped it. */
function stoppedPlan(plan: SessionPlan, by: string): { plan: SessionPlan; stopLog: string } {
  const cut = plan.processingStartsAt + Math.round((plan.durationMs - plan.processingStartsAt) * 0.4);
  const steps = plan.steps.filter((s) => s.at <= cut && s.kind !== 'transferred');
  const last = [...steps].reverse().find((s) => s.kind === 'progress');
  return {
    plan: {
      ...plan,
      status: 'Success',
      steps,
      durationMs: cut,
      processedObjects: last?.kind === 'progress' ? last.processedObjects : 0,
      transferredBytes: last?.kind === 'progress' ? last.transferredBytes : 0,
    },
    stopLog: `Job stopped by ${by}`,
  };
}

interface Built {
  policy: Policy;
  sessions: Session[];
  logs: LogRecord[];
}

/**
 * Runs a policy's history forward from its creation: a session at each daily slot up to now,
 * each planned by the simulated runner; the policy record is folded with the same transitions
 * the live service uses. `outcome` may force the result of a session.
 */
function buildHistory(
  base: Policy,
  customer: Customer,
  options: { now: number; firstSlot: number; seed: number; outcome: (slot: number, index: number, total: number) => SessionResult | 'random'; disableAt?: number; includeLogs: boolean },
): Built {
  let policy = base;
  const sessions: Session[] = [];
  const logs: LogRecord[] = [];
  const slots: number[] = [];
  for (let t = options.firstSlot; t + 45 * MINUTE < options.now; t += policy.scheduleHours * HOUR) {
    if (options.disableAt !== undefined && t >= options.disableAt) break;
    slots.push(t);
  }
  slots.forEach((slot, index) => {
    const startedAt = slot + ((index * 7919) % 4000);
    const sessionId = sessionIdFor(policy.id, policy.runCount + 1);
    const forced = options.outcome(slot, index, slots.length);
    const connected = forced !== 'Disconnected';
    const rates =
      forced === 'random'
        ? { failureRate: 0.04, warningRate: 0.1 }
        : forced === 'Failed'
          ? { failureRate: 1, warningRate: 0 }
          : forced === 'Warning'
            ? { failureRate: 0, warningRate: 1 }
            : { failureRate: 0, warningRate: 0 };
    let plan = planSession(backupJob(sessionId, policy, customer, { connected, reason: connected ? null : REVOKED }, new Date(startedAt)), { seed: options.seed, ...rates });
    let stopLog: string | null = null;
    if (forced === 'Stopped') ({ plan, stopLog } = stoppedPlan(plan, 'Sam Rivera (key ops-laptop)'));
    const rendered = renderPlan(plan, sessionId, startedAt);
    const result: SessionResult = forced === 'Stopped' ? 'Stopped' : plan.status;
    if (stopLog) {
      rendered.logs.pop();
      rendered.logs.push({ sessionId, at: new Date(rendered.endedAt).toISOString(), status: 'Warning', message: stopLog });
    }
    policy = applyStart({ ...policy, nextRun: new Date(slot).toISOString() }, { sessionId, now: new Date(startedAt) });
    const endedAt = new Date(rendered.endedAt).toISOString();
    const summary = result === 'Stopped' ? 'Stopped by Sam Rivera (key ops-laptop)' : plan.summary;
    policy = applyFinish(policy, { sessionId, result, startedAt: new Date(startedAt).toISOString(), endedAt, summary });
    sessions.push({
      id: sessionId,
      policyId: policy.id,
      policyName: policy.name,
      customerId: customer.id,
      trigger: 'schedule',
      startedBy: 'SP Hub scheduler',
      runner: SIMULATED_RUNNER_NAME,
      startedAt: new Date(startedAt).toISOString(),
      endedAt,
      status: result,
      progress: result === 'Success' || result === 'Warning' ? 100 : plan.totalObjects ? Math.round((plan.processedObjects / plan.totalObjects) * 100) : 0,
      totalObjects: plan.totalObjects,
      excludedObjects: plan.excludedObjects,
      processedObjects: plan.processedObjects,
      transferredBytes: plan.transferredBytes,
      durationMs: rendered.endedAt - startedAt,
      summary,
    });
    if (options.includeLogs) logs.push(...rendered.logs);
  });
  const lastSlot = slots.length > 0 ? new Date(slots[slots.length - 1]!).toISOString() : new Date(options.firstSlot - policy.scheduleHours * HOUR).toISOString();
  policy = { ...policy, nextRun: nextScheduledRun(lastSlot, new Date(options.now), policy.scheduleHours) };
  if (options.disableAt !== undefined) policy = applyDisable(policy, new Date(options.disableAt));
  return { policy, sessions, logs };
}

/** The first of `days` daily slots at `phase` (ms after midnight UTC) that have ended by `now`. */
function firstSlotOf(now: number, phase: number, days: number): number {
  let last = Date.parse(`${dayOf(now)}T00:00:00Z`) + phase;
  if (last + 45 * MINUTE >= now) last -= DAY;
  return last - (days - 1) * DAY;
}

function basePolicy(customer: Customer, template: PolicyTemplate, createdAt: number, schedule: number): Policy {
  const tenant = tenantName(customer);
  const at = new Date(createdAt).toISOString();
  return newPolicy({
    id: newId('pol'),
    customerId: customer.id,
    name: template.name,
    backupType: template.backupType,
    services: template.services,
    selected: objects(template.selected?.(customer, tenant)),
    excluded: objects(template.excluded?.(customer, tenant)),
    enabled: true,
    scheduleHours: schedule,
    nextRun: at,
    createdAt: at,
    createdBy: 'SP Hub demo data',
  });
}

/** Each day's active customers and licenses, from activation dates (for the license history). */
function licenseHistory(all: Customer[], days: string[]): Map<string, { customers: number; licenses: number }> {
  const out = new Map<string, { customers: number; licenses: number }>();
  for (const day of days) {
    let customers = 0;
    let licenses = 0;
    for (const c of all) {
      if (c.status !== 'active') continue;
      if (c.activationDate && c.activationDate > day) continue;
      customers += 1;
      licenses += c.licenses;
    }
    out.set(day, { customers, licenses });
  }
  return out;
}

/**
 * Demo data for the active demo customers: 1-4 policies each with 30 days of sessions and logs,
 * mixed outcomes (one customer failing, one stale, one disconnected, one with warnings, one
 * policy disabled, one due right away so a session runs soon after start), two months of
 * restores, and the dashboard's daily figures.
 */
export async function seedBackupDemo(ctx: HubContext, parts: BackupParts): Promise<void> {
  if (parts.index.count() > 0) return;
  const all = [...parts.directory.all()];
  const active = all.filter((c) => c.status === 'active').sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const now = ctx.clock.now().getTime();
  const random = seededRandom(2026);
  const day = (t: number) => Date.parse(`${dayOf(t)}T00:00:00Z`);
  const scenarios: Scenario[] = ['normal', 'failed', 'stale', 'disconnected', 'warning', 'disabled', 'dueNow'];
  const built: Built[] = [];
  const daily = new Map<string, DailyFigures>();
  const figures = (id: string) => {
    let d = daily.get(id);
    if (!d) daily.set(id, (d = emptyDay(id)));
    return d;
  };
  let disconnected: Customer | null = null;

  active.forEach((customer, i) => {
    const scenario = scenarios[i] ?? 'normal';
    const count = scenario === 'disabled' || scenario === 'failed' ? Math.max(2, intBetween(random, 1, 4)) : intBetween(random, 1, 4);
    const templates = (i % 2 === 0 ? [0, 1, 2, 3] : [4, 3, 1, 2]).slice(0, count).map((n) => TEMPLATES[n]!);
    if (scenario === 'disconnected') disconnected = customer;
    templates.forEach((template, p) => {
      const phase = (1 + ((i + p) % 5)) * HOUR + 30 * MINUTE;
      const createdAt = day(now - 31 * DAY) + intBetween(random, 1, 20) * HOUR;
      const firstSlot = firstSlotOf(now, phase, 30);
      const target = p === 0 || scenario === 'disconnected';
      const outcome = (_slot: number, index: number, total: number): SessionResult | 'random' => {
        const fromEnd = total - index;
        if (scenario === 'failed' && target && fromEnd <= 2) return 'Failed';
        if (scenario === 'warning' && target && fromEnd === 1) return 'Warning';
        if (scenario === 'disconnected' && fromEnd <= 2) return 'Disconnected';
        if (scenario === 'stale' && target && fromEnd <= 2) return 'Stopped';
        if (scenario === 'stale' && target && fromEnd <= 6) return 'Success';
        return 'random';
      };
      const disableAt = scenario === 'disabled' && p === templates.length - 1 ? day(now - 5 * DAY) + 10 * HOUR : undefined;
      const result = buildHistory(basePolicy(customer, template, createdAt, 24), customer, {
        now,
        firstSlot,
        seed: 11,
        outcome,
        includeLogs: true,
        ...(disableAt !== undefined && { disableAt }),
      });
      if (scenario === 'dueNow' && p === 0) result.policy = { ...result.policy, nextRun: new Date(now + 2 * MINUTE).toISOString() };
      built.push(result);
      for (const s of result.sessions) {
        const d = figures(dayOf(s.endedAt!));
        d.jobs = { ...d.jobs, [s.status]: d.jobs[s.status as SessionResult] + 1 };
      }
    });
  });

  // Two months of restores.
  const restores: Restore[] = [];
  const kinds: RestoreKind[] = ['mailItem', 'mailItem', 'oneDriveFile', 'oneDriveFile', 'sharePointItem', 'teamsItem'];
  for (let t = day(now - 59 * DAY); t <= now; t += DAY) {
    for (const customer of active) {
      if (random() > 0.09) continue;
      const requestedAt = t + intBetween(random, 7 * 60, 19 * 60) * MINUTE;
      if (requestedAt > now) continue;
      const kind = pick(random, kinds);
      const selfService = random() < 0.4;
      const running = now - requestedAt < 2 * HOUR;
      const roll = random();
      const status: Restore['status'] = running ? 'Running' : roll < 0.85 ? 'Success' : roll < 0.94 ? 'Warning' : 'Failed';
      const items = intBetween(random, 1, 400);
      restores.push({
        id: `rst_${monthOf(requestedAt).replace('-', '')}_${newId('x').slice(-12)}`,
        customerId: customer.id,
        customerName: customer.displayName,
        kind,
        mode: selfService ? 'selfService' : 'managed',
        item: pick(random, RESTORE_ITEMS[kind]),
        requestedBy: selfService ? `${pick(random, ['anna.keller', 'ben.osei', 'grace.lin', 'jonas.weber'])}@${customer.domain}` : pick(random, ['Sam Rivera', 'Priya Nair', 'Tom Becker']),
        status,
        outcome:
          status === 'Success'
            ? `${items} item${items === 1 ? '' : 's'} restored to the original location`
            : status === 'Warning'
              ? `${items} items restored; ${intBetween(random, 1, 5)} skipped (already present)`
              : status === 'Failed'
                ? 'The target mailbox was over its quota'
                : null,
        restoredItems: status === 'Running' ? null : status === 'Failed' ? 0 : items,
        requestedAt: new Date(requestedAt).toISOString(),
        completedAt: status === 'Running' ? null : new Date(requestedAt + intBetween(random, 2, 40) * MINUTE).toISOString(),
        recordedBy: 'SP Hub demo data',
      });
      const d = figures(dayOf(requestedAt));
      d.restores = { ...d.restores, [customer.id]: (d.restores[customer.id] ?? 0) + 1 };
    }
  }
  const historyDays: string[] = [];
  for (let t = day(now - 62 * DAY); t <= now; t += DAY) historyDays.push(dayOf(t));
  for (const [id, f] of licenseHistory(all, historyDays)) Object.assign(figures(id), f);

  const broken = disconnected as Customer | null;
  await ctx.store.write((tx) => {
    for (const b of built) tx.put(policiesCollection, b.policy);
    for (const d of daily.values()) tx.put(dailyFigures, d);
    if (broken) {
      tx.put(tenantConnections, { id: broken.id, customerId: broken.id, status: 'broken', reason: REVOKED, since: new Date(now - 2 * DAY - 3 * HOUR).toISOString() });
    }
  });
  await Promise.all(built.map((b) => parts.history.append(b.policy.id, { sessions: b.sessions, logs: b.logs })));
  await parts.restores.importRecords(restores);
}

export interface GenerateOptions {
  store: Store;
  /** The store's folder (session files go to `<dir>/sessions/`). */
  dir: string;
  now?: Date;
  /** Policies per customer (30,000 for 10,000 customers with 3). */
  policiesPerCustomer?: number;
  /** Days of daily sessions per policy (30 gives 900,000 sessions for 30,000 policies). */
  days?: number;
  seed?: number;
  /** Write log records too (the default). */
  logs?: boolean;
}

/**
 * Bulk history for the benchmark: policies for every customer in the store with `days` daily
 * sessions each (and their log records), written straight into per-policy files, plus the
 * dashboard's daily figures. A scale test, not demo data: no events, no audit.
 */
export async function generateBackupHistory(options: GenerateOptions): Promise<{ policies: number; sessions: number; logRecords: number }> {
  const now = (options.now ?? new Date()).getTime();
  const perCustomer = options.policiesPerCustomer ?? 3;
  const days = options.days ?? 30;
  const withLogs = options.logs ?? true;
  const random = seededRandom(options.seed ?? 7);
  const customers = [...options.store.all(customersCollection)].filter((c) => c.status !== 'offboarded');
  await mkdirPrivate(join(options.dir, 'sessions'));
  const daily = new Map<string, DailyFigures>();
  let sessions = 0;
  let logRecords = 0;
  let batch: Policy[] = [];
  const writes: Promise<void>[] = [];
  const flush = async () => {
    const policies = batch;
    batch = [];
    await Promise.all(writes.splice(0));
    await options.store.write((tx) => {
      for (const p of policies) tx.put(policiesCollection, p);
    });
  };
  let n = 0;
  for (const customer of customers) {
    for (let p = 0; p < perCustomer; p++) {
      const template = TEMPLATES[(n + p) % TEMPLATES.length]!;
      const phase = intBetween(random, 0, 23) * HOUR + intBetween(random, 0, 59) * MINUTE;
      const firstSlot = firstSlotOf(now, phase, days);
      const base = { ...basePolicy(customer, template, firstSlot - HOUR, 24), name: p < TEMPLATES.length ? template.name : `${template.name} ${p + 1}` };
      const result = buildHistory(base, customer, { now, firstSlot, seed: options.seed ?? 7, outcome: () => 'random', includeLogs: withLogs });
      const lines = [...result.logs.map((l) => JSON.stringify(logLine(l))), ...result.sessions.map((s) => JSON.stringify(sessionLine(s)))];
      writes.push(writeFile(join(options.dir, sessionFile(result.policy.id)), lines.join('\n') + '\n', { mode: PRIVATE_FILE_MODE }));
      sessions += result.sessions.length;
      logRecords += result.logs.length;
      for (const s of result.sessions) {
        const id = dayOf(s.endedAt!);
        const d = daily.get(id) ?? emptyDay(id);
        d.jobs[s.status as SessionResult] += 1;
        daily.set(id, d);
      }
      batch.push(result.policy);
      if (batch.length >= 2_000) await flush();
    }
    n += 1;
  }
  await flush();
  const historyDays: string[] = [];
  for (let t = now - 62 * DAY; t <= now; t += DAY) historyDays.push(dayOf(t));
  for (const [id, f] of licenseHistory(customers, historyDays)) daily.set(id, { ...(daily.get(id) ?? emptyDay(id)), ...f });
  await options.store.write((tx) => {
    for (const d of daily.values()) tx.put(dailyFigures, d);
  });
  // Record the alerts this history leaves open, as the monitor would have, so the first start
  // of a hub on it does not announce thousands of "new" alerts at once.
  const ctx = { store: options.store, clock: { now: () => new Date(now) }, events: { emit: async () => undefined } } as unknown as HubContext;
  const index = new PolicyIndex(ctx);
  const directory = new CustomerDirectory(ctx);
  await new AlertService(ctx, { index, directory }).monitor();
  return { policies: customers.length * perCustomer, sessions, logRecords };
}
