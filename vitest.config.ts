import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

// Arrays merge when a project extends the root, so each project names its own files.
const exclude = ['**/node_modules/**', '.output/**', '.wxt/**', 'data/**'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'hub', include: ['{shared,server,bot,test}/**/*.test.{ts,tsx}'], exclude } },
      // Extension unit tests run with WXT's plugin (fake `browser`, auto-imports).
      { extends: true, plugins: [WxtVitest()], test: { name: 'extension', include: ['extension/**/*.test.{ts,tsx}'], exclude } },
    ],
  },
});
