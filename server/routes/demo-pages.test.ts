import { afterEach, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../../test/helpers/hub.js';

describe('the demo pages', () => {
  let hub: TestHub;
  afterEach(() => hub.close());

  it('serve the portal and Pulse stand-ins under /demo when demo mode is on', async () => {
    hub = await createTestHub({ seed: true, config: { demo: true } });
    const index = await hub.hub.app.request('/demo/');
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('href="vdc/customers"');
    for (const path of ['/demo/vdc/customers', '/demo/vdc/policies', '/demo/vdc/']) {
      const page = await hub.hub.app.request(path);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(await page.text()).toContain('<script src="./app.js"></script>');
    }
    const app = await hub.hub.app.request('/demo/vdc/app.js');
    expect(app.headers.get('content-type')).toMatch(/javascript/);
    expect((await hub.hub.app.request('/demo/pulse/saas-usage')).status).toBe(200);
    expect(hub.hub.banner('http://127.0.0.1:3978').join('\n')).toContain('http://127.0.0.1:3978/demo/');
  });

  it('fill the Pulse pages from the hub\u2019s own report for the month due, with the customers it knows', async () => {
    hub = await createTestHub({ seed: true, config: { demo: true } });
    const script = await (await hub.hub.app.request('/demo/pulse/data.js')).text();
    const data = JSON.parse(
      script
        .slice(script.indexOf('=') + 1)
        .trim()
        .replace(/;$/, ''),
    ) as { report: { usageMonthText: string; lines: { customer: string; saas: boolean }[] } };
    const month = hub.hub.ctx.services.usage.reportingState().nextDue?.usageMonth;
    expect(month).toBeTruthy();
    const report = await hub.admin.usageReport(month!);
    expect(data.report.usageMonthText).toBe(report.usageMonthText);
    const saas = data.report.lines.filter((line) => line.saas).map((line) => line.customer);
    expect(saas.sort()).toEqual(
      report.lines
        .filter((line) => line.kind === 'saas')
        .map((line) => line.customer)
        .sort(),
    );
    // Markup in a name cannot end the script: "<" is escaped.
    expect(script.slice(script.indexOf('window.'))).not.toMatch(/</);
  });

  it('serve nothing else: unknown files and paths that try to leave the folder get no file', async () => {
    hub = await createTestHub({ config: { demo: true } });
    for (const path of ['/demo/vdc/secret.txt', '/demo/vdc/..%2f..%2fpackage.json', '/demo/vdc/../../package.json', '/demo/other/index.html', '/demo/pulse/%2e%2e%2fvdc%2fapp.js']) {
      const answer = await hub.hub.app.request(path);
      expect([301, 302, 404], path).toContain(answer.status);
      if (answer.status !== 404) expect(answer.headers.get('location'), path).toMatch(/^\/demo\/(vdc|pulse)\/$/);
      expect(await answer.text(), path).not.toContain('"name": "sp-hub"');
    }
  });

  it('are not there when demo mode is off', async () => {
    hub = await createTestHub({ config: { demo: false } });
    expect((await hub.hub.app.request('/demo/')).status).toBe(404);
    expect((await hub.hub.app.request('/demo/vdc/customers')).status).toBe(404);
    expect(hub.hub.banner('http://127.0.0.1:3978').join('\n')).not.toContain('/demo/');
  });
});
