import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { createApp, type HubApp } from '../../server/app.js';
import type { Clock } from '../../shared/domain/clock.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CHROME_EXTENSION_DIR = join(ROOT, '.output/chrome-mv3');

export interface ExtensionBrowser {
  browser: Browser;
  extensionId: string;
  /** chrome-extension://<id>/<path> */
  url(path: string): string;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Debian's Chromium, headless, with the built extension loaded, in a fresh profile.
 * `timeoutMs` bounds the start and the extension's worker coming up (a loaded machine needs more).
 */
export async function launchWithExtension(extensionDir = CHROME_EXTENSION_DIR, options: { timeoutMs?: number } = {}): Promise<ExtensionBrowser> {
  const timeout = options.timeoutMs ?? 15_000;
  const userDataDir = await mkdtemp(join(tmpdir(), 'sphub-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    enableExtensions: [extensionDir],
    headless: true,
    pipe: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--window-size=1400,900'],
    defaultViewport: { width: 1400, height: 900 },
    userDataDir,
    ...(options.timeoutMs !== undefined && { timeout: options.timeoutMs }),
  });
  const worker = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().endsWith('/background.js'), { timeout });
  const extensionId = new URL(worker.url()).host;
  return {
    browser,
    extensionId,
    url: (path) => `chrome-extension://${extensionId}/${path.replace(/^\//, '')}`,
    newPage: () => browser.newPage(),
    async close() {
      await browser.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

export interface LoopbackHub {
  hub: HubApp;
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  adminKey: string;
  /** Every request the hub answered, as "METHOD /path?query" (to count the extension's calls). */
  requests: string[];
  /** Stops listening (the hub is then "down" for the extension). */
  stop(): Promise<void>;
  /** Listens again on the same port after stop(). */
  listen(): Promise<void>;
  /** Holds every request from now until the returned function is called (a hub slow to answer). */
  hold(): () => void;
  close(): Promise<void>;
}

export const E2E_ADMIN_KEY = 'sph_e2e_administrator_key_00000000000000';

/** A real hub (createApp, in memory, demo data and demo pages) listening on a loopback port. */
export async function startLoopbackHub(options: { clock?: Clock; seed?: boolean; port?: number } = {}): Promise<LoopbackHub> {
  const hub = await createApp({
    ...(options.clock && { clock: options.clock }),
    config: { dataDir: null, demo: true, adminKey: E2E_ADMIN_KEY, provisioningMs: 60_000, allowedHosts: ['hub.test'] },
  });
  if (options.seed !== false) await hub.seedDemo();
  let server: ServerType | null = null;
  const requests: string[] = [];
  let held: Promise<void> | null = null;
  const fetch = async (request: Request) => {
    const url = new URL(request.url);
    requests.push(`${request.method} ${url.pathname}${url.search}`);
    if (held) await held;
    return hub.app.fetch(request);
  };
  const listenOn = (port: number) =>
    new Promise<number>((resolvePort) => {
      server = serve({ fetch, hostname: '127.0.0.1', port }, (info: AddressInfo) => resolvePort(info.port));
    });
  const port = await listenOn(options.port ?? 0);
  const stop = () =>
    new Promise<void>((done) => {
      if (!server) return done();
      const s = server;
      server = null;
      (s as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      s.close(() => done());
    });
  return {
    hub,
    url: `http://127.0.0.1:${port}`,
    port,
    adminKey: E2E_ADMIN_KEY,
    requests,
    stop,
    async listen() {
      if (!server) await listenOn(port);
    },
    hold() {
      let release = () => {};
      held = new Promise<void>((resolve) => (release = resolve));
      const gate = held;
      return () => {
        if (held === gate) held = null;
        release();
      };
    },
    async close() {
      await stop();
      await hub.close();
    },
  };
}
