import type { Clock } from '../../shared/domain/clock.js';

export interface FailureThrottleOptions {
  clock: Clock;
  /** Failures allowed at once before answers turn into 429. */
  burst: number;
  /** Failures allowed per minute after the burst (the bucket refills at this rate). */
  perMinute: number;
  /** Buckets kept at most (an attacker varying addresses or prefixes cannot grow memory). */
  maxTracked?: number;
}

export interface Throttled {
  retryAfterSeconds: number;
  /** The subjects whose burst began with this failure (to be reported once each). */
  started: string[];
}

interface Bucket {
  tokens: number;
  at: number;
  /** In a burst: reported once, until the bucket is full again. */
  throttled: boolean;
  failures: number;
}

/**
 * Token buckets of failed attempts per subject (a client address, a key prefix). Only failures
 * are counted, so what succeeds is never slowed down; a subject out of tokens is throttled until
 * it has one again. Plain code with a clock: the edge decides what a subject is.
 */
export class FailureThrottle {
  private readonly buckets = new Map<string, Bucket>();
  private readonly ratePerMs: number;
  private readonly maxTracked: number;

  constructor(private readonly options: FailureThrottleOptions) {
    this.ratePerMs = options.perMinute / 60_000;
    this.maxTracked = options.maxTracked ?? 10_000;
  }

  /** How many subjects are tracked right now. */
  get size(): number {
    return this.buckets.size;
  }

  /** Failures counted in the current burst of a subject (for the report), or 0. */
  failures(subject: string): number {
    return this.buckets.get(subject)?.failures ?? 0;
  }

  /** Counts one failure against each subject; null while all of them are under their limit. */
  fail(subjects: readonly string[]): Throttled | null {
    const now = this.options.clock.now().getTime();
    let wait = 0;
    const started: string[] = [];
    for (const subject of subjects) {
      const bucket = this.refilled(subject, now);
      bucket.failures += 1;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        continue;
      }
      wait = Math.max(wait, Math.ceil((1 - bucket.tokens) / this.ratePerMs / 1000));
      if (!bucket.throttled) {
        bucket.throttled = true;
        started.push(subject);
      }
    }
    return wait > 0 ? { retryAfterSeconds: Math.max(1, wait), started } : null;
  }

  private refilled(subject: string, now: number): Bucket {
    let bucket = this.buckets.get(subject);
    if (!bucket) {
      if (this.buckets.size >= this.maxTracked) this.evict(now);
      bucket = { tokens: this.options.burst, at: now, throttled: false, failures: 0 };
      this.buckets.set(subject, bucket);
      return bucket;
    }
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + (now - bucket.at) * this.ratePerMs);
    bucket.at = now;
    // A burst ends only once the subject has been quiet long enough to refill completely: a steady
    // attack that gets a try now and then is one burst, reported once.
    if (bucket.tokens >= this.options.burst && bucket.throttled) {
      bucket.throttled = false;
      bucket.failures = 0;
    }
    return bucket;
  }

  /** Drops buckets that have refilled completely, then the oldest if that was not enough. */
  private evict(now: number): void {
    for (const [subject, b] of this.buckets) {
      if (b.tokens + (now - b.at) * this.ratePerMs >= this.options.burst) this.buckets.delete(subject);
    }
    for (const subject of this.buckets.keys()) {
      if (this.buckets.size < this.maxTracked) break;
      this.buckets.delete(subject);
    }
  }
}
