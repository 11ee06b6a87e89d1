import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../shared/api/client.js';
import { CUSTOMER_LAYOUTS, launchFirefoxWithExtension, measureLayout, ROOT, startLoopbackHub, type ExtensionBrowser, type LoopbackHub } from '../helpers/browser.js';
import { cachedExtensionBuild } from '../helpers/extension-build.js';
import { createStepTrace } from '../helpers/page-trace.js';

// The Firefox build of the extension, installed as a temporary add-on in Debian's Firefox ESR,
// driven through puppeteer over WebDriver BiDi, against a real hub on a loopback port: the options
// page, the overlay on the fixture Customers page (in its three layouts), and the popup. The
// Chromium file (extension.test.ts) covers the rest in depth; this one proves the same build
// works in Firefox. Timing as there: every wait is for a state, bounded by WAIT_MS.

const WAIT_MS = 30_000;
const TEST_MS = 180_000;
const SHOTS = join(ROOT, 'test/e2e/screenshots');
const OPTIONS_TEST = 'options: connects to the hub and adds the fixture site';

let hub: LoopbackHub;
let ext: ExtensionBrowser;
let admin: ApiClient;
let configured = false;
const trace = createStepTrace('firefox e2e');

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `firefox-${name}.png`) });
const healthCalls = () => hub.requests.filter((r) => r === 'POST /api/v1/customers/health').length;
const barText = (page: Page) => page.$eval('sphub-bar', (host) => host.shadowRoot?.querySelector('.sphub-bar')?.textContent ?? '').catch(() => '');

async function tab(): Promise<Page> {
  const page = trace.traced(await ext.newPage());
  page.setDefaultTimeout(WAIT_MS);
  return page;
}

/** The chip's tone for a customer's health, as the extension's rules give it (last result first, licences apart). */
function expectedTone(health: { policies: number; lastResult: string; running: number; stale: boolean }): string {
  const order = ['muted', 'ok', 'busy', 'warn', 'bad'];
  const worse = (a: string, b: string) => (order.indexOf(b) > order.indexOf(a) ? b : a);
  const byResult: Record<string, string> = { Failed: 'bad', Disconnected: 'bad', Warning: 'warn', Stopped: 'warn', Never: 'muted' };
  let tone = health.policies === 0 ? 'muted' : (byResult[health.lastResult] ?? 'ok');
  if (health.policies > 0 && health.running > 0) tone = worse(tone, 'busy');
  if (health.stale) tone = worse(tone, 'warn');
  return tone;
}

async function waitForChips(page: Page, count: number) {
  await page.waitForFunction(
    (n) => {
      const hosts = [...document.querySelectorAll('sphub-chip')];
      return hosts.length === n && hosts.every((h) => (h.shadowRoot?.querySelector('.label')?.textContent ?? '\u2026') !== '\u2026');
    },
    { timeout: WAIT_MS, polling: 100 },
    count,
  );
}

