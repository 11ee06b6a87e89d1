import puppeteer from 'puppeteer';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const t0 = Date.now();
const log = (...a) => console.log(((Date.now() - t0) / 1000).toFixed(1), ...a);
const userDataDir = await mkdtemp(join(tmpdir(), 'sphub-ff-'));
const uuid = '6f1c6a0e-5d1e-4c61-9a59-3d3b8d0c1a11';
const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath: '/usr/bin/firefox-esr',
  headless: true,
  userDataDir,
  timeout: 60000,
  args: ['--remote-allow-system-access'],
  extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ 'sp-hub@sphub.extension': uuid }) },
});
log('launched', await browser.version());
try {
  const id = await browser.installExtension('/tmp/ffprobe/out/firefox-mv3');
  log('installed', id);
  const page = await browser.newPage();
  page.on('console', (m) => log('console', m.text()));
  await page.goto(`moz-extension://${uuid}/options.html`, { timeout: 8000 }).catch((e) => log('goto', e.message));
  log('url', page.url(), await page.evaluate(() => document.documentElement.outerHTML.slice(0, 400)).catch((e) => 'ev ' + e.message));
  await page.waitForSelector('[data-testid="connection"]', { timeout: 15000 });
  log(await page.evaluate(() => document.body.innerText.slice(0, 500)));
  log('perm', await page.evaluate(async () => [await browser.permissions.contains({ origins: ['http://127.0.0.1/*'] }), await browser.permissions.getAll()]).catch((e) => e.message));
  log(await page.evaluate(() => navigator.language));
  await page.screenshot({ path: '/tmp/ffprobe/options.png' });
} catch (e) {
  log('error', e);
}
await browser.close();
