import { describe, expect, it } from 'vitest';
import { baseUrlProblem, isLinkLocalOrMetadata, normalizeBaseUrl } from './base-url.js';

describe('connection base URLs', () => {
  it.each([
    ['https://vspc.example.com:1280/api/v3', false, null],
    ['http://127.0.0.1:4100/api/v3', false, null],
    ['http://localhost:4100/api/v3', false, null],
    ['http://127.0.0.1:4100/api/v3', true, 'must be an https URL in production'],
    ['http://vspc.example.com/api/v3', false, 'must be an https URL (http is accepted only for this machine, outside production)'],
    ['https://169.254.169.254/latest', false, 'must not point to a link-local or cloud metadata address (169.254.169.254)'],
    ['https://[fe80::1]/', false, 'must not point to a link-local or cloud metadata address ([fe80::1])'],
    ['https://metadata.google.internal/x', false, 'must not point to a link-local or cloud metadata address (metadata.google.internal)'],
    ['https://a:b@vspc.example.com/', false, 'must not contain a user name or password (give them in auth)'],
    ['https://vspc.example.com/api/v3?x=1', false, 'must not have a query or fragment'],
    ['ftp://vspc.example.com/', false, 'must be an https URL'],
    ['vspc.example.com', false, 'must be an absolute URL such as https://vspc.example.com:1280/api/v3'],
  ])('%s (production %s)', (url, production, problem) => {
    expect(baseUrlProblem(url, { production })).toBe(problem);
  });

  it('knows link-local and metadata addresses, including IPv4-mapped ones', () => {
    expect(isLinkLocalOrMetadata('::ffff:169.254.169.254')).toBe(true);
    expect(isLinkLocalOrMetadata('fd00:ec2::254')).toBe(true);
    expect(isLinkLocalOrMetadata('10.0.0.5')).toBe(false);
  });

  it('drops trailing slashes', () => {
    expect(normalizeBaseUrl('https://VSPC.example.com:1280/api/v3/')).toBe('https://vspc.example.com:1280/api/v3');
  });
});
