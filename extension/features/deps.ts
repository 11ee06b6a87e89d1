import type { Ask } from '../lib/messaging.js';
import type { OverlayUi } from '../lib/overlay-ui.js';

/** What every page feature gets besides its own context: the hub (through the background) and the UI kit. */
export interface OverlayDeps {
  ask: Ask;
  ui: OverlayUi;
  /** Told when a table finished a batch (the benchmark and tests read it). */
  report?: (featureId: string, info: { keys: number; paintMs: number; rows: number }) => void;
}
