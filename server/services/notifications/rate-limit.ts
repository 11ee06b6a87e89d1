/**
 * Per-destination pacing on the hub's clock: at most `perSecond` request starts per key, evenly
 * spaced, one request in flight per key, and a key can be held back (a 429 with Retry-After holds
 * every message to that webhook, not only the one that got it).
 */
export class RateLimiter {
  private readonly keys = new Map<string, { nextAt: number; busy: boolean }>();

  constructor(private readonly perSecond: (key: string) => number) {}

  /** True when a request to `key` may start at `now`. */
  ready(key: string, now: number): boolean {
    const state = this.keys.get(key);
    return !state || (!state.busy && state.nextAt <= now);
  }

  /** When `key` frees up (null when it is free or busy with a request in flight). */
  readyAt(key: string): number | null {
    const state = this.keys.get(key);
    return state && !state.busy ? state.nextAt : null;
  }

  begin(key: string, now: number): void {
    const state = this.keys.get(key) ?? { nextAt: 0, busy: false };
    state.busy = true;
    state.nextAt = Math.max(state.nextAt, now + Math.ceil(1000 / this.perSecond(key)));
    this.keys.set(key, state);
  }

  end(key: string): void {
    const state = this.keys.get(key);
    if (state) state.busy = false;
  }

  /** Nothing goes to `key` before `until`. */
  holdUntil(key: string, until: number): void {
    const state = this.keys.get(key) ?? { nextAt: 0, busy: false };
    state.nextAt = Math.max(state.nextAt, until);
    this.keys.set(key, state);
  }

  /** Forgets keys that are idle and free, so the map does not grow with every webhook ever seen. */
  sweep(now: number): void {
    for (const [key, state] of this.keys) if (!state.busy && state.nextAt < now) this.keys.delete(key);
  }
}
