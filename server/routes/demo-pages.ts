import { readdir, readFile } from 'node:fs/promises';
import type { Hono } from 'hono';
import { addMonths, monthOf } from '../../shared/domain/usage-calendar.js';
import { dataScript, pulseDataFromReport } from '../seed/fixture-data.js';
import type { Area } from '../area.js';
import type { HubContext } from '../context.js';
import { projectPath } from '../paths.js';

/**
 * Demo pages: stand-ins for the VDC portal's Customers and Flex Backup Policies lists and Pulse's
 * usage report pages (the fixture pages of test/fixtures), served under /demo/ when demo mode is on,
 * so a new user can see the extension's overlays on the hub's demo data.
 */
export const FIXTURES_DIR = `${projectPath('test', 'fixtures')}/`;

const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
/** The portal fixture is a single-page app: these paths all load its one page. */
const VDC_VIEWS = new Set(['', 'customers', 'policies', 'index.html']);
const PULSE_PAGES: Record<string, string> = { '': 'monthly-usage.html', 'monthly-usage': 'monthly-usage.html', 'saas-usage': 'saas-usage.html' };

/** The files a site folder may serve: listed once, so no request path ever reaches the file system. */
async function listFiles(site: 'vdc' | 'pulse'): Promise<Set<string>> {
  const names = await readdir(new URL(`${site}/`, `file://${FIXTURES_DIR}`));
  return new Set(names.filter((name) => /^[a-z0-9-]+\.(html|js|css)$/.test(name)));
}

/** The month whose report the Pulse pages show: the oldest still to submit, else last month. */
async function pulseData(ctx: HubContext): Promise<string | null> {
  const usage = ctx.services.usage;
  if (!usage) return null;
  const month = usage.reportingState().nextDue?.usageMonth ?? addMonths(monthOf(ctx.clock.now()), -1);
  try {
    const report = await usage.report(month);
    if (report.lines.length === 0) return null;
    return dataScript('PULSE_DATA', pulseDataFromReport(report, { differ: 0 }));
  } catch {
    return null;
  }
}

const INDEX = (base: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SP Hub demo pages</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:760px;margin:40px auto;padding:0 20px;color:#222}code{background:#f2f4f6;padding:1px 4px;border-radius:3px}li{margin:6px 0}</style></head>
<body>
<h1>SP Hub demo pages</h1>
<p>Stand-ins for the pages the SP Hub browser extension enhances, filled with this hub's demo customers.
To see the overlays, build and load the extension, connect it to this hub in its options, and add <code>${base}</code> under <em>Sites to enhance</em>.</p>
<ul>
<li><a href="vdc/customers">VDC portal: Customers</a> (health chip and quick actions per customer)</li>
<li><a href="vdc/policies">VDC portal: Flex Backup Policies</a> (last result, start, stop, enable, disable)</li>
<li><a href="pulse/monthly-usage">Pulse: Monthly Usage</a> (the hub's units and points beside each line)</li>
<li><a href="pulse/saas-usage">Pulse: SaaS Usage Details</a></li>
</ul>
<p>This page itself is not one the extension knows: it leaves it untouched.</p>
</body></html>`;

export const demoPagesArea: Area = {
  name: 'demo-pages',
  async setup(ctx) {
    if (!ctx.config.demo) return {};
    const files = { vdc: await listFiles('vdc'), pulse: await listFiles('pulse') };
    const send = async (site: 'vdc' | 'pulse', name: string) => {
      const type = TYPES[name.split('.').pop()!]!;
      if (site === 'pulse' && name === 'data.js') {
        const live = await pulseData(ctx);
        if (live) return new Response(live, { headers: { 'content-type': type, 'cache-control': 'no-store' } });
      }
      const body = await readFile(new URL(`${site}/${name}`, `file://${FIXTURES_DIR}`));
      return new Response(body, { headers: { 'content-type': type, 'cache-control': 'no-store' } });
    };
    return {
      mount(app: Hono) {
        app.get('/demo', (c) => c.redirect('/demo/'));
        app.get('/demo/', (c) => c.html(INDEX(new URL(c.req.url).origin)));
        app.get('/demo/:site{vdc|pulse}/:page{[a-z0-9.-]*}', async (c) => {
          const site = c.req.param('site') as 'vdc' | 'pulse';
          const page = c.req.param('page');
          if (site === 'vdc' && VDC_VIEWS.has(page)) return send('vdc', 'index.html');
          if (site === 'pulse' && PULSE_PAGES[page]) return send('pulse', PULSE_PAGES[page]);
          if (files[site].has(page)) return send(site, page);
          return c.text('No such demo page.', 404);
        });
        app.get('/demo/:site{vdc|pulse}', (c) => c.redirect(`/demo/${c.req.param('site')}/`));
      },
      banner: (base) => `  Demo pages ${base}/demo/   (VDC portal and Pulse stand-ins for the browser extension)`,
    };
  },
};
