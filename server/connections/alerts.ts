import { because, type AlertDraft } from '../../shared/domain/alert-rules.js';
import type { HubContext } from '../context.js';
import { notFound } from '../http/errors.js';
import type { AlertProvider } from '../services/backup/alert-service.js';
import { customers } from '../services/customer-collection.js';
import { connections, syncedAlarms } from './collections.js';
import type { ConnectionService } from './service.js';
import { alarmSeverityOf } from './vspc/mapping.js';

/** `connectionFailing`: a connection whose last run failed, until a run succeeds. */
export function connectionAlertProvider(ctx: HubContext): AlertProvider {
  return {
    name: 'Connections',
    kinds: ['connectionFailing'],
    list({ customerId }) {
      if (customerId) return [];
      const out: AlertDraft[] = [];
      for (const c of ctx.store.all(connections)) {
        if (c.status !== 'failing') continue;
        out.push({
          id: `connectionFailing.${c.id}`,
          kind: 'connectionFailing',
          severity: 'critical',
          customerId: null,
          customerName: null,
          subject: { type: 'connection', id: c.id, name: c.name },
          ...because({ key: 'api.connection.failingAlert', params: { kind: c.kind.toUpperCase(), name: c.name, error: c.lastError ?? { key: 'api.connection.lastSyncFailed' } } }),
          since: c.failingSince,
          action: { type: 'syncConnection', label: 'Test and sync the connection' },
        });
      }
      return out;
    },
  };
}

/**
 * Alarms mirrored from upstream (VSPC's active alarms) as alerts; acknowledging or resolving
 * one in the hub is forwarded upstream first.
 */
export function upstreamAlarmProvider(ctx: HubContext, service: ConnectionService): AlertProvider {
  const byCustomer = new Map<string | null, Set<string>>();
  ctx.store.onChange(syncedAlarms, (before, after) => {
    if (before) byCustomer.get(before.customerId)?.delete(before.id);
    if (after) {
      let set = byCustomer.get(after.customerId);
      if (!set) byCustomer.set(after.customerId, (set = new Set()));
      set.add(after.id);
    }
  });
  const draft = (id: string): AlertDraft | null => {
    const alarm = ctx.store.get(syncedAlarms, id);
    if (!alarm) return null;
    const customer = alarm.customerId ? ctx.store.get(customers, alarm.customerId) : undefined;
    const connection = ctx.store.get(connections, alarm.connectionId);
    return {
      id: `vspcAlarm.${alarm.upstreamId}`.slice(0, 64),
      kind: 'vspcAlarm',
      severity: alarmSeverityOf(alarm.status),
      customerId: customer?.id ?? null,
      customerName: customer?.displayName ?? null,
      subject: { type: 'alarm', id: alarm.id, name: alarm.objectName || alarm.objectType },
      ...because({ key: alarm.status === 'Acknowledged' ? 'api.connection.alarmAcknowledged' : 'api.connection.alarm', params: { connection: connection?.name ?? 'VSPC', message: alarm.message } }),
      since: alarm.since,
      action: null,
    };
  };
  return {
    name: 'VSPC alarms',
    kinds: ['vspcAlarm'],
    list({ customerId }) {
      const ids = customerId ? [...(byCustomer.get(customerId) ?? [])] : [...byCustomer.values()].flatMap((s) => [...s]);
      return ids.map(draft).filter((d): d is AlertDraft => d !== null);
    },
    async forward(action, alert, _principal, note) {
      const alarm = ctx.store.get(syncedAlarms, alert.subject.id);
      if (!alarm) throw notFound('Alarm', alert.subject.id);
      const connection = service.record(alarm.connectionId);
      const kind = service.kindOf(connection);
      if (!kind.alarmAction) throw notFound(`${kind.label} alarm action`, action);
      await kind.alarmAction(connection, service.secretOf(connection), action, alert, alarm.upstreamId, note);
      if (action === 'resolve') await ctx.store.write((tx) => tx.delete(syncedAlarms, alarm.id));
    },
  };
}
