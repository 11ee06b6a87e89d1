import { describe, expect, it } from 'vitest';
import { activityServiceUrl, isLoopbackHostName, refuseBrowserRequest, refuseNonJson, refuseServiceUrlMismatch } from './endpoint-rules.js';

describe('bot endpoint rules', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['LOCALHOST.', true],
    ['[::1]', true],
    ['[::ffff:7f00:1]', true],
    ['127.0.0.1.evil.example', false],
    ['localhost.evil.example', false],
    ['10.0.0.1', false],
    ['smba.trafficmanager.net', false],
  ])('%s is a loopback host name: %s', (host, loopback) => {
    expect(isLoopbackHostName(host)).toBe(loopback);
  });

  it('tells a browser from a server by Origin and Sec-Fetch-Site', () => {
    expect(refuseBrowserRequest(new Headers({ origin: 'https://evil.example' }))?.status).toBe(403);
    expect(refuseBrowserRequest(new Headers({ 'sec-fetch-site': 'cross-site' }))?.status).toBe(403);
    expect(refuseBrowserRequest(new Headers({ 'sec-fetch-site': 'none' }))).toBeNull();
    expect(refuseBrowserRequest(new Headers({ 'sec-fetch-mode': 'cors' }))).toBeNull(); // Node's fetch
  });

  it('takes application/json only', () => {
    expect(refuseNonJson(new Headers({ 'content-type': 'application/json; charset=utf-8' }))).toBeNull();
    expect(refuseNonJson(new Headers({ 'content-type': 'text/plain' }))?.status).toBe(415);
    expect(refuseNonJson(new Headers())?.status).toBe(415);
  });

  it('reads only http(s) service URLs without credentials in them', () => {
    expect(activityServiceUrl({ serviceUrl: 'https://smba.trafficmanager.net/emea/' })).toBeInstanceOf(URL);
    for (const serviceUrl of ['ftp://127.0.0.1/', 'http://u:p@127.0.0.1/', 'nope', 7, undefined]) expect(activityServiceUrl({ serviceUrl })).toMatchObject({ status: 400 });
  });

  it('matches the serviceUrl against the token claim exactly', () => {
    expect(refuseServiceUrlMismatch('https://smba.trafficmanager.net/emea/', 'https://smba.trafficmanager.net/emea/')).toBeNull();
    expect(refuseServiceUrlMismatch('https://smba.trafficmanager.net/emea/', 'https://attacker.example/')?.status).toBe(401);
    expect(refuseServiceUrlMismatch(null, 'https://smba.trafficmanager.net/emea/')?.status).toBe(401);
  });
});
