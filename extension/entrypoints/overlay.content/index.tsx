import { defineContentScript } from 'wxt/utils/define-content-script';
import { isOwnNode } from '../../components/chip.js';
import { features } from '../../features/index.js';
import { createFeatureManager } from '../../lib/feature-manager.js';
import { ask } from '../../lib/messaging.js';
import { createOverlayUi } from '../../lib/overlay-ui.js';
import { DEFAULT_SITE_PATTERNS } from '../../lib/sites.js';
import './style.css';

/**
 * The page overlays. Registered at run time by the background worker for the sites the user
 * chose (registration 'runtime'); on those sites it still touches only pages whose tables it
 * recognises by their headers.
 */
export default defineContentScript({
  matches: DEFAULT_SITE_PATTERNS,
  registration: 'runtime',
  cssInjectionMode: 'ui',
  runAt: 'document_idle',
  async main(ctx) {
    // Registered per host (any port, see content-scripts.ts): is this page's origin one of the sites?
    const enabled = await ask({ type: 'site.enabled' });
    if ((enabled.ok && !enabled.data) || ctx.isInvalid) return;
    const manager = createFeatureManager({
      document,
      features,
      deps: {
        ask,
        ui: createOverlayUi(ctx),
        report: (featureId, info) => {
          // For the benchmark and tests: how long painting a batch took once its data arrived.
          document.dispatchEvent(new CustomEvent('sphub:batch', { detail: JSON.stringify({ featureId, ...info }) }));
        },
      },
      isOwnNode,
    });
    const controller = new AbortController();
    ctx.onInvalidated(() => controller.abort());
    manager.start(controller.signal);
    // Single-page apps change the URL without a load: re-check the page at once.
    ctx.addEventListener(window, 'wxt:locationchange', () => manager.locationChanged());
  },
});
