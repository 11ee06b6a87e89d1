import { describe, expect, it } from 'vitest';
import { allowedHostNames, hostNameOf, isAllowedHost, parseAllowedHosts } from './host-check.js';

describe('host check', () => {
  const allowed = allowedHostNames({ bindHost: '127.0.0.1', publicUrl: 'https://Hub.Example.com/x', extra: ['ops.internal', 'proxy.lan:8443'] });

  it.each([
    ['127.0.0.1:3978', true],
    ['localhost:3978', true],
    ['LOCALHOST', true],
    ['hub.example.com', true],
    ['hub.example.com.', true],
    ['ops.internal:80', true],
    ['proxy.lan', true],
    ['rebind.evil.example', false],
    ['rebind.evil.example:3978', false],
    ['127.0.0.2:3978', false],
    ['[::1]:3978', false],
    ['localhost.evil.example', false],
    ['evil@localhost', false],
    ['localhost/x', false],
    ['', false],
  ])('%s -> %s', (host, expected) => {
    expect(isAllowedHost(host, allowed)).toBe(expected);
  });

  it('refuses a request with no host at all', () => {
    expect(isAllowedHost(undefined, allowed)).toBe(false);
  });

  it('writes an IPv6 bind address the way a Host header carries it', () => {
    expect(isAllowedHost('[::1]:3978', allowedHostNames({ bindHost: '::1' }))).toBe(true);
    expect(hostNameOf('[::1]:80')).toBe('[::1]');
  });

  it('reads SPHUB_ALLOWED_HOSTS as a comma or space separated list', () => {
    expect(parseAllowedHosts(' a.example, b.example c.example ')).toEqual(['a.example', 'b.example', 'c.example']);
    expect(parseAllowedHosts(undefined)).toEqual([]);
  });
});
