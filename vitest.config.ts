import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,server,bot,extension,test}/**/*.test.{ts,tsx}'],
    exclude: ['node_modules', '.output', '.wxt', 'data'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
