import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import puppeteer, { type Browser } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../helpers/hub.js';

/**
 * The bot endpoint seen from the operator's browser: a page on another origin tries to drive the
 * hub's /api/messages (without Microsoft credentials, so loopback-only) with what a page can send
 * without asking: a no-cors fetch and a form post. Neither may reach the bot, make it send a reply
 * to the serviceUrl the page chose, or store a conversation.
 */

let t: TestHub;
let hubServer: ServerType;
let hubUrl: string;
const answered: { method: string; path: string; status: number }[] = [];
/** Stands in for a Bot Framework connector on loopback: records whatever the bot sends it. */
let connector: Server;
let connectorUrl: string;
const connectorCalls: string[] = [];
let pageServer: Server;
let pageUrl: string;
let browser: Browser;
let profile: string;

const listen = (server: Server) => new Promise<number>((done) => server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port)));

function activity(conversationId: string) {
  return {
    type: 'message',
    id: `msg-${conversationId}`,
    channelId: 'msteams',
    serviceUrl: connectorUrl,
    from: { id: '29:page-user', name: 'Page', aadObjectId: 'aad-page' },
    recipient: { id: '28:bot', name: 'SP Hub' },
    conversation: { id: conversationId, conversationType: 'personal' },
    text: 'help',
  };
}

function attackerPage(): string {
  const body = JSON.stringify(activity('a:from-fetch'));
  // A text/plain form sends "name=value": with the name holding the JSON up to a string's start
  // and the value closing it, the body is one JSON activity.
  const form = JSON.stringify(activity('a:from-form'));
  const cut = form.lastIndexOf('"text":"') + '"text":"'.length;
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/</g, '&lt;');
  return `<!doctype html><title>loading</title>
<iframe name="sink"></iframe>
<form id="f" method="POST" action="${hubUrl}/api/messages" enctype="text/plain" target="sink">
  <input type="hidden" name='${attr(form.slice(0, cut))}' value='${attr('=' + form.slice(cut))}'>
</form>
<script>
  (async () => {
    try { await fetch(${JSON.stringify(`${hubUrl}/api/messages`)}, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(body)} }); } catch (e) {}
    try { await fetch(${JSON.stringify(`${hubUrl}/api/messages`)}, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(body)} }); } catch (e) {}
    document.querySelector('iframe').addEventListener('load', () => { document.title = 'done'; });
    document.getElementById('f').submit();
  })();
</script>`;
}

beforeAll(async () => {
  t = await createTestHub();
  hubServer = serve({
    fetch: async (request: Request, env: unknown) => {
      const response = await t.hub.app.fetch(request, env);
      answered.push({ method: request.method, path: new URL(request.url).pathname, status: response.status });
      return response;
    },
    hostname: '127.0.0.1',
    port: 0,
  });
  await new Promise((resolve) => hubServer.once('listening', resolve));
  hubUrl = `http://127.0.0.1:${(hubServer.address() as AddressInfo).port}`;

  connector = createServer((req: IncomingMessage, res) => {
    connectorCalls.push(`${req.method} ${req.url}`);
    req.resume();
    res.setHeader('content-type', 'application/json');
    res.end('{"id":"1"}');
  });
  connectorUrl = `http://127.0.0.1:${await listen(connector)}/`;

  // Another origin: another port, and the name "localhost" rather than the hub's 127.0.0.1.
  pageServer = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(attackerPage());
  });
  pageUrl = `http://localhost:${await listen(pageServer)}/`;

  profile = await mkdtemp(join(tmpdir(), 'sphub-chromium-'));
  browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    userDataDir: profile,
  });
}, 60_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  if (profile) await rm(profile, { recursive: true, force: true });
  pageServer?.close();
  connector?.close();
  hubServer?.close();
  await t?.close();
});

describe('the bot endpoint and a web page on another origin', () => {
  it('refuses a no-cors fetch and a form post from the page: no reply is sent anywhere, no conversation is stored', async () => {
    const page = await browser.newPage();
    await page.goto(pageUrl);
    await page.waitForFunction(() => document.title === 'done', { timeout: 15_000 });
    // Give a turn that got through the time to post its reply.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await page.close();

    const posts = answered.filter((a) => a.path === '/api/messages');
    expect(posts.map((a) => a.status)).toEqual([403, 403, 403]);
    expect(connectorCalls).toEqual([]);
    expect((await t.admin.teamsConversations()).items).toEqual([]);
  });

  it('still serves a local caller that is not a browser, which shows the page would have been seen', async () => {
    const res = await fetch(`${hubUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity('a:local-server')) });
    expect(res.status).toBe(200);
    for (let i = 0; i < 50 && connectorCalls.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(connectorCalls.length).toBeGreaterThan(0);
    expect((await t.admin.teamsConversations()).items.map((c) => c.id)).toHaveLength(1);
  });
});
