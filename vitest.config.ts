import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';
import SummaryReporter from './test/helpers/summary-reporter.js';

const exclude = ['node_modules', '.output', '.wxt', 'data'];
const postgresInstalled = existsSync(join(process.env.SPHUB_PG_BIN ?? '/usr/lib/postgresql/15/bin', 'initdb')) || process.env.CI === 'true';
/** The API tests that also run with the PostgreSQL store (every route, and the cross-cutting HTTP tests). */
const postgresApiSuite = ['server/routes/*.test.ts', 'test/integration/{concurrency,http,permission-matrix,validation-table}.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', new SummaryReporter()],
    // Extension unit tests run with WXT's plugin (fake `browser`, auto-imports); everything else without it.
    projects: [
      { extends: true, test: { name: 'hub', include: ['{shared,server,bot,test}/**/*.test.{ts,tsx}'], exclude } },
      // The API suite again, each test hub on its own database of a throwaway PostgreSQL cluster
      // (where PostgreSQL is installed; in CI it must be, so a missing one fails there).
      ...(postgresInstalled
        ? [
            {
              extends: true as const,
              test: {
                name: 'hub-postgres',
                include: postgresApiSuite,
                exclude,
                globalSetup: ['test/helpers/postgres-global.ts'],
                env: { SPHUB_TEST_STORE: 'postgres' },
              },
            },
          ]
        : []),
      { extends: true, plugins: [WxtVitest()], test: { name: 'extension', include: ['extension/**/*.test.{ts,tsx}'], exclude } },
    ],
  },
});
