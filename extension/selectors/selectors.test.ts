import { readFileSync } from 'node:fs';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { pulseMonthlyUsageTable, pulseSaasUsageTable } from './pulse.js';
import { findTable, findTables, normalizeHeader, type TableSelector } from './table.js';
import { vdcCustomersTable, vdcPoliciesTable } from './vdc.js';

// Saved pages (test/fixtures/saved, written by test/fixtures/save-pages.ts): every selector must
// find exactly its table on its page, and nothing on the others.
const saved = (file: string) => parseHTML(readFileSync(new URL(`../../test/fixtures/saved/${file}`, import.meta.url), 'utf8')).document as unknown as Document;
const page = (html: string) => parseHTML(`<!doctype html><html><body>${html}</body></html>`).document as unknown as Document;

const SELECTORS: Record<string, TableSelector> = {
  customers: vdcCustomersTable,
  policies: vdcPoliciesTable,
  monthlyUsage: pulseMonthlyUsageTable,
  saasUsage: pulseSaasUsageTable,
};

/** Which selector each saved page must satisfy; all others must find nothing there. */
const PAGES: { file: string; selector: keyof typeof SELECTORS | null }[] = [
  { file: 'vdc-customers.html', selector: 'customers' },
  { file: 'vdc-customers-page-2.html', selector: 'customers' },
  { file: 'vdc-policies.html', selector: 'policies' },
  { file: 'pulse-monthly-usage.html', selector: 'monthlyUsage' },
  { file: 'pulse-saas-usage.html', selector: 'saasUsage' },
  { file: 'demo-index.html', selector: null },
];

describe('selectors against the saved pages', () => {
  for (const { file, selector } of PAGES) {
    for (const [name, definition] of Object.entries(SELECTORS)) {
      const expected = name === selector ? 1 : 0;
      it(`${name} finds ${expected} table on ${file}`, () => {
        expect(findTables(saved(file), definition)).toHaveLength(expected);
      });
    }
  }

  it('reads the customers page: 20 rows, each with a display name and its column positions', () => {
    const table = findTable(saved('vdc-customers.html'), vdcCustomersTable)!;
    const rows = table.rows();
    expect(rows).toHaveLength(20);
    expect(table.columns).toMatchObject({ displayName: 0, m365Account: 1, externalId: 2, contractType: 3, licenses: 4, licenseModel: 5, actions: 6 });
    for (const row of rows) expect(row.cell('displayName')?.text).toMatch(/\S/);
    expect(rows.map((r) => r.cell('displayName')!.text)).toContain('Adatum Accounting Oy');
  });

  it('page 2 of the customers shows other customers than page 1', () => {
    const first = findTable(saved('vdc-customers.html'), vdcCustomersTable)!
      .rows()
      .map((r) => r.cell('displayName')!.text);
    const second = findTable(saved('vdc-customers-page-2.html'), vdcCustomersTable)!
      .rows()
      .map((r) => r.cell('displayName')!.text);
    expect(second.length).toBeGreaterThan(0);
    expect(second.filter((name) => first.includes(name))).toEqual([]);
  });

  it('reads the policies grid (ARIA roles, no <table>) by its headers', () => {
    const table = findTable(saved('vdc-policies.html'), vdcPoliciesTable)!;
    expect(table.element.getAttribute('role')).toBe('grid');
    expect(table.columns).toMatchObject({ name: 0, customer: 1, backupType: 2, lastStatus: 6 });
    for (const row of table.rows()) expect(row.cell('lastStatus')?.text).toMatch(/^(Success|Warning|Failed|Running|Stopped|Disconnected|Never)$/);
  });

  it('reads the Pulse monthly usage lines in the classic layout', () => {
    const table = findTable(saved('pulse-monthly-usage.html'), pulseMonthlyUsageTable)!;
    expect(table.variant.name).toBe('classic');
    const products = table.rows().map((r) => r.cell('product')!.text);
    expect(products).toContain('Veeam Data Cloud for Microsoft 365 Flex Per User');
    expect(products).toContain('Veeam Backup & Replication Enterprise Plus');
  });

  it('reads the SaaS usage details rows', () => {
    const table = findTable(saved('pulse-saas-usage.html'), pulseSaasUsageTable)!;
    const rows = table.rows();
    expect(rows.length).toBeGreaterThan(3);
    expect(rows[0]!.cell('unit')!.text).toBe('User');
    expect(rows[0]!.cell('ppu')!.text).toBe('2.5');
  });
});

