// Bundles the hub's own code (server/, bot/, shared/) into dist/hub/ with esbuild, so a start
// loads a few files instead of transpiling some 300 TypeScript modules. Packages stay in
// node_modules; the bot's modules stay in their own chunks, loaded after the hub listens.
//
//   node server/build.mjs        (npm start runs it first; it takes well under a second)
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/hub`;

await rm(outdir, { recursive: true, force: true });
await build({
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
});
