import type { NotificationView } from '../../../shared/schemas/cards.js';
import type { DomainEvent } from '../../../shared/schemas/events.js';
import type { Topic } from '../../../shared/schemas/notifications.js';
import { dueDate } from '../../../shared/domain/usage-calendar.js';

/**
 * The one table from domain events to notification topics, and from each event to the view its
 * card shows. Events are emitted by the other areas; anything not listed here notifies nobody.
 *
 *   session.finished            Failed, Disconnected -> backupFailed; Success, Warning, Stopped -> backupComplete
 *   restore.requested           -> restoreActivity (while it runs; one finished at once is told by restore.completed)
 *   restore.completed           -> restoreActivity
 *   customer.updated            -> licenseChange, when its licensed limit changed
 *   alert.raised                kind staleProtection -> staleProtection; kind licenseThreshold -> licenseThreshold;
 *                               kind connectionFailing -> connectionFailing (partner contacts)
 *   usage-report.due, usage-report.overdue, usage-report.rejected, license-management.suspended -> usageReportDue
 *   status.changed              -> serviceStatus
 */

export interface RouteLookup {
  customer(customerId: string): { name: string; licenses: number; backedUpAccounts: number } | undefined;
  policy(policyId: string): { name: string; failingSince: string | null; lastSuccessAt: string | null } | undefined;
  /** The licensed limit a customer had before its latest change (remembered as the change was written). */
  previousLicenses(customerId: string, current: number): number | undefined;
  /** Monitoring thresholds, for the stale and license cards. */
  staleHours: number;
  licensePercent: number;
}

export interface Routed {
  topic: Topic;
  view: NotificationView;
}

interface EventRoute {
  types: readonly string[];
  route(event: DomainEvent, lookup: RouteLookup): Routed | null;
}

