import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../../shared/schemas/events.js';
import { routeEvent, type RouteLookup } from './routing.js';

const lookup: RouteLookup = {
  customer: (id) => (id === 'cus_1' ? { name: 'Fabrikam Legal LLP', licenses: 100, backedUpAccounts: 87 } : undefined),
  policy: (id) => (id === 'pol_1' ? { name: 'All mailboxes', failingSince: '2026-11-22T01:00:00.000Z', lastSuccessAt: '2026-11-21T01:00:00.000Z' } : undefined),
  previousLicenses: (id, current) => (id === 'cus_1' && current === 150 ? 100 : undefined),
  staleHours: 24,
  licensePercent: 80,
};

let n = 0;
const event = (type: string, rest: Partial<DomainEvent> = {}): DomainEvent => ({ id: ++n, type, at: '2026-11-24T09:00:00.000Z', data: {}, ...rest });

describe('event to topic table', () => {
  it('turns finished sessions into backupFailed or backupComplete by status', () => {
    const finished = (status: string) =>
      routeEvent(
        event('session.finished', {
          customerId: 'cus_1',
          subject: { type: 'policy', id: 'pol_1', name: 'All mailboxes' },
          data: {
            policyId: 'pol_1',
            policyName: 'All mailboxes',
            sessionId: 'ses_1',
            status,
            summary: 'Done',
            startedAt: '2026-11-24T08:00:00.000Z',
            endedAt: '2026-11-24T08:30:00.000Z',
            processedObjects: 10,
            transferredBytes: 2048,
          },
        }),
        lookup,
      );
    expect(finished('Failed')).toEqual({
      topic: 'backupFailed',
      view: {
        kind: 'backupFailed',
        customer: { id: 'cus_1', name: 'Fabrikam Legal LLP' },
        policy: { id: 'pol_1', name: 'All mailboxes' },
        status: 'Failed',
        sessionId: 'ses_1',
        startedAt: '2026-11-24T08:00:00.000Z',
        endedAt: '2026-11-24T08:30:00.000Z',
        message: 'Done',
        failingSince: '2026-11-22T01:00:00.000Z',
        alertId: 'backupFailed.pol_1',
      },
    });
    expect(finished('Disconnected')?.view).toMatchObject({ kind: 'backupFailed', alertId: 'tenantDisconnected.cus_1' });
    for (const status of ['Success', 'Warning', 'Stopped'])
      expect(finished(status)).toMatchObject({ topic: 'backupComplete', view: { kind: 'backupCompleted', status, processedObjects: 10, transferredBytes: 2048 } });
    expect(finished('Running')).toBeNull();
  });

  it('tells a restore when it starts and when it ends, once each', () => {
    const restore = (type: string, status: string) =>
      routeEvent(
        event(type, {
          customerId: 'cus_1',
          subject: { type: 'restore', id: 'rst_1', name: 'Inbox' },
          data: { restoreId: 'rst_1', kind: 'mailItem', item: 'Inbox', requestedBy: 'Anna', status, outcome: null },
        }),
        lookup,
      );
    expect(restore('restore.requested', 'Running')).toMatchObject({ topic: 'restoreActivity', view: { kind: 'restore', status: 'requested', restoreKind: 'mailItem', item: 'Inbox' } });
    expect(restore('restore.requested', 'Success')).toBeNull(); // recorded as done: restore.completed tells it
    expect(restore('restore.completed', 'Success')?.view).toMatchObject({ status: 'completed' });
    expect(restore('restore.completed', 'Failed')?.view).toMatchObject({ status: 'failed' });
  });

  it('sees a license change in customer.updated', () => {
    const updated = (data: Record<string, unknown>) => routeEvent(event('customer.updated', { customerId: 'cus_1', subject: { type: 'customer', id: 'cus_1' }, data }), lookup);
    expect(updated({ changed: ['licenseLimit'], licenseLimit: 150, actor: 'Hub Administrator' })).toEqual({
      topic: 'licenseChange',
      view: { kind: 'licenseChange', customer: { id: 'cus_1', name: 'Fabrikam Legal LLP' }, previous: 100, current: 150, changedBy: 'Hub Administrator' },
    });
    expect(updated({ changed: ['displayName'], displayName: 'x' })).toBeNull();
    expect(updated({ changed: ['licenseLimit'], licenseLimit: 99 })).toBeNull(); // previous value unknown: no guessing
  });

  it('follows raised alerts for stale protection and license threshold', () => {
    const stale = routeEvent(
      event('alert.raised', { customerId: 'cus_1', subject: { type: 'policy', id: 'pol_1', name: 'All mailboxes' }, data: { alertId: 'staleProtection.pol_1', kind: 'staleProtection' } }),
      lookup,
    );
    expect(stale).toEqual({
      topic: 'staleProtection',
      view: {
        kind: 'staleProtection',
        customer: { id: 'cus_1', name: 'Fabrikam Legal LLP' },
        policy: { id: 'pol_1', name: 'All mailboxes' },
        lastSuccessAt: '2026-11-21T01:00:00.000Z',
        thresholdHours: 24,
        alertId: 'staleProtection.pol_1',
      },
    });
    const license = routeEvent(
      event('alert.raised', { customerId: 'cus_1', subject: { type: 'customer', id: 'cus_1' }, data: { alertId: 'licenseThreshold.cus_1', kind: 'licenseThreshold' } }),
      lookup,
    );
    expect(license?.view).toEqual({
      kind: 'licenseThreshold',
      customer: { id: 'cus_1', name: 'Fabrikam Legal LLP' },
      used: 87,
      licensed: 100,
      thresholdPercent: 80,
      alertId: 'licenseThreshold.cus_1',
    });
    expect(routeEvent(event('alert.raised', { customerId: 'cus_1', data: { kind: 'storageQuota' } }), lookup)).toBeNull();
  });

  it('tells partner contacts about a failing connection (no customer)', () => {
    const failing = routeEvent(
      event('alert.raised', {
        subject: { type: 'connection', id: 'con_1', name: 'Provider VSPC' },
        data: { alertId: 'connectionFailing.con_1', kind: 'connectionFailing', reason: 'VSPC refused the credentials', since: '2026-11-24T08:00:00.000Z' },
      }),
      lookup,
    );
    expect(failing).toEqual({
      topic: 'connectionFailing',
      view: {
        kind: 'connectionFailing',
        connection: { id: 'con_1', name: 'Provider VSPC' },
        reason: 'VSPC refused the credentials',
        since: '2026-11-24T08:00:00.000Z',
        alertId: 'connectionFailing.con_1',
      },
    });
  });

  it('reminds of usage reports: due, overdue, rejected, and a suspension', () => {
    const due = routeEvent(
      event('usage-report.due', { subject: { type: 'usageReport', id: '2026-10', name: 'MU-1001' }, data: { usageMonth: '2026-10', number: 'MU-1001', status: 'Saved', dueDate: '2026-11-03' } }),
      lookup,
    );
    expect(due).toEqual({ topic: 'usageReportDue', view: { kind: 'usageReportDue', month: '2026-10', number: 'MU-1001', dueDate: '2026-11-03', status: 'Saved', overdue: false, suspended: false } });
    expect(routeEvent(event('usage-report.overdue', { data: { usageMonth: '2026-10' } }), lookup)?.view).toMatchObject({ overdue: true, dueDate: '2026-11-03' });
    expect(routeEvent(event('usage-report.rejected', { data: { usageMonth: '2026-10', reason: 'x' } }), lookup)?.view).toMatchObject({ status: 'Rejected' });
    expect(routeEvent(event('license-management.suspended', { data: { cause: ['2026-09', '2026-10'] } }), lookup)?.view).toMatchObject({ month: '2026-10', suspended: true, overdue: true });
    expect(routeEvent(event('usage-report.saved', { data: { usageMonth: '2026-10' } }), lookup)).toBeNull();
  });

  it('reports service status changes, several at once', () => {
    const changed = routeEvent(
      event('status.changed', {
        data: {
          overall: 'degraded',
          changes: [
            { region: 'EMEA', service: 'exchange', name: 'Exchange Online backup', from: 'operational', to: 'degraded', since: '2026-11-24T08:00:00.000Z', message: 'Slow' },
            { region: 'APJ', service: 'teams', name: 'Teams backup', from: 'outage', to: 'operational', since: null, message: null },
          ],
        },
      }),
      lookup,
    );
    expect(changed).toEqual({
      topic: 'serviceStatus',
      view: {
        kind: 'serviceStatus',
        changes: [
          { region: 'EMEA', service: 'Exchange Online backup', status: 'degraded', previous: 'operational', since: '2026-11-24T08:00:00.000Z', message: 'Slow' },
          { region: 'APJ', service: 'Teams backup', status: 'operational', previous: 'outage' },
        ],
      },
    });
  });

  it('ignores everything else and never throws on odd data', () => {
    expect(routeEvent(event('customer.created', { customerId: 'cus_1' }), lookup)).toBeNull();
    expect(routeEvent(event('session.finished', { data: { status: 42 } }), lookup)).toBeNull();
    expect(routeEvent(event('status.changed', { data: { changes: 'nope' } }), lookup)).toBeNull();
    expect(routeEvent(event('restore.completed', { data: null as never }), lookup)).toBeNull();
  });
});
