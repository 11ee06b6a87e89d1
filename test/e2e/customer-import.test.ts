import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../shared/api/client.js';
import { launchWithExtension, ROOT, startLoopbackHub, type ExtensionBrowser, type LoopbackHub } from '../helpers/browser.js';
import { cachedExtensionBuild } from '../helpers/extension-build.js';

// A new provider's empty hub (no demo data; the demo pages are still served) and the built
// extension in Chromium: on the portal's Customers list, "Import these customers into SP Hub"
// shows the hub's dry run, then imports the accepted rows when the user confirms; the health
// chips of the imported rows follow without a reload. Once in English, once in German.

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

/** The table's rows as the user sees them: the name, the M365 account column, and what the row's health chip says. */
const rowsOf = (page: Page) =>
  page.$$eval('table.data tbody tr', (trs) =>
    trs.map((tr) => ({
      name: tr.querySelector('td.name')?.textContent?.trim() ?? '',
      m365: tr.children[1]?.textContent?.trim() ?? '',
      chip: tr.querySelector('sphub-chip')?.shadowRoot?.querySelector('button')?.getAttribute('aria-label') ?? null,
    })),
  );

/** Waits (bounded) until every row's chip says what `expected` wants for that row. */
async function waitForChips(page: Page, expected: (row: { name: string; m365: string }) => string) {
  try {
    await page.waitForFunction(
      (want: Record<string, string>) =>
        [...document.querySelectorAll('table.data tbody tr')].every((tr) => {
          const name = tr.querySelector('td.name')?.textContent?.trim() ?? '';
          return tr.querySelector('sphub-chip')?.shadowRoot?.querySelector('button')?.getAttribute('aria-label') === want[name];
        }),
      { timeout: WAIT_MS },
      Object.fromEntries((await rowsOf(page)).map((row) => [row.name, expected(row)])),
    );
  } catch (error) {
    throw new Error(`the chips did not turn as expected: ${JSON.stringify(await rowsOf(page))}`, { cause: error });
  }
}

/** The tooltip of a row's chip (written when the focus or the pointer comes; focus, as a menu may cover the row). */
const tooltipOf = (page: Page, name: string) =>
  page.evaluate((n) => {
    const button = [...document.querySelectorAll('table.data tbody tr')]
      .find((tr) => tr.querySelector('td.name')?.textContent?.trim() === n)
      ?.querySelector('sphub-chip')
      ?.shadowRoot?.querySelector('button');
    button?.focus();
    return button?.getAttribute('title') ?? null;
  }, name);

/** The options page: the hub's URL and key, then the demo site (its pages get the overlays). */
async function connect(browser: ExtensionBrowser, hub: LoopbackHub, connected: RegExp) {
  const page = await browser.newPage();
  page.setDefaultTimeout(WAIT_MS);
  await page.goto(browser.url('options.html'));
  await page.waitForSelector('#hub-url');
  await paste(page, '#hub-url', hub.url);
  await paste(page, '#api-key', hub.adminKey);
  await page.click('[data-action="save"]');
  await page.waitForFunction((source) => new RegExp(source).test(document.querySelector('[data-testid="message"]')?.textContent ?? ''), {}, connected.source);
  await page.type('input[data-field="site"]', hub.url);
  await page.click('[data-action="add-site"]');
  await page.waitForSelector('[data-testid="site-message"][data-state="granted"]');
  await page.close();
}

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
    await connect(ext, hub, /Connected to/);
    expect((await admin.customers()).total).toBe(0);
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
    const rows = await rowsOf(page);
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

    // The hub is empty: every row's health chip says so.
    await waitForChips(page, () => 'SP Hub: Not in hub');
    expect(await tooltipOf(page, creatable[0]!.name)).toBe('SP Hub\nSP Hub has no customer by this name.');
    // Marks this document: still there after the import means the page was not reloaded.
    await page.evaluate(() => document.documentElement.setAttribute('data-test-before-import', ''));

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
    // The imported rows' chips now show the customer (active, no policy yet), without a reload;
    // the rows the hub refused stay unknown.
    await waitForChips(page, (row) => (row.m365 ? 'SP Hub: No policy' : 'SP Hub: Not in hub'));
    expect(await page.$eval('html', (html) => html.hasAttribute('data-test-before-import'))).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'customer-import-done.png') });
    expect(await tooltipOf(page, creatable[0]!.name)).toMatch(/^SP Hub\nNo backup policy yet\.\n/);

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

