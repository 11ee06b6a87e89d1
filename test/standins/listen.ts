import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

/** Serves a stand-in on loopback (port 0: a free one), over TLS when given a key and certificate; answers its URL and a close. */
export function listen(app: Hono, port = 0, tls?: { key: string; cert: string }): Promise<{ origin: string; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const options = { fetch: app.fetch, hostname: '127.0.0.1', port, ...(tls && { createServer: createHttpsServer, serverOptions: tls }) };
    const server = serve(options as Parameters<typeof serve>[0], (info: AddressInfo) => {
      resolve({
        origin: `${tls ? 'https' : 'http'}://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}
