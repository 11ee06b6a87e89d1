import { defineConfig } from 'wxt';
import { DEFAULT_SITE_PATTERNS, LOOPBACK_PATTERNS } from './extension/lib/sites';

// The extension lives in extension/; WXT builds Chrome and Firefox, both Manifest V3, from the
// same sources (.output/chrome-mv3 and .output/firefox-mv3).
export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  manifestVersion: 3,
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill', '@wxt-dev/i18n/module'],
  manifest: ({ browser }) => ({
    name: 'SP Hub',
    // Texts in extension/locales/ (English, German), chosen by the browser's language.
    default_locale: 'en',
    description: '__MSG_manifest_summary__',
    permissions: ['storage', 'alarms', 'scripting'],
    // The default sites and a hub on this machine work out of the box; any other site or hub
    // is asked for at run time, when the user adds it in the options.
    host_permissions: [...DEFAULT_SITE_PATTERNS, ...LOOPBACK_PATTERNS],
    optional_host_permissions: ['http://*/*', 'https://*/*'],
    action: { default_title: 'SP Hub' },
    // The overlay's stylesheet is loaded into its shadow roots on whatever site the user added;
    // the dynamic URL changes every session, so pages cannot use it to detect the extension.
    web_accessible_resources: [{ resources: ['content-scripts/overlay.css'], matches: ['http://*/*', 'https://*/*'], use_dynamic_url: true }],
    ...(browser === 'firefox' && {
      browser_specific_settings: {
        gecko: {
          id: 'sp-hub@sphub.extension',
          // Firefox 128 is the first with optional host permissions and the scripting API under MV3.
          strict_min_version: '128.0',
          // Names read from the page go only to the hub the user configured, never to a third party.
          data_collection_permissions: { required: ['none'] },
        },
      },
    }),
  }),
});
