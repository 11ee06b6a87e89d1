import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit as streamingBodyLimit } from 'hono/body-limit';

/**
 * Refuses a request body over `maxSize` bytes with `tooLarge`, before reading it. A body that
 * says its length is judged by its Content-Length header alone, and then left unread, so the
 * handler reads it the fast way (@hono/node-server reads the socket straight into a buffer only
 * while nothing has asked for the request as a web stream, which hono's own body-limit does). A
 * body sent in chunks (or, outside @hono/node-server, one that does not say its length) is
 * counted as it is read, by hono's middleware.
 */
export function bodyLimit(maxSize: number, tooLarge: (c: Context) => Response): MiddlewareHandler {
  const chunked = streamingBodyLimit({ maxSize, onError: tooLarge });
  return async (c, next) => {
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) return Number(length) <= maxSize ? next() : tooLarge(c);
    // Over HTTP/1.1 a request with neither header has no body; elsewhere (app.request(), other
    // runtimes) a body may come without either: count it.
    if (length === undefined && c.req.header('transfer-encoding') === undefined && isNodeRequest(c)) return next();
    return chunked(c, next);
  };
}

/** True for a request @hono/node-server received from a socket. */
function isNodeRequest(c: Context): boolean {
  return typeof (c.env as { incoming?: { socket?: unknown } } | undefined)?.incoming?.socket === 'object';
}
