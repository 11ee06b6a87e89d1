// Bundles the hub's own code (server/, bot/, shared/) into dist/hub/ with esbuild, so a start
// loads a few files instead of transpiling some 300 TypeScript modules. Packages stay in
// node_modules; the bot's modules stay in their own chunks, loaded when the bot is first needed.
//
//   node server/build.mjs        (npm start runs it first; it takes well under a second)
import { build } from 'esbuild';
import { readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/hub`;

const result = await build({
  absWorkingDir: root,
  entryPoints: ['server/main.ts'],
  outdir,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
  // The compiler options that matter here, given directly: tsconfig.json extends WXT's generated
  // config, which a fresh checkout has only after `wxt prepare` (the typecheck runs it).
  tsconfigRaw: { compilerOptions: { target: 'ES2022', useDefineForClassFields: true, verbatimModuleSyntax: false } },
});

// Chunks are named by their content, and a hub already running from dist/hub loads the bot's
// chunks only when the bot is first needed: chunks of earlier builds stay a day, then go.
const current = new Set(Object.keys(result.metafile.outputs).map((file) => resolve(root, file)));
const chunks = join(outdir, 'chunks');
for (const name of await readdir(chunks).catch(() => [])) {
  const file = join(chunks, name);
  if (current.has(file)) continue;
  const info = await stat(file).catch(() => null);
  if (info && Date.now() - info.mtimeMs > 24 * 60 * 60 * 1000) await rm(file, { force: true });
}
