import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ApiError } from '../../shared/api/client.js';
import { csvTable } from '../../shared/domain/csv.js';
import type { Customer } from '../../shared/schemas/customers.js';
import { createTestHub, type TestHub } from '../../test/helpers/hub.js';

let t: TestHub;
let customer: Customer;

beforeEach(async () => {
  t = await createTestHub();
  customer = await t.admin.createCustomer({
    displayName: 'Fabrikam Legal',
    domain: 'fabrikam-legal.com',
    contact: { firstName: 'Anna', lastName: 'Smith', email: 'anna@fabrikam-legal.com' },
    licenseLimit: 50,
  });
});
afterEach(async () => {
  await t.close();
});

async function failure(call: Promise<unknown>): Promise<ApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const HEADER = ['Name', 'Email', 'Type', 'Protection Status', 'Last Backup'];
const daily = () => t.hub.ctx.services.usage.daily.records('2026-11');

describe('licensed users of a provider without API access', () => {
  test('PUT replaces the list, keeps the counts on the customer and records the day for usage', async () => {
    const result = await t.admin.setLicensedUsers(customer.id, [
      { name: 'Anna Smith', email: 'Anna@Fabrikam-Legal.com', lastBackupAt: '2026-11-24T02:00:00.000Z' },
      { name: 'Ben Ng', email: 'ben@fabrikam-legal.com', protectionStatus: 'Unprotected' },
      { name: 'Reception', email: 'reception@fabrikam-legal.com', type: 'Shared mailbox' },
    ]);
    expect(result).toEqual({ dryRun: false, applied: true, customerId: customer.id, accounts: 3, protected: 2, countedDay: '2026-11-24', problems: [] });
    const list = await t.admin.licensedUsers(customer.id);
    expect(list.items.map((u) => [u.email, u.type, u.protectionStatus])).toEqual([
      ['anna@fabrikam-legal.com', 'User', 'Protected'],
      ['ben@fabrikam-legal.com', 'User', 'Unprotected'],
      ['reception@fabrikam-legal.com', 'Shared mailbox', 'Protected'],
    ]);
    expect(await t.admin.customer(customer.id)).toMatchObject({ backedUpAccounts: 2, totalActiveAccounts: 3 });
    expect(await daily()).toEqual([expect.objectContaining({ customerId: customer.id, day: '2026-11-24', licensedUsers: 2, licenses: 50 })]);

    // Replacing again keeps each account's id by address.
    const before = new Map(list.items.map((u) => [u.email, u.id]));
    await t.admin.setLicensedUsers(customer.id, [{ name: 'Anna Smith', email: 'anna@fabrikam-legal.com' }]);
    const after = await t.admin.licensedUsers(customer.id);
    expect(after.items.map((u) => u.id)).toEqual([before.get('anna@fabrikam-legal.com')]);
  });

  test('PUT refuses bad input with 400 and changes nothing', async () => {
    const error = await failure(t.admin.setLicensedUsers(customer.id, [{ name: 'X', email: 'not-an-email' }]));
    expect(error.status).toBe(400);
    expect((await t.admin.licensedUsers(customer.id)).total).toBe(0);
    expect(await daily()).toEqual([]);
    expect((await failure(t.admin.setLicensedUsers('cus_nope', []))).status).toBe(404);
  });

  test('export -> import round-trips, formula cells included', async () => {
    await t.admin.setLicensedUsers(customer.id, [
      { name: '=cmd|" /C calc"!A0', email: 'evil@fabrikam-legal.com', lastBackupAt: '2026-11-23T22:15:00.000Z' },
      { name: 'Smith, Anna "The Boss"', email: 'anna@fabrikam-legal.com', protectionStatus: 'Excluded' },
      { name: '+49 30 1234', email: 'phone@fabrikam-legal.com', type: 'Shared mailbox' },
    ]);
    const exported = await t.admin.licensedUsersCsv(customer.id);
    const other = await t.admin.createCustomer({ displayName: 'Contoso', domain: 'contoso.com', contact: { firstName: 'B', lastName: 'C', email: 'b@contoso.com' } });
    const dry = await t.admin.importLicensedUsersCsv(other.id, exported, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, applied: false, accounts: 3, protected: 2, countedDay: null, problems: [] });
    expect((await t.admin.licensedUsers(other.id)).total).toBe(0);
    const real = await t.admin.importLicensedUsersCsv(other.id, exported);
    expect(real).toMatchObject({ applied: true, accounts: 3, protected: 2, countedDay: '2026-11-24' });
    expect(await t.admin.licensedUsersCsv(other.id)).toBe(exported);
  });

  test('every problem names line and column, and nothing is applied', async () => {
    await t.admin.setLicensedUsers(customer.id, [{ name: 'Kept', email: 'kept@fabrikam-legal.com' }]);
    const text = csvTable(HEADER, [
      ['Anna', 'anna@fabrikam-legal.com', 'User', 'Protected', ''],
      ['', 'nobody@fabrikam-legal.com', 'User', 'Protected', ''],
      ['Ben', 'ben@', 'Robot', 'Protected', 'yesterday'],
      ['Anna again', 'ANNA@fabrikam-legal.com', 'User', 'Protected', ''],
    ]);
    const dry = await t.admin.importLicensedUsersCsv(customer.id, text, { dryRun: true });
    expect(dry.problems.map((p) => [p.line, p.column, p.header])).toEqual([
      [3, 1, 'Name'],
      [4, 2, 'Email'],
      [4, 3, 'Type'],
      [4, 5, 'Last Backup'],
      [5, 2, 'Email'],
    ]);
    expect(dry.problems[4]?.message).toBe('anna@fabrikam-legal.com is also on line 2');
    const error = await failure(t.admin.importLicensedUsersCsv(customer.id, text));
    expect(error.status).toBe(422);
    expect(error.details.map((d) => d.field)).toEqual(['line 3, column 1 (Name)', 'line 4, column 2 (Email)', 'line 4, column 3 (Type)', 'line 4, column 5 (Last Backup)', 'line 5, column 2 (Email)']);
    expect((await t.admin.licensedUsers(customer.id)).items.map((u) => u.email)).toEqual(['kept@fabrikam-legal.com']);

    const header = await t.admin.importLicensedUsersCsv(customer.id, 'Name,Mail\r\nA,a@fabrikam-legal.com\r\n', { dryRun: true });
    expect(header.problems).toEqual([{ line: 1, column: 2, header: 'Mail', message: expect.stringMatching(/^Unknown column "Mail"/) }]);
    expect((await failure(t.admin.importLicensedUsersCsv(customer.id, 'Name,Email\r\n"A,a@x.com\r\n'))).status).toBe(400);
  });

  test('needs customerManagement', async () => {
    const reader = await t.userWith([]);
    expect((await failure(reader.client.setLicensedUsers(customer.id, []))).status).toBe(403);
    expect((await failure(reader.client.importLicensedUsersCsv(customer.id, 'Name,Email\r\n', { dryRun: true }))).status).toBe(403);
  });
});
