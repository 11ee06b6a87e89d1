import { z } from 'zod';
import { IsoDateTime } from '../../../shared/schemas/common.js';
import {
  ServiceState,
  StatusDocument,
  STATUS_REGIONS,
  STATUS_SERVICE_LABELS,
  STATUS_SERVICES,
  StatusIncident,
  StatusSubscriber,
  type ServiceStatusView,
  type StatusSubscription,
  type StatusUptimeView,
  type StatusChange,
  type StatusIncidentInput,
  type StatusIncidentUpdate,
  type StatusSourceInfo,
} from '../../../shared/schemas/portal.js';
import type { Principal } from '../../auth/principal.js';
import type { HubContext } from '../../context.js';
import { conflict, invalid, notFound, type FieldError, localizedError } from '../../http/errors.js';
import { newId } from '../../ids.js';
import { defineCollection } from '../../store/collection.js';
import { recordChange } from '../changes.js';
import { atomFeed, type FeedEntry } from '../../../shared/domain/status-feed.js';
import { stateAt, uptime, type StateChange } from '../../../shared/domain/status-uptime.js';
import { composeStatus, isActive, stateKey, type ComposedStatus } from './status-compose.js';
import type { StatusSource } from './status-source.js';

export const statusIncidents = defineCollection('statusIncidents', StatusIncident);

/** What the status area remembers across restarts: the last good document and each service's last state. */
const StatusMemory = z.object({
  id: z.literal('current'),
  states: z.record(z.string(), z.object({ state: ServiceState, since: IsoDateTime })),
  document: StatusDocument.nullable(),
  documentFetchedAt: IsoDateTime.nullable(),
});
type StatusMemory = z.infer<typeof StatusMemory>;
export const statusMemory = defineCollection('statusMemory', StatusMemory);
export const statusSubscribers = defineCollection('statusSubscribers', StatusSubscriber);

/** Every state change of a service, a file per month (history only grows). */
const historyFile = (month: string) => `status-history/${month}.jsonl`;
interface HistoryRecord {
  at: string;
  region: string;
  service: string;
  state: z.infer<typeof ServiceState>;
  message: string | null;
}
const monthsBetween = (from: Date, to: Date): string[] => {
  const out: string[] = [];
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1));
  while (d <= to) {
    out.push(d.toISOString().slice(0, 7));
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return out;
};

const DAY_MS = 86_400_000;
const MAX_WINDOW_MS = 14 * DAY_MS;
const MAX_AHEAD_MS = 366 * DAY_MS;

export interface StatusServiceOptions {
  source: StatusSource | null;
  /** How long an answer of the source is used before asking again (also the wait after a failure). */
  ttlMs: number;
  /** How long one request to the source may take. */
  timeoutMs: number;
}

/**
 * The status of the VDC services per region. The source's document is cached for a TTL; when the
 * source fails, the last good document is served marked stale (it survives restarts), and with no
 * answer ever the services show unknown. Operators' incidents and maintenance windows overlay it.
 * Every change of a service's state emits one `status.changed` event.
 */
