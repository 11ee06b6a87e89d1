import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHub, startHub } from '../bench/hub-process.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let parent: string;
beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'sphub-start-checks-'));
  await buildHub();
}, 120_000);
afterAll(() => rm(parent, { recursive: true, force: true }));

/** Runs the built hub to its exit and returns the exit code and what it printed. */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['dist/hub/main.mjs'], { cwd: root, env: { ...process.env, SPHUB_DEMO: 'false', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

describe('starting the hub', () => {
  it('checks the port before creating anything: a start that cannot listen leaves no store and no key behind', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const dir = join(parent, 'never-created');
    try {
      const { code, output } = await runToExit({ SPHUB_PORT: String(port), SPHUB_DATA_DIR: dir });
      expect(code).toBe(1);
      expect(output).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(output).not.toContain('Administrator API key');
      expect(existsSync(dir)).toBe(false);
    } finally {
      blocker.close();
    }
  }, 60_000);

  it('says where the key file is on every start while it is still there', async () => {
    const dir = join(parent, 'data');
    const file = resolve(dir, 'admin-api-key.txt');
    let hub = await startHub({ SPHUB_DATA_DIR: dir });
    await hub.kill('SIGTERM');
    expect(hub.output()).toContain(`also saved to ${file}`);

    hub = await startHub({ SPHUB_DATA_DIR: dir });
    for (let i = 0; i < 50 && !hub.output().includes('SP Hub is running'); i++) await new Promise((r) => setTimeout(r, 100));
    await hub.kill('SIGTERM');
    expect(hub.output()).toContain(`The administrator API key is still saved in ${file}`);

    await rm(file);
    hub = await startHub({ SPHUB_DATA_DIR: dir });
    for (let i = 0; i < 50 && !hub.output().includes('SP Hub is running'); i++) await new Promise((r) => setTimeout(r, 100));
    await hub.kill('SIGTERM');
    expect(hub.output()).toContain('Use the administrator API key printed at first start.');
    expect(hub.output()).not.toContain('still saved');
  }, 120_000);
});
