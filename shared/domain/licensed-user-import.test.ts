import { describe, expect, it } from 'vitest';
import type { LicensedUser } from '../schemas/customers.js';
import { readCsv, toCsv, type CsvRecord } from './csv.js';
import { LICENSED_USER_CSV_COLUMNS, readLicensedUsers } from './licensed-user-import.js';

const records = (text: string): CsvRecord[] => {
  const result = readCsv(text);
  if (!result.ok) throw new Error(result.problem.message);
  return result.records;
};

describe('readLicensedUsers', () => {
  it('reads back what the export writes, formula cells and all', () => {
    const users: LicensedUser[] = [
      { id: 'u1', name: '=SUM(A1)', email: 'a@x.com', type: 'User', protectionStatus: 'Protected', lastBackupAt: '2026-11-24T01:00:00.000Z' },
      { id: 'u2', name: 'Shared, "Front desk"', email: 'desk@x.com', type: 'Shared mailbox', protectionStatus: 'Excluded', lastBackupAt: null },
    ];
    const { users: read, problems } = readLicensedUsers(records(toCsv(LICENSED_USER_CSV_COLUMNS, users)));
    expect(problems).toEqual([]);
    expect(read).toEqual(users.map(({ id: _id, ...u }) => u));
  });

  it('only Name and Email are needed; the rest default as PUT does', () => {
    expect(readLicensedUsers(records('Email,Name\r\nA@X.com,Anna\r\n')).users).toEqual([{ name: 'Anna', email: 'a@x.com', type: 'User', protectionStatus: 'Protected', lastBackupAt: null }]);
    expect(readLicensedUsers(records('Name\r\nAnna\r\n')).problems).toEqual([{ line: 1, column: 2, header: null, message: 'The Email column is missing' }]);
  });

  it('names line and column of each problem, a repeated address included', () => {
    const { users, problems } = readLicensedUsers(records('Name,Email,Protection Status\r\nA,a@x.com,Protected\r\nB,a@x.com,Maybe\r\nC,c@x.com\r\n'));
    expect(users).toHaveLength(1);
    expect(problems.map((p) => [p.line, p.column, p.header])).toEqual([
      [3, 3, 'Protection Status'],
      [4, 3, null],
    ]);
  });
});
