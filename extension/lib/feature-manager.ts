/**
 * Runs the page features (one file each in extension/features/). Each feature says what it
 * anchors to; the manager starts it when its anchor appears, gives it its own AbortSignal,
 * stops it when the anchor goes (single-page navigation, a re-mounted view), and keeps a failing
 * feature from breaking the page or the other features.
 */

export interface Anchor {
  /** The page element the feature is attached to; it stops when this leaves the document. */
  element: Element;
}

export interface FeatureContext {
  /** Aborted when the feature stops: remove listeners, observers and UI with it. */
  signal: AbortSignal;
  document: Document;
  /** Wraps a callback (event handler, observer) so an error in it stops only this feature. */
  guard: <A extends unknown[]>(fn: (...args: A) => void | Promise<void>) => (...args: A) => void;
}

export interface Feature<A extends Anchor = Anchor, D = unknown> {
  /** The feature's id: its file name. */
  id: string;
  /** The anchor on this page, or null when the page is not one the feature knows (it then does nothing). */
  detect(document: Document): A | null;
  init(anchor: A, context: FeatureContext, deps: D): void | Promise<void>;
}

export interface FeatureLog {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

interface Running {
  anchor: Anchor;
  controller: AbortController;
}

export interface FeatureManagerOptions<D> {
  document: Document;
  features: Feature<Anchor, D>[];
  deps: D;
  log?: FeatureLog;
  /** Delay for re-checking the page after DOM changes. */
  debounceMs?: number;
  /** Elements the extension itself inserted; their mutations never trigger a re-check. */
  isOwnNode?: (node: Node) => boolean;
}

export const consoleLog: FeatureLog = {
  info: (message) => console.info(`[SP Hub] ${message}`),
  error: (message, error) => console.error(`[SP Hub] ${message}`, error),
};

export function createFeatureManager<D>(options: FeatureManagerOptions<D>) {
  const { document, features, deps } = options;
  const log = options.log ?? consoleLog;
  const running = new Map<string, Running>();
  const failed = new Map<string, { element: WeakRef<Element> | null; message: string }>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let observer: MutationObserver | undefined;

  function stop(id: string, reason: string) {
    const current = running.get(id);
    if (!current) return;
    running.delete(id);
    current.controller.abort(reason);
  }

  function fail(feature: Feature<Anchor, D>, anchor: Anchor | null, error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    log.error(`feature ${feature.id} failed and was stopped: ${message}`, error);
    failed.set(feature.id, { element: anchor ? new WeakRef(anchor.element) : null, message });
    stop(feature.id, 'failed');
  }

  function start(feature: Feature<Anchor, D>, anchor: Anchor, outer: AbortSignal | undefined) {
    const controller = new AbortController();
    outer?.addEventListener('abort', () => controller.abort('stopped'), { once: true, signal: controller.signal });
    running.set(feature.id, { anchor, controller });
    const guard: FeatureContext['guard'] =
      (fn) =>
      (...args) => {
        if (controller.signal.aborted) return;
        try {
          const result = fn(...args);
          if (result && typeof (result as Promise<void>).catch === 'function') (result as Promise<void>).catch((error) => fail(feature, anchor, error));
        } catch (error) {
          fail(feature, anchor, error);
        }
      };
    try {
      const result = feature.init(anchor, { signal: controller.signal, document, guard }, deps);
      if (result && typeof (result as Promise<void>).catch === 'function') (result as Promise<void>).catch((error) => fail(feature, anchor, error));
    } catch (error) {
      fail(feature, anchor, error);
    }
  }

  let outerSignal: AbortSignal | undefined;

  /** Checks every feature against the page as it is now. */
  function evaluate() {
    if (outerSignal?.aborted) return;
    for (const feature of features) {
      let anchor: Anchor | null = null;
      try {
        anchor = feature.detect(document);
      } catch (error) {
        // A detection error means the page is not what the feature expects: leave it alone.
        log.error(`feature ${feature.id} could not read the page`, error);
        anchor = null;
      }
      const current = running.get(feature.id);
      if (current && (!anchor || anchor.element !== current.anchor.element || !current.anchor.element.isConnected)) {
        stop(feature.id, anchor ? 'anchor replaced' : 'anchor gone');
      }
      if (!anchor || running.has(feature.id)) continue;
      const failure = failed.get(feature.id);
      if (failure && failure.element?.deref() === anchor.element) continue; // do not retry on the same element
      failed.delete(feature.id);
      start(feature, anchor, outerSignal);
    }
  }

  function schedule() {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      evaluate();
    }, options.debounceMs ?? 80);
  }

  return {
    /** Checks the page now and whenever it changes, until the signal aborts. */
    start(signal?: AbortSignal) {
      outerSignal = signal;
      evaluate();
      const isOwn = options.isOwnNode ?? (() => false);
      const view = document.defaultView;
      const Observer = (view?.MutationObserver ?? globalThis.MutationObserver) as typeof MutationObserver;
      observer = new Observer((records) => {
        const relevant = records.some((record) => !isOwn(record.target) && [...Array.from(record.addedNodes), ...Array.from(record.removedNodes)].some((node) => !isOwn(node)));
        if (!relevant) return;
        // A running feature's anchor was replaced (a re-mounted view): re-check now, in the same
        // task as the page's change, so its UI is back before the next frame.
        if ([...running.values()].some((r) => !r.anchor.element.isConnected)) evaluate();
        else schedule();
      });
      observer.observe(document.body ?? document.documentElement, { childList: true, subtree: true });
      signal?.addEventListener(
        'abort',
        () => {
          observer?.disconnect();
          if (timer !== undefined) clearTimeout(timer);
          for (const id of [...running.keys()]) stop(id, 'stopped');
        },
        { once: true },
      );
    },
    evaluate,
    /** A page navigation in a single-page app: re-check at once. */
    locationChanged() {
      evaluate();
    },
    active: () => [...running.keys()],
    failures: () => [...failed.entries()].map(([id, failure]) => ({ id, message: failure.message })),
  };
}