export const EVENT_ROUTES: readonly EventRoute[] = [
  {
    types: ['session.finished'],
    route(event, lookup) {
      const d = event.data;
      const status = str(d.status);
      const customer = customerRef(event, lookup);
      const policyId = str(d.policyId) ?? (event.subject?.type === 'policy' ? event.subject.id : undefined);
      if (!status || !customer || !policyId) return null;
      const known = lookup.policy(policyId);
      const policy = { id: policyId, name: str(d.policyName) ?? event.subject?.name ?? known?.name ?? policyId };
      const common = {
        customer,
        policy,
        status,
        ...opt('sessionId', str(d.sessionId)),
        ...opt('startedAt', str(d.startedAt)),
        ...opt('endedAt', str(d.endedAt) ?? event.at),
        ...opt('message', str(d.summary) ?? str(d.message)),
      };
      if (status === 'Failed' || status === 'Disconnected') {
        const alertId = status === 'Failed' ? `backupFailed.${policyId}` : `tenantDisconnected.${customer.id}`;
        return { topic: 'backupFailed', view: { kind: 'backupFailed', ...common, ...opt('failingSince', known?.failingSince ?? undefined), alertId } };
      }
      if (status === 'Success' || status === 'Warning' || status === 'Stopped') {
        return {
          topic: 'backupComplete',
          view: { kind: 'backupCompleted', ...common, ...opt('processedObjects', num(d.processedObjects)), ...opt('transferredBytes', num(d.transferredBytes)) },
        };
      }
      return null;
    },
  },
  {
    types: ['restore.requested', 'restore.completed'],
    route(event, lookup) {
      const d = event.data;
      const customer = customerRef(event, lookup);
      const restoreId = str(d.restoreId) ?? (event.subject?.type === 'restore' ? event.subject.id : undefined);
      const status = str(d.status) ?? 'Running';
      if (!customer || !restoreId) return null;
      // A restore recorded as already finished is told once, by its restore.completed.
      if (event.type === 'restore.requested' && status !== 'Running') return null;
      const shown = event.type === 'restore.requested' ? 'requested' : status === 'Failed' ? 'failed' : 'completed';
      return {
        topic: 'restoreActivity',
        view: {
          kind: 'restore',
          customer,
          restoreId,
          restoreKind: str(d.kind) ?? 'item',
          status: shown,
          ...opt('item', str(d.item) ?? event.subject?.name),
          ...opt('requestedBy', str(d.requestedBy)),
          ...opt('items', num(d.restoredItems)),
          ...opt('at', event.at),
          ...opt('message', str(d.outcome)),
        },
      };
    },
  },
  {
    types: ['customer.updated'],
    route(event, lookup) {
      const changed = Array.isArray(event.data.changed) ? event.data.changed : [];
      // The purchased limit changed (licenseLimit); the used count follows VDC and is not announced here.
      const current = num(event.data.licenseLimit);
      const customer = customerRef(event, lookup);
      if (!changed.includes('licenseLimit') || current === undefined || !customer) return null;
      const previous = lookup.previousLicenses(customer.id, current);
      if (previous === undefined || previous === current) return null;
      return { topic: 'licenseChange', view: { kind: 'licenseChange', customer, previous, current, ...opt('changedBy', str(event.data.actor)) } };
    },
  },
  {
    types: ['alert.raised'],
    route(event, lookup) {
      const d = event.data;
      const kind = str(d.kind);
      const customer = customerRef(event, lookup);
      const alertId = str(d.alertId);
      // A failing connection concerns the provider, not one customer.
      if (kind === 'connectionFailing' && event.subject?.type === 'connection') {
        return {
          topic: 'connectionFailing',
          view: {
            kind: 'connectionFailing',
            connection: { id: event.subject.id, name: event.subject.name ?? event.subject.id },
            reason: str(d.reason) ?? '',
            ...opt('since', str(d.since)),
            ...opt('alertId', alertId),
          },
        };
      }
      if (!customer) return null;
      if (kind === 'staleProtection' && event.subject?.type === 'policy') {
        const known = lookup.policy(event.subject.id);
        return {
          topic: 'staleProtection',
          view: {
            kind: 'staleProtection',
            customer,
            policy: { id: event.subject.id, name: event.subject.name ?? known?.name ?? event.subject.id },
            lastSuccessAt: known?.lastSuccessAt ?? null,
            thresholdHours: lookup.staleHours,
            ...opt('alertId', alertId),
          },
        };
      }
      if (kind === 'licenseThreshold') {
        const facts = lookup.customer(customer.id);
        if (!facts) return null;
        return {
          topic: 'licenseThreshold',
          view: { kind: 'licenseThreshold', customer, used: facts.backedUpAccounts, licensed: facts.licenses, thresholdPercent: lookup.licensePercent, ...opt('alertId', alertId) },
        };
      }
      return null;
    },
  },
  {
    types: ['usage-report.due', 'usage-report.overdue', 'usage-report.rejected', 'license-management.suspended'],
    route(event) {
      const d = event.data;
      if (event.type === 'license-management.suspended') {
        const cause = Array.isArray(d.cause) ? d.cause.filter((m): m is string => typeof m === 'string') : [];
        const month = cause[cause.length - 1] ?? event.subject?.id;
        if (!month) return null;
        return { topic: 'usageReportDue', view: { kind: 'usageReportDue', month, dueDate: dueDate(month), status: 'Overdue', overdue: true, suspended: true } };
      }
      const month = str(d.usageMonth) ?? event.subject?.id;
      if (!month) return null;
      return {
        topic: 'usageReportDue',
        view: {
          kind: 'usageReportDue',
          month,
          ...opt('number', str(d.number) ?? event.subject?.name),
          dueDate: str(d.dueDate)?.slice(0, 10) ?? dueDate(month),
          status: event.type === 'usage-report.rejected' ? 'Rejected' : (str(d.status) ?? 'Pending Service Provider Review'),
          overdue: event.type === 'usage-report.overdue',
          suspended: false,
        },
      };
    },
  },
  {
    types: ['status.changed'],
    route(event) {
      const changes = (Array.isArray(event.data.changes) ? event.data.changes : []).flatMap((c: unknown) => {
        const o = (c ?? {}) as Record<string, unknown>;
        const region = str(o.region);
        const status = str(o.to);
        if (!region || !status) return [];
        return [{ region, service: str(o.name) ?? str(o.service) ?? 'Veeam Data Cloud', status, ...opt('previous', str(o.from)), ...opt('since', str(o.since)), ...opt('message', str(o.message)) }];
      });
      if (changes.length === 0) return null;
      return { topic: 'serviceStatus', view: { kind: 'serviceStatus', changes } };
    },
  },
];

const ROUTES_BY_TYPE = new Map(EVENT_ROUTES.flatMap((rule) => rule.types.map((type) => [type, rule] as const)));

/** Whether any rule handles this event type (most events, such as audit-only changes, do not). */
export function isRoutedType(type: string): boolean {
  return ROUTES_BY_TYPE.has(type);
}

/** The topic and card view of an event, or null when it notifies nobody. */
export function routeEvent(event: DomainEvent, lookup: RouteLookup): Routed | null {
  const rule = ROUTES_BY_TYPE.get(event.type);
  if (!rule) return null;
  try {
    return rule.route(event, lookup);
  } catch (error) {
    console.error(`notifications: event ${event.id} (${event.type}) has data the notifications cannot read:`, error);
    return null; // one odd event never stops the others
  }
}

// ---- reading event data defensively ----

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function customerRef(event: DomainEvent, lookup: RouteLookup): { id: string; name: string } | null {
  const id = event.customerId ?? str(event.data.customerId) ?? (event.subject?.type === 'customer' ? event.subject.id : undefined);
  if (!id) return null;
  const name = lookup.customer(id)?.name ?? str(event.data.customerName) ?? (event.subject?.type === 'customer' ? event.subject.name : undefined) ?? id;
  return { id, name };
}
