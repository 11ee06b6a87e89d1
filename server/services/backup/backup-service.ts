import { HOUR } from '../../../shared/domain/clock.js';
import { isStale } from '../../../shared/domain/health.js';
import {
  applyDisable,
  applyEnable,
  applyFinish,
  applyStart,
  customerConflict,
  deleteConflict,
  disableConflict,
  enableConflict,
  finishedSessionTopic,
  newPolicy,
  nextScheduledRun,
  scheduleEditable,
  scheduleSupportCase,
  scopeProblems,
  startConflict,
  stopConflict,
  VEEAM_MY_ACCOUNT_URL,
} from '../../../shared/domain/policy-rules.js';
import { dayOf, formatDuration } from '../../../shared/domain/units.js';
import {
  ALL_SERVICES,
  type LogQuery,
  type LogRecord,
  type Policy,
  type PolicyInput,
  type PolicyQuery,
  type PolicyUpdate,
  type PolicyView,
  type ProtectedService,
  type Session,
  type SessionQuery,
  type SessionResult,
  type SessionTrigger,
  type TenantConnection,
  type TenantConnectionInput,
} from '../../../shared/schemas/backup.js';
import type { Page } from '../../../shared/schemas/common.js';
import type { Customer } from '../../../shared/schemas/customers.js';
import type { MonitoringSettings } from '../../../shared/schemas/monitoring.js';
import { requirePermission, systemPrincipal, type Principal } from '../../auth/principal.js';
import type { HubContext } from '../../context.js';
import { HubError, localizedError, notFound } from '../../http/errors.js';
import { newId } from '../../ids.js';
import { backupJob, type BackupRunner, type HubTimers, type RunResult, type SessionControl } from '../../jobs/runner.js';
import { recordChange, type Change } from '../changes.js';
import type { CarriedAppend } from '../events.js';
import { deletedPolicies, policies, tenantConnections } from './collections.js';
import type { ForwardedAction, PolicyAction, PolicyActionsPort } from './policy-actions.js';
import type { CustomerDirectory } from './customer-directory.js';
import { bumpJob } from './daily-figures.js';
import type { PolicyIndex } from './policy-index.js';
import { policyIdOfSession, sessionIdFor, type SessionHistory } from './session-history.js';

export interface BackupServiceDeps {
  index: PolicyIndex;
  directory: CustomerDirectory;
  history: SessionHistory;
  runner: BackupRunner;
  timers: HubTimers;
  settings: () => MonitoringSettings;
}

/** A session the runner is working on: its live record and the switch that stops it. */
interface ActiveSession {
  session: Session;
  abort: AbortController;
  /** Waiting on the clock for a time not yet reached. */
  parked: boolean;
  closed: boolean;
}

export const INTERRUPTED_MESSAGE = 'Session interrupted by a restart of SP Hub; it did not complete';

/**
 * Flex backup policies and their sessions: the rules of SPEC 1 (Backup), the current state on
 * the policy record, the history appended per policy, and the runner doing the work.
 */
export class BackupService {
  private readonly active = new Map<string, ActiveSession>();
  private readonly inflight = new Set<Promise<unknown>>();
  private closed = false;
  /** Policy ids by customer name, then policy name: the list's default order, rebuilt only after a rename, creation or deletion. */
  private byCustomerName: string[] | null = null;
  /** Where actions on synced policies go, by source kind (`registerSource`). */
  private readonly sources = new Map<string, PolicyActionsPort>();

  constructor(
    private readonly ctx: HubContext,
    private readonly deps: BackupServiceDeps,
  ) {
    deps.index.onChange((before, after) => {
      if (!before || !after || before.name !== after.name || before.customerId !== after.customerId) this.byCustomerName = null;
    });
    deps.directory.onChange((_id, before, after) => {
      if (before?.displayName !== after?.displayName) this.byCustomerName = null;
    });
  }

  // ---- policies: reading ----

