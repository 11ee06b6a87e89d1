import { connect, type AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN_KEY, createTestHub, type TestHub } from '../helpers/hub.js';

let t: TestHub;
let server: ServerType;
let port: number;

beforeAll(async () => {
  t = await createTestHub();
  server = serve({ fetch: t.hub.app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.close();
  await t.close();
});
afterEach(() => vi.restoreAllMocks());

/** Sends the head of a request and part of its body, then drops the connection. */
async function abortMidBody(): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(`POST /api/v1/roles HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":"half`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.destroy();
}

describe('a request the client aborts', () => {
  it('is logged as one line, without a stack trace, and changes nothing', async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => void lines.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' '));
    vi.spyOn(console, 'error').mockImplementation(capture);
    vi.spyOn(console, 'warn').mockImplementation(capture);
    vi.spyOn(console, 'log').mockImplementation(capture);
    const roles = (await t.admin.roles()).total;
    await abortMidBody();
    for (let i = 0; i < 50 && lines.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lines).toEqual(['request aborted by the client: POST /api/v1/roles']);
    expect((await t.admin.roles()).total).toBe(roles);
    // The hub still answers.
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).status).toBe(200);
  });
});
