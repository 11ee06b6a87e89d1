import type { TableSelector } from './table.js';

/**
 * VCSP Pulse's monthly usage report, in the two layouts its guide shows: the classic one with
 * a line per license and customer, and the grouped one with product rows and unit lines.
 */
export const pulseMonthlyUsageTable: TableSelector = {
  id: 'pulse.monthly-usage',
  variants: [
    {
      name: 'classic',
      columns: {
        customer: ['Customer'],
        product: ['Product Name'],
        currentUsage: ['Current Month Usage'],
        ppu: ['PPU', 'Points Per Unit'],
        points: ['Points'],
      },
      optional: {
        description: ['License Description'],
        licensed: ['Licensed'],
        previous: ['Reported Prev Month'],
        autoReported: ['Auto Reported'],
      },
    },
    {
      name: 'grouped',
      columns: {
        productOrUnit: ['Product Name / Units', 'Product Name/Units'],
        currentUsage: ['Current Month Usage'],
        ppu: ['PPU', 'Points Per Unit'],
        points: ['Points'],
      },
      optional: { licensed: ['Licensed'], previous: ['Reported Prev Month'] },
    },
  ],
  expected: { min: 1, max: 1 },
};

export const pulseSaasUsageTable: TableSelector = {
  id: 'pulse.saas-usage',
  variants: [
    {
      name: 'saas-usage-details',
      columns: {
        customer: ['Customer Name'],
        product: ['Product Name'],
        unit: ['Unit'],
        units: ['Reported Units'],
        ppu: ['Points Per Unit', 'PPU'],
        points: ['Points'],
      },
      optional: { month: ['Usage Month Text', 'Usage Month'], crmId: ['Tenant Account CRM ID'], startDate: ['Start Date'] },
    },
  ],
  expected: { min: 1, max: 1 },
};