  list(query: PolicyQuery): Page<PolicyView> {
    const q = query.q?.toLowerCase();
    const statuses = query.status?.length ? new Set(query.status) : null;
    const source = query.customerId ? this.deps.index.ofCustomer(query.customerId) : this.deps.index.all();
    const names = new Map<string, string>();
    const customerName = (id: string) => {
      let name = names.get(id);
      if (name === undefined) names.set(id, (name = this.deps.directory.get(id)?.displayName ?? ''));
      return name;
    };
    const matchesQuery = (p: Policy) =>
      (!statuses || statuses.has(p.lastStatus)) &&
      (query.enabled === undefined || p.enabled === query.enabled) &&
      (!query.backupType || p.backupType === query.backupType) &&
      (!q || p.name.toLowerCase().includes(q) || customerName(p.customerId).toLowerCase().includes(q));
    const sort = query.sort ?? 'customer';
    const desc = sort.startsWith('-');
    const key = sort.replace(/^-/, '');
    const start = (query.page - 1) * query.pageSize;
    if (key === 'customer' && !query.customerId) {
      // The default order is kept ready: one filtering pass, and only the page is built.
      const order = this.defaultOrder();
      const items: PolicyView[] = [];
      let total = 0;
      for (let i = 0; i < order.length; i++) {
        const p = this.deps.index.get(order[desc ? order.length - 1 - i : i]!);
        if (!p || !matchesQuery(p)) continue;
        if (total >= start && items.length < query.pageSize) items.push(this.view(p));
        total += 1;
      }
      return { items, total, page: query.page, pageSize: query.pageSize };
    }
    const matches: Policy[] = [];
    for (const p of source) if (matchesQuery(p)) matches.push(p);
    const keyOf = (p: Policy): string | number => {
      switch (key) {
        case 'name':
          return p.name.toLowerCase();
        case 'lastRun':
          return p.lastRun ?? '';
        case 'nextRun':
          return p.nextRun ?? (desc ? '' : '\uffff');
        case 'lastStatus':
          return p.lastStatus;
        case 'averageProcessTime':
          return p.averageProcessMs;
        case 'createdAt':
          return p.createdAt;
        default:
          return `${customerName(p.customerId).toLowerCase()}\u0000${p.name.toLowerCase()}`;
      }
    };
    const keyed = matches.map((p) => [keyOf(p), p] as const);
    keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1].id < b[1].id ? -1 : 1) * (desc ? -1 : 1));
    return { items: keyed.slice(start, start + query.pageSize).map(([, p]) => this.view(p)), total: matches.length, page: query.page, pageSize: query.pageSize };
  }

  private defaultOrder(): string[] {
    if (!this.byCustomerName) {
      const names = new Map<string, string>();
      const keyed: [string, string][] = [];
      for (const p of this.deps.index.all()) {
        let name = names.get(p.customerId);
        if (name === undefined) names.set(p.customerId, (name = (this.deps.directory.get(p.customerId)?.displayName ?? '').toLowerCase()));
        keyed.push([`${name}\u0000${p.name.toLowerCase()}\u0000${p.id}`, p.id]);
      }
      keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      this.byCustomerName = keyed.map(([, id]) => id);
    }
    return this.byCustomerName;
  }

  policy(id: string): PolicyView {
    return this.view(this.require(id));
  }

  view(policy: Policy): PolicyView {
    const live = policy.runningSessionId ? this.active.get(policy.runningSessionId)?.session : undefined;
    const customer = this.deps.directory.get(policy.customerId);
    return {
      ...policy,
      customerName: customer?.displayName ?? '',
      averageProcessTime: formatDuration(policy.averageProcessMs),
      // As the stale-protection alert sees it: only an active customer's protection can go stale.
      stale: customer?.status === 'active' && isStale(policy, this.ctx.clock.now(), this.deps.settings().staleAfterHours * HOUR),
      running: policy.runningSessionId
        ? {
            sessionId: policy.runningSessionId,
            startedAt: live?.startedAt ?? policy.lastRun ?? policy.updatedAt,
            progress: live?.progress ?? 0,
            processedObjects: live?.processedObjects ?? 0,
            transferredBytes: live?.transferredBytes ?? 0,
          }
        : null,
      schedule: {
        everyHours: policy.scheduleHours,
        editable: scheduleEditable(policy),
        supportCase: scheduleEditable(policy) ? null : scheduleSupportCase(policy, customer?.displayName ?? policy.customerId),
      },
    };
  }

  // ---- policies: changing ----

  async create(principal: Principal, input: PolicyInput): Promise<PolicyView> {
    const problems = scopeProblems(input);
    if (problems.length > 0) throw invalidScope(problems);
    const customer = this.deps.directory.get(input.customerId);
    if (!customer) throw notFound('Customer', input.customerId);
    const existing = this.deps.index.countOfCustomer(customer.id);
    if (existing > 0) {
      requirePermission(principal, 'advancedBackupManagement', { key: 'api.forbidden.why.furtherPolicy', params: { customer: customer.displayName, count: String(existing) } });
    }
    const blocked = customerConflict(customer);
    if (blocked) throw localizedError('conflict', blocked);
    this.assertNameFree(customer.id, input.name);
    const now = this.ctx.clock.now().toISOString();
    const policy = newPolicy({
      id: newId('pol'),
      customerId: customer.id,
      name: input.name,
      backupType: input.backupType,
      services: ALL_SERVICES.filter((s) => input.services.includes(s)),
      selected: input.selected,
      excluded: input.excluded,
      enabled: input.enabled,
      scheduleHours: input.scheduleHours,
      // A new policy takes its first backup on the scheduler's next pass.
      nextRun: input.enabled ? now : null,
      createdAt: now,
      createdBy: principal.actor.name,
    });
    await this.ctx.store.write((tx) => {
      if ([...this.deps.index.ofCustomer(customer.id)].some((p) => p.name.toLowerCase() === policy.name.toLowerCase())) throw nameTaken(customer, policy.name);
      tx.put(policies, policy);
    });
    await recordChange(this.ctx, principal, {
      action: 'policy.created',
      target: { type: 'policy', id: policy.id, name: policy.name },
      customerId: customer.id,
      details: { backupType: policy.backupType, services: policy.services, enabled: policy.enabled },
    });
    return this.view(policy);
  }

  async update(principal: Principal, id: string, input: PolicyUpdate): Promise<PolicyView> {
    const policy = this.require(id);
    if (policy.source) throw syncedConflict(policy, 'edited');
    const customer = this.activeCustomer(policy);
    if (input.scheduleHours !== undefined && input.scheduleHours !== policy.scheduleHours && !scheduleEditable(policy)) {
      throw localizedError('conflict', {
        key: 'api.policy.scheduleBySupportCase',
        params: { policy: policy.name, url: VEEAM_MY_ACCOUNT_URL, case: scheduleSupportCase(policy, customer.displayName, input.scheduleHours) },
      });
    }
    const merged: Policy = {
      ...policy,
      ...(input.name !== undefined && { name: input.name }),
      ...(input.backupType !== undefined && { backupType: input.backupType }),
      ...(input.services !== undefined && { services: ALL_SERVICES.filter((s) => input.services!.includes(s)) }),
      ...(input.selected !== undefined && { selected: input.selected }),
      ...(input.excluded !== undefined && { excluded: input.excluded }),
      ...(input.scheduleHours !== undefined && { scheduleHours: input.scheduleHours }),
    };
    // Switching to EntireOrganization without naming `selected` drops the old selection.
    if (input.backupType === 'EntireOrganization' && input.selected === undefined) merged.selected = { users: [], groups: [], sites: [], teams: [] };
    const problems = scopeProblems(merged);
    if (problems.length > 0) throw invalidScope(problems);
    if (input.name !== undefined && input.name.toLowerCase() !== policy.name.toLowerCase()) this.assertNameFree(customer.id, input.name);
    const now = this.ctx.clock.now();
    let updated!: Policy;
    await this.ctx.store.write((tx) => {
      const current = tx.get(policies, id);
      if (!current) throw notFound('Policy', id);
      updated = { ...current, ...pickScope(merged), updatedAt: now.toISOString() };
      if (input.scheduleHours !== undefined && updated.nextRun && input.scheduleHours !== current.scheduleHours) {
        // A new interval applies from the last run (or now, if that is already past).
        const anchor = current.lastRun ? Date.parse(current.lastRun) + input.scheduleHours * HOUR : now.getTime();
        updated.nextRun = new Date(Math.max(anchor, now.getTime())).toISOString();
      }
      tx.put(policies, updated);
    });
    await recordChange(this.ctx, principal, {
      action: 'policy.updated',
      target: { type: 'policy', id, name: updated.name },
      customerId: customer.id,
      details: { changed: Object.keys(input) },
    });
    return this.view(updated);
  }

  async delete(principal: Principal, id: string): Promise<void> {
    const policy = this.require(id);
    if (policy.source && !policy.source.goneAt) throw syncedConflict(policy, 'deleted');
    const customer = this.activeCustomer(policy);
    const now = this.ctx.clock.now().toISOString();
    await this.ctx.store.write((tx) => {
      const current = tx.get(policies, id);
      if (!current) throw notFound('Policy', id);
      const problem = deleteConflict(current);
      if (problem) throw localizedError('conflict', problem);
      tx.delete(policies, id);
      tx.put(deletedPolicies, { id, customerId: current.customerId, name: current.name, deletedAt: now });
    });
    await recordChange(this.ctx, principal, { action: 'policy.deleted', target: { type: 'policy', id, name: policy.name }, customerId: customer.id });
  }

  async enable(principal: Principal, id: string): Promise<PolicyView> {
    return this.toggle(principal, id, true);
  }

  async disable(principal: Principal, id: string): Promise<PolicyView> {
    return this.toggle(principal, id, false);
  }

  private async toggle(principal: Principal, id: string, enable: boolean): Promise<PolicyView> {
    const policy = this.require(id);
    // A synced policy belongs to upstream: it answers (or refuses), whatever the hub thinks of the customer.
    if (policy.source) return this.view((await this.forward(principal, policy, enable ? 'enable' : 'disable')).policy);
    const customer = this.activeCustomer(policy);
    const now = this.ctx.clock.now();
    let updated!: Policy;
    await this.ctx.store.write((tx) => {
      const current = tx.get(policies, id);
      if (!current) throw notFound('Policy', id);
      const problem = enable ? enableConflict(current) : disableConflict(current);
      if (problem) throw localizedError('conflict', problem);
      updated = enable ? applyEnable(current, now) : applyDisable(current, now);
      tx.put(policies, updated);
    });
    await recordChange(this.ctx, principal, {
      action: enable ? 'policy.enabled' : 'policy.disabled',
      target: { type: 'policy', id, name: policy.name },
      customerId: customer.id,
      details: { nextRun: updated.nextRun },
    });
    return this.view(updated);
  }

  /** The recommended policies of a newly onboarded customer: one per chosen service, whole organization. */
  async createRecommended(customerId: string, services: readonly ProtectedService[]): Promise<PolicyView[]> {
    const principal = systemPrincipal('SP Hub onboarding');
    const created: PolicyView[] = [];
    for (const service of services.length > 0 ? services : ALL_SERVICES) {
      const name = `${service} - Entire organization`;
      if (this.deps.index.ofCustomer(customerId).some((p) => p.name.toLowerCase() === name.toLowerCase())) continue;
      created.push(
        await this.create(principal, {
          customerId,
          name,
          backupType: 'EntireOrganization',
          services: [service],
          selected: { users: [], groups: [], sites: [], teams: [] },
          excluded: { users: [], groups: [], sites: [], teams: [] },
          scheduleHours: 24,
          enabled: true,
        }),
      );
    }
    return created;
  }

  // ---- sessions ----

  async start(principal: Principal, id: string, trigger: SessionTrigger = 'manual'): Promise<Session> {
    if (this.closed) throw localizedError('unavailable', { key: 'api.policy.shuttingDown' });
    const policy = this.require(id);
    if (policy.source) return this.forwardedSession(policy, principal, (await this.forward(principal, policy, 'start')).outcome, 'Running');
    const customer = this.activeCustomer(policy);
    const now = this.ctx.clock.now();
    let started!: Policy;
    await this.ctx.store.write((tx) => {
      const current = tx.get(policies, id);
      if (!current) throw notFound('Policy', id);
      const problem = startConflict(current);
      if (problem) throw localizedError('conflict', problem);
      started = applyStart(current, { sessionId: sessionIdFor(current.id, current.runCount + 1), now });
      tx.put(policies, started);
    });
    const session = this.runningSession(started, trigger, principal.actor.name, now.toISOString());
    const active: ActiveSession = { session, abort: new AbortController(), parked: false, closed: false };
    this.active.set(session.id, active);
    // The session line goes with the audit entry and the event: durable before anyone hears of
    // the start, in one commit on PostgreSQL.
    await this.track(
      this.announce(
        principal,
        trigger === 'manual',
        {
          action: 'session.started',
          target: { type: 'policy', id, name: started.name },
          customerId: customer.id,
          details: { sessionId: session.id, trigger },
          data: { policyId: id, policyName: started.name, sessionId: session.id, trigger, startedBy: session.startedBy, runner: session.runner },
        },
        [this.deps.history.lines(id, { sessions: [session] })],
      ),
    );
    this.launch(active, started, customer);
    return { ...active.session };
  }

  async stop(principal: Principal, id: string): Promise<Session> {
    const policy = this.require(id);
    if (policy.source) return this.forwardedSession(policy, principal, (await this.forward(principal, policy, 'stop')).outcome, 'Stopped');
    this.activeCustomer(policy);
    const problem = stopConflict(policy);
    if (problem) throw localizedError('conflict', problem);
    const active = this.active.get(policy.runningSessionId!) ?? (await this.orphan(policy));
    active.abort.abort();
    const session = await this.finish(active, 'Stopped', `Stopped by ${principal.actor.name}`, { status: 'Warning', message: `Job stopped by ${principal.actor.name}` }, principal);
    return session;
  }

  async sessions(policyId: string, query: SessionQuery): Promise<Page<Session>> {
    this.require(policyId);
    const { sessions } = await this.deps.history.read(policyId);
    const statuses = query.status?.length ? new Set(query.status) : null;
    const from = query.from ? boundary(query.from, 'start') : null;
    const to = query.to ? boundary(query.to, 'end') : null;
    const matches: Session[] = [];
    for (const stored of sessions) {
      const s = this.active.get(stored.id)?.session ?? stored;
      if (statuses && !statuses.has(s.status)) continue;
      const started = Date.parse(s.startedAt);
      if (from !== null && started < from) continue;
      if (to !== null && started > to) continue;
      matches.push({ ...s });
    }
    const start = (query.page - 1) * query.pageSize;
    return { items: matches.slice(start, start + query.pageSize), total: matches.length, page: query.page, pageSize: query.pageSize };
  }

  async session(id: string): Promise<Session> {
    const live = this.active.get(id);
    if (live) return { ...live.session };
    this.requireKnownSession(id);
    const found = await this.deps.history.session(id);
    if (!found) throw notFound('Session', id);
    return found.session;
  }

  async logs(id: string, query: LogQuery): Promise<{ session: Session; items: LogRecord[] }> {
    this.requireKnownSession(id);
    const found = await this.deps.history.session(id);
    if (!found) throw notFound('Session', id);
    const statuses = query.status?.length ? new Set(query.status) : null;
    const live = this.active.get(id)?.session;
    return { session: live ? { ...live } : found.session, items: found.logs.filter((l) => !statuses || statuses.has(l.status)) };
  }

  // ---- tenant connection ----

  tenantConnection(customerId: string): TenantConnection {
    const customer = this.deps.directory.get(customerId);
    if (!customer) throw notFound('Customer', customerId);
    return (
      this.ctx.store.get(tenantConnections, customerId) ?? {
        id: customerId,
        customerId,
        status: 'connected',
        reason: null,
        since: customer.activationDate ? `${customer.activationDate}T00:00:00.000Z` : customer.createdAt,
      }
    );
  }

  async setTenantConnection(principal: Principal, customerId: string, input: TenantConnectionInput): Promise<TenantConnection> {
    const current = this.tenantConnection(customerId);
    const customer = this.deps.directory.get(customerId)!;
    const record: TenantConnection = {
      id: customerId,
      customerId,
      status: input.status,
      reason: input.status === 'broken' ? (input.reason ?? 'the organization revoked the backup application consent') : null,
      since: current.status === input.status ? current.since : this.ctx.clock.now().toISOString(),
    };
    await this.ctx.store.write((tx) => tx.put(tenantConnections, record));
    await recordChange(this.ctx, principal, {
      action: 'tenant.connection.changed',
      target: { type: 'customer', id: customerId, name: customer.displayName },
      customerId,
      details: { status: record.status, reason: record.reason },
    });
    return record;
  }

  // ---- the schedule and the runner ----

  /** Starts the policies that are due (at most `limit`); a due slot of a customer that is not active is skipped. */
  async runDue(limit = 200): Promise<number> {
    if (this.closed) return 0;
    const now = this.ctx.clock.now();
    let started = 0;
    for (const id of this.deps.index.dueAt(now.getTime(), limit)) {
      const policy = this.deps.index.get(id);
      if (!policy) continue;
      const customer = this.deps.directory.get(policy.customerId);
      if (!customer) {
        await this.removeOrphans(policy.customerId);
        continue;
      }
      try {
        if (customer.status !== 'active') await this.skipSlot(policy, now);
        else {
          await this.start(systemPrincipal('SP Hub scheduler'), id, 'schedule');
          started += 1;
        }
      } catch (error) {
        console.error(`scheduler: policy ${id} could not start: ${(error as Error).message}`);
      }
    }
    return started;
  }

  /** Sessions left Running by a crash or a stop of the hub end Failed, saying why. */
  async recover(): Promise<number> {
    const stuck = [...this.deps.index.all()].filter((p) => p.runningSessionId && !this.active.has(p.runningSessionId));
    for (const policy of stuck) {
      const active = await this.orphan(policy);
      await this.finish(active, 'Failed', INTERRUPTED_MESSAGE, { status: 'Failed', message: INTERRUPTED_MESSAGE });
    }
    return stuck.length;
  }

  /** Deletes the policies of a customer that no longer exists (offboarding removed it). */
  async removeOrphans(customerId: string): Promise<number> {
    if (this.deps.directory.get(customerId)) return 0;
    const orphans = this.deps.index.ofCustomer(customerId);
    if (orphans.length === 0) return 0;
    for (const policy of orphans) {
      const active = policy.runningSessionId ? this.active.get(policy.runningSessionId) : undefined;
      if (active) {
        active.abort.abort();
        await this.finish(active, 'Stopped', 'Stopped: the customer was removed', { status: 'Warning', message: 'Job stopped: the customer was removed from SP Hub' });
      }
    }
    const now = this.ctx.clock.now().toISOString();
    await this.ctx.store.write((tx) => {
      for (const p of orphans) {
        tx.delete(policies, p.id);
        tx.put(deletedPolicies, { id: p.id, customerId, name: p.name, deletedAt: now });
      }
    });
    const principal = systemPrincipal('SP Hub scheduler');
    for (const p of orphans) {
      await recordChange(this.ctx, principal, { action: 'policy.deleted', target: { type: 'policy', id: p.id, name: p.name }, customerId, details: { reason: 'customer removed' } });
    }
    return orphans.length;
  }

  /**
   * Lets running sessions catch up with the clock: releases due waits and waits for the writes
   * they cause, until every session waits for a time not yet reached. Tests call it after
   * moving a FakeClock; the scheduler's tick calls it too.
   */
  async settle(): Promise<void> {
    for (let round = 0; round < 5_000; round++) {
      this.deps.timers.fire();
      await new Promise((resolve) => setImmediate(resolve));
      if (this.inflight.size > 0) {
        await Promise.allSettled([...this.inflight]);
        continue;
      }
      let busy = false;
      for (const a of this.active.values()) if (!a.parked) busy = true;
      if (!busy) return;
    }
  }

  get runningSessions(): number {
    return this.active.size;
  }

  /** Stops taking work; running sessions are left to `recover()` at the next start. */
  async close(): Promise<void> {
    this.closed = true;
    for (const active of this.active.values()) {
      active.closed = true;
      active.abort.abort();
    }
    this.active.clear();
    await Promise.allSettled([...this.inflight]);
  }

  // ---- synced policies ----

  /** Actions on policies synced from `kind` go to `port` (the connections area registers one per kind). */
  registerSource(kind: string, port: PolicyActionsPort): void {
    this.sources.set(kind, port);
  }

  /** Sends the action upstream; records and announces it only once upstream confirmed it. */
  private async forward(principal: Principal, policy: Policy, action: PolicyAction): Promise<{ policy: Policy; outcome: ForwardedAction }> {
    const source = policy.source!;
    if (source.goneAt) throw localizedError('conflict', { key: 'api.policy.goneUpstream', params: { policy: policy.name, where: source.kind.toUpperCase(), since: source.goneAt } });
    const port = this.sources.get(source.kind);
    if (!port) throw localizedError('conflict', { key: 'api.policy.noWayUpstream', params: { policy: policy.name, where: source.kind.toUpperCase() } });
    const outcome = await port.perform(action, policy, principal);
    let updated: Policy = policy;
    await this.ctx.store.write((tx) => {
      const current = tx.get(policies, policy.id);
      if (!current) return;
      updated = { ...current, ...outcome.patch, updatedAt: this.ctx.clock.now().toISOString() };
      tx.put(policies, updated);
    });
    const verb = action === 'enable' ? 'policy.enabled' : action === 'disable' ? 'policy.disabled' : `policy.${action}.forwarded`;
    await recordChange(this.ctx, principal, {
      action: verb,
      target: { type: 'policy', id: policy.id, name: policy.name },
      customerId: policy.customerId,
      details: {
        forwardedTo: source.kind,
        connectionId: source.connectionId,
        upstreamId: source.upstreamId,
        requestId: outcome.requestId,
        upstream: outcome.message,
        ...(action === 'enable' || action === 'disable' ? { nextRun: updated.nextRun } : {}),
      },
    });
    return { policy: updated, outcome };
  }

  /** The answer to a forwarded start or stop: the run as upstream confirmed it; the next sync records the real session. */
  private forwardedSession(policy: Policy, principal: Principal, outcome: { message: string; runner: string }, status: 'Running' | 'Stopped'): Session {
    const now = this.ctx.clock.now().toISOString();
    return {
      id: sessionIdFor(policy.id, policy.runCount + 1),
      policyId: policy.id,
      policyName: policy.name,
      customerId: policy.customerId,
      trigger: 'manual',
      startedBy: principal.actor.name,
      runner: outcome.runner,
      startedAt: status === 'Running' ? now : (policy.lastRun ?? now),
      endedAt: status === 'Running' ? null : now,
      status,
      progress: 0,
      totalObjects: 0,
      excludedObjects: 0,
      processedObjects: 0,
      transferredBytes: 0,
      durationMs: null,
      summary: outcome.message,
    };
  }

  // ---- internals ----

  private launch(active: ActiveSession, policy: Policy, customer: Customer): void {
    if (active.closed) return;
    const { session } = active;
    const connection = this.ctx.store.get(tenantConnections, customer.id);
    const job = backupJob(session.id, policy, customer, { connected: connection?.status !== 'broken', reason: connection?.reason ?? null }, new Date(session.startedAt));
    const control: SessionControl = {
      signal: active.abort.signal,
      now: () => this.ctx.clock.now(),
      wait: (ms) => {
        if (active.closed) return Promise.resolve();
        const wait = this.deps.timers.wait(ms, active.abort.signal);
        if (!(ms > 0)) return wait;
        active.parked = true;
        return wait.finally(() => {
          active.parked = false;
        });
      },
      log: (status, message) => {
        if (active.closed) return;
        void this.track(this.deps.history.append(session.policyId, { logs: [{ sessionId: session.id, at: this.ctx.clock.now().toISOString(), status, message }] }));
      },
      progress: (update) => {
        if (active.closed) return;
        const s = active.session;
        active.session = {
          ...s,
          progress: clamp(update.progress ?? s.progress, 0, 100),
          totalObjects: Math.max(0, Math.round(update.totalObjects ?? s.totalObjects)),
          excludedObjects: Math.max(0, Math.round(update.excludedObjects ?? s.excludedObjects)),
          processedObjects: Math.max(0, Math.round(update.processedObjects ?? s.processedObjects)),
          transferredBytes: Math.max(0, update.transferredBytes ?? s.transferredBytes),
        };
      },
    };
    void (async () => {
      let result: RunResult;
      try {
        result = await this.deps.runner.run(job, control);
      } catch (error) {
        const message = `The runner ${this.deps.runner.name} failed: ${(error as Error)?.message ?? String(error)}`;
        control.log('Failed', message);
        result = { status: 'Failed', summary: message };
      }
      if (active.closed || this.closed) return;
      await this.track(this.finish(active, result.status, result.summary).catch((error) => console.error(`session ${session.id} could not be finished:`, error)));
    })();
  }

  /** Ends a session: the policy's state, the day's counter, the final record, the event. */
  private async finish(active: ActiveSession, result: SessionResult, summary: string | null, extraLog?: Pick<LogRecord, 'status' | 'message'>, principal?: Principal): Promise<Session> {
    if (active.closed) return { ...active.session };
    active.closed = true;
    this.active.delete(active.session.id);
    const now = this.ctx.clock.now();
    const startedAt = active.session.startedAt;
    const endedAt = new Date(Math.max(now.getTime(), Date.parse(startedAt))).toISOString();
    const session: Session = {
      ...active.session,
      status: result,
      endedAt,
      durationMs: Date.parse(endedAt) - Date.parse(startedAt),
      summary,
      progress: result === 'Success' || result === 'Warning' ? 100 : active.session.progress,
    };
    active.session = session;
    let policyName = session.policyName;
    await this.ctx.store.write((tx) => {
      const current = tx.get(policies, session.policyId);
      if (current) {
        policyName = current.name;
        tx.put(policies, applyFinish(current, { sessionId: session.id, result, startedAt, endedAt, summary }));
      }
      bumpJob(tx, dayOf(endedAt), result);
    });
    const lines = this.deps.history.lines(session.policyId, {
      logs: extraLog ? [{ sessionId: session.id, at: endedAt, ...extraLog }] : [],
      sessions: [session],
    });
    const topic = finishedSessionTopic(result);
    const announced = this.announce(
      principal ?? systemPrincipal(`${session.runner} (runner)`),
      principal !== undefined,
      {
        action: 'session.finished',
        target: { type: 'policy', id: session.policyId, name: policyName },
        customerId: session.customerId,
        details: { sessionId: session.id, status: result, summary },
        data: {
          policyId: session.policyId,
          policyName,
          sessionId: session.id,
          status: result,
          summary,
          startedAt,
          endedAt,
          durationMs: session.durationMs,
          processedObjects: session.processedObjects,
          transferredBytes: session.transferredBytes,
          ...(topic && { topic }),
        },
      },
      [lines],
    );
    // The session and log lines go with the event (see start).
    await this.track(announced);
    return { ...session };
  }

  /** A session of `policy` that has just started (its id is the policy's running session). */
  private runningSession(policy: Policy, trigger: SessionTrigger, startedBy: string, startedAt: string): Session {
    return {
      id: policy.runningSessionId!,
      policyId: policy.id,
      policyName: policy.name,
      customerId: policy.customerId,
      trigger,
      startedBy,
      runner: this.deps.runner.name,
      startedAt,
      endedAt: null,
      status: 'Running',
      progress: 0,
      totalObjects: 0,
      excludedObjects: 0,
      processedObjects: 0,
      transferredBytes: 0,
      durationMs: null,
      summary: null,
    };
  }

  /** The running session of a policy that has no live runner (after a restart): from its file, or rebuilt. */
  private async orphan(policy: Policy): Promise<ActiveSession> {
    const id = policy.runningSessionId!;
    const found = await this.deps.history.session(id);
    const session = found?.session ?? this.runningSession(policy, 'schedule', 'unknown', policy.lastRun ?? policy.updatedAt);
    return { session: { ...session, status: 'Running', endedAt: null }, abort: new AbortController(), parked: false, closed: false };
  }

  private async skipSlot(policy: Policy, now: Date): Promise<void> {
    await this.ctx.store.write((tx) => {
      const current = tx.get(policies, policy.id);
      if (current?.nextRun) tx.put(policies, { ...current, nextRun: nextScheduledRun(current.nextRun, now, current.scheduleHours) });
    });
  }

  /** A manual change is audited; what the scheduler and the runner do is an event only. */
  private async announce(principal: Principal, audited: boolean, change: Change, carried: readonly CarriedAppend[] = []): Promise<void> {
    if (audited) {
      await recordChange(this.ctx, principal, change, carried);
      return;
    }
    await this.ctx.events.emit(
      {
        type: change.action,
        ...(change.customerId && { customerId: change.customerId }),
        subject: { type: change.target.type, id: change.target.id ?? '', ...(change.target.name && { name: change.target.name }) },
        data: { ...(change.data ?? change.details), actor: principal.actor.name, channel: principal.actor.channel },
      },
      carried,
    );
  }

  /** Work started outside a request (onboarding's recommended policies) that settle() waits for. */
  background<T>(promise: Promise<T>): Promise<T> {
    return this.track(promise);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inflight.add(promise);
    void promise.finally(() => this.inflight.delete(promise)).catch(() => undefined);
    return promise;
  }

  private require(id: string): Policy {
    const policy = this.deps.index.get(id);
    if (!policy) throw notFound('Policy', id);
    return policy;
  }

  private requireKnownSession(id: string): void {
    const policyId = policyIdOfSession(id);
    if (!policyId || (!this.deps.index.get(policyId) && !this.ctx.store.get(deletedPolicies, policyId))) throw notFound('Session', id);
  }

  /** The policy's customer, which must exist and be active for any action. */
  private activeCustomer(policy: Policy): Customer {
    const customer = this.deps.directory.get(policy.customerId);
    if (!customer) throw localizedError('conflict', { key: 'api.policy.customerGone', params: { policy: policy.name } });
    const problem = customerConflict(customer);
    if (problem) throw localizedError('conflict', problem);
    return customer;
  }

  private assertNameFree(customerId: string, name: string): void {
    const customer = this.deps.directory.get(customerId)!;
    if (this.deps.index.ofCustomer(customerId).some((p) => p.name.toLowerCase() === name.toLowerCase())) throw nameTaken(customer, name);
  }
}

