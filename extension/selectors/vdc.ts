import type { TableSelector } from './table.js';

/**
 * The VDC service-provider portal's tables, by the column names its guide shows. The guide
 * spells the licence column both ways; "Total User Change (per moth)" is its own typo.
 */
export const vdcCustomersTable: TableSelector = {
  id: 'vdc.customers',
  variants: [
    {
      name: 'customers',
      columns: {
        displayName: ['Display Name', 'Customer Name', 'Name'],
        m365Account: ['M365 Account', 'Microsoft 365 Account', 'M365 account'],
        contractType: ['Contract Type', 'Status'],
        licenses: ['Licences', 'Licenses', 'Licence', 'License'],
      },
      optional: {
        externalId: ['External Id', 'External ID'],
        licenseModel: ['License Model', 'Licence Model'],
        sourceType: ['Source Type'],
        actions: ['Actions'],
      },
    },
  ],
  expected: { min: 1, max: 1 },
};

export const vdcPoliciesTable: TableSelector = {
  id: 'vdc.policies',
  variants: [
    {
      name: 'flex-policies',
      columns: {
        name: ['Name', 'Policy Name'],
        customer: ['Customer', 'Customer Name'],
        backupType: ['Backup Type'],
        lastStatus: ['Last Status', 'Last Result'],
      },
      optional: {
        enabled: ['Enabled'],
        lastRun: ['Last Run'],
        nextRun: ['Next Run'],
        policyType: ['Policy Type'],
      },
    },
  ],
  expected: { min: 1, max: 1 },
};
