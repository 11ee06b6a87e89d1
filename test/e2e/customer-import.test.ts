import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../shared/api/client.js';
import { launchWithExtension, ROOT, startLoopbackHub, type ExtensionBrowser, type LoopbackHub } from '../helpers/browser.js';
import { cachedExtensionBuild } from '../helpers/extension-build.js';

// A new provider's empty hub (no demo data; the demo pages are still served) and the built
// extension in Chromium: on the portal's Customers list, "Import these customers into SP Hub"
// shows the hub's dry run, then imports the accepted rows when the user confirms.

/** How long any one state may take to appear (a loaded 2-core machine is slow). */
const WAIT_MS = 30_000;
const SHOTS = join(ROOT, 'test/e2e/screenshots');

let hub: LoopbackHub;
let ext: ExtensionBrowser;
let admin: ApiClient;
let extensionDir = '';
const dialogs: string[] = [];

async function paste(page: Page, selector: string, text: string) {
  await page.$eval(selector, (input) => (input as HTMLInputElement).select());
  await page.focus(selector);
  await page.keyboard.sendCharacter(text);
}

const panel = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('sphub-menu')?.shadowRoot?.querySelector('.customer-import, [data-state]');
    return { state: root?.getAttribute('data-state') ?? null, text: root?.textContent ?? '' };
  });

async function waitForPanel(page: Page, state: string) {
  try {
    await page.waitForFunction((s) => document.querySelector('sphub-menu')?.shadowRoot?.querySelector(`[data-state="${s}"]`), { timeout: WAIT_MS }, state);
  } catch (error) {
    throw new Error(`the import panel did not reach "${state}": ${JSON.stringify(await panel(page))}`, { cause: error });
  }
}

describe.sequential('customer import from the portal list, in Chromium', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    extensionDir = (await cachedExtensionBuild()).dir;
  }, 300_000);

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    hub = await startLoopbackHub({ seed: false });
    admin = createApiClient({ baseUrl: 'http://hub.test', apiKey: hub.adminKey, fetch: ((input: string, init?: RequestInit) => hub.hub.app.request(input, init)) as typeof fetch });
    ext = await launchWithExtension(extensionDir, { timeoutMs: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await ext?.close();
    await hub?.close();
  });

  it('connects the extension to the empty hub and the demo site', async () => {
    const page = await ext.newPage();
    page.setDefaultTimeout(WAIT_MS);
    await page.goto(ext.url('options.html'));
    await page.waitForSelector('#hub-url');
    await paste(page, '#hub-url', hub.url);
    await paste(page, '#api-key', hub.adminKey);
    await page.click('[data-action="save"]');
    await page.waitForFunction(() => /Connected to/.test(document.querySelector('[data-testid="message"]')?.textContent ?? ''));
    await page.type('input[aria-label="Site to add"]', hub.url);
    await page.click('[data-action="add-site"]');
    await page.waitForFunction(() => /Added/.test(document.querySelector('[data-testid="site-message"]')?.textContent ?? ''));
    expect((await admin.customers()).total).toBe(0);
    await page.close();
  });

  it('shows the dry run, asks, then imports the rows the hub accepts; names are text, never HTML', async () => {
    const page = await ext.newPage();
    page.setDefaultTimeout(WAIT_MS);
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.accept();
    });
    await page.goto(`${hub.url}/demo/vdc/customers`);
    // A name that would run as HTML if the panel inserted it as markup.
    await page.evaluate(() => {
      const first = document.querySelector('table.data tbody tr td.name a') as HTMLElement;
      first.textContent = '<img src=x onerror=alert(1)>';
    });
    const rows = await page.$$eval('table.data tbody tr', (trs) =>
      trs.map((tr) => ({ name: tr.querySelector('td.name')?.textContent?.trim() ?? '', m365: tr.children[1]?.textContent?.trim() ?? '' })),
    );
    const creatable = rows.filter((r) => r.m365 !== '');
    const withoutTenant = rows.filter((r) => r.m365 === '');
    expect(creatable.length).toBeGreaterThan(5);
    expect(withoutTenant.length).toBeGreaterThan(0);

    await page.waitForFunction(() => !!document.querySelector('sphub-import')?.shadowRoot?.querySelector('button'));
    expect(await page.$eval('sphub-import', (host) => host.shadowRoot?.querySelector('button')?.textContent)).toBe('Import these customers into SP Hub');
    // A script on the page cannot start an import: its click is ignored.
    await page.evaluate(() => (document.querySelector('sphub-import')!.shadowRoot!.querySelector('button') as HTMLButtonElement).click());
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.$('sphub-menu')).toBeNull();

    await page.click('sphub-import >>> button');
    await waitForPanel(page, 'ready');
    const { text } = await panel(page);
    expect(text).toContain(`${rows.length} customers on this page: ${creatable.length} would be created, 0 updated, 0 already in SP Hub, ${withoutTenant.length} refused.`);
    const created = await page.$$eval('sphub-menu >>> [data-testid="import-create"] li', (items) => items.map((li) => li.textContent ?? ''));
    expect(created).toHaveLength(creatable.length);
    expect(created[0]).toContain('<img src=x onerror=alert(1)>');
    expect(await page.$$('sphub-menu >>> [data-testid="import-create"] img')).toHaveLength(0);
    const refused = await page.$$eval('sphub-menu >>> [data-testid="import-refused"] li', (items) => items.map((li) => li.textContent ?? ''));
    expect(refused).toHaveLength(withoutTenant.length);
    expect(refused[0]).toContain(`${withoutTenant[0]!.name}: Domain is empty`);
    // Nothing was written by the dry run.
    expect((await admin.customers()).total).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'customer-import-dry-run.png') });

    await page.click('sphub-menu >>> [data-action="import"]');
    await waitForPanel(page, 'done');
    expect((await panel(page)).text).toContain(`Imported into SP Hub: ${creatable.length} customers created, 0 updated.`);
    await page.screenshot({ path: join(SHOTS, 'customer-import-done.png') });

    const imported = (await admin.customers({ pageSize: 100 })).items;
    expect(imported.map((c) => c.displayName).sort()).toEqual(creatable.map((r) => r.name).sort());
    for (const row of creatable) expect(imported.find((c) => c.displayName === row.name)).toMatchObject({ tenantDomain: row.m365, domain: row.m365, status: 'active' });
    const audit = await admin.audit({ action: 'customers.imported', pageSize: 5 });
    expect(audit.items[0]?.actor.channel).toBe('extension');

    // Asking again: everything on the page is now in the hub, nothing to import.
    await page.keyboard.press('Escape');
    await page.click('sphub-import >>> button');
    await waitForPanel(page, 'ready');
    expect((await panel(page)).text).toContain(`0 would be created, 0 updated, ${creatable.length} already in SP Hub`);
    expect(await page.$eval('sphub-menu >>> [data-action="import"]', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
