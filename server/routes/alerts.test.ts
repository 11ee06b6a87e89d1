import { afterEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../shared/api/client.js';
import { FakeClock, MINUTE } from '../../shared/domain/clock.js';
import { ADMIN_KEY, createTestHub, type TestHub } from '../../test/helpers/hub.js';
import { advance, MORNING, putMorning, ScriptedRunner } from '../services/backup/testing.js';

let t: TestHub;
afterEach(async () => t?.close());

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
};

/** The morning of 24 November 2026, with policies in every state an SP checks. */
async function morning(runner = new ScriptedRunner([{ status: 'Success' }])) {
  t = await createTestHub({ clock: new FakeClock(MORNING), services: { runner } });
  await putMorning(t.hub);
  await t.hub.ctx.services.backupScheduler.tick();
}

describe('alerts', () => {
  it('gives the reasons in the caller’s language (Accept-Language), the same alerts otherwise', async () => {
    await morning();
    const english = await t.admin.alerts();
    const german = await t.client(ADMIN_KEY, { 'accept-language': 'de-DE,de;q=0.9' }).alerts();
    expect(german.items.map((a) => a.id)).toEqual(english.items.map((a) => a.id));
    const byId = Object.fromEntries(german.items.map((a) => [a.id, a.reason]));
    expect(byId['backupFailed.pol_acme_mail']).toBe('Die letzte Sitzung der Richtlinie „Mail“ ist fehlgeschlagen: throttled');
    expect(byId['tenantDisconnected.cus_charlie']).toBe('Die Richtlinie „All“ kann sich nicht mit der Microsoft-365-Organisation charlie.onmicrosoft.com verbinden.');
    expect(byId['staleProtection.pol_bravo_teams']).toBe('Die Richtlinie „Teams“ hatte seit mehr als 24 h keine erfolgreiche Sitzung.');
    expect(byId['licenseThreshold.cus_acme']).toBe('85 von 100 Lizenzen genutzt (85 %, Schwelle 80 %).');
    expect(byId['storageQuota.cus_acme']).toBe('950 GB des Speicherkontingents von 1000 GB genutzt (95 %, Schwelle 90 %).');
    expect(byId['backupWarning.pol_bravo_all']).toMatch(/^Die letzte Sitzung der Richtlinie „All“ wurde mit Warnungen abgeschlossen/);
    const { reason: _en, ...rest } = english.items[0]!;
    expect(german.items[0]).toMatchObject(rest);
  });

  it('lists what needs attention, worst and oldest first, each with customer, reason, since and its fix', async () => {
    await morning();
    const { items, total } = await t.admin.alerts();
    expect(total).toBe(9);
    expect(items.map((a) => [a.id, a.severity, a.since])).toEqual([
      ['backupFailed.pol_bravo_off', 'critical', '2026-11-20T00:00:00.000Z'],
      ['backupFailed.pol_acme_mail', 'critical', '2026-11-23T01:40:00.000Z'],
      ['tenantDisconnected.cus_charlie', 'critical', '2026-11-23T02:00:00.000Z'],
      ['staleProtection.pol_charlie', 'warning', '2026-11-23T00:00:00.000Z'],
      ['staleProtection.pol_acme_mail', 'warning', '2026-11-23T01:45:00.000Z'],
      ['staleProtection.pol_bravo_teams', 'warning', '2026-11-23T08:00:00.000Z'],
      ['backupWarning.pol_bravo_all', 'warning', '2026-11-24T02:00:00.000Z'],
      ['licenseThreshold.cus_acme', 'warning', '2026-11-24T09:00:00.000Z'],
      ['storageQuota.cus_acme', 'warning', '2026-11-24T09:00:00.000Z'],
    ]);
    const byId = Object.fromEntries(items.map((a) => [a.id, a]));
    expect(byId['backupFailed.pol_acme_mail']).toEqual({
      id: 'backupFailed.pol_acme_mail',
      kind: 'backupFailed',
      severity: 'critical',
      source: 'backup-results',
      customerId: 'cus_acme',
      customerName: 'Acme Corp',
      subject: { type: 'policy', id: 'pol_acme_mail', name: 'Mail' },
      reason: 'The last session of policy "Mail" ended Failed: throttled',
      since: '2026-11-23T01:40:00.000Z',
      action: { type: 'startPolicy', label: 'Retry the policy', policyId: 'pol_acme_mail' },
      acknowledged: null,
    });
    expect(byId['backupFailed.pol_bravo_off']?.action).toMatchObject({ type: 'enablePolicy', policyId: 'pol_bravo_off' });
    expect(byId['tenantDisconnected.cus_charlie']).toMatchObject({
      reason: 'Policy "All" cannot connect to the Microsoft 365 organization charlie.onmicrosoft.com.',
      action: { type: 'reconnectTenant', customerId: 'cus_charlie' },
    });
    expect(byId['staleProtection.pol_bravo_teams']).toMatchObject({
      reason: 'Policy "Teams" has had no successful session for more than 24 h.',
      action: { type: 'startPolicy', policyId: 'pol_bravo_teams' },
    });
    expect(byId['licenseThreshold.cus_acme']).toMatchObject({ reason: '85 of 100 licenses in use (85 %, threshold 80 %).', action: { type: 'increaseLicenses', customerId: 'cus_acme' } });
    expect(byId['storageQuota.cus_acme']).toMatchObject({ reason: '950 GB of the 1000 GB storage quota used (95 %, threshold 90 %).', action: { type: 'increaseStorageQuota' } });
    // The start of a customer-level condition stays when the clock moves on.
    t.clock.advance(3 * MINUTE);
    expect((await t.admin.alerts({ kind: ['licenseThreshold'] })).items[0]?.since).toBe('2026-11-24T09:00:00.000Z');
  });

  it('filters by customer, kind, severity and acknowledgement', async () => {
    await morning();
    expect((await t.admin.alerts({ customerId: 'cus_bravo' })).items.map((a) => a.id)).toEqual(['backupFailed.pol_bravo_off', 'staleProtection.pol_bravo_teams', 'backupWarning.pol_bravo_all']);
    expect((await t.admin.alerts({ kind: ['staleProtection'] })).total).toBe(3);
    expect((await t.admin.alerts({ severity: ['critical'] })).total).toBe(3);
    expect((await t.admin.alerts({ kind: ['licenseThreshold', 'storageQuota'], customerId: 'cus_acme' })).total).toBe(2);
    expect((await t.admin.alerts({ pageSize: 2, page: 2 })).items.map((a) => a.id)).toEqual(['tenantDisconnected.cus_charlie', 'staleProtection.pol_charlie']);
    expect((await failure(t.admin.alerts({ severity: ['loud' as never] }))).status).toBe(400);
  });

  it('takes its thresholds from /settings/monitoring', async () => {
    await morning();
    expect(await t.admin.monitoringSettings()).toEqual({ staleAfterHours: 24, licenseThresholdPercent: 80, storageThresholdPercent: 90 });
    const ops = await t.userWith(['backupManagement']);
    expect((await failure(ops.client.updateMonitoringSettings({ staleAfterHours: 48 }))).message).toMatch(/"siteSettings"/);
    expect((await failure(t.admin.updateMonitoringSettings({ licenseThresholdPercent: 101 }))).details[0]?.field).toBe('body.licenseThresholdPercent');
    expect((await failure(t.admin.updateMonitoringSettings({}))).status).toBe(400);
    const updated = await t.admin.updateMonitoringSettings({ staleAfterHours: 40, licenseThresholdPercent: 90 });
    expect(updated).toEqual({ staleAfterHours: 40, licenseThresholdPercent: 90, storageThresholdPercent: 90 });
    const ids = (await t.admin.alerts()).items.map((a) => a.id);
    // 22/11 08:00 + 40 h is 24/11 00:00 (stale); 22/11 01:45 + 40 h is 23/11 17:45 (stale); 22/11 00:00 + 40 h (stale).
    expect(ids.filter((id) => id.startsWith('stale'))).toEqual(['staleProtection.pol_charlie', 'staleProtection.pol_acme_mail', 'staleProtection.pol_bravo_teams']);
    expect(ids).not.toContain('licenseThreshold.cus_acme');
    // With 50 h: 22/11 00:00 and 22/11 01:45 are past it, 22/11 08:00 (24/11 10:00) is not yet.
    await t.admin.updateMonitoringSettings({ staleAfterHours: 50 });
    expect((await t.admin.alerts({ kind: ['staleProtection'] })).items.map((a) => a.id)).toEqual(['staleProtection.pol_charlie', 'staleProtection.pol_acme_mail']);
    expect((await t.admin.audit({ action: 'settings.monitoring.updated' })).total).toBe(2);
  });

  it('acknowledges an alert (audited, idempotent) until its condition clears and comes back', async () => {
    await morning(
      new ScriptedRunner([
        { status: 'Success', durationMs: 2 * MINUTE },
        { status: 'Failed', summary: 'again', durationMs: 2 * MINUTE },
      ]),
    );
    const reader = await t.userWith([]);
    expect((await failure(reader.client.acknowledgeAlert('backupFailed.pol_acme_mail'))).status).toBe(403);
    expect((await failure(t.admin.acknowledgeAlert('backupFailed.pol_nothing'))).status).toBe(404);
    const acked = await t.admin.acknowledgeAlert('backupFailed.pol_acme_mail', 'Vendor ticket 4711');
    expect(acked.acknowledged).toEqual({ by: expect.stringMatching(/Administrator|admin/i), at: '2026-11-24T09:00:00.000Z', note: 'Vendor ticket 4711' });
    t.clock.advance(MINUTE);
    expect((await t.admin.acknowledgeAlert('backupFailed.pol_acme_mail')).acknowledged?.at).toBe('2026-11-24T09:00:00.000Z');
    expect((await t.admin.audit({ action: 'alert.acknowledged' })).total).toBe(1);
    expect((await t.admin.alerts({ acknowledged: false })).items.map((a) => a.id)).not.toContain('backupFailed.pol_acme_mail');
    expect((await t.admin.alerts({ acknowledged: true })).items.map((a) => a.id)).toEqual(['backupFailed.pol_acme_mail']);
    // A license alert acknowledged before the monitor saw it keeps its acknowledgement.
    await t.admin.acknowledgeAlert('licenseThreshold.cus_acme');
    t.clock.advance(MINUTE);
    expect((await t.admin.alerts({ kind: ['licenseThreshold'] })).items[0]?.acknowledged).not.toBeNull();

    // The policy recovers: the alert clears. It fails again later: same id, not acknowledged.
    await t.admin.startPolicy('pol_acme_mail');
    await advance(t.hub, t.clock, 3 * MINUTE, MINUTE);
    expect((await t.admin.alerts({ kind: ['backupFailed'] })).items.map((a) => a.id)).toEqual(['backupFailed.pol_bravo_off']);
    await t.hub.ctx.services.backupScheduler.tick();
    await t.admin.startPolicy('pol_acme_mail');
    await advance(t.hub, t.clock, 3 * MINUTE, MINUTE);
    const again = (await t.admin.alerts({ kind: ['backupFailed'], customerId: 'cus_acme' })).items[0];
    expect(again).toMatchObject({ id: 'backupFailed.pol_acme_mail', reason: 'The last session of policy "Mail" ended Failed: again', acknowledged: null });
    const failedSession = await t.admin.session((await t.admin.policy('pol_acme_mail')).lastSessionId!);
    expect(failedSession.status).toBe('Failed');
    expect(again?.since).toBe(failedSession.endedAt);
  });

  it('raises and resolves alerts as events once, with the notification topic', async () => {
    await morning(new ScriptedRunner([{ status: 'Success', durationMs: MINUTE }]));
    const raisedAtStart = (await t.hub.ctx.events.since(0)).filter((e) => e.type === 'alert.raised');
    expect(raisedAtStart).toHaveLength(9);
    expect(raisedAtStart.find((e) => e.data.kind === 'staleProtection')).toMatchObject({ customerId: expect.any(String), data: { topic: 'staleProtection', severity: 'warning' } });
    expect(raisedAtStart.find((e) => e.data.kind === 'licenseThreshold')?.data.topic).toBe('licenseThreshold');
    const from = t.hub.ctx.events.lastId;
    await t.hub.ctx.services.backupScheduler.tick();
    expect((await t.hub.ctx.events.since(from)).filter((e) => e.type.startsWith('alert.'))).toEqual([]);
    await t.admin.startPolicy('pol_bravo_teams');
    await advance(t.hub, t.clock, 2 * MINUTE, MINUTE);
    await t.hub.ctx.services.backupScheduler.tick();
    const resolved = (await t.hub.ctx.events.since(from)).filter((e) => e.type === 'alert.resolved');
    expect(resolved.map((e) => e.data.alertId)).toEqual(['staleProtection.pol_bravo_teams']);
  });

  it('takes alerts from providers other areas register', async () => {
    await morning();
    const alerts = t.hub.ctx.services.alerts;
    alerts.register({
      name: 'test-provider',
      kinds: ['testKind'],
      list: ({ customerId }) =>
        !customerId || customerId === 'cus_bravo'
          ? [
              {
                id: 'testKind.cus_bravo',
                kind: 'testKind',
                severity: 'info',
                customerId: 'cus_bravo',
                customerName: 'Bravo Ltd',
                subject: { type: 'customer', id: 'cus_bravo', name: 'Bravo Ltd' },
                reason: 'Just testing',
                since: null,
                action: null,
              },
            ]
          : [],
    });
    expect(() => alerts.register({ name: 'test-provider', kinds: [], list: () => [] })).toThrow(/already registered/);
    expect((await t.admin.alerts({ kind: ['testKind'] })).items).toEqual([
      expect.objectContaining({ id: 'testKind.cus_bravo', source: 'test-provider', severity: 'info', since: '2026-11-24T09:00:00.000Z' }),
    ]);
    expect(alerts.kinds).toEqual(expect.arrayContaining(['backupFailed', 'staleProtection', 'licenseThreshold', 'storageQuota', 'testKind']));
  });
});
