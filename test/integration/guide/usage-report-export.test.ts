import ExcelJS from 'exceljs';
import { afterEach, describe, expect, test } from 'vitest';
import { FakeClock } from '../../../shared/domain/clock.js';
import { systemPrincipal } from '../../../server/auth/principal.js';
import { activeCustomer, failure } from '../../helpers/guide.js';
import { createTestHub, type TestHub } from '../../helpers/hub.js';

let t: TestHub;
afterEach(() => t?.close());

/** A hub with November 2026 generated for one customer with 17 licensed users. */
async function novemberReport() {
  t = await createTestHub({ clock: new FakeClock('2026-11-02T08:00:00Z') });
  const c = await activeCustomer(t);
  await t.hub.ctx.services.customers.updateCounts(systemPrincipal('VDC'), c.id, { backedUpAccounts: 17 });
  await t.hub.ctx.services.usageScheduler.tick();
  t.clock.set('2026-12-01T06:00:00Z');
  await t.hub.ctx.services.usageScheduler.tick();
  return c;
}

// Pulse's monthly usage page shows "Usage Reporting Administrator" and "Aggregator Account" in
// its header, and the SaaS usage details export; the hub exports both as CSV and Excel.
describe('usage report header ("Usage Reporting Administrator", "Aggregator Account") and the Excel export', () => {
  test('the header fields are settings shown on every report', async () => {
    await novemberReport();
    expect(await t.admin.usageReport('2026-11')).toMatchObject({ usageReportingAdministrator: null, aggregatorAccount: 'Service Provider' });
    await t.admin.updateUsageSettings({ usageReportingAdministrator: '20250212140859573', aggregatorAccount: 'Contoso Distribution' });
    expect(await t.admin.usageReport('2026-11')).toMatchObject({ usageReportingAdministrator: '20250212140859573', aggregatorAccount: 'Contoso Distribution' });
    expect((await failure(t.admin.updateUsageSettings({ aggregatorAccount: '' }))).status).toBe(400);
  });

  test('the .xlsx is a real workbook: Monthly Usage with the header, lines and totals; SaaS Usage Details per customer', async () => {
    await novemberReport();
    await t.admin.updateUsageSettings({ usageReportingAdministrator: '20250212140859573' });
    const bytes = await t.admin.usageReportXlsx('2026-11');
    expect(Buffer.from(bytes.subarray(0, 2)).toString('latin1')).toBe('PK'); // an OOXML zip
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Monthly Usage', 'SaaS Usage Details']);
    const summary = workbook.getWorksheet('Monthly Usage')!;
    const rows = new Map<string, unknown>();
    summary.eachRow((row) => rows.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(rows.get('Usage Reporting Administrator')).toBe('20250212140859573');
    expect(rows.get('Aggregator Account')).toBe('Service Provider');
    expect(rows.get('Usage Month')).toBe('November 2026');
    const saas = workbook.getWorksheet('SaaS Usage Details')!;
    expect(saas.getRow(1).values).toEqual([undefined, 'Usage Month', 'Customer Name', 'Tenant Account CRM ID', 'Start Date', 'Product Name', 'Unit', 'Reported Units', 'Points Per Unit', 'Points']);
    const line = saas.getRow(2);
    expect(line.getCell(2).value).toBe('Fabrikam Legal LLP');
    expect(line.getCell(7).value).toBe(17);
    expect(line.getCell(8).value).toBe(2.5);
    expect(line.getCell(9).value).toBe(42.5);
  });

  test('a month with no report is a 404, a bad name a 400', async () => {
    await novemberReport();
    expect((await failure(t.admin.usageReportXlsx('2020-01'))).status).toBe(404);
    const bad = (await failure(t.admin.raw('GET', '/usage-reports/2026-13.xlsx'))).status;
    expect(bad).toBeGreaterThanOrEqual(400);
    expect(bad).toBeLessThan(500);
  });
});
