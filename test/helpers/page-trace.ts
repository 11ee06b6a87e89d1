import { appendFileSync } from 'node:fs';
import type { Page } from 'puppeteer';

/** The page calls worth timing: the ones that wait on the browser. */
const TRACED = new Set(['goto', 'reload', 'waitForSelector', 'waitForFunction', 'click', 'type', 'evaluate', '$eval', '$$eval', '$', '$$', 'screenshot', 'bringToFront', 'setViewport', 'close']);

interface Step {
  at: number;
  what: string;
  ms: number | null;
}

const brief = (arg: unknown) => (typeof arg === 'string' ? JSON.stringify(arg.length > 70 ? `${arg.slice(0, 70)}\u2026` : arg) : typeof arg === 'function' ? 'fn' : '');

/**
 * Records every browser step of the running test (when it started, what it took, or that it
 * never finished). A test that times out on a loaded machine then says which wait was slow, which
 * the timeout alone does not. `SPHUB_E2E_TRACE=<file>` also appends every test's steps to a file.
 */
export function createStepTrace(label: string) {
  let steps: Step[] = [];
  let started = Date.now();
  let pages = 0;

  return {
    /** A new test begins: forget the previous one's steps. */
    reset() {
      steps = [];
      started = Date.now();
    },
    /** The page, with its waiting calls timed (everything else goes straight to the page). */
    traced(page: Page): Page {
      const name = `page${++pages}`;
      return new Proxy(page, {
        get(target, property) {
          const value: unknown = Reflect.get(target, property, target);
          if (typeof value !== 'function') return value;
          const method = value as (...args: unknown[]) => unknown;
          // Puppeteer's classes keep private fields: their methods must run on the page itself.
          if (typeof property !== 'string' || !TRACED.has(property)) return method.bind(target);
          return (...args: unknown[]) => {
            const step: Step = { at: Date.now() - started, what: `${name}.${property}(${brief(args[0])})`, ms: null };
            steps.push(step);
            return Promise.resolve(method.apply(target, args)).finally(() => (step.ms = Date.now() - started - step.at));
          };
        },
      });
    },
    print(title: string, toConsole = true) {
      if (steps.length === 0) return;
      const lines = steps.map((s) => `  +${String(s.at).padStart(6)} ms  ${s.ms === null ? 'STILL WAITING' : `${String(s.ms).padStart(5)} ms`}  ${s.what}`);
      const text = `[${label}] ${title}: ${Date.now() - started} ms\n${lines.join('\n')}\n`;
      if (toConsole) console.log(text);
      if (process.env.SPHUB_E2E_TRACE) appendFileSync(process.env.SPHUB_E2E_TRACE, text);
    },
  };
}
