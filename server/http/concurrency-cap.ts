/**
 * At most `perKey` requests of one kind running at once per caller: one script exporting ZIPs or
 * asking batch health in a loop then waits its turn (429) instead of taking the event loop from
 * the bot and the extension. Plain code; the router decides which routes count and who the caller is.
 */
export class ConcurrencyCap {
  private readonly running = new Map<string, number>();

  constructor(readonly perKey: number) {}

  /** A release function when there is room for `key`, else null. Releasing twice releases once. */
  tryAcquire(key: string): (() => void) | null {
    const now = this.running.get(key) ?? 0;
    if (now >= this.perKey) return null;
    this.running.set(key, now + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.running.get(key) ?? 1) - 1;
      // Nobody running: forget the key, so the map holds only callers with work under way.
      if (left <= 0) this.running.delete(key);
      else this.running.set(key, left);
    };
  }

  inUse(key: string): number {
    return this.running.get(key) ?? 0;
  }

  /** Callers with work under way (bounded by what is running, never by history). */
  get callers(): number {
    return this.running.size;
  }
}
