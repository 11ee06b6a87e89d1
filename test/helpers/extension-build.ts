import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './browser.js';

const run = promisify(execFile);

/** Everything the Chrome build is made from; a change to any of it means a new build. */
const INPUTS = ['extension', 'shared', 'wxt.config.ts', 'tsconfig.json', 'package-lock.json'];
const CACHE_DIR = join(ROOT, 'node_modules/.cache/sphub-extension');
/** Builds nobody has used for this long are removed (a run that started with one lasts minutes). */
const UNUSED_FOR_MS = 6 * 60 * 60 * 1000;

async function inputFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => null);
  if (!info) return [];
  if (info.isFile()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const nested = await Promise.all(entries.filter((entry) => !(entry.isFile() && /\.test\.tsx?$/.test(entry.name))).map((entry) => inputFiles(join(path, entry.name))));
  return nested.flat();
}

/** A hash of the sources the extension is built from (file names and contents). */
export async function extensionSourceHash(): Promise<string> {
  const files = (await Promise.all(INPUTS.map((input) => inputFiles(join(ROOT, input))))).flat().sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash
      .update(relative(ROOT, file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The production build of the extension (Chrome, or Firefox), in a directory of its own that nothing else
 * writes to, built once per version of the sources and reused after that.
 *
 * Why not `.output/chrome-mv3` (what buildExtension() makes): `wxt build` first deletes its output
 * directory, so a second test run or the benchmark building at the same time removed the files
 * under the feet of a browser that had loaded them. Here each build goes to a fresh temporary
 * directory that is renamed into place only when complete, so a directory once returned never
 * changes; when the sources are unchanged no build runs at all (it takes 10 s on a quiet machine
 * and a minute on a loaded one).
 */
export async function cachedExtensionBuild(browser: 'chrome' | 'firefox' = 'chrome'): Promise<{ dir: string; built: boolean; ms: number }> {
  const started = Date.now();
  const hash = await extensionSourceHash();
  const final = join(CACHE_DIR, browser === 'chrome' ? hash : `${hash}-${browser}`);
  const output = `${browser}-mv3`;
  const ready = () => existsSync(join(final, output, 'manifest.json'));
  let built = false;
  if (!ready()) {
    const temporary = join(CACHE_DIR, `.building-${process.pid}-${Date.now()}`);
    await mkdir(temporary, { recursive: true });
    try {
      // Vitest sets NODE_ENV=test, which would make Vite emit React's development JSX calls.
      const script = "const { build } = await import('wxt'); await build({ root: process.env.SPHUB_ROOT, outDir: process.env.SPHUB_OUT, browser: process.env.SPHUB_BROWSER });";
      await run(process.execPath, ['--input-type=module', '-e', script], {
        cwd: ROOT,
        env: { ...process.env, NODE_ENV: 'production', NO_COLOR: '1', SPHUB_ROOT: ROOT, SPHUB_OUT: temporary, SPHUB_BROWSER: browser },
        maxBuffer: 16 * 1024 * 1024,
      });
      await stat(join(temporary, output, 'content-scripts/overlay.js'));
      await rename(temporary, final).catch((error: NodeJS.ErrnoException) => {
        // Another run finished the same build first: use theirs.
        if (!ready()) throw error;
      });
      built = true;
    } finally {
      await rm(temporary, { recursive: true, force: true });
    }
  }
  const now = new Date();
  await utimes(final, now, now);
  await pruneUnused(final);
  return { dir: join(final, output), built, ms: Date.now() - started };
}

async function pruneUnused(keep: string) {
  const entries = await readdir(CACHE_DIR, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(CACHE_DIR, entry.name);
    if (!entry.isDirectory() || path === keep) continue;
    const info = await stat(path).catch(() => null);
    if (info && Date.now() - info.mtimeMs > UNUSED_FOR_MS) await rm(path, { recursive: true, force: true });
  }
}
