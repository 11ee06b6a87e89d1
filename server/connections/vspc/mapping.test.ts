import { describe, expect, it } from 'vitest';
import { alarmSeverityOf, licensedUnitsByOrganization, logStatusOf, matchCustomer, nameKey, policyStatusOf, protectedUsersByCompany, runOutcomeOf } from './mapping.js';

describe('VSPC mapping', () => {
  it('maps job statuses, keeping unknown ones as a visible Warning', () => {
    expect(policyStatusOf('Success')).toEqual({ status: 'Success', known: true });
    expect(policyStatusOf('Queued')).toEqual({ status: 'Running', known: true });
    expect(policyStatusOf(null)).toEqual({ status: 'Never', known: true });
    expect(policyStatusOf('Teleporting')).toEqual({ status: 'Warning', known: false });
    expect(runOutcomeOf('NotConfigured')).toBeNull();
    expect(runOutcomeOf('Failed')).toBe('Failed');
    expect(runOutcomeOf('Teleporting')).toBe('Warning');
    expect(logStatusOf('Error')).toBe('Failed');
    expect(logStatusOf('Whatever')).toBe('Info');
    expect(alarmSeverityOf('Error')).toBe('critical');
    expect(alarmSeverityOf('Info')).toBe('info');
  });

  it('matches a company by exact name or domain, and calls two candidates ambiguous', () => {
    const a = { id: 'a', displayName: 'Contoso Ltd', domain: 'contoso.com' };
    const b = { id: 'b', displayName: 'Fabrikam', domain: 'fabrikam.com' };
    const byName = new Map([
      [nameKey(a.displayName), [a]],
      [nameKey(b.displayName), [b]],
    ]);
    const byDomain = new Map([
      ['contoso.com', [a]],
      ['fabrikam.com', [b]],
    ]);
    expect(matchCustomer({ name: ' contoso  ltd ', domain: null }, byName, byDomain)).toEqual({ kind: 'one', match: a, by: 'name' });
    expect(matchCustomer({ name: 'Contoso UK', domain: 'CONTOSO.com.' }, byName, byDomain)).toEqual({ kind: 'one', match: a, by: 'domain' });
    expect(matchCustomer({ name: 'Contoso Ltd', domain: 'fabrikam.com' }, byName, byDomain)).toMatchObject({ kind: 'ambiguous' });
    expect(matchCustomer({ name: 'Nobody', domain: 'nobody.com' }, byName, byDomain)).toEqual({ kind: 'none' });
  });

  it('reads protected users of the latest day over locations, and licensed VB365 units', () => {
    const users = protectedUsersByCompany([
      { companyUid: 'c', date: '2026-11-01', counters: [{ type: 'Vb365ProtectedUsers', value: 5 }] },
      { companyUid: 'c', date: '2026-11-02', counters: [{ type: 'Vb365ProtectedUsers', value: 7 }] },
      {
        companyUid: 'c',
        date: '2026-11-02',
        counters: [
          { type: 'Vb365ProtectedUsers', value: 3 },
          { type: 'Vb365BackupSize', value: 100 },
        ],
      },
    ]);
    expect(users.get('c')).toEqual({ users: 10, backupBytes: 100, day: '2026-11-02' });
    const licensed = licensedUnitsByOrganization([
      {
        organizationUid: 'c',
        servers: [
          { serverType: 'VB365', workloads: [{ rentalCount: 12 }] },
          { serverType: 'BackupAndReplication', workloads: [{ rentalCount: 99 }] },
        ],
      },
    ]);
    expect(licensed.get('c')).toBe(12);
  });
});
