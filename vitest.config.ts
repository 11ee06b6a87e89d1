import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';
import SummaryReporter from './test/helpers/summary-reporter.js';

const exclude = ['node_modules', '.output', '.wxt', 'data'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', new SummaryReporter()],
    // Extension unit tests run with WXT's plugin (fake `browser`, auto-imports); everything else without it.
    projects: [
      { extends: true, test: { name: 'hub', include: ['{shared,server,bot,test}/**/*.test.{ts,tsx}'], exclude } },
      { extends: true, plugins: [WxtVitest()], test: { name: 'extension', include: ['extension/**/*.test.{ts,tsx}'], exclude } },
    ],
  },
});
