import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestHub, type TestHub } from '../test/helpers/hub.js';
import { botCredentialsFromEnv, createBotHosting, isLoopbackAddress, isLoopbackCaller } from './hosting.js';

const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
/** Without credentials the bot only replies on this machine (the Agents Playground's connector). */
const LOCAL_SERVICE_URL = 'http://127.0.0.1:56150/';
const APP_ID = '5f6d2b3e-0a4c-4f7e-9d0b-6c1e2a3b4c5d';

const message = (text = 'help', serviceUrl = SERVICE_URL) => ({
  type: 'message',
  id: 'msg-1',
  channelId: 'msteams',
  serviceUrl,
  from: { id: '29:user', name: 'Alex', aadObjectId: 'aad-hosting-test' },
  recipient: { id: `28:${APP_ID}`, name: 'SP Hub' },
  conversation: { id: 'a:hosting-test', conversationType: 'personal' },
  locale: 'en-US',
  text,
  // The answer comes back in the HTTP response instead of being posted to the connector.
  deliveryMode: 'expectReplies',
});

/** Calls the hub's /api/messages in process, as a TCP peer at `remoteAddress`. */
function post(hub: TestHub, body: unknown, options: { remoteAddress?: string; headers?: Record<string, string>; method?: string } = {}) {
  return hub.hub.app.request(
    '/api/messages',
    {
      method: options.method ?? 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      ...(options.method !== 'GET' && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    },
    options.remoteAddress ? { incoming: { socket: { remoteAddress: options.remoteAddress } } } : undefined,
  );
}

describe('without Microsoft app credentials (local use)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub();
  });
  afterAll(() => hub.close());
  const local = () => message('help', LOCAL_SERVICE_URL);
  const conversations = async () => (await hub.admin.teamsConversations()).total;

  it('says so in the start banner', () => {
    expect(hub.hub.banner('http://127.0.0.1:3978').join('\n')).toMatch(/Teams bot http:\/\/127\.0\.0\.1:3978\/api\/messages .*only callers on this machine/);
  });

  it('answers a loopback caller', async () => {
    const res = await post(hub, local(), { remoteAddress: '127.0.0.1' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { activities: { attachments: { content: { body: unknown[] } }[] }[] };
    expect(JSON.stringify(body.activities[0]!.attachments[0]!.content)).toContain('SP Hub in Teams');
  });

  it('accepts IPv6 and IPv4-mapped loopback', async () => {
    expect((await post(hub, local(), { remoteAddress: '::1' })).status).toBe(200);
    expect((await post(hub, local(), { remoteAddress: '::ffff:127.0.0.1' })).status).toBe(200);
  });

  it('refuses any other caller with 403 and says why', async () => {
    for (const remoteAddress of ['10.0.0.7', '192.168.1.20', '2001:db8::1']) {
      const res = await post(hub, local(), { remoteAddress });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/MICROSOFT_APP_ID/);
    }
  });

  it('refuses a caller behind a local proxy that forwards for someone else', async () => {
    const res = await post(hub, local(), { remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(res.status).toBe(403);
  });

  it('refuses a request whose peer is unknown', async () => {
    expect((await post(hub, local())).status).toBe(403);
  });

  it('answers bad bodies with 400, other methods with 405, never a 500', async () => {
    expect((await post(hub, '{"type": ', { remoteAddress: '127.0.0.1' })).status).toBe(400);
    expect((await post(hub, '[1,2]', { remoteAddress: '127.0.0.1' })).status).toBe(400);
    const missingType = await post(hub, { text: 'help' }, { remoteAddress: '127.0.0.1' });
    expect(missingType.status).toBe(400);
    expect((await hub.hub.app.request('/api/messages', { method: 'GET' })).status).toBe(405);
  });

  it('refuses an oversized activity with 413', async () => {
    const res = await post(hub, { ...local(), text: 'x'.repeat(1024 * 1024 + 10) }, { remoteAddress: '127.0.0.1' });
    expect(res.status).toBe(413);
  });

  it('refuses what a web page can send: an Origin or a cross-site fetch (403), a body that is not JSON (415); nothing is stored', async () => {
    const before = await conversations();
    const update = { ...local(), conversation: { id: 'a:from-a-page', conversationType: 'personal' } };
    for (const headers of [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }] as Record<string, string>[]) {
      const res = await post(hub, update, { remoteAddress: '127.0.0.1', headers });
      expect(`${JSON.stringify(headers)} ${res.status}`).toBe(`${JSON.stringify(headers)} 403`);
    }
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await post(hub, update, { remoteAddress: '127.0.0.1', headers: { 'content-type': type } });
      expect(`${type} ${res.status}`).toBe(`${type} 415`);
    }
    expect(await conversations()).toBe(before);
    // The same activity as a local server sends it is taken.
    expect((await post(hub, update, { remoteAddress: '127.0.0.1', headers: { 'sec-fetch-site': 'none' } })).status).toBe(200);
    expect(await conversations()).toBe(before + 1);
  });

  it('replies only to a serviceUrl on this machine, and stores nothing for an activity naming another', async () => {
    const before = await conversations();
    for (const serviceUrl of [SERVICE_URL, 'http://10.0.0.5:8080/', 'http://127.0.0.1.evil.example/', 'http://user:pw@127.0.0.1/', 'file:///etc/passwd', 'not a url', 42]) {
      const update = { ...local(), serviceUrl, conversation: { id: `a:elsewhere-${String(serviceUrl).length}`, conversationType: 'personal' } };
      const res = await post(hub, update, { remoteAddress: '127.0.0.1' });
      expect(`${String(serviceUrl)} ${res.status}`).toMatch(new RegExp(`^${String(serviceUrl).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} (403|400)$`));
    }
    expect(await conversations()).toBe(before);
    for (const serviceUrl of ['http://localhost:3979/', 'http://[::1]:3979/', 'https://127.0.0.1/']) {
      expect((await post(hub, message('help', serviceUrl), { remoteAddress: '127.0.0.1' })).status).toBe(200);
    }
  });
});

