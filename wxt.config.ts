import { defineConfig } from 'wxt';

// The extension lives in extension/; WXT builds Chrome (MV3) and Firefox from the same sources.
export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill'],
  manifest: {
    name: 'SP Hub',
    description: 'Customer health and quick actions for Microsoft 365 backup service providers, on the VDC portal and Pulse.',
    permissions: ['storage', 'alarms'],
  },
});