export class StatusService {
  private document: StatusDocument | null;
  private lastSuccessAt: string | null;
  private lastAttemptAt: number | null = null;
  private lastError: string | null = null;
  private inflight: Promise<void> | null = null;
  private checking: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: HubContext,
    private readonly options: StatusServiceOptions,
  ) {
    const memory = ctx.store.get(statusMemory, 'current');
    this.document = options.source ? (memory?.document ?? null) : null;
    this.lastSuccessAt = options.source ? (memory?.documentFetchedAt ?? null) : null;
  }

  get source(): StatusSource | null {
    return this.options.source;
  }

  /** Asks the source again when the TTL has passed since the last attempt (or when forced); never throws. */
  refresh(force = false): Promise<void> {
    const source = this.options.source;
    if (!source) return Promise.resolve();
    if (this.inflight) return this.inflight;
    const now = this.ctx.clock.now().getTime();
    if (!force && this.lastAttemptAt !== null && now - this.lastAttemptAt < this.options.ttlMs) return Promise.resolve();
    this.lastAttemptAt = now;
    this.inflight = this.fetchOnce(source).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async fetchOnce(source: StatusSource): Promise<void> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    try {
      const raw = await source.load(controller.signal);
      const parsed = StatusDocument.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(`the status document is not valid: ${issue ? `${issue.path.join('.') || 'document'} ${issue.message}` : 'unreadable'}`);
      }
      const fetchedAt = this.ctx.clock.now().toISOString();
      const changed = JSON.stringify(parsed.data) !== JSON.stringify(this.document);
      this.document = parsed.data;
      this.lastSuccessAt = fetchedAt;
      this.lastError = null;
      if (changed) {
        await this.ctx.store.write((tx) => tx.put(statusMemory, { ...this.memory(tx.get(statusMemory, 'current')), document: parsed.data, documentFetchedAt: fetchedAt })).catch(() => undefined);
      }
    } catch (error) {
      this.lastError = controller.signal.aborted ? `the status source gave no answer within ${this.options.timeoutMs} ms` : error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The status now: refreshes the source when due, announces any change, never fails on the source. */
  async view(): Promise<ServiceStatusView> {
    await this.refresh();
    const now = this.ctx.clock.now();
    const composed = this.compose(now);
    await this.announce(composed, now);
    return {
      at: now.toISOString(),
      overall: composed.overall,
      stale: this.isStale(),
      source: this.sourceInfo(),
      regions: composed.regions,
      maintenance: composed.maintenance,
      incidents: composed.incidents,
    };
  }

  /** Refreshes when due and announces changes (the poller's pass; maintenance windows start and end by time). */
  async check(): Promise<StatusChange[]> {
    await this.refresh();
    const now = this.ctx.clock.now();
    return this.announce(this.compose(now), now);
  }

  private compose(now: Date): ComposedStatus {
    return composeStatus({
      now,
      document: this.document,
      sourceConfigured: this.options.source !== null,
      incidents: [...this.ctx.store.all(statusIncidents)],
      remembered: this.ctx.store.get(statusMemory, 'current')?.states ?? {},
    });
  }

  private isStale(): boolean {
    return this.options.source !== null && (this.document === null || this.lastError !== null);
  }

  private sourceInfo(): StatusSourceInfo {
    const source = this.options.source;
    return {
      kind: source?.kind ?? 'none',
      location: source?.location ?? null,
      state: !source ? 'none' : this.document === null ? 'unavailable' : this.lastError ? 'stale' : 'fresh',
      lastSuccessAt: this.lastSuccessAt,
      lastAttemptAt: this.lastAttemptAt === null ? null : new Date(this.lastAttemptAt).toISOString(),
      lastError: this.lastError,
      documentUpdatedAt: this.document?.updatedAt ?? null,
      ttlSeconds: Math.round(this.options.ttlMs / 1000),
    };
  }

  /** Compares with the last states seen and emits one `status.changed` for what moved. Unknown never counts as a change. */
  private announce(composed: ComposedStatus, now: Date): Promise<StatusChange[]> {
    const run = this.checking.then(async () => {
      const memory = this.memory(this.ctx.store.get(statusMemory, 'current'));
      const states = { ...memory.states };
      const changes: StatusChange[] = [];
      let dirty = false;
      for (const region of composed.regions) {
        for (const service of region.services) {
          if (service.state === 'unknown') continue;
          const key = stateKey(region.region, service.service);
          const before = memory.states[key];
          const since = service.since ?? now.toISOString();
          if (!before) {
            dirty = true;
            states[key] = { state: service.state, since };
            if (service.state !== 'operational')
              changes.push({ region: region.region, service: service.service, name: service.name, from: 'operational', to: service.state, since, message: service.message });
          } else if (before.state !== service.state) {
            dirty = true;
            states[key] = { state: service.state, since };
            changes.push({ region: region.region, service: service.service, name: service.name, from: before.state, to: service.state, since, message: service.message });
          }
        }
      }
      if (!dirty) return changes;
      await this.ctx.store.write((tx) => tx.put(statusMemory, { ...this.memory(tx.get(statusMemory, 'current')), states }));
      if (changes.length > 0) {
        const records: HistoryRecord[] = changes.map((c) => ({ at: c.since ?? now.toISOString(), region: c.region, service: c.service, state: c.to, message: c.message }));
        await this.ctx.logs.append(historyFile(now.toISOString().slice(0, 7)), records);
      }
      if (changes.length > 0) {
        await this.ctx.events.emit({
          type: 'status.changed',
          subject: { type: 'serviceStatus', id: 'vdc', name: 'Veeam Data Cloud for Microsoft 365' },
          data: { overall: composed.overall, changes, topic: 'serviceStatus' },
        });
      }
      return changes;
    });
    this.checking = run.catch(() => undefined);
    return run;
  }

  private memory(current: StatusMemory | undefined): StatusMemory {
    return current ?? { id: 'current', states: {}, document: null, documentFetchedAt: null };
  }

  // ---- uptime, the feed, subscribers ----

  private async history(from: Date, to: Date): Promise<HistoryRecord[]> {
    const out: HistoryRecord[] = [];
    for (const month of monthsBetween(from, to)) out.push(...(await this.ctx.logs.read<HistoryRecord>(historyFile(month))));
    return out;
  }

  /**
   * Uptime per region and service over the last `days` days, from the recorded state changes (the
   * state at the start is the last change recorded up to a month before; operational when none).
   */
  async uptime(days: number): Promise<StatusUptimeView> {
    const to = this.ctx.clock.now();
    const from = new Date(to.getTime() - days * 86_400_000);
    const history = await this.history(new Date(from.getTime() - 31 * 86_400_000), to);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      regions: STATUS_REGIONS.map((region) => ({
        region,
        services: STATUS_SERVICES.map((service) => {
          const changes: StateChange[] = history.filter((h) => h.region === region && h.service === service).map((h) => ({ at: h.at, state: h.state }));
          const u = uptime(stateAt(changes, from), changes, from, to);
          return { service, name: STATUS_SERVICE_LABELS[service], uptimePercent: u.percent, outageMinutes: Math.round(u.outageMs / 60_000), maintenanceMinutes: Math.round(u.maintenanceMs / 60_000) };
        }),
      })),
    };
  }

  /** An Atom feed: operators' incidents and maintenance windows, and the state changes of the last 30 days. */
  async feed(selfUrl: string): Promise<string> {
    const now = this.ctx.clock.now();
    const entries: FeedEntry[] = this.listIncidents('all').map((i) => ({
      id: `urn:sp-hub:status:${i.id}`,
      title: `${i.kind === 'maintenance' ? 'Maintenance' : 'Incident'}: ${i.title}${i.resolvedAt ? ' (resolved)' : ''}`,
      updated: i.updatedAt,
      published: i.createdAt,
      summary: [i.description, `State: ${i.state}`, `Regions: ${i.regions.join(', ')}`, `From ${i.startsAt}${i.endsAt ? ` to ${i.endsAt}` : ''}`].filter(Boolean).join('. '),
      categories: [i.kind, ...i.regions],
    }));
    for (const h of await this.history(new Date(now.getTime() - 30 * 86_400_000), now)) {
      const name = STATUS_SERVICE_LABELS[h.service as keyof typeof STATUS_SERVICE_LABELS] ?? h.service;
      entries.push({
        id: `urn:sp-hub:status-change:${h.region}:${h.service}:${h.at}`,
        title: `${name} (${h.region}): ${h.state}`,
        updated: h.at,
        summary: h.message ?? `${name} in ${h.region} is ${h.state}.`,
        categories: [h.region, h.state],
      });
    }
    entries.sort((a, b) => b.updated.localeCompare(a.updated));
    return atomFeed({
      id: 'urn:sp-hub:status',
      title: 'Veeam Data Cloud for Microsoft 365 status (SP Hub)',
      updated: entries[0]?.updated ?? now.toISOString(),
      selfUrl,
      entries: entries.slice(0, 100),
    });
  }

  subscribers(): StatusSubscriber[] {
    return [...this.ctx.store.all(statusSubscribers)].sort((a, b) => a.email.localeCompare(b.email));
  }

  async subscribe(principal: Principal, input: StatusSubscription): Promise<StatusSubscriber> {
    const existing = this.subscribers().find((s) => s.email === input.email);
    if (existing) throw localizedError('conflict', { key: 'api.status.subscribed', params: { email: input.email } });
    const subscriber: StatusSubscriber = { id: newId('sub'), email: input.email, language: input.language, createdAt: this.ctx.clock.now().toISOString(), createdBy: principal.actor.name };
    await this.ctx.store.write((tx) => tx.put(statusSubscribers, subscriber));
    await recordChange(this.ctx, principal, {
      action: 'status.subscribed',
      target: { type: 'statusSubscriber', id: subscriber.id, name: subscriber.email },
      details: { language: subscriber.language },
    });
    return subscriber;
  }

  async unsubscribe(principal: Principal, id: string): Promise<void> {
    const subscriber = this.ctx.store.get(statusSubscribers, id);
    if (!subscriber) throw notFound('Status subscriber', id);
    await this.ctx.store.write((tx) => tx.delete(statusSubscribers, id));
    await recordChange(this.ctx, principal, { action: 'status.unsubscribed', target: { type: 'statusSubscriber', id, name: subscriber.email }, details: {} });
  }

  // ---- operators' incidents and maintenance windows ----

  listIncidents(when: 'active' | 'upcoming' | 'ended' | 'all'): StatusIncident[] {
    const now = this.ctx.clock.now();
    return [...this.ctx.store.all(statusIncidents)].filter((i) => when === 'all' || phase(i, now) === when).sort((a, b) => b.startsAt.localeCompare(a.startsAt) || a.id.localeCompare(b.id));
  }

  incident(id: string): StatusIncident {
    const found = this.ctx.store.get(statusIncidents, id);
    if (!found) throw notFound('Status incident', id);
    return found;
  }

  async createIncident(principal: Principal, input: StatusIncidentInput): Promise<StatusIncident> {
    const now = this.ctx.clock.now();
    const incident: StatusIncident = {
      id: newId('inc'),
      kind: input.kind,
      title: input.title,
      description: input.description || null,
      state: input.kind === 'maintenance' ? 'maintenance' : (input.state ?? 'degraded'),
      regions: input.regions,
      services: input.services ?? ['authentication', 'exchangeBackup', 'sharePointBackup', 'oneDriveBackup', 'teamsBackup', 'backupStorage', 'restores'],
      startsAt: normalize(input.startsAt) ?? now.toISOString(),
      endsAt: normalize(input.endsAt) ?? null,
      resolvedAt: null,
      createdAt: now.toISOString(),
      createdBy: principal.actor.name,
      updatedAt: now.toISOString(),
    };
    const errors = incidentProblems(incident, now, { stateGiven: input.state, isNew: true });
    if (errors.length > 0) throw invalid(`The ${incident.kind} is not valid: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);
    await this.ctx.store.write((tx) => tx.put(statusIncidents, incident));
    await recordChange(this.ctx, principal, {
      action: `status.${incident.kind}.created`,
      target: { type: 'statusIncident', id: incident.id, name: incident.title },
      details: { kind: incident.kind, state: incident.state, regions: incident.regions, services: incident.services, startsAt: incident.startsAt, endsAt: incident.endsAt },
    });
    await this.check();
    return incident;
  }

  async updateIncident(principal: Principal, id: string, changes: StatusIncidentUpdate): Promise<StatusIncident> {
    const now = this.ctx.clock.now();
    const current = this.incident(id);
    if (changes.resolved && current.resolvedAt) throw conflict(`The ${current.kind} "${current.title}" is already resolved.`);
    const next: StatusIncident = {
      ...current,
      ...(changes.title !== undefined && { title: changes.title }),
      ...(changes.description !== undefined && { description: changes.description || null }),
      ...(changes.state !== undefined && { state: changes.state }),
      ...(changes.regions !== undefined && { regions: changes.regions }),
      ...(changes.services !== undefined && { services: changes.services }),
      ...(changes.startsAt !== undefined && { startsAt: normalize(changes.startsAt)! }),
      ...(changes.endsAt !== undefined && { endsAt: normalize(changes.endsAt) ?? null }),
      ...(changes.resolved && { resolvedAt: now.toISOString() }),
      updatedAt: now.toISOString(),
    };
    const errors = incidentProblems(next, now, { stateGiven: changes.state, isNew: false });
    if (errors.length > 0) throw invalid(`The ${next.kind} is not valid: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);
    await this.ctx.store.write((tx) => {
      if (!tx.get(statusIncidents, id)) throw notFound('Status incident', id);
      tx.put(statusIncidents, next);
    });
    const { resolved: _resolved, ...rest } = changes;
    await recordChange(this.ctx, principal, {
      action: changes.resolved ? `status.${next.kind}.resolved` : `status.${next.kind}.updated`,
      target: { type: 'statusIncident', id, name: next.title },
      details: { ...rest, ...(changes.resolved && { resolvedAt: next.resolvedAt }) },
    });
    await this.check();
    return next;
  }

  async deleteIncident(principal: Principal, id: string): Promise<void> {
    const current = this.incident(id);
    await this.ctx.store.write((tx) => tx.delete(statusIncidents, id));
    await recordChange(this.ctx, principal, {
      action: `status.${current.kind}.deleted`,
      target: { type: 'statusIncident', id, name: current.title },
      details: { kind: current.kind, regions: current.regions },
    });
    await this.check();
  }
}

