import { describe, expect, test } from 'vitest';
import { checkAdminUpn, checkInviteEmails, normalizeEmail, splitEmailList } from './customer-emails.js';

describe('invite email lists', () => {
  test.each([
    ['a@x.com, b@x.com', ['a@x.com', 'b@x.com']],
    ['a@x.com b@x.com', ['a@x.com', 'b@x.com']],
    ['a@x.com,b@x.com', ['a@x.com', 'b@x.com']],
    ['  a@x.com ,,  b@x.com  ', ['a@x.com', 'b@x.com']],
    ['a@x.com;b@x.com\nc@x.com\td@x.com', ['a@x.com', 'b@x.com', 'c@x.com', 'd@x.com']],
    ['<a@x.com>, mailto:b@x.com', ['a@x.com', 'b@x.com']],
    [
      ['a@x.com', 'b@x.com c@x.com'],
      ['a@x.com', 'b@x.com', 'c@x.com'],
    ],
    ['', []],
    [' , ; ', []],
  ])('%j splits into %j', (input, expected) => {
    expect(splitEmailList(input)).toEqual(expected);
  });

  test('keeps addresses inside the domain, de-duplicated case-insensitively, in order', () => {
    const result = checkInviteEmails('Anna@Fabrikam.com, ben@fabrikam.com anna@fabrikam.com ANNA@FABRIKAM.COM it@eu.fabrikam.com', 'fabrikam.com');
    expect(result).toEqual({ emails: ['anna@fabrikam.com', 'ben@fabrikam.com', 'it@eu.fabrikam.com'], problems: [] });
  });

  test('names every bad address with the reason', () => {
    const result = checkInviteEmails('anna@fabrikam.com, bob@gmail.com not-an-email carl@fabrikam.com.evil.io @fabrikam.com', 'fabrikam.com');
    expect(result.emails).toEqual(['anna@fabrikam.com']);
    expect(result.problems.map((p) => [p.email, p.kind])).toEqual([
      ['bob@gmail.com', 'outside-domain'],
      ['not-an-email', 'malformed'],
      ['carl@fabrikam.com.evil.io', 'outside-domain'],
      ['@fabrikam.com', 'malformed'],
    ]);
    expect(result.problems[0]!.message).toBe("bob@gmail.com is outside the customer's domain fabrikam.com");
  });

  test.each([
    ['Anna.Smith@Contoso.com', 'anna.smith@contoso.com'],
    ["o'brien@contoso.com", "o'brien@contoso.com"],
    ['a+b@contoso.com', 'a+b@contoso.com'],
    ['a@b@contoso.com', null],
    ['a..b@contoso.com', null],
    ['.a@contoso.com', null],
    ['a@contoso', null],
    ['a b@contoso.com', null],
    [`${'a'.repeat(65)}@contoso.com`, null],
  ])('normalizeEmail(%j) = %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });
});

describe('admin user UPN rules', () => {
  const hubUsers = new Set(['admin@northwind-msp.com', 'jane.doe@northwind-msp.com']);
  const context = { domain: 'fabrikam.com', isHubUser: (e: string) => hubUsers.has(e) };

  test.each(['anna.smith@fabrikam.com', 'Anna.Smith@FABRIKAM.com', 'anna@emea.fabrikam.com', "sean.o'neil@fabrikam.com", 'jane.doe@northwind-msp.com', 'admin@northwind-msp.com'])(
    '%s is accepted',
    (email) => {
      expect(checkAdminUpn(email, context)).toBeNull();
    },
  );

  test.each([
    ['anna+backup@fabrikam.com', 'alias'],
    ['info@fabrikam.com', 'group or shared mailbox'],
    ['admin@fabrikam.com', 'group or shared mailbox'],
    ['Support@fabrikam.com', 'group or shared mailbox'],
    ['noreply@fabrikam.com', 'group or shared mailbox'],
    ['all-staff@fabrikam.com', 'group or shared mailbox'],
    ['anna@contoso.com', 'outside the customer'],
    ['bob@northwind-msp.com', 'outside the customer'],
    ['anna{x}@fabrikam.com', 'not a valid user principal name'],
    ['not an email', 'not a valid email'],
  ])('%s is refused (%s)', (email, reason) => {
    expect(checkAdminUpn(email, context)).toContain(reason);
  });
});
