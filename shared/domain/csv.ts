// CSV as spreadsheets read it (RFC 4180), for every export of the hub: customers, licensed
// users, session logs, usage reports.

/** A value for one CSV cell; numbers and booleans are written as they are. */
export type CsvValue = string | number | boolean | null | undefined;

// Apostrophes before the formula character are counted too, so that neutralising can be undone
// exactly: a text that already starts with "'=" gets one more apostrophe and reads back the same.
const FORMULA_START = /^'*[=+\-@\t\r]/;
const NEUTRALISED = /^'+[=+\-@\t\r]/;

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

/** Undoes the apostrophe `csvCell` put before a formula-like text, so imports read what was exported. */
export function unneutralise(cell: string): string {
  return NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}

/** One record of a CSV document: its cells and the line (1-based) it starts on. */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/** Where a document is broken, and why; the column counts cells from 1. */
export interface CsvSyntaxProblem {
  line: number;
  column: number;
  message: string;
}

export interface CsvParseOptions {
  /** Stop with a problem after this many records (header included). */
  maxRecords?: number;
  /** A cell longer than this is a problem. */
  maxCellLength?: number;
}

export type CsvParseResult = { ok: true; records: CsvRecord[] } | { ok: false; problem: CsvSyntaxProblem; tooLarge: boolean };

/**
 * Reads RFC 4180 text strictly: quoted fields with "" for a quote and commas, CR, LF or CRLF
 * inside; CRLF, LF or CR between records; a leading BOM skipped; a missing last line end
 * accepted. A quote inside an unquoted field, text after a closing quote or a quote never closed
 * is a problem naming its line and column, as is going over the limits. Blank lines are skipped.
 */
export function readCsv(input: string, options: CsvParseOptions = {}): CsvParseResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const maxRecords = options.maxRecords ?? Infinity;
  const maxCell = options.maxCellLength ?? Infinity;
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const cells: string[] = [];
    const quotedStart = text.charCodeAt(i) === 34;
    // One record: cells until an unquoted line end or the end of the text.
    for (;;) {
      const column = cells.length + 1;
      let cell: string;
      if (text.charCodeAt(i) === 34 /* " */) {
        const cellLine = line;
        let out = '';
        let from = i + 1;
        for (;;) {
          const quote = text.indexOf('"', from);
          if (quote < 0) return { ok: false, tooLarge: false, problem: { line: cellLine, column, message: 'a quoted cell is never closed (a " is missing)' } };
          const chunk = text.slice(from, quote);
          for (let k = chunk.indexOf('\n'); k >= 0; k = chunk.indexOf('\n', k + 1)) line++;
          // A lone CR is a line end too.
          for (let k = chunk.indexOf('\r'); k >= 0; k = chunk.indexOf('\r', k + 1)) if (chunk.charCodeAt(k + 1) !== 10) line++;
          out += chunk;
          if (text.charCodeAt(quote + 1) === 34) {
            out += '"';
            from = quote + 2;
            continue;
          }
          i = quote + 1;
          break;
        }
        const next = text.charCodeAt(i);
        if (i < n && next !== 44 && next !== 10 && next !== 13) {
          return { ok: false, tooLarge: false, problem: { line, column, message: 'text follows the closing quote of a quoted cell (write "" for a quote inside it)' } };
        }
        cell = out;
      } else {
        let end = i;
        while (end < n) {
          const c = text.charCodeAt(end);
          if (c === 44 || c === 10 || c === 13) break;
          if (c === 34) return { ok: false, tooLarge: false, problem: { line, column, message: 'a " inside a cell that is not quoted (quote the whole cell and write "" for the quote)' } };
          end++;
        }
        cell = text.slice(i, end);
        i = end;
      }
      if (cell.length > maxCell) return { ok: false, tooLarge: false, problem: { line: start, column, message: `the cell is longer than ${maxCell} characters` } };
      cells.push(cell);
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        // A comma at the very end still opens one last, empty cell.
        if (i >= n) {
          cells.push('');
          break;
        }
        continue;
      }
      if (c === 13) i += text.charCodeAt(i + 1) === 10 ? 2 : 1;
      else if (c === 10) i++;
      line++;
      break;
    }
    if (cells.length === 1 && cells[0] === '' && !quotedStart) continue;
    if (records.length >= maxRecords) {
      return { ok: false, tooLarge: true, problem: { line: start, column: 1, message: `the file has more than ${maxRecords - 1} rows` } };
    }
    records.push({ line: start, cells });
  }
  return { ok: true, records };
}

/** Parses RFC 4180 text back into rows (tests, imports); quotes may span lines; a BOM is skipped. */
export function parseCsv(input: string): string[][] {
  const result = readCsv(input);
  if (!result.ok) throw new Error(`CSV line ${result.problem.line}, column ${result.problem.column}: ${result.problem.message}`);
  return result.records.map((r) => r.cells);
}
