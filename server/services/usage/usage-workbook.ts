import ExcelJS from 'exceljs';
import type { UsageReport } from '../../../shared/schemas/usage.js';

/** Points are exact decimal strings; the sheet shows them as numbers with up to two decimals. */
const points = (value: string): number => Number(value);

/**
 * A month's report as an Excel workbook, written with exceljs: "Monthly Usage" (Pulse's header
 * fields, the product lines, the totals) and "SaaS Usage Details" (one row per customer line).
 */
export async function usageWorkbook(report: UsageReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'SP Hub';
  workbook.created = new Date(report.generatedAt ?? Date.now());

  const summary = workbook.addWorksheet('Monthly Usage');
  summary.columns = [{ width: 44 }, { width: 28 }, { width: 12 }, { width: 20 }, { width: 20 }, { width: 12 }, { width: 14 }];
  const title = summary.addRow(['Monthly Usage', report.number ?? `Snapshot ${report.usageMonth}`]);
  title.font = { bold: true, size: 14 };
  const header: [string, string | number | null][] = [
    ['Rental Agreement Number', report.rentalAgreementNumber],
    ['Usage Month', report.usageMonthText],
    ['Usage Confirmed', report.usageConfirmed ? 'Yes' : 'No'],
    ['Service Provider Purchase Order #', report.purchaseOrder],
    ['Service Provider Comment', report.comment],
    ['Usage Reporting Administrator', report.usageReportingAdministrator],
    ['Aggregator Account', report.aggregatorAccount],
    ['Reporting Status', report.status ?? 'Snapshot (not generated yet)'],
    ['Rejection Reason', report.rejectionReason],
  ];
  for (const [label, value] of header) summary.addRow([label, value ?? '']).getCell(1).font = { bold: true };
  summary.addRow([]);
  summary.addRow(['Product Name / Units', 'Customer', 'Licensed', 'Reported Prev Month', 'Current Month Usage', 'PPU', 'Points']).font = { bold: true };
  for (const line of report.lines) {
    summary.addRow([`${line.product} / ${line.unit}`, line.customer, line.licensed, line.reportedPreviousMonth, line.currentMonthUsage, points(line.pointsPerUnit), points(line.points)]);
  }
  summary.addRow([]);
  summary.addRow(['', '', '', '', '', 'Software', 'SaaS']).font = { bold: true };
  const t = report.totals;
  summary.addRow(['Reported Points', '', '', '', '', points(t.reportedPoints.software), points(t.reportedPoints.saas)]);
  summary.addRow(['Minimum Commit', '', '', '', '', points(t.minimumCommit), '']);
  summary.addRow(['Minimum Commit Enforcement', '', '', '', '', points(t.minimumCommitEnforcement), '']);
  summary.addRow(['Subtotal', '', '', '', '', points(t.subtotal.software), points(t.subtotal.saas)]);
  summary.addRow(['Overage', '', '', '', '', points(t.overage), '']);
  summary.addRow(['Total Points', '', '', '', '', points(t.totalPoints), '']).font = { bold: true };

  const saas = workbook.addWorksheet('SaaS Usage Details');
  saas.columns = [
    { header: 'Usage Month', width: 16 },
    { header: 'Customer Name', width: 36 },
    { header: 'Tenant Account CRM ID', width: 24 },
    { header: 'Start Date', width: 12 },
    { header: 'Product Name', width: 48 },
    { header: 'Unit', width: 8 },
    { header: 'Reported Units', width: 14 },
    { header: 'Points Per Unit', width: 14 },
    { header: 'Points', width: 12 },
  ];
  saas.getRow(1).font = { bold: true };
  for (const d of report.saasUsage) {
    saas.addRow([d.usageMonthText, d.customerName, d.tenantAccountCrmId ?? '', d.startDate ?? '', d.productName, d.unit, d.reportedUnits, points(d.pointsPerUnit), points(d.points)]);
  }
  saas.views = [{ state: 'frozen', ySplit: 1 }];

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
