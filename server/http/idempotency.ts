import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { Clock } from '../../shared/domain/clock.js';
import { defineCollection } from '../store/collection.js';
import type { Store } from '../store/store.js';
import { localizedError } from './errors.js';

export const IDEMPOTENCY_TTL_MS = 5 * 60_000;
/** Expired keys are swept out at most this often (each sweep walks the keys of the last five minutes). */
const PRUNE_EVERY_MS = 30_000;
/** Answers larger than this are not kept (a retry then runs again); lists and exports are not what keys are for. */
const MAX_KEPT_BYTES = 256 * 1024;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A key and the first answer given for it, kept in the store (not in memory) so a retry after a
 * restart, a crash or on another hub sharing the store gets that answer. Pruned after the TTL.
 */
export const IdempotencyRecord = z.object({
  /** SHA-256 of the caller and the key, never the key or the caller's secret itself. */
  id: z.string(),
  /** SHA-256 of method, path and body: the same key with another request is a conflict. */
  fingerprint: z.string(),
  expiresAt: z.string(),
  status: z.number().int(),
  headers: z.array(z.tuple([z.string(), z.string()])),
  /** The answer's bytes, base64. */
  body: z.string(),
  /**
   * Saved before the request runs, replaced by its answer: still there at a retry when no request
   * with the key is running, it tells that the first was cut off (a crash) and may have taken effect.
   */
  running: z.literal(true).optional(),
});
export type IdempotencyRecord = z.infer<typeof IdempotencyRecord>;
export const idempotencyKeys = defineCollection('idempotency-keys', IdempotencyRecord);

interface Answer {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
}

/**
 * `Idempotency-Key` on a mutating request: a repeat within five minutes (same caller, same key)
 * gets the first answer again and changes nothing, also after a restart. A repeat that arrives
 * while the first is still running waits for it. The same key with a different request is a 409.
 * The first answer is saved before it is sent, so a client that saw it and retries gets it again.
 * The key is saved as running before the request runs: a retry after a crash that cut the first
 * off before its answer was saved (it may or may not have changed something) gets a 409 saying
 * so, never a second run. So does a retry on another hub while the first still runs there.
 */
export function idempotency(options: { clock: Clock; store: Store }): MiddlewareHandler {
  const { clock, store } = options;
  const running = new Map<string, { fingerprint: string; answer: Promise<Answer> }>();
  let prunedAt = 0;
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (!key || !MUTATING.has(c.req.method)) return next();
    if (key.length > 200) throw localizedError('invalid_input', { key: 'api.idempotency.tooLong' }, [{ field: 'Idempotency-Key', message: 'is too long' }]);
    const now = clock.now().getTime();
    const scope = `${c.req.header('authorization') ?? ''}\u0000${c.req.header('x-sphub-teams-user') ?? ''}\u0000${key}`;
    const body = await c.req.raw.clone().arrayBuffer();
    const fingerprint = createHash('sha256').update(`${c.req.method} ${c.req.path}\u0000`).update(new Uint8Array(body)).digest('hex');
    const id = createHash('sha256').update(scope).digest('hex');

    const inFlight = running.get(id);
    if (inFlight) {
      if (inFlight.fingerprint !== fingerprint) throw localizedError('conflict', { key: 'api.idempotency.reused' });
      return replay(await inFlight.answer);
    }
    const saved = store.get(idempotencyKeys, id);
    if (saved && Date.parse(saved.expiresAt) > now) {
      if (saved.fingerprint !== fingerprint) throw localizedError('conflict', { key: 'api.idempotency.reused' });
      if (saved.running) throw localizedError('conflict', { key: 'api.idempotency.interrupted' });
      return replay({ status: saved.status, headers: saved.headers, body: Buffer.from(saved.body, 'base64') });
    }

    let settle!: (answer: Answer) => void;
    let fail!: (error: unknown) => void;
    const answer = new Promise<Answer>((resolve, reject) => ((settle = resolve), (fail = reject)));
    answer.catch(() => undefined);
    running.set(id, { fingerprint, answer });
    const expiresAt = new Date(now + IDEMPOTENCY_TTL_MS).toISOString();
    try {
      // Running, on disk before anything changes (a store refusing writes refuses the request here).
      await store.write((tx) => tx.put(idempotencyKeys, { id, fingerprint, expiresAt, status: 0, headers: [], body: '', running: true }));
      await next();
      const res = c.res;
      const first: Answer = { status: res.status, headers: [...res.headers], body: new Uint8Array(await res.clone().arrayBuffer()) };
      // A failure on our side is no answer worth repeating, nor one too large to keep: the client retries for real.
      const keep = res.status < 500 && first.body.length <= MAX_KEPT_BYTES;
      const record: IdempotencyRecord = { id, fingerprint, expiresAt, status: first.status, headers: first.headers, body: Buffer.from(first.body).toString('base64') };
      const prune = now - prunedAt >= PRUNE_EVERY_MS;
      if (prune) prunedAt = now;
      try {
        await store.write((tx) => {
          if (keep) tx.put(idempotencyKeys, record);
          else tx.delete(idempotencyKeys, id);
          if (prune) for (const old of store.all(idempotencyKeys)) if (Date.parse(old.expiresAt) <= now && old.id !== id) tx.delete(idempotencyKeys, old.id);
        });
      } catch (error) {
        // The change itself is saved; only its replay is not (a retry is told the first was cut off). Say so, and still give the answer.
        console.error(`idempotency key not saved: ${error instanceof Error ? error.message : String(error)}`);
      }
      settle(first);
    } catch (error) {
      fail(error);
      await store.write((tx) => tx.delete(idempotencyKeys, id)).catch(() => undefined);
      throw error;
    } finally {
      running.delete(id);
    }
  };
}

function replay(answer: Answer): Response {
  const headers = new Headers(answer.headers);
  headers.set('idempotent-replay', 'true');
  return new Response(answer.body.slice(0), { status: answer.status, headers });
}
