import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

export default defineConfig({
  test: {
    include: ['{shared,server,bot,extension,test}/**/*.test.{ts,tsx}'],
    exclude: ['node_modules', '.output', '.wxt', 'data'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Extension unit tests run with WXT's plugin (fake `browser`, auto-imports); everything else without it.
    projects: [
      { extends: true, test: { name: 'hub', exclude: ['node_modules', '.output', '.wxt', 'data', 'extension/**'] } },
      { extends: true, plugins: [WxtVitest()], test: { name: 'extension', include: ['extension/**/*.test.{ts,tsx}'] } },
    ],
  },
});
