import { csvTable } from '../../shared/domain/csv.js';
import type { FoundTable } from '../selectors/table.js';

/**
 * The portal's Customers list as the hub's customers import reads it: the visible rows, by the
 * selector's column keys, in the columns of the customers export. The page has no domain
 * column; the importer then takes each customer's M365 Account as its domain (and refuses a row
 * that has neither, saying so).
 */
const COLUMNS = [
  ['displayName', 'Display Name'],
  ['m365Account', 'M365 Account'],
  ['externalId', 'External Id'],
  ['contractType', 'Contract Type'],
  ['licenses', 'Licenses'],
  ['licenseModel', 'License Model'],
  ['sourceType', 'Source Type'],
] as const;

export interface TableImportRow {
  /** The row's line in the CSV (the header is line 1), as the importer's answer names it. */
  line: number;
  displayName: string;
  cells: string[];
}

export interface TableImport {
  headers: string[];
  rows: TableImportRow[];
}

/** A cell as the import wants it: the portal's "-" for "none" is empty, "1,234" licences are 1234. */
function clean(key: string, text: string): string {
  const value = text.trim();
  if (/^[-\u2013\u2014]$/.test(value)) return '';
  if (key === 'licenses') return value.replace(/[\s,.'\u00a0\u202f](?=\d{3}\b)/g, '');
  return value;
}

/** Reads the rows the table shows now (only the columns it has), skipping rows without a name. */
export function readCustomersTable(table: FoundTable): TableImport {
  const present = COLUMNS.filter(([key]) => table.columns[key] !== undefined);
  const rows: TableImportRow[] = [];
  for (const row of table.rows()) {
    const cells = present.map(([key]) => clean(key, row.cell(key)?.text ?? ''));
    const displayName = cells[0] ?? '';
    if (!displayName) continue;
    rows.push({ line: rows.length + 2, displayName, cells });
  }
  return { headers: present.map(([, header]) => header), rows };
}

/** The CSV of the given rows (all, or those kept after a dry run); lines are renumbered, so keep the rows to map answers back. */
export function tableCsv(read: TableImport, rows: readonly TableImportRow[] = read.rows): string {
  return csvTable(
    read.headers,
    rows.map((r) => r.cells),
  );
}
