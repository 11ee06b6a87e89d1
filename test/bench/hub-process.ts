import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface HubProcess {
  child: ChildProcess;
  base: string;
  /** Milliseconds from spawn to the first healthy answer. */
  startMs: number;
  rssBytes(): Promise<number>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  output(): string;
}

let built: Promise<void> | undefined;

/** Builds the bundle `npm start` runs (dist/hub/main.mjs), once per process. */
export function buildHub(): Promise<void> {
  built ??= new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['server/build.mjs'], { cwd: root, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`server/build.mjs exited with ${code}`))));
  });
  return built;
}

/** Starts the real hub as `npm start` runs it (the built bundle), as its own process so SIGKILL hits it. */
export async function startHub(env: Record<string, string>, timeoutMs = 60_000): Promise<HubProcess> {
  await buildHub();
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['dist/hub/main.mjs'], {
    cwd: root,
    env: { ...process.env, SPHUB_PORT: String(port), SPHUB_DEMO: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (true) {
    if (exited) throw new Error(`the hub exited during start:\n${out}`);
    if (performance.now() - started > timeoutMs) throw new Error(`the hub did not start in ${timeoutMs} ms:\n${out}`);
    try {
      const res = await fetch(`${base}/api/v1/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const startMs = performance.now() - started;
  return {
    child,
    base,
    startMs,
    async rssBytes() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    async kill(signal = 'SIGKILL') {
      if (exited) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await done;
    },
    output: () => out,
  };
}