describe('finding tables by header text', () => {
  it('ignores sort arrows, case and extra spaces in headers', () => {
    expect(normalizeHeader('  Display   Name ↓ ')).toBe('display name');
    expect(normalizeHeader('Licences ▲')).toBe('licences');
  });

  it('accepts the alternative spellings a selector lists', () => {
    const doc = page(`<table><thead><tr><th>Display Name</th><th>M365 Account</th><th>Contract Type</th><th>Licenses</th></tr></thead>
      <tbody><tr><td>Contoso</td><td>contoso.onmicrosoft.com</td><td>Annual</td><td>10</td></tr></tbody></table>`);
    expect(findTable(doc, vdcCustomersTable)?.rows()[0]?.cell('licenses')?.text).toBe('10');
  });

  it('leaves a table alone when a required column is missing', () => {
    const doc = page(`<table><thead><tr><th>Display Name</th><th>M365 Account</th><th>Licences</th></tr></thead><tbody><tr><td>a</td><td>b</td><td>1</td></tr></tbody></table>`);
    expect(findTable(doc, vdcCustomersTable)).toBeNull();
  });

  it('leaves the page alone when two tables match (ambiguous), as the expected count says', () => {
    const table = `<table><thead><tr><th>Display Name</th><th>M365 Account</th><th>Contract Type</th><th>Licences</th></tr></thead><tbody><tr><td>a</td><td>b</td><td>c</td><td>1</td></tr></tbody></table>`;
    const doc = page(table + table);
    expect(findTables(doc, vdcCustomersTable)).toHaveLength(2);
    expect(findTable(doc, vdcCustomersTable)).toBeNull();
  });

  it('never goes by class names: a table with the right classes but other headers is not recognised', () => {
    const doc = page(`<table class="customers MuiTable-root"><thead><tr><th class="displayName">Name of thing</th><th>Other</th></tr></thead><tbody><tr><td>x</td><td>y</td></tr></tbody></table>`);
    expect(findTable(doc, vdcCustomersTable)).toBeNull();
  });

  it('falls back to an ARIA grid when there is no <table>', () => {
    const doc =
      page(`<div role="grid"><div role="row"><div role="columnheader">Name</div><div role="columnheader">Customer</div><div role="columnheader">Backup Type</div><div role="columnheader">Last Status</div></div>
      <div role="row"><div role="gridcell">All Users</div><div role="gridcell">Contoso</div><div role="gridcell">EntireOrganization</div><div role="gridcell">Failed</div></div></div>`);
    const table = findTable(doc, vdcPoliciesTable)!;
    expect(table.rows().map((r) => [r.cell('name')?.text, r.cell('lastStatus')?.text])).toEqual([['All Users', 'Failed']]);
  });

  it('recognises the grouped Pulse layout and keeps product rows', () => {
    const doc = page(`<table><tr><th>Product Name / Units</th><th>Licensed</th><th>Reported Prev Month</th><th>Current Month Usage</th><th>PPU</th><th>Points</th></tr>
      <tr><td><b>Veeam Cloud Connect &amp; Public Cloud</b></td></tr><tr><td>Backup VM</td><td>100</td><td>103</td><td>118</td><td>5</td><td>590</td></tr></table>`);
    const table = findTable(doc, pulseMonthlyUsageTable)!;
    expect(table.variant.name).toBe('grouped');
    expect(table.rows().map((r) => r.cell('productOrUnit')?.text)).toEqual(['Veeam Cloud Connect & Public Cloud', 'Backup VM']);
  });
});
