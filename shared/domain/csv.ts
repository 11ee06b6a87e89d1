// CSV as spreadsheets read it (RFC 4180), for every export of the hub: customers, licensed
// users, session logs, usage reports.

/** A value for one CSV cell; numbers and booleans are written as they are. */
export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One RFC 4180 cell. Text that a spreadsheet would run as a formula (starting with = + - @, or a
 * tab or carriage return) gets a leading apostrophe; numbers are left alone so they stay numbers.
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(',') + '\r\n';
}

/** A whole document: header line then rows, CRLF line ends as RFC 4180 asks. */
export function toCsv<T>(columns: readonly { header: string; value: (row: T) => CsvValue }[], rows: Iterable<T>): string {
  const out = [csvRow(columns.map((c) => c.header))];
  for (const row of rows) out.push(csvRow(columns.map((c) => c.value(row))));
  return out.join('');
}

/**
 * A header and rows of cells. `bom` starts the text with a UTF-8 byte order mark, so Excel keeps
 * accents when the file is opened directly.
 */
export function csvTable(header: readonly string[], rows: Iterable<readonly CsvValue[]>, options: { bom?: boolean } = {}): string {
  const out = [options.bom ? '\uFEFF' : '', csvRow(header)];
  for (const row of rows) out.push(csvRow(row));
  return out.join('');
}

/** Parses RFC 4180 text back into rows (tests, imports); quotes may span lines; a BOM is skipped. */
export function parseCsv(input: string): string[][] {
  const text = input.replace(/^\uFEFF/, '');
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
