import { LicensedUserInput, type ImportProblem, type LicensedUser } from '../schemas/customers.js';
import { unneutralise, type CsvRecord, type CsvValue } from './csv.js';

/** Columns of the licensed-users export (`/customers/{id}/licensed-users.csv`), read back by its import. */
export const LICENSED_USER_CSV_COLUMNS: { header: string; value: (u: LicensedUser) => CsvValue }[] = [
  { header: 'Name', value: (u) => u.name },
  { header: 'Email', value: (u) => u.email },
  { header: 'Type', value: (u) => u.type },
  { header: 'Protection Status', value: (u) => u.protectionStatus },
  { header: 'Last Backup', value: (u) => u.lastBackupAt },
];

const FIELDS = {
  Name: 'name',
  Email: 'email',
  Type: 'type',
  'Protection Status': 'protectionStatus',
  'Last Backup': 'lastBackupAt',
} as const satisfies Record<string, keyof LicensedUserInput>;
type Header = keyof typeof FIELDS;
const KNOWN = new Map(Object.keys(FIELDS).map((h) => [h.toLowerCase(), h as Header]));

/**
 * Reads a licensed-users CSV (header first) into the accounts it lists, checked as
 * `PUT /customers/{id}/licensed-users` checks them (the same zod schema, field by field), with
 * every problem at its line and column. An address listed twice is a problem.
 */
export function readLicensedUsers(records: readonly CsvRecord[]): { users: LicensedUserInput[]; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const users: LicensedUserInput[] = [];
  const [head, ...body] = records;
  if (!head)
    return {
      users,
      problems: [{ line: 1, column: 1, header: null, message: 'The file is empty: it needs the header line of the licensed-users export (Name, Email, Type, Protection Status, Last Backup)' }],
    };
  const columns: Header[] = [];
  head.cells.forEach((raw, index) => {
    const text = unneutralise(raw).trim();
    const header = KNOWN.get(text.toLowerCase());
    if (!header) problems.push({ line: head.line, column: index + 1, header: text, message: `Unknown column "${text}": the columns are ${Object.keys(FIELDS).join(', ')}` });
    else if (columns.includes(header)) problems.push({ line: head.line, column: index + 1, header: text, message: `The column ${header} appears twice` });
    columns.push(header ?? 'Name');
  });
  for (const needed of ['Name', 'Email'] as const) {
    if (problems.length === 0 && !columns.includes(needed)) problems.push({ line: head.line, column: columns.length + 1, header: null, message: `The ${needed} column is missing` });
  }
  if (problems.length > 0) return { users, problems };

  const seen = new Map<string, number>();
  for (const record of body) {
    const before = problems.length;
    if (record.cells.length !== columns.length) {
      problems.push({ line: record.line, column: Math.min(record.cells.length, columns.length) + 1, header: null, message: `has ${record.cells.length} cells where the header has ${columns.length}` });
    }
    const raw: Record<string, string> = {};
    columns.forEach((header, index) => {
      const cell = unneutralise(record.cells[index] ?? '').trim();
      if (cell !== '') raw[FIELDS[header]] = cell;
    });
    const parsed = LicensedUserInput.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? '');
        const header = (Object.keys(FIELDS) as Header[]).find((h) => FIELDS[h] === key) ?? null;
        const message = raw[key] === undefined ? `${header ?? key} is empty` : `${header ?? key} ${issue.message} (got "${raw[key]!.slice(0, 60)}")`;
        problems.push({ line: record.line, column: header ? columns.indexOf(header) + 1 : 1, header, message });
      }
    } else {
      const earlier = seen.get(parsed.data.email);
      if (earlier !== undefined) problems.push({ line: record.line, column: columns.indexOf('Email') + 1, header: 'Email', message: `${parsed.data.email} is also on line ${earlier}` });
      else seen.set(parsed.data.email, record.line);
    }
    if (problems.length === before && parsed.success) users.push(parsed.data);
  }
  return { users, problems };
}
