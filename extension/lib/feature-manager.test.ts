import { parseHTML } from 'linkedom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFeatureManager, type Anchor, type Feature, type FeatureLog } from './feature-manager.js';

function world(html = '<main id="app"></main>') {
  const { document, window } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  return { document: document as unknown as Document, window };
}

const quietLog = (): FeatureLog & { errors: string[] } => {
  const errors: string[] = [];
  return { errors, info: () => undefined, error: (message) => errors.push(message) };
};

/** A feature anchored to the first element matching a query; records what happens to it. */
function probe(id: string, query: string, init?: (anchor: Anchor, signal: AbortSignal) => void | Promise<void>) {
  const events: string[] = [];
  const feature: Feature<Anchor, null> = {
    id,
    detect: (document) => {
      const element = document.querySelector(query);
      return element ? { element } : null;
    },
    init(anchor, { signal }) {
      events.push(`start ${anchor.element.id}`);
      signal.addEventListener('abort', () => events.push(`stop ${anchor.element.id}`));
      return init?.(anchor, signal);
    },
  };
  return { feature, events };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('the feature manager', () => {
  afterEach(() => vi.useRealTimers());

  it('starts a feature when its anchor is on the page and leaves an unrecognised page untouched', () => {
    const { document } = world('<table id="t1"></table>');
    const customers = probe('customers', 'table#t1');
    const policies = probe('policies', 'div[role=grid]');
    const manager = createFeatureManager({ document, features: [customers.feature, policies.feature], deps: null, log: quietLog() });
    const before = document.body.innerHTML;
    manager.evaluate();
    expect(customers.events).toEqual(['start t1']);
    expect(policies.events).toEqual([]);
    expect(manager.active()).toEqual(['customers']);
    expect(document.body.innerHTML).toBe(before);
  });

  it('gives each feature its own signal: aborted when the anchor goes (single-page navigation)', () => {
    const { document } = world('<table id="t1"></table>');
    const customers = probe('customers', 'table');
    const manager = createFeatureManager({ document, features: [customers.feature], deps: null, log: quietLog() });
    manager.evaluate();
    document.getElementById('t1')!.remove();
    const grid = document.createElement('table');
    grid.id = 't2';
    document.body.append(grid);
    manager.locationChanged();
    expect(customers.events).toEqual(['start t1', 'stop t1', 'start t2']);
  });

  it('re-checks the page after DOM changes, debounced', async () => {
    vi.useFakeTimers();
    const { document } = world();
    const customers = probe('customers', 'table');
    const controller = new AbortController();
    const manager = createFeatureManager({ document, features: [customers.feature], deps: null, log: quietLog(), debounceMs: 50 });
    manager.start(controller.signal);
    expect(customers.events).toEqual([]);
    const table = document.createElement('table');
    table.id = 'late';
    document.body.append(table);
    await vi.advanceTimersByTimeAsync(10);
    expect(customers.events).toEqual([]); // still debouncing
    await vi.advanceTimersByTimeAsync(60);
    expect(customers.events).toEqual(['start late']);
    controller.abort();
    expect(customers.events).toEqual(['start late', 'stop late']);
  });

  it('ignores changes made by the extension itself', async () => {
    vi.useFakeTimers();
    const { document } = world();
    let detections = 0;
    const feature: Feature<Anchor, null> = { id: 'count', detect: () => (detections++, null), init: () => undefined };
    const manager = createFeatureManager({ document, features: [feature], deps: null, log: quietLog(), isOwnNode: (node) => (node as Element).tagName === 'SPHUB-CHIP' });
    manager.start(new AbortController().signal);
    const before = detections;
    document.body.append(document.createElement('sphub-chip'));
    await vi.advanceTimersByTimeAsync(200);
    expect(detections).toBe(before);
    document.body.append(document.createElement('div'));
    await vi.advanceTimersByTimeAsync(200);
    expect(detections).toBe(before + 1);
  });

  it('a feature that throws is stopped and logged; the other features still run', async () => {
    const { document } = world('<table id="t1"></table>');
    const log = quietLog();
    const broken = probe('broken', 'table', () => {
      throw new Error('boom');
    });
    const asyncBroken = probe('async-broken', 'table', async () => {
      await flush();
      throw new Error('later boom');
    });
    const healthy = probe('healthy', 'table');
    const manager = createFeatureManager({ document, features: [broken.feature, asyncBroken.feature, healthy.feature], deps: null, log });
    manager.evaluate();
    await flush();
    await flush();
    expect(healthy.events).toEqual(['start t1']);
    expect(manager.active()).toEqual(['healthy']);
    expect(broken.events).toEqual(['start t1', 'stop t1']);
    expect(asyncBroken.events).toEqual(['start t1', 'stop t1']);
    expect(log.errors.join('\n')).toMatch(/broken failed.*boom/);
    expect(
      manager
        .failures()
        .map((f) => f.id)
        .sort(),
    ).toEqual(['async-broken', 'broken']);
    // Not retried on the same element...
    manager.evaluate();
    expect(broken.events).toEqual(['start t1', 'stop t1']);
    // ...but tried again on a new one.
    document.getElementById('t1')!.id = 'old';
    const fresh = document.createElement('table');
    fresh.id = 't9';
    document.body.prepend(fresh);
    manager.evaluate();
    expect(broken.events.slice(-2)).toEqual(['start t9', 'stop t9']); // and fails again, still contained
  });

  it('an error in a guarded callback stops only that feature', () => {
    const { document } = world('<table id="t1"></table>');
    let fire: (() => void) | undefined;
    const feature: Feature<Anchor, null> = {
      id: 'clicky',
      detect: (doc) => ({ element: doc.querySelector('table')! }),
      init(_anchor, { guard, signal }) {
        fire = guard(() => {
          throw new Error('handler failed');
        });
        signal.addEventListener('abort', () => (stopped = true));
      },
    };
    let stopped = false;
    const log = quietLog();
    const manager = createFeatureManager({ document, features: [feature], deps: null, log });
    manager.evaluate();
    expect(() => fire!()).not.toThrow();
    expect(stopped).toBe(true);
    expect(log.errors[0]).toMatch(/clicky failed.*handler failed/);
  });

  it('a detect that throws counts as "not this page"', () => {
    const { document } = world();
    const log = quietLog();
    const feature: Feature<Anchor, null> = {
      id: 'fragile',
      detect: () => {
        throw new Error('unexpected markup');
      },
      init: () => undefined,
    };
    const manager = createFeatureManager({ document, features: [feature], deps: null, log });
    expect(() => manager.evaluate()).not.toThrow();
    expect(manager.active()).toEqual([]);
  });
});
