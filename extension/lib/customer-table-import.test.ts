import { readFileSync } from 'node:fs';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../shared/domain/csv.js';
import { findTable } from '../selectors/table.js';
import { vdcCustomersTable } from '../selectors/vdc.js';
import { readCustomersTable, tableCsv } from './customer-table-import.js';

const saved = (file: string) => parseHTML(readFileSync(new URL(`../../test/fixtures/saved/${file}`, import.meta.url), 'utf8')).document as unknown as Document;
const page = (html: string) => parseHTML(`<!doctype html><html><body>${html}</body></html>`).document as unknown as Document;

describe('the portal Customers list as an import', () => {
  it('reads the saved page into the customers export columns, "-" as empty', () => {
    const read = readCustomersTable(findTable(saved('vdc-customers.html'), vdcCustomersTable)!);
    expect(read.headers).toEqual(['Display Name', 'M365 Account', 'External Id', 'Contract Type', 'Licenses', 'License Model']);
    expect(read.rows).toHaveLength(20);
    expect(read.rows[0]).toEqual({
      line: 2,
      displayName: 'Adatum Accounting Oy',
      cells: ['Adatum Accounting Oy', 'adatumaccounting.onmicrosoft.com', 'CRM-020472', 'Month to month', '5', 'Variable'],
    });
    expect(read.rows[1]!.cells).toEqual(['Alster Reederei GmbH', '', 'fa5aad08-3f5e-4c94-80b6-29e030d7b9b8', 'Pending', '', 'Variable']);
    const rows = parseCsv(tableCsv(read));
    expect(rows[0]).toEqual(read.headers);
    expect(rows.slice(1)).toEqual(read.rows.map((r) => r.cells));
  });

  it('keeps a name with commas, quotes or a formula start as text, and a subset renumbers nothing it was not asked to', () => {
    const table = findTable(
      page(`<table><thead><tr><th>Display Name</th><th>M365 Account</th><th>Contract Type</th><th>Licences</th></tr></thead><tbody>
        <tr><td>=HYPERLINK("x") , "Ltd"</td><td>a.onmicrosoft.com</td><td>Annual</td><td>1,234</td></tr>
        <tr><td></td><td>b.onmicrosoft.com</td><td>Annual</td><td>1</td></tr>
        <tr><td>Beta</td><td>beta.onmicrosoft.com</td><td>Trial</td><td>\u2014</td></tr></tbody></table>`),
      vdcCustomersTable,
    )!;
    const read = readCustomersTable(table);
    expect(read.rows.map((r) => [r.line, r.displayName, r.cells[3]])).toEqual([
      [2, '=HYPERLINK("x") , "Ltd"', '1234'],
      [3, 'Beta', ''],
    ]);
    const text = tableCsv(read, [read.rows[1]!]);
    expect(parseCsv(text)).toEqual([read.headers, ['Beta', 'beta.onmicrosoft.com', 'Trial', '']]);
    expect(tableCsv(read)).toContain(`"'=HYPERLINK(""x"") , ""Ltd"""`);
  });
});
