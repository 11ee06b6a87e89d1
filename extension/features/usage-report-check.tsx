import type { Feature } from '../lib/feature-manager.js';
import { cleanCustomerName, compareReportLine, notInReport, parseAmount, parseUsageMonth } from '../lib/usage-compare.js';
import { pulseMonthlyUsageTable } from '../selectors/pulse.js';
import { cellText, findTable, type FoundTable } from '../selectors/table.js';
import type { OverlayDeps } from './deps.js';
import { annotateUsageTable, cellValue } from './usage-shared.js';

/** The "Usage Month" field of a Pulse report page ("Usage Month: March 2025"). */
export function readUsageMonth(document: Document): string | null {
  for (const element of Array.from(document.querySelectorAll('body *'))) {
    if (element.children.length > 0 && element.children.length < 4 && /^usage month:?$/i.test(cellText(element.firstElementChild))) {
      const month = parseUsageMonth(cellText(element));
      if (month) return month;
    }
    if (element.children.length === 0 && /^usage month\b/i.test(cellText(element))) {
      const month = parseUsageMonth(cellText(element)) ?? parseUsageMonth(cellText(element.nextElementSibling)) ?? parseUsageMonth(cellText(element.parentElement));
      if (month) return month;
    }
  }
  return null;
}

/**
 * Pulse, Monthly Usage: beside each line the hub's units and points for the same customer and
 * product, differences in red; the report's deadline and any suspension in the bar above.
 */
export const usageReportCheck: Feature<FoundTable, OverlayDeps> = {
  id: 'usage-report-check',
  detect: (document) => findTable(document, pulseMonthlyUsageTable),
  async init(table, context, deps) {
    let product = '';
    await annotateUsageTable({
      featureId: 'usage-report-check',
      table,
      month: readUsageMonth(context.document),
      context,
      deps,
      readLine(row) {
        if (table.variant.name === 'grouped') {
          // Product rows carry only a name; the unit lines under them carry the numbers.
          const first = row.cell('productOrUnit')?.text ?? '';
          const units = parseAmount(cellValue(row.cell('currentUsage')));
          if (units === null) {
            product = first;
            return null;
          }
          return { customer: '', product, units, points: parseAmount(row.cell('points')?.text ?? '') };
        }
        const customer = cleanCustomerName(row.cell('customer')?.text ?? '');
        const productName = row.cell('product')?.text ?? '';
        if (!productName) return null;
        return { customer, product: productName, units: parseAmount(cellValue(row.cell('currentUsage'))), points: parseAmount(row.cell('points')?.text ?? '') };
      },
      chipCell: (row) => row.cell('points')?.element ?? null,
      compare: compareReportLine,
      notFound: notInReport('line'),
    });
  },
};