function phase(incident: StatusIncident, now: Date): 'active' | 'upcoming' | 'ended' {
  if (isActive(incident, now)) return 'active';
  if (!incident.resolvedAt && Date.parse(incident.startsAt) > now.getTime()) return 'upcoming';
  return 'ended';
}

const normalize = (iso: string | null | undefined) => (iso ? new Date(iso).toISOString() : iso);

function incidentProblems(i: StatusIncident, now: Date, context: { stateGiven: string | undefined; isNew: boolean }): FieldError[] {
  const errors: FieldError[] = [];
  const start = Date.parse(i.startsAt);
  const end = i.endsAt === null ? null : Date.parse(i.endsAt);
  if (i.kind === 'maintenance') {
    if (context.stateGiven !== undefined && context.stateGiven !== 'maintenance') errors.push({ field: 'body.state', message: 'a maintenance window is always "maintenance"' });
    if (end === null) errors.push({ field: 'body.endsAt', message: 'is required for a maintenance window' });
    else if (end - start > MAX_WINDOW_MS) errors.push({ field: 'body.endsAt', message: 'a maintenance window lasts at most 14 days' });
  } else if (context.stateGiven === 'maintenance') {
    errors.push({ field: 'body.state', message: 'an incident is "degraded" or "outage"; record maintenance with kind "maintenance"' });
  } else if (context.isNew && context.stateGiven === undefined) {
    errors.push({ field: 'body.state', message: 'is required for an incident ("degraded" or "outage")' });
  }
  if (end !== null && end <= start) errors.push({ field: 'body.endsAt', message: 'must be after startsAt' });
  if (start - now.getTime() > MAX_AHEAD_MS) errors.push({ field: 'body.startsAt', message: 'must be within a year from now' });
  return errors;
}