describe('with Microsoft app credentials', () => {
  // A stand-in for Bot Framework's OpenID metadata and signing keys, on loopback.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let keyServer: Server;
  let metadataUrl = '';
  let hub: TestHub;
  const ISSUER = 'https://api.botframework.com';

  beforeAll(async () => {
    const jwk = publicKey.export({ format: 'jwk' });
    keyServer = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      const base = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}`;
      if (req.url === '/openid') res.end(JSON.stringify({ issuer: ISSUER, jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
      else res.end(JSON.stringify({ keys: [{ ...jwk, kid: 'test-key', use: 'sig', endorsements: ['msteams'] }] }));
    });
    await new Promise<void>((done) => keyServer.listen(0, '127.0.0.1', done));
    metadataUrl = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}/openid`;
    hub = await createTestHub({ config: { env: { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'not-used-in-these-tests', SPHUB_BOT_OPENID_METADATA_URL: metadataUrl } } });
  });
  afterAll(async () => {
    await hub.close();
    await new Promise<void>((done) => keyServer.close(() => done()));
  });

  const token = (claims: Record<string, unknown>, key: KeyObject = privateKey, kid = 'test-key') => {
    const now = Math.floor(Date.now() / 1000);
    const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const head = encode({ alg: 'RS256', typ: 'JWT', kid });
    const body = encode({ iss: ISSUER, aud: APP_ID, serviceurl: SERVICE_URL, nbf: now - 60, exp: now + 3600, ...claims });
    const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key).toString('base64url');
    return `${head}.${body}.${signature}`;
  };

  it('says authentication is on in the start banner', () => {
    expect(hub.hub.banner('http://127.0.0.1:3978').join('\n')).toMatch(/Bot Framework authentication on, app 5f6d2b3e/);
  });

  it('refuses a request without a token with 401, even from loopback', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const res = await post(hub, message(), { remoteAddress: '127.0.0.1' });
    quiet.mockRestore();
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: 'The request does not carry a valid Bot Framework token.' } });
  });

  it.each([
    ['not a JWT', 'Bearer not-a-token'],
    ['a token from another issuer', () => `Bearer ${token({ iss: 'https://evil.example' })}`],
    ['a token signed with another key', () => `Bearer ${token({}, other.privateKey)}`],
    ['a token for another bot', () => `Bearer ${token({ aud: 'another-app-id' })}`],
    ['an expired token', () => `Bearer ${token({ nbf: 1_600_000_000, exp: 1_600_003_600 })}`],
    ['a token for another service URL', () => `Bearer ${token({ serviceurl: 'https://attacker.example/' })}`],
    ['a token without a service URL', () => `Bearer ${token({ serviceurl: undefined })}`],
  ])('refuses %s with 401', async (_what, header) => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const res = await post(hub, message(), { remoteAddress: '203.0.113.5', headers: { authorization: typeof header === 'function' ? header() : header } });
    quiet.mockRestore();
    expect(res.status).toBe(401);
  });

  it('accepts a valid Bot Framework token from any address', async () => {
    const res = await post(hub, message(), { remoteAddress: '203.0.113.5', headers: { authorization: `Bearer ${token({})}` } });
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toContain('SP Hub in Teams');
  });
});

describe('settings and addresses', () => {
  it('reads the credentials from the environment', () => {
    expect(botCredentialsFromEnv({})).toBeNull();
    expect(botCredentialsFromEnv({ MICROSOFT_APP_ID: ' ' })).toBeNull();
    expect(botCredentialsFromEnv({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'secret' })).toEqual({ appId: 'app', password: 'secret', tenantId: undefined, appType: 'MultiTenant' });
    expect(botCredentialsFromEnv({ MicrosoftAppId: 'app', MicrosoftAppPassword: 'secret', MicrosoftAppTenantId: 'tenant' })).toEqual({
      appId: 'app',
      password: 'secret',
      tenantId: 'tenant',
      appType: 'SingleTenant',
    });
  });

  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['fe80::1', false],
  ])('%s is loopback: %s', (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });

  it('looks past a proxy on loopback', () => {
    const request = (headers: Record<string, string>) => new Request('http://hub/api/messages', { method: 'POST', headers });
    expect(isLoopbackCaller(request({}), '127.0.0.1')).toBe(true);
    expect(isLoopbackCaller(request({ 'x-forwarded-for': '127.0.0.1' }), '127.0.0.1')).toBe(true);
    expect(isLoopbackCaller(request({ 'x-forwarded-for': '198.51.100.4, 127.0.0.1' }), '127.0.0.1')).toBe(false);
    expect(isLoopbackCaller(request({ forwarded: 'for="[2001:db8::1]";proto=https' }), '::1')).toBe(false);
    expect(isLoopbackCaller(request({}), '198.51.100.4')).toBe(false);
  });

  it('keeps a failing turn from leaking its error and lets the bot apologize', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const hosting = createBotHosting({ credentials: null, onTurnError: (turn) => turn.sendActivity('Sorry, that failed.').then(() => undefined) });
    const res = await hosting.handle(
      new Request('http://hub/api/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message('help', LOCAL_SERVICE_URL)) }),
      '127.0.0.1',
      async () => {
        throw new Error('secret internals');
      },
    );
    quiet.mockRestore();
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('Sorry, that failed.');
    expect(text).not.toContain('secret internals');
  });
});
