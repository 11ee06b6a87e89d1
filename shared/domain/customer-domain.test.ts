import { describe, expect, test } from 'vitest';
import { checkCustomerDomain, checkTenantDomain, isInsideDomain, isPublicMailDomain, normalizeDomain } from './customer-domain.js';

describe('customer domain', () => {
  test.each([
    ['fabrikam-legal.com', 'fabrikam-legal.com'],
    ['  Contoso.COM  ', 'contoso.com'],
    ['contoso.com.', 'contoso.com'],
    ['woodgrove-dental.co.uk', 'woodgrove-dental.co.uk'],
    ['eu.northwind-traders.de', 'eu.northwind-traders.de'],
    ['a1.io', 'a1.io'],
    ['münchen-recht.de', 'xn--mnchen-recht-dlb.de'],
    ['example.xn--p1ai', 'example.xn--p1ai'],
    [`${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`],
  ])('%s is accepted as %s', (input, expected) => {
    expect(checkCustomerDomain(input)).toEqual({ ok: true, domain: expected });
  });

  test.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['localhost', 'two labels'],
    ['contoso', 'two labels'],
    ['contoso..com', 'empty label'],
    ['.contoso.com', 'empty label'],
    ['-contoso.com', 'invalid label'],
    ['contoso-.com', 'invalid label'],
    ['con_toso.com', 'invalid label'],
    ['contoso.c', 'top-level'],
    ['contoso.123', 'top-level'],
    ['192.168.1.10', 'top-level'],
    ['https://contoso.com', 'bare domain'],
    ['contoso.com/path', 'bare domain'],
    ['contoso.com:443', 'bare domain'],
    ['john@contoso.com', 'bare domain'],
    ['con toso.com', 'bare domain'],
    [`${'a'.repeat(64)}.com`, 'longer than 63'],
    [`${'abcdefghi.'.repeat(26)}com`, 'longer than 253'],
  ])('%j is refused (%s)', (input, reason) => {
    const result = normalizeDomain(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });

  test.each(['gmail.com', 'GMAIL.com', 'googlemail.com', 'outlook.com', 'hotmail.co.uk', 'live.de', 'yahoo.co.jp', 'icloud.com', 'proton.me', 'gmx.de', 'web.de', 'mail.ru', 'qq.com', 'mx.gmail.com'])(
    '%s is a public mail provider and never a customer domain',
    (domain) => {
      expect(isPublicMailDomain(domain)).toBe(true);
      const result = checkCustomerDomain(domain);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.reason).toContain('public mail provider');
    },
  );

  test.each(['gmail-consulting.com', 'outlook-partners.de', 'mygmail.com', 'contoso.com', 'contoso.onmicrosoft.com'])('%s is not a public provider', (domain) => {
    expect(isPublicMailDomain(domain)).toBe(false);
  });

  test.each([
    ['anna@fabrikam.com', 'fabrikam.com', true],
    ['anna@FABRIKAM.com', 'fabrikam.com', true],
    ['anna@eu.fabrikam.com', 'fabrikam.com', true],
    ['anna@fabrikam.com.evil.net', 'fabrikam.com', false],
    ['anna@notfabrikam.com', 'fabrikam.com', false],
    ['anna@fabrikam.co', 'fabrikam.com', false],
  ])('%s inside %s: %s', (email, domain, inside) => {
    expect(isInsideDomain(email, domain)).toBe(inside);
  });

  test.each([
    ['contoso.onmicrosoft.com', true],
    ['Contoso.OnMicrosoft.com', true],
    ['contoso.com', false],
    ['eu.contoso.onmicrosoft.com', false],
    ['onmicrosoft.com', false],
    ['contoso.onmicrosoft.de', false],
  ])('tenant domain %s valid: %s', (input, ok) => {
    expect(checkTenantDomain(input).ok).toBe(ok);
  });
});