/** A synced policy is defined upstream: the next sync would undo a change made here. */
function syncedConflict(policy: Policy, verb: 'edited' | 'deleted'): HubError {
  const where = policy.source!.kind.toUpperCase();
  return localizedError('conflict', { key: verb === 'edited' ? 'api.policy.syncedEdit' : 'api.policy.syncedDelete', params: { policy: policy.name, where } });
}

function nameTaken(customer: Customer, name: string): HubError {
  return localizedError('conflict', { key: 'api.policy.nameTaken', params: { customer: customer.displayName, name } });
}

function invalidScope(problems: { field: string; message: string }[]): HubError {
  const details = problems.map((p) => ({ field: `body.${p.field}`, message: p.message }));
  return localizedError('invalid_input', { key: 'api.policy.invalidObjects', params: { problems: details.map((d) => `${d.field} ${d.message}`).join('; ') } }, details);
}

function pickScope(p: Policy): Pick<Policy, 'name' | 'backupType' | 'services' | 'selected' | 'excluded' | 'scheduleHours'> {
  return { name: p.name, backupType: p.backupType, services: p.services, selected: p.selected, excluded: p.excluded, scheduleHours: p.scheduleHours };
}

/** A YYYY-MM-DD bound covers its whole UTC day. */
function boundary(value: string, side: 'start' | 'end'): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return Date.parse(`${value}T00:00:00.000Z`) + (side === 'end' ? 86_400_000 - 1 : 0);
  return Date.parse(value);
}

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));
