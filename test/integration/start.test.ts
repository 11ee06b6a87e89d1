import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHub, startHub, type HubProcess } from '../bench/hub-process.js';

// `npm start` as a user runs it: the bundle server/build.mjs makes (dist/hub/), as its own
// process on loopback, with demo data in a fresh folder, then a graceful stop and a second start
// on the same folder. What the sources find beside themselves (package.json, the docs assets,
// the demo pages, the bot's modules loaded after the start) must be found from the bundle too.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sphub-start-'));
  await buildHub();
}, 120_000);
afterAll(async () => rm(dir, { recursive: true, force: true }));

const keyIn = (output: string) => /Administrator API key[^\n]*\n\s+(sph_\S+)/.exec(output)?.[1];

describe('npm start (the built hub)', () => {
  it('starts with demo data, serves every part, stops on SIGTERM and keeps its data for the next start', async () => {
    let hub: HubProcess | undefined = await startHub({ SPHUB_DATA_DIR: dir, SPHUB_DEMO: 'true' }, 90_000);
    try {
      // The banner is printed once listening; give it a moment to arrive.
      for (let i = 0; i < 50 && !keyIn(hub.output()); i++) await new Promise((r) => setTimeout(r, 100));
      const output = hub.output();
      expect(output).toContain('SP Hub is running');
      expect(output).toContain('/demo/');
      const key = keyIn(output)!;
      expect(key).toBeTruthy();
      expect((await readFile(join(dir, 'admin-api-key.txt'), 'utf8')).trim()).toBe(key);
      const auth = { authorization: `Bearer ${key}` };

      const health = (await (await fetch(`${hub.base}/api/v1/health`)).json()) as { version: string };
      const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
      expect(health.version).toBe(pkg.version);
      const spec = (await (await fetch(`${hub.base}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(spec.paths)).toContain('/customers');
      expect((await fetch(`${hub.base}/api/v1/docs/assets/swagger-ui.css`)).status).toBe(200);
      const demo = await fetch(`${hub.base}/demo/vdc/`);
      expect(demo.status).toBe(200);
      expect(await demo.text()).toContain('Demo page of SP Hub');
      const data = await fetch(`${hub.base}/demo/vdc/data.js`);
      expect(data.status).toBe(200);
      expect(await data.text()).toMatch(/[A-Z][a-z]+/);

      const customers = (await (await fetch(`${hub.base}/api/v1/customers?pageSize=1`, { headers: auth })).json()) as { total: number };
      expect(customers.total).toBeGreaterThanOrEqual(50);
      expect((await fetch(`${hub.base}/api/v1/customers`)).status).toBe(401);

      // The bot's modules come in their own chunks after the start: a loopback conversation update is answered.
      const activity = {
        type: 'conversationUpdate',
        id: 'start-test-1',
        channelId: 'msteams',
        serviceUrl: 'http://127.0.0.1:9/',
        from: { id: 'user-1' },
        recipient: { id: 'bot' },
        conversation: { id: 'conv-start-test' },
        membersAdded: [],
      };
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        const res = await fetch(`${hub.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
        status = res.status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(status).toBe(200);

      await hub.kill('SIGTERM');
      expect(hub.child.exitCode).toBe(0);
      expect(hub.output()).toContain('stopping SP Hub');

      hub = await startHub({ SPHUB_DATA_DIR: dir, SPHUB_DEMO: 'true' }, 90_000);
      const again = (await (await fetch(`${hub.base}/api/v1/customers?pageSize=1`, { headers: auth })).json()) as { total: number };
      expect(again.total).toBe(customers.total);
      expect(hub.output()).not.toContain('Administrator API key (shown once');
    } finally {
      await hub?.kill('SIGTERM');
    }
  }, 240_000);
});
