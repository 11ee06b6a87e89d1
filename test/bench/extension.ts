/**
 * The extension's share of `npm run bench`: the content script's size (gzip) and how long the
 * customers overlay takes to annotate a 1,000-row table in Chromium, measured inside the page
 * from the moment the batch health answer reaches the content script to the last chip painted
 * and laid out, with the number of hub requests that took.
 *   npx tsx test/bench/extension.ts
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { generateCustomers } from '../../server/seed/customers.js';
import { customers as customerCollection } from '../../server/services/customer-collection.js';
import { dataScript, vdcCustomerRows } from '../../server/seed/fixture-data.js';
import { launchWithExtension, startLoopbackHub } from '../helpers/browser.js';
import { cachedExtensionBuild } from '../helpers/extension-build.js';

export interface ExtensionBenchResult {
  contentScriptBytes: number;
  contentScriptGzipBytes: number;
  contentScriptCssGzipBytes: number;
  rows: number;
  runs: number;
  /** Health requests per page load (the target is one). */
  healthRequestsPerLoad: number;
  /** Data arrival to last chip painted (DOM work), median and worst of the runs, ms. */
  paintMsMedian: number;
  paintMsMax: number;
  /** Data arrival to last chip painted and laid out (a forced layout right after), median and worst, ms. */
  renderedMsMedian: number;
  renderedMsMax: number;
  /**
   * For scale, same machine, same moment, no extension: adding an empty element to every row and
   * laying the table out again. Any per-row annotation pays at least this; the rest is ours.
   */
  floorMsMedian: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const round = (n: number) => Math.round(n * 100) / 100;

export async function measureExtension(options: { rows?: number; runs?: number } = {}): Promise<ExtensionBenchResult> {
  const rowCount = options.rows ?? 1000;
  const runs = options.runs ?? 5;
  const { dir } = await cachedExtensionBuild();
  const script = await readFile(join(dir, 'content-scripts/overlay.js'));
  const css = await readFile(join(dir, 'content-scripts/overlay.css')).catch(() => Buffer.alloc(0));

  const hub = await startLoopbackHub();
  // As many real customers as rows, so every chip shows a hub answer.
  const extra = generateCustomers(rowCount, { seed: 4242, now: hub.hub.ctx.clock.now(), idPrefix: 'cus_bench' });
  await hub.hub.ctx.store.write((tx) => {
    for (const customer of extra) tx.put(customerCollection, customer);
  });
  const template = vdcCustomerRows()[0]!;
  const data = dataScript('VDC_DATA', {
    customers: extra.map((c) => ({
      ...template,
      displayName: c.displayName,
      m365Account: c.tenantDomain ?? '',
      externalId: c.externalId ?? '',
      contractType: c.contractType,
      licenses: c.licenses,
      sourceType: c.sourceType,
    })),
    policies: [],
  });

  const ext = await launchWithExtension(dir);
  try {
    const options_ = await ext.newPage();
    await options_.goto(ext.url('options.html'));
    const setup = await options_.evaluate(
      async (hubUrl, apiKey) => {
        const runtime = (globalThis as unknown as { chrome: { runtime: { sendMessage(m: object): Promise<{ ok: boolean }> } } }).chrome.runtime;
        const configured = await runtime.sendMessage({ type: 'configure', hubUrl, apiKey });
        const sites = await runtime.sendMessage({ type: 'sites.set', disabledDefaults: [], origins: [hubUrl] });
        return configured.ok && sites.ok;
      },
      hub.url,
      hub.adminKey,
    );
    if (!setup) throw new Error('the extension could not be configured for the benchmark');
    await options_.close();

    const page = await ext.newPage();
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (request.url().endsWith('/demo/vdc/data.js')) void request.respond({ status: 200, contentType: 'text/javascript', body: data });
      else void request.continue();
    });
    // In the page's own world: note each batch the overlay reports, and lay the page out at once.
    await page.evaluateOnNewDocument(() => {
      const w = window as unknown as { sphubBatches: { featureId: string; rows: number; paintMs: number; renderedMs: number }[] };
      w.sphubBatches = [];

      document.addEventListener('sphub:batch', (event) => {
        const info = JSON.parse(String((event as CustomEvent).detail)) as { featureId: string; rows: number; arrivedAt: number; paintMs: number };
        document.body.getBoundingClientRect();
        void document.body.offsetHeight;
        w.sphubBatches.push({ featureId: info.featureId, rows: info.rows, paintMs: info.paintMs, renderedMs: performance.now() - info.arrivedAt });
      });
    });

    const paint: number[] = [];
    const rendered: number[] = [];
    let requests = 0;
    for (let run = 0; run < runs; run++) {
      const before = hub.requests.filter((r) => r === 'POST /api/v1/customers/health').length;
      await page.goto(`${hub.url}/demo/vdc/customers?rows=${rowCount}`);
      await page.waitForFunction(
        (n) => (window as unknown as { sphubBatches: { featureId: string; rows: number }[] }).sphubBatches.some((b) => b.featureId === 'customer-health' && b.rows === n),
        { timeout: 30_000 },
        rowCount,
      );
      const batches = await page.evaluate(() => (window as unknown as { sphubBatches: { featureId: string; rows: number; paintMs: number; renderedMs: number }[] }).sphubBatches);
      const batch = batches.find((b) => b.featureId === 'customer-health' && b.rows === rowCount)!;
      paint.push(batch.paintMs);
      rendered.push(batch.renderedMs);
      requests += hub.requests.filter((r) => r === 'POST /api/v1/customers/health').length - before;
    }
    // The floor, for scale: in a tab without the extension, the least change to every row (an empty
    // inline element in each name cell) and the table's relayout it costs.
    const plain = await ext.browser.createBrowserContext();
    const floor: number[] = [];
    try {
      const bare = await plain.newPage();
      await bare.setRequestInterception(true);
      bare.on('request', (request) => {
        if (request.url().endsWith('/demo/vdc/data.js')) void request.respond({ status: 200, contentType: 'text/javascript', body: data });
        else void request.continue();
      });
      for (let run = 0; run < runs; run++) {
        await bare.goto(`${hub.url}/demo/vdc/customers?rows=${rowCount}`);
        floor.push(
          await bare.evaluate(() => {
            void document.body.offsetHeight;
            const start = performance.now();
            for (const cell of document.querySelectorAll('td.name')) cell.append(document.createElement('span'));
            void document.body.offsetHeight;
            return performance.now() - start;
          }),
        );
      }
    } finally {
      await plain.close();
    }
    return {
      contentScriptBytes: script.length,
      contentScriptGzipBytes: gzipSync(script).length,
      contentScriptCssGzipBytes: gzipSync(css).length,
      rows: rowCount,
      runs,
      healthRequestsPerLoad: requests / runs,
      paintMsMedian: round(median(paint)),
      paintMsMax: round(Math.max(...paint)),
      renderedMsMedian: round(median(rendered)),
      renderedMsMax: round(Math.max(...rendered)),
      floorMsMedian: round(median(floor)),
    };
  } finally {
    await ext.close();
    await hub.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await measureExtension();
  console.log(JSON.stringify(result, null, 2));
}
