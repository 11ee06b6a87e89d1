import { beforeEach, describe, expect, it } from 'vitest';
import type { CustomerHealth } from '../../shared/schemas/monitoring.js';
import { customerChip, licenseSignal } from './health-view.js';
import { useLocale } from './i18n-testing.js';

const health = (over: Partial<CustomerHealth> = {}): CustomerHealth => ({
  id: 'cus_a',
  displayName: 'Contoso',
  status: 'active',
  lastResult: 'Success',
  policies: 2,
  running: 0,
  stale: false,
  staleSince: null,
  licensePercent: 42,
  pendingInvite: false,
  alerts: 0,
  ...over,
});

describe('a customer chip', () => {
  beforeEach(() => useLocale('en'));

  it('keeps the last result and licence use apart: licences never colour the result', () => {
    const view = customerChip(health({ licensePercent: 85 }));
    expect(view).toMatchObject({ tone: 'ok', label: 'Success', license: { tone: 'warn', label: '85%', value: 85 } });
    expect(customerChip(health({ licensePercent: 104 })).license).toEqual({ tone: 'bad', label: '104%', value: 104 });
    expect(customerChip(health({ lastResult: 'Failed', licensePercent: 10 }))).toMatchObject({ tone: 'bad', label: 'Failed', license: { tone: 'muted', label: '10%' } });
    expect(customerChip(health({ licensePercent: null })).license).toBeNull();
    expect(licenseSignal(79.5)).toEqual({ tone: 'muted', label: '79.5%', value: 79.5 });
  });

  it('says stale and running on the result, and the rest in its details', () => {
    const view = customerChip(health({ stale: true, staleSince: '2026-11-23T01:45:00.000Z', running: 1, alerts: 2, pendingInvite: true }));
    expect(view.tone).toBe('warn');
    expect(view.label).toBe('Success · stale');
    expect(view.details).toEqual([
      'Last result: Success (2 policies, 1 running).',
      expect.stringMatching(/^Stale: no successful backup since /),
      'Licences used: 42%.',
      'Invitation sent, not accepted yet.',
      '2 open alerts.',
    ]);
    expect(customerChip(health({ policies: 0, status: 'pending', licensePercent: null }))).toMatchObject({ tone: 'muted', label: 'Pending' });
  });

  it('speaks German in a German browser', async () => {
    await useLocale('de');
    const view = customerChip(health({ lastResult: 'Warning', licensePercent: 85, alerts: 1 }));
    expect(view).toMatchObject({ tone: 'warn', label: 'Warnung', license: { tone: 'warn', label: '85 %' } });
    expect(view.details).toEqual(['Letztes Ergebnis: Warnung (2 Richtlinien).', 'Genutzte Lizenzen: 85 %.', '1 offener Alarm.']);
  });
});
