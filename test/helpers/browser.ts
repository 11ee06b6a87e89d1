import { randomUUID } from 'node:crypto';
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
  kind: 'chromium' | 'firefox';
  browser: Browser;
  /** Chromium: the extension id; Firefox: the add-on's internal UUID (moz-extension://<uuid>/). */
  extensionId: string;
  /** chrome-extension://<id>/<path> or moz-extension://<uuid>/<path> */
  url(path: string): string;
  newPage(): Promise<Page>;
  /** A new tab showing one of the extension's own pages (options.html, popup.html), loaded. */
  openExtensionPage(path: string, page?: Page): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Debian's Chromium, headless, with the built extension loaded, in a fresh profile.
 * `timeoutMs` bounds the start and the extension's worker coming up (a loaded machine needs more).
 */
export async function launchWithExtension(extensionDir = CHROME_EXTENSION_DIR, options: { timeoutMs?: number; lang?: string } = {}): Promise<ExtensionBrowser> {
  const timeout = options.timeoutMs ?? 15_000;
  const userDataDir = await mkdtemp(join(tmpdir(), 'sphub-chromium-'));
  const lang = options.lang ?? 'en-US';
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    enableExtensions: [extensionDir],
    headless: true,
    pipe: true,
    // The UI language (what the extension's texts follow): --lang, and LANGUAGE, which Chromium reads on Linux.
    env: { ...process.env, LANGUAGE: lang.replace('-', '_') },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--window-size=1400,900',
      `--lang=${lang}`,
    ],
    defaultViewport: { width: 1400, height: 900 },
    userDataDir,
    ...(options.timeoutMs !== undefined && { timeout: options.timeoutMs }),
  });
  const worker = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().endsWith('/background.js'), { timeout });
  const extensionId = new URL(worker.url()).host;
  const url = (path: string) => `chrome-extension://${extensionId}/${path.replace(/^\//, '')}`;
  return {
    kind: 'chromium',
    browser,
    extensionId,
    url,
    newPage: () => browser.newPage(),
    async openExtensionPage(path, page) {
      const tab = page ?? (await browser.newPage());
      await tab.goto(url(path));
      return tab;
    },
    async close() {
      await browser.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

/** The add-on id in the Firefox build's manifest (wxt.config.ts). */
const FIREFOX_ADDON_ID = 'sp-hub@sphub.extension';

/**
 * Debian's Firefox ESR, headless, driven over WebDriver BiDi, with the built add-on installed
 * (webExtension.install, a temporary add-on, so unsigned is fine) in a fresh profile.
 *
 * Two things Firefox needs that Chromium does not: the add-on's internal UUID is fixed through
 * the `extensions.webextensions.uuids` preference, so its pages have a known address; and
 * `--remote-allow-system-access`, without which BiDi refuses to navigate to moz-extension:
 * pages ("Navigation to ... is not allowed in this context"). Such a navigation loads, but BiDi
 * never reports it finished, so extension pages are opened without waiting for the load event
 * and then waited for by their content.
 */
export async function launchFirefoxWithExtension(extensionDir: string, options: { timeoutMs?: number } = {}): Promise<ExtensionBrowser> {
  const timeout = options.timeoutMs ?? 60_000;
  const userDataDir = await mkdtemp(join(tmpdir(), 'sphub-firefox-'));
  const uuid = randomUUID();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    headless: true,
    userDataDir,
    timeout,
    args: ['--remote-allow-system-access', '--width=1400', '--height=900'],
    defaultViewport: { width: 1400, height: 900 },
    extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ADDON_ID]: uuid }) },
  });
  try {
    const id = await browser.installExtension(extensionDir);
    if (id !== FIREFOX_ADDON_ID) throw new Error(`Firefox installed the add-on as ${id}, expected ${FIREFOX_ADDON_ID}`);
  } catch (error) {
    await browser.close().catch(() => undefined);
    throw error;
  }
  const url = (path: string) => `moz-extension://${uuid}/${path.replace(/^\//, '')}`;
  return {
    kind: 'firefox',
    browser,
    extensionId: uuid,
    url,
    newPage: () => browser.newPage(),
    async openExtensionPage(path, page) {
      const tab = page ?? (await browser.newPage());
      const target = url(path);
      void tab.goto(target, { timeout: 0, waitUntil: 'domcontentloaded' }).catch(() => undefined);
      await tab.waitForFunction((href) => location.href === href && document.readyState === 'complete', { timeout, polling: 100 }, target);
      return tab;
    },
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

/** Row heights and column widths of the page's data table or ARIA grid (rounded px), as laid out now. */
export interface TableLayout {
  rows: number[];
  columns: number[];
}

export function measureLayout(page: Page): Promise<TableLayout> {
  return page.evaluate(() => {
    const container = document.querySelector('table.data, [role="grid"]');
    if (!container) return { rows: [], columns: [] };
    const rows = [...container.querySelectorAll('tbody tr, [role="row"][data-body]')];
    const header = container.querySelector('thead tr, [role="row"]:not([data-body])');
    const px = (element: Element, side: 'height' | 'width') => Math.round(element.getBoundingClientRect()[side] * 10) / 10;
    return { rows: rows.map((row) => px(row, 'height')), columns: [...(header?.children ?? [])].map((cell) => px(cell, 'width')) };
  });
}

/** The fixture Customers page in each of its layouts: a table, a narrow wrapping name column, an ARIA grid of flex cells. */
export const CUSTOMER_LAYOUTS = ['table', 'narrow', 'grid'] as const;
