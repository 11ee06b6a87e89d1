import { describe, expect, it, beforeEach } from 'vitest';
import { hubPermissionPattern, matchesPattern, normalizeHubUrl, permissionPattern, toOriginPattern } from './origins.js';
import { useLocale } from './i18n-testing.js';

// Texts in English unless a test says otherwise (the fake browser has no messages of its own).
beforeEach(() => useLocale('en'));

describe('sites the user adds', () => {
  it.each([
    ['127.0.0.1:3978', 'http://127.0.0.1:3978/*'],
    ['http://127.0.0.1:3978/demo/vdc/customers', 'http://127.0.0.1:3978/*'],
    ['portal.example.com', 'https://portal.example.com/*'],
    ['HTTPS://Portal.Example.com/app', 'https://portal.example.com/*'],
    ['*.example.com', 'https://*.example.com/*'],
    ['localhost:8080', 'http://localhost:8080/*'],
  ])('%s becomes %s', (input, pattern) => {
    expect(toOriginPattern(input)).toEqual({ ok: true, pattern });
  });

  it.each(['', 'javascript:alert(1)', 'ftp://example.com', 'https://*', 'https://exa mple.com', 'https://example.com:99999'])('refuses %j', (input) => {
    expect(toOriginPattern(input).ok).toBe(false);
  });
});

describe('refusals in the browser\u2019s language', () => {
  it('says in German what is wrong with a site or a hub URL', async () => {
    await useLocale('de');
    expect(toOriginPattern('ftp://example.com')).toEqual({ ok: false, message: '„ftp://example.com“ ist keine Webadresse (http oder https).' });
    expect(normalizeHubUrl('kein url')).toEqual({ ok: false, message: 'Die Hub-URL muss eine vollständige Adresse sein, etwa http://127.0.0.1:3978.' });
    expect(normalizeHubUrl('file:///x', 'portal')).toMatchObject({ message: 'Die Portal-URL muss mit http:// oder https:// beginnen.' });
  });
});

describe('the permission a site needs', () => {
  it('is its host on any port (Firefox does not see http://127.0.0.1/* as covering http://127.0.0.1:3978/*)', () => {
    expect(permissionPattern('http://127.0.0.1:3978/*')).toBe('http://127.0.0.1/*');
    expect(permissionPattern('https://*.example.com/*')).toBe('https://*.example.com/*');
    expect(permissionPattern('https://portal.example.com:8443/*')).toBe('https://portal.example.com/*');
  });
});

describe('whether a page is one of the sites', () => {
  it.each([
    ['http://127.0.0.1:3978/demo/vdc/customers', 'http://127.0.0.1:3978/*', true],
    ['http://127.0.0.1:4000/demo/vdc/customers', 'http://127.0.0.1:3978/*', false],
    ['http://127.0.0.1:4000/', 'http://127.0.0.1/*', true],
    ['https://portal.veeamdatacloud.com/customers', 'https://*.veeamdatacloud.com/*', true],
    ['https://veeamdatacloud.com/', 'https://*.veeamdatacloud.com/*', true],
    ['https://evilveeamdatacloud.com/', 'https://*.veeamdatacloud.com/*', false],
    ['http://portal.veeamdatacloud.com/', 'https://*.veeamdatacloud.com/*', false],
    ['https://portal.example.com/', 'https://portal.example.com:443/*', true],
    ['not a url', 'https://*.veeam.com/*', false],
  ])('%s under %s: %s', (url, pattern, expected) => {
    expect(matchesPattern(url, pattern)).toBe(expected);
  });
});

describe('the hub URL', () => {
  it('is kept without a trailing slash or the API prefix', () => {
    expect(normalizeHubUrl('http://127.0.0.1:3978/')).toEqual({ ok: true, url: 'http://127.0.0.1:3978' });
    expect(normalizeHubUrl('https://hub.example.com/sphub/api/v1')).toEqual({ ok: true, url: 'https://hub.example.com/sphub' });
  });
  it('must be http(s) without credentials', () => {
    expect(normalizeHubUrl('file:///etc/passwd').ok).toBe(false);
    expect(normalizeHubUrl('https://user:pw@hub.example.com').ok).toBe(false);
    expect(normalizeHubUrl('not a url').ok).toBe(false);
  });
  it('asks for a permission on its host (any port)', () => {
    expect(hubPermissionPattern('https://hub.example.com:8443/x')).toBe('https://hub.example.com/*');
  });
});
