/**
 * CSV as spreadsheets read it: RFC 4180 quoting, CRLF line ends. Text that a spreadsheet would
 * run as a formula (starting with = + - @ or a tab) is prefixed with a quote mark, so a customer
 * name can never become a formula in the SP's spreadsheet; numbers are written as they are.
 */
export type CsvCell = string | number | null | undefined;

export function csvLine(cells: readonly CsvCell[]): string {
  return cells.map(csvCell).join(',');
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [csvLine(header), ...rows.map(csvLine)].join('\r\n') + '\r\n';
}

function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