describe.sequential('the same import in a German browser', { timeout: 180_000 }, () => {
  let germanHub: LoopbackHub;
  let german: ExtensionBrowser;

  beforeAll(async () => {
    extensionDir ||= (await cachedExtensionBuild()).dir;
    await mkdir(SHOTS, { recursive: true });
    germanHub = await startLoopbackHub({ seed: false });
    german = await launchWithExtension(extensionDir, { timeoutMs: 60_000, lang: 'de' });
  }, 300_000);

  afterAll(async () => {
    await german?.close();
    await germanHub?.close();
  });

  it('speaks German in the panel, and the chips follow the import', async () => {
    await connect(german, germanHub, /Verbunden mit/);
    const page = await german.newPage();
    page.setDefaultTimeout(WAIT_MS);
    await page.goto(`${germanHub.url}/demo/vdc/customers`);
    const rows = await rowsOf(page);
    const creatable = rows.filter((r) => r.m365 !== '');
    const withoutTenant = rows.filter((r) => r.m365 === '');
    await page.waitForFunction(() => !!document.querySelector('sphub-import')?.shadowRoot?.querySelector('button'));
    expect(await page.$eval('sphub-import', (host) => host.shadowRoot?.querySelector('button')?.textContent)).toBe('Diese Kunden in SP Hub importieren');
    await waitForChips(page, () => 'SP Hub: Nicht im Hub');

    await page.click('sphub-import >>> button');
    await waitForPanel(page, 'ready');
    const menu = () => page.$eval('sphub-menu', (host) => host.shadowRoot?.textContent ?? '');
    expect(await menu()).toContain('In SP Hub importieren');
    expect((await panel(page)).text).toContain(
      `${rows.length} Kunden auf dieser Seite: ${creatable.length} neu anzulegen, 0 zu aktualisieren, 0 bereits in SP Hub, ${withoutTenant.length} abgelehnt.`,
    );
    const headings = await page.$$eval('sphub-menu >>> .customer-import section strong', (strongs) => strongs.map((s) => s.textContent));
    expect(headings).toEqual(['Neu anzulegen', 'Nicht übernommen']);
    expect(await page.$eval('sphub-menu >>> [data-action="import"]', (b) => b.textContent)).toBe(`${creatable.length} Kunden importieren`);
    expect(await page.$eval('sphub-menu >>> [data-action="cancel"]', (b) => b.textContent)).toBe('Abbrechen');
    await page.screenshot({ path: join(SHOTS, 'customer-import-dry-run-de.png') });

    await page.click('sphub-menu >>> [data-action="import"]');
    await waitForPanel(page, 'done');
    expect((await panel(page)).text).toBe(`In SP Hub importiert: ${creatable.length} Kunden angelegt, 0 aktualisiert.Schließen`);
    await waitForChips(page, (row) => (row.m365 ? 'SP Hub: Keine Richtlinie' : 'SP Hub: Nicht im Hub'));
    await page.screenshot({ path: join(SHOTS, 'customer-import-done-de.png') });
    expect(await tooltipOf(page, creatable[0]!.name)).toMatch(/^SP Hub\nNoch keine Backup-Richtlinie\.\n/);
    // Closed: the bar above the table counts the imported customers too.
    await page.click('sphub-menu >>> .customer-import button');
    await page.waitForFunction(
      (text) => document.querySelector('sphub-bar')?.shadowRoot?.querySelector('.sphub-bar')?.textContent?.includes(text),
      { timeout: WAIT_MS },
      `${creatable.length} von ${rows.length} Kunden auf dieser Seite sind im Hub`,
    );
    await page.screenshot({ path: join(SHOTS, 'customer-import-closed-de.png') });

    await page.click('sphub-import >>> button');
    await waitForPanel(page, 'ready');
    expect((await panel(page)).text).toContain(`0 neu anzulegen, 0 zu aktualisieren, ${creatable.length} bereits in SP Hub`);
    expect(await page.$eval('sphub-menu >>> [data-action="import"]', (b) => b.textContent)).toBe('Nichts zu importieren');
    await page.screenshot({ path: join(SHOTS, 'customer-import-nothing-de.png') });
    await page.close();
  });
});
