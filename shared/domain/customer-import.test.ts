import { describe, expect, it } from 'vitest';
import type { Customer } from '../schemas/customers.js';
import { csvTable, readCsv, type CsvRecord } from './csv.js';
import { planCustomerImport, type CustomerImportLookup } from './customer-import.js';

const NOW = new Date('2026-11-24T09:00:00.000Z');
const records = (header: string[], rows: string[][]): CsvRecord[] => {
  const result = readCsv(csvTable(header, rows));
  if (!result.ok) throw new Error(result.problem.message);
  return result.records;
};
let n = 0;
const options = { now: NOW, provisioningMs: 600_000, newId: () => `cus_${++n}` };

const existing: Customer = {
  id: 'cus_fab',
  displayName: 'Fabrikam',
  domain: 'fabrikam.com',
  contact: { firstName: 'Mary Ann', lastName: 'de la Cruz', email: 'mary@fabrikam.com', phone: '+1 206 555 0100' },
  externalId: 'CRM-1',
  status: 'pending',
  createdAt: '2026-01-01T00:00:00.000Z',
  provisionedAt: '2026-01-01T00:10:00.000Z',
  subscriptionIds: [],
  contractType: 'Pending',
  licenses: 10,
  licenseModel: 'Variable',
  sourceType: 'Direct',
  storageConsumedGb: 0,
  storageQuotaGb: 100,
  backedUpAccounts: 0,
  totalActiveAccounts: 0,
  userChangeThisMonth: 0,
  userChangeLastMonth: 0,
  invites: [],
  admins: [],
};
const lookup = (customers: Customer[] = [existing]): CustomerImportLookup => ({
  byDomain: (d) => customers.find((c) => c.domain === d),
  byTenant: (t) => customers.find((c) => c.tenantDomain === t),
});

describe('planCustomerImport', () => {
  it('creates with the defaults of POST /customers, status from the tenant when the file has none', () => {
    const plan = planCustomerImport(
      records(
        ['Display Name', 'Domain', 'M365 Account'],
        [
          ['Contoso', 'Contoso.COM.', 'contoso.onmicrosoft.com'],
          ['Tailspin', 'tailspin.io', ''],
        ],
      ),
      lookup([]),
      options,
    );
    expect(plan.problems).toEqual([]);
    expect(plan.writes.map((c) => [c.domain, c.status, c.contractType, c.sourceType, c.licenses, c.createdAt])).toEqual([
      ['contoso.com', 'active', 'Pending', 'VCSP Pulse', 0, NOW.toISOString()],
      ['tailspin.io', 'pending', 'Pending', 'VCSP Pulse', 0, NOW.toISOString()],
    ]);
  });

  it('a customer imported as provisioning provisions for the hub\u2019s time; with none it is pending', () => {
    const file = records(['Display Name', 'Domain', 'Status'], [['Contoso', 'contoso.com', 'provisioning']]);
    expect(planCustomerImport(file, lookup([]), options).writes[0]).toMatchObject({ status: 'provisioning', provisionedAt: '2026-11-24T09:10:00.000Z' });
    expect(planCustomerImport(file, lookup([]), { ...options, provisioningMs: 0 }).writes[0]).toMatchObject({ status: 'pending' });
  });

  it('updates only the columns present; an empty free field clears it, an empty count keeps it', () => {
    const plan = planCustomerImport(
      records(['Display Name', 'Domain', 'External Id', 'Licenses', 'Storage Quota (GB)', 'Contact Name', 'Status'], [['Fabrikam', 'fabrikam.com', '', '', '', 'Mary Ann de la Cruz', 'active']]),
      lookup(),
      options,
    );
    expect(plan.rows[0]).toMatchObject({ action: 'update', changes: ['externalId', 'status', 'storageQuotaGb'] });
    const next = plan.writes[0]!;
    expect(next.externalId).toBeUndefined();
    expect(next.storageQuotaGb).toBeUndefined();
    expect(next).toMatchObject({ licenses: 10, status: 'active', contact: { firstName: 'Mary Ann', lastName: 'de la Cruz', phone: '+1 206 555 0100' }, updatedAt: NOW.toISOString() });
  });

  it('invites must be inside the domain; new ones are added to an existing customer', () => {
    const plan = planCustomerImport(records(['Display Name', 'Domain', 'Pending Invites'], [['Fabrikam', 'fabrikam.com', 'it@fabrikam.com bob@gmail.com']]), lookup(), options);
    expect(plan.problems).toEqual([{ line: 2, column: 3, header: 'Pending Invites', message: "Pending Invites: bob@gmail.com is outside the customer's domain fabrikam.com" }]);
    const ok = planCustomerImport(records(['Display Name', 'Domain', 'Pending Invites'], [['Fabrikam', 'fabrikam.com', 'it@fabrikam.com']]), lookup(), options);
    expect(ok.writes[0]!.invites).toEqual([{ email: 'it@fabrikam.com', invitedAt: NOW.toISOString(), lastSentAt: NOW.toISOString(), sendCount: 1 }]);
  });

  it('a file without the Display Name column, or with neither domain nor tenant, says so', () => {
    expect(planCustomerImport(records(['Domain'], [['a.com']]), lookup(), options).problems).toEqual([{ line: 1, column: 2, header: null, message: 'The Display Name column is missing' }]);
    expect(planCustomerImport(records(['Display Name', 'External Id'], [['A', 'x']]), lookup(), options).problems).toEqual([
      { line: 2, column: 1, header: null, message: 'The file has neither a Domain nor an M365 Account column' },
    ]);
    expect(planCustomerImport([], lookup(), options).problems[0]).toMatchObject({ line: 1, column: 1 });
  });
});
