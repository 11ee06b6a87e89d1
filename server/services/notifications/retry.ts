/**
 * When to try a delivery again: exponential backoff with jitter, or what the receiver asked for
 * with `Retry-After` (seconds or an HTTP date), never earlier.
 */

export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** The longest Retry-After honoured; a receiver asking for more is retried after a day. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60_000;

/** `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`, as milliseconds from now. */
export function parseRetryAfter(header: string | null | undefined, now: Date): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.min(MAX_RETRY_AFTER_MS, Math.round(Number(text) * 1000));
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now.getTime()));
}

/**
 * Delay before attempt `attempt + 1`, after `attempt` failed ones (1-based): the exponential step
 * capped at maxDelay, half of it fixed and half random ("equal jitter"), so retries of many
 * messages failing together spread out instead of arriving in a burst.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** Retry-After wins when given: exactly that long, plus up to a second (or 10 %) of jitter. */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, options: BackoffOptions, random: () => number): number {
  if (retryAfterMs !== undefined) return retryAfterMs + Math.round(random() * Math.min(1000, retryAfterMs * 0.1));
  return backoffDelay(attempt, options, random);
}
