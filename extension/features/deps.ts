import type { Ask } from '../lib/messaging.js';
import type { BatchInfo } from '../lib/row-annotator.js';
import { t } from '../lib/i18n.js';
import type { OverlayUi, StatusBar, StatusBarView } from '../lib/overlay-ui.js';

/** What every page feature gets besides its own context: the hub (through the background) and the UI kit. */
export interface OverlayDeps {
  ask: Ask;
  ui: OverlayUi;
  /** Told when a table finished a batch (the benchmark and tests read it). */
  report?: (featureId: string, info: BatchInfo) => void;
}

/**
 * A status bar usable at once: the shadow root is created asynchronously (WXT loads the CSS),
 * and the chips must not wait for it. The last view set meanwhile is shown when it is ready.
 */
export function deferredBar(ready: Promise<StatusBar>): StatusBar {
  let bar: StatusBar | null = null;
  let pending: StatusBarView | null = null;
  void ready.then((created) => {
    bar = created;
    if (pending) created.set(pending);
  });
  return {
    set(view) {
      if (bar) bar.set(view);
      else pending = view;
    },
  };
}

/** The one quiet bar a recognised table gets while the extension is not set up: no chip per row. */
export function setupBarView(ask: Ask): StatusBarView {
  return { tone: 'muted', text: t('bar.notSetUp'), action: { id: 'open-options', label: t('bar.openOptions'), run: () => void ask({ type: 'options.open' }) } };
}

/** Seen set up once in this page: later starts (a re-mounted table) need not ask again. */
let seenConfigured = false;

/**
 * Whether the hub is set up (a message to the background, no hub request). When it is not, the
 * table gets the setup bar and the feature stops there. Once seen set up, it answers at once
 * (not a promise), so a table the page re-mounts gets its chips back in the same task; a key
 * forgotten later is met by the row annotator (no chips, the setup bar).
 */
export function configuredOrSetupBar(ask: Ask, bar: StatusBar): true | Promise<boolean> {
  if (seenConfigured) return true;
  return ask({ type: 'state' }).then((state) => {
    if (state.ok && !state.data.configured) {
      bar.set(setupBarView(ask));
      return false;
    }
    seenConfigured = true;
    return true;
  });
}
