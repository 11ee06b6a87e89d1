/**
 * Finds a page's data table by the texts of its column headers, never by class names: the
 * portal and Pulse restyle freely, but their column names are what users read. A selector is
 * data (see vdc.ts, pulse.ts): alternative header texts per column, fallback container queries
 * tried in order, and how many such tables a page is expected to hold.
 */

/** One column: the header texts it may carry (first is canonical; later ones are fallbacks). */
export type HeaderTexts = readonly string[];

export interface TableVariant {
  /** A name for logs and tests ("classic", "grouped"). */
  name: string;
  /** Columns that must all be present for the table to be recognised, by key. */
  columns: Readonly<Record<string, HeaderTexts>>;
  /** Columns read when present. */
  optional?: Readonly<Record<string, HeaderTexts>>;
}

export interface TableSelector {
  id: string;
  /** Layouts of the same table, tried in order. */
  variants: readonly TableVariant[];
  /** Container queries tried in order until one yields a recognised table. */
  containers?: readonly string[];
  /** How many recognised tables a page may hold; more is ambiguous and leaves the page alone. */
  expected?: { min: number; max: number };
}

export interface TableCell {
  element: Element;
  text: string;
}

export interface TableRow {
  element: Element;
  /** The cell of a column key, when the row has one. */
  cell(key: string): TableCell | undefined;
}

export interface FoundTable {
  selector: TableSelector;
  variant: TableVariant;
  element: Element;
  /** Column key -> zero-based column position. */
  columns: Record<string, number>;
  /** The data rows as rendered now (the header row and rows without cells excluded). */
  rows(): TableRow[];
}

export const DEFAULT_CONTAINERS = ['table', '[role="grid"]', '[role="table"]', '[role="treegrid"]'] as const;

/** Header text as a person reads it: no sort arrows or marks, single spaces, lower case. */
export function normalizeHeader(text: string): string {
  return text
    .replace(/[\u2190-\u21ff\u25b2-\u25bf\u2b00-\u2bff*]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** Cell text with whitespace collapsed (for names and numbers read from the page). */
export function cellText(element: Element | null | undefined): string {
  return (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

const isTable = (element: Element) => element.tagName === 'TABLE';
const isCell = (element: Element) => element.tagName === 'TD' || element.tagName === 'TH';

/** The table's own rows (not those of a table nested in a cell), in document order. */
function tableRows(table: Element): Element[] {
  const rows: Element[] = [];
  for (const child of Array.from(table.children)) {
    if (child.tagName === 'TR') rows.push(child);
    else if (['THEAD', 'TBODY', 'TFOOT'].includes(child.tagName)) rows.push(...Array.from(child.children).filter((row) => row.tagName === 'TR'));
  }
  return rows;
}

function headerCells(container: Element): Element[] {
  if (isTable(container)) {
    const rows = tableRows(container);
    const head = rows.filter((row) => row.parentElement?.tagName === 'THEAD');
    const headRow = head[head.length - 1] ?? rows.find((row) => Array.from(row.children).some((cell) => cell.tagName === 'TH'));
    return headRow ? Array.from(headRow.children).filter(isCell) : [];
  }
  return Array.from(container.querySelectorAll('[role="columnheader"]'));
}

/** Own text of a header cell. */
function headerText(cell: Element): string {
  return normalizeHeader(cell.textContent ?? '');
}

function dataRows(container: Element): Element[] {
  if (isTable(container)) {
    return tableRows(container).filter((row) => row.parentElement?.tagName !== 'THEAD' && row.parentElement?.tagName !== 'TFOOT' && Array.from(row.children).some((cell) => cell.tagName === 'TD'));
  }
  return Array.from(container.querySelectorAll('[role="row"]')).filter((row) => row.querySelector('[role="gridcell"],[role="cell"]'));
}

function rowCells(row: Element): Element[] {
  if (row.tagName === 'TR') return Array.from(row.children).filter(isCell);
  return Array.from(row.querySelectorAll('[role="gridcell"],[role="cell"],[role="rowheader"]')).filter((cell) => cell.closest('[role="row"]') === row);
}

function matchColumns(headers: string[], wanted: Readonly<Record<string, HeaderTexts>>): Record<string, number> | null {
  const found: Record<string, number> = {};
  for (const [key, texts] of Object.entries(wanted)) {
    const alternatives = texts.map(normalizeHeader);
    const index = headers.findIndex((header) => alternatives.includes(header));
    if (index < 0) return null;
    found[key] = index;
  }
  return found;
}

function recognise(container: Element, selector: TableSelector): FoundTable | null {
  const headers = headerCells(container).map(headerText);
  if (headers.length === 0) return null;
  for (const variant of selector.variants) {
    const columns = matchColumns(headers, variant.columns);
    if (!columns) continue;
    for (const [key, texts] of Object.entries(variant.optional ?? {})) {
      const text = texts.map(normalizeHeader).find((t) => headers.includes(t));
      if (text !== undefined) columns[key] = headers.indexOf(text);
    }
    return {
      selector,
      variant,
      element: container,
      columns,
      rows: () =>
        dataRows(container).map((element) => {
          const cells = rowCells(element);
          return {
            element,
            cell(key: string) {
              const index = columns[key];
              const cell = index === undefined ? undefined : cells[index];
              return cell ? { element: cell, text: cellText(cell) } : undefined;
            },
          };
        }),
    };
  }
  return null;
}

/**
 * All tables on the page that the selector recognises. The first container query that yields
 * any wins, so a fallback is only used when the preferred markup is absent.
 */
export function findTables(root: ParentNode, selector: TableSelector): FoundTable[] {
  for (const query of selector.containers ?? DEFAULT_CONTAINERS) {
    const found: FoundTable[] = [];
    for (const container of Array.from(root.querySelectorAll(query))) {
      // A grid nested in a recognised grid is the same table.
      if (found.some((table) => table.element.contains(container))) continue;
      const table = recognise(container, selector);
      if (table) found.push(table);
    }
    if (found.length > 0) return found;
  }
  return [];
}

/** The one table a feature anchors to, or null when absent or ambiguous (the page is then left alone). */
export function findTable(root: ParentNode, selector: TableSelector): FoundTable | null {
  const tables = findTables(root, selector);
  const { min, max } = selector.expected ?? { min: 1, max: 1 };
  if (tables.length < Math.max(min, 1) || tables.length > max) return null;
  return tables[0] ?? null;
}
