import type { TransportError } from './http.js';

export type UpstreamFault = 'auth' | 'forbidden' | 'notFound' | 'client' | 'server' | 'rateLimited' | 'malformed' | TransportError['stage'] | 'drift';

/** An upstream call that failed for good; the message never holds a secret. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    readonly fault: UpstreamFault,
    message: string,
    readonly path: string | null,
    readonly status: number | null,
    readonly requestId: string | null,
  ) {
    super(message);
  }
}
