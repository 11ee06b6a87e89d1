import type { Feature } from '../lib/feature-manager.js';
import { cleanCustomerName, compareSaasRow, notInReport, parseAmount, parseUsageMonth } from '../lib/usage-compare.js';
import { pulseSaasUsageTable } from '../selectors/pulse.js';
import { findTable, type FoundTable } from '../selectors/table.js';
import type { OverlayDeps } from './deps.js';
import { annotateUsageTable } from './usage-shared.js';
import { readUsageMonth } from './usage-report-check.js';

/** Pulse, SaaS Usage Details: each customer's reported units and points against the hub's. */
export const saasUsageCheck: Feature<FoundTable, OverlayDeps> = {
  id: 'saas-usage-check',
  detect: (document) => findTable(document, pulseSaasUsageTable),
  async init(table, context, deps) {
    const firstMonth = table
      .rows()
      .map((row) => parseUsageMonth(row.cell('month')?.text ?? ''))
      .find((month) => month !== null);
    await annotateUsageTable({
      featureId: 'saas-usage-check',
      table,
      month: firstMonth ?? readUsageMonth(context.document),
      context,
      deps,
      readLine(row) {
        const customer = cleanCustomerName(row.cell('customer')?.text ?? '');
        if (!customer) return null;
        return { customer, product: row.cell('product')?.text ?? '', units: parseAmount(row.cell('units')?.text ?? ''), points: parseAmount(row.cell('points')?.text ?? '') };
      },
      chipCell: (row) => row.cell('points')?.element ?? null,
      compare: compareSaasRow,
      notFound: notInReport('customer'),
    });
  },
};
