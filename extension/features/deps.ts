import type { Ask } from '../lib/messaging.js';
import type { BatchInfo } from '../lib/row-annotator.js';
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
