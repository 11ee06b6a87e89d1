import { describe, expect, test } from 'vitest';
import { checkIpRange, ipInRange, parseIp } from './customer-ip-ranges.js';

describe('IP addresses', () => {
  test.each([
    ['0.0.0.0', 4, 0n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['10.0.0.1', 4, 0x0a000001n],
    ['::', 6, 0n],
    ['::1', 6, 1n],
    ['2001:db8::', 6, 0x20010db8n << 96n],
    ['2001:DB8:0:0:0:0:0:1', 6, (0x20010db8n << 96n) | 1n],
    ['fe80::1:2', 6, (0xfe80n << 112n) | (1n << 16n) | 2n],
    ['::ffff:192.0.2.1', 6, (0xffffn << 32n) | 0xc0000201n],
    ['1:2:3:4:5:6:7:8', 6, 0x00010002000300040005000600070008n],
  ])('%s parses as IPv%d %s', (text, family, value) => {
    expect(parseIp(text)).toEqual({ family, value });
  });

  test.each([
    '',
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.-4',
    'a.b.c.d',
    ':::',
    '1::2::3',
    '12345::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    'g::1',
    '::ffff:300.1.1.1',
    '1.2.3.4::',
    'fe80::1%eth0',
    '2001:db8::/32',
  ])('%j is not an address', (text) => {
    expect(parseIp(text)).toBeNull();
  });
});

describe('IP ranges', () => {
  test.each([
    ['203.0.113.1', '203.0.113.254'],
    ['203.0.113.7', '203.0.113.7'],
    ['9.255.255.255', '10.0.0.0'],
    ['2001:db8::', '2001:db8::ffff'],
    ['::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ])('%s - %s is valid', (start, end) => {
    expect(checkIpRange(start, end)).toBeNull();
  });

  test.each([
    ['203.0.113.254', '203.0.113.1', 'end', 'before it starts'],
    ['10.0.0.10', '9.0.0.200', 'end', 'before it starts'],
    ['2001:db8::2', '2001:db8::1', 'end', 'before it starts'],
    ['203.0.113.1', '2001:db8::1', 'end', 'both be IPv4'],
    ['2001:db8::1', '203.0.113.1', 'end', 'both be IPv6'],
    ['203.0.113', '203.0.113.9', 'start', 'not an IPv4 or IPv6'],
    ['203.0.113.1', 'x', 'end', 'not an IPv4 or IPv6'],
  ])('%s - %s is refused on %s (%s)', (start, end, field, message) => {
    const problem = checkIpRange(start, end);
    expect(problem?.field).toBe(field);
    expect(problem?.message).toContain(message);
  });

  test('membership compares numerically, not as text', () => {
    const range = { start: '10.0.0.2', end: '10.0.0.10' };
    expect(ipInRange('10.0.0.9', range)).toBe(true);
    expect(ipInRange('10.0.0.10', range)).toBe(true);
    expect(ipInRange('10.0.0.100', range)).toBe(false);
    expect(ipInRange('::a00:9', range)).toBe(false);
  });
});
