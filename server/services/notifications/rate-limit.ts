/**
 * Per-destination pacing on the hub's clock: request starts per key follow a schedule of slots
 * `1000 / perSecond` ms apart, never more than `perSecond` of them within any second, with at
 * most `maxInFlight` requests in flight per key (the receivers' limits are requests a second, so
 * a fast destination may have several answers outstanding). A key can be held back (a 429 with
 * Retry-After holds every message to that webhook, not only the one that got it).
 *
 * A start that comes a little after its slot (timers fire late) does not push the whole schedule
 * back: the next slot stays where it was, so a busy destination gets its full rate; the count
 * of starts within the last second keeps that from ever exceeding the limit.
 */
/** How much later than its neighbours a request may reach the receiver (see freeAt): 2 % of the rate. */
const ARRIVAL_MARGIN_MS = 20;

export class RateLimiter {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly perSecond: (key: string) => number,
    private readonly maxInFlight: (key: string) => number = () => 1,
  ) {}

  /** True when a request to `key` may start at `now`. */
  ready(key: string, now: number): boolean {
    const state = this.keys.get(key);
    return !state || (state.inFlight < this.maxInFlight(key) && this.freeAt(key, state) <= now);
  }

  /** When `key` frees up (null when it is free, or full with requests in flight: their end frees it). */
  readyAt(key: string): number | null {
    const state = this.keys.get(key);
    return state && state.inFlight < this.maxInFlight(key) ? this.freeAt(key, state) : null;
  }

  begin(key: string, now: number): void {
    const state = this.state(key);
    const spacing = 1000 / this.perSecond(key);
    state.inFlight += 1;
    // Late by less than a slot: keep to the schedule. Idle or held back: start a new one from now.
    state.nextAt = (now - state.nextAt < spacing ? state.nextAt : now) + spacing;
    const limit = Math.max(1, Math.floor(this.perSecond(key)));
    state.starts.push(now);
    if (state.starts.length > limit) state.starts.splice(0, state.starts.length - limit);
  }

  end(key: string): void {
    const state = this.keys.get(key);
    if (state && state.inFlight > 0) state.inFlight -= 1;
  }

  /** Nothing goes to `key` before `until`. */
  holdUntil(key: string, until: number): void {
    const state = this.state(key);
    state.nextAt = Math.max(state.nextAt, until);
  }

  /** Forgets keys that are idle and free, so the map does not grow with every webhook ever seen. */
  sweep(now: number): void {
    for (const [key, state] of this.keys) {
      if (state.inFlight === 0 && state.nextAt < now && (state.starts.at(-1) ?? -Infinity) + 1000 + ARRIVAL_MARGIN_MS <= now) this.keys.delete(key);
    }
  }

  private state(key: string): KeyState {
    let state = this.keys.get(key);
    if (!state) this.keys.set(key, (state = { nextAt: Number.NEGATIVE_INFINITY, inFlight: 0, starts: [] }));
    return state;
  }

  /**
   * The next slot, or later when the last second already saw `perSecond` starts (whole
   * milliseconds, as the clock counts). That second is counted a little long: requests do not
   * reach the receiver exactly as far apart as they left, and one too many within its second
   * costs a 429 and a hold of the whole destination.
   */
  private freeAt(key: string, state: KeyState): number {
    const limit = Math.max(1, Math.floor(this.perSecond(key)));
    const windowFullUntil = state.starts.length >= limit ? state.starts[state.starts.length - limit]! + 1000 + ARRIVAL_MARGIN_MS : Number.NEGATIVE_INFINITY;
    return Math.ceil(Math.max(state.nextAt, windowFullUntil));
  }
}

interface KeyState {
  /** The next slot (ms, may be fractional). */
  nextAt: number;
  inFlight: number;
  /** The last `perSecond` start times, oldest first. */
  starts: number[];
}