describe.sequential('the SP Hub extension in Firefox ESR', { timeout: TEST_MS }, () => {
  let extensionDir = '';
  beforeAll(async () => {
    const build = await cachedExtensionBuild('firefox');
    extensionDir = build.dir;
    console.log(`[firefox e2e] add-on ${build.built ? 'built' : 'unchanged, build reused'} in ${build.ms} ms: ${build.dir}`);
  }, 300_000);

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    const started = Date.now();
    hub = await startLoopbackHub();
    admin = createApiClient({ baseUrl: 'http://hub.test', apiKey: hub.adminKey, fetch: ((input: string, init?: RequestInit) => hub.hub.app.request(input, init)) as typeof fetch });
    ext = await launchFirefoxWithExtension(extensionDir, { timeoutMs: 90_000 });
    console.log(`[firefox e2e] hub and Firefox ${await ext.browser.version()} up in ${Date.now() - started} ms`);
  }, 180_000);

  beforeEach(({ task, onTestFailed, onTestFinished }) => {
    trace.reset();
    onTestFailed(() => trace.print(`FAILED ${task.name}`));
    onTestFinished(() => {
      if (task.result?.state === 'pass') trace.print(task.name, false);
    });
    if (task.name !== OPTIONS_TEST && !configured) throw new Error('The options test did not connect the add-on to the hub (see its failure); this test needs that.');
  });

  afterAll(async () => {
    await ext?.close();
    await hub?.close();
  });

  it(OPTIONS_TEST, async () => {
    const page = await ext.openExtensionPage('options.html', await tab());
    await page.waitForSelector('[data-testid="connection"]');
    expect(await page.$eval('[data-testid="connection"]', (e) => e.textContent)).toMatch(/Not connected yet/);
    await page.$eval('#hub-url', (input) => ((input as HTMLInputElement).value = ''));
    await page.type('#hub-url', hub.url);
    await page.type('#api-key', hub.adminKey);
    await page.click('[data-action="save"]');
    await page.waitForFunction(() => /as Hub Administrator/.test(document.querySelector('[data-testid="connection"]')?.textContent ?? ''));
    expect(await page.$eval('[data-testid="permissions"]', (e) => e.textContent)).toMatch(/monitoring.*backupManagement/);
    expect(await page.content()).not.toContain(hub.adminKey);

    // The hub's origin (any port of 127.0.0.1 is granted by the manifest): added at once.
    await page.type('input[data-field="site"]', hub.url);
    await page.click('[data-action="add-site"]');
    await page.waitForSelector('[data-testid="site-message"][data-state="granted"]');
    await page.waitForFunction((pattern) => (document.body.textContent ?? '').includes(`Active on: https://*.veeamdatacloud.com/*, https://*.veeam.com/*, ${pattern}`), {}, `${hub.url}/*`);
    await shot(page, 'options');
    configured = true;
    await page.close();
  });

  it('customers overlay: a chip per row from one batch request, and the page keeps its layout (table, narrow names, ARIA grid)', async () => {
    const plainUrl = hub.url.replace('127.0.0.1', 'localhost');
    for (const layout of CUSTOMER_LAYOUTS) {
      const before = healthCalls();
      const page = await tab();
      await page.goto(`${hub.url}/demo/vdc/customers?layout=${layout}`);
      await waitForChips(page, 20);
      expect(healthCalls() - before).toBe(1);
      expect(await barText(page)).toMatch(/20 of 20 customers on this page are in the hub/);
      const names = await page.$$eval('.name a', (links) => links.map((a) => a.textContent ?? ''));
      const truth = await admin.customersHealth({ names });
      const tones = await page.$$eval('sphub-chip', (hosts) => hosts.map((h) => h.shadowRoot?.querySelector('button')?.getAttribute('data-tone')));
      for (const [i, name] of names.entries()) {
        const health = truth.items.find((h) => h.displayName === name)!;
        expect(tones[i], name).toBe(expectedTone(health));
      }
      const withExtension = await measureLayout(page);
      await shot(page, `customers-${layout}`);

      const bare = trace.traced(await ext.newPage());
      await bare.goto(`${plainUrl}/demo/vdc/customers?layout=${layout}`);
      await bare.waitForSelector('tbody tr, [role="row"][data-body]');
      expect(await bare.$$('sphub-chip, sphub-bar')).toHaveLength(0);
      const without = await measureLayout(bare);
      expect(withExtension.rows, `${layout}: row heights`).toEqual(without.rows);
      expect(withExtension.columns, `${layout}: column widths`).toEqual(without.columns);
      await bare.close();
      await page.close();
    }
  });

  it('popup: alerts at a glance and a customer search with health', async () => {
    const popup = await ext.openExtensionPage('popup.html', await tab());
    await popup.waitForSelector('.popup[data-state="ready"]');
    const failed = (await admin.alerts({ acknowledged: false, pageSize: 500 })).items.filter((a) => a.kind === 'backupFailed' || a.kind === 'tenantDisconnected').length;
    expect(await popup.$eval('[data-tile="failed"] .count', (e) => e.textContent)).toBe(String(failed));
    const customer = (await admin.customers({ q: 'Contoso Pharmaceuticals' })).items[0]!;
    await popup.type('input[type="search"]', 'Contoso Pharma');
    const result = `.results[data-results-for="Contoso Pharma"] [data-customer="${customer.id}"] button.result`;
    await popup.waitForSelector(result);
    expect(await popup.$eval(result, (b) => b.textContent)).toContain('Contoso Pharmaceuticals AG');
    await popup.click(result);
    await popup.waitForFunction(() => /Policies/.test(document.querySelector('.expanded')?.textContent ?? ''));
    await shot(popup, 'popup');
    await popup.close();
  });
});
