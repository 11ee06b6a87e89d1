import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../../shared/domain/clock.js';
import { conflict, invalid } from './errors.js';

const TTL_MS = 5 * 60_000;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Remembered {
  fingerprint: string;
  expires: number;
  answer: Promise<{ status: number; headers: [string, string][]; body: ArrayBuffer }>;
}

/**
 * `Idempotency-Key` on a mutating request: a repeat within five minutes (same caller, same key)
 * gets the first answer again and changes nothing. A repeat that arrives while the first is
 * still running waits for it. The same key with a different request is a 409.
 */
export function idempotency(clock: Clock): MiddlewareHandler {
  const seen = new Map<string, Remembered>();
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (!key || !MUTATING.has(c.req.method)) return next();
    if (key.length > 200) throw invalid('Idempotency-Key is longer than 200 characters.', [{ field: 'Idempotency-Key', message: 'is too long' }]);
    const now = clock.now().getTime();
    for (const [k, v] of seen) if (v.expires < now) seen.delete(k);
    const scope = `${c.req.header('authorization') ?? ''}\u0000${c.req.header('x-sphub-teams-user') ?? ''}\u0000${key}`;
    const body = await c.req.raw.clone().text();
    const fingerprint = createHash('sha256').update(`${c.req.method} ${c.req.path}\u0000${body}`).digest('hex');
    const cacheKey = createHash('sha256').update(scope).digest('hex');
    const previous = seen.get(cacheKey);
    if (previous) {
      if (previous.fingerprint !== fingerprint) throw conflict('This Idempotency-Key was already used for a different request.');
      const answer = await previous.answer;
      const headers = new Headers(answer.headers);
      headers.set('idempotent-replay', 'true');
      return new Response(answer.body.slice(0), { status: answer.status, headers });
    }
    let settle!: (v: Awaited<Remembered['answer']>) => void;
    const answer = new Promise<Awaited<Remembered['answer']>>((resolve) => (settle = resolve));
    seen.set(cacheKey, { fingerprint, expires: now + TTL_MS, answer });
    try {
      await next();
    } finally {
      const res = c.res;
      // A failure on our side is no answer worth repeating: let the client retry for real.
      if (res.status >= 500) seen.delete(cacheKey);
      settle({ status: res.status, headers: [...res.headers], body: await res.clone().arrayBuffer() });
    }
  };
}
