/**
 * The ceiling: a bare @hono/node-server route that returns a pre-serialized JSON body of the
 * same size as the hub's answer, with no auth, validation or lookup.
 *   node --import tsx test/bench/bare-server.ts <port> <body-file>
 */
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const [port, file] = process.argv.slice(2);
const body = readFileSync(file!, 'utf8');
const app = new Hono();
app.all('*', (c) => c.body(body, 200, { 'content-type': 'application/json' }));
serve({ fetch: app.fetch, port: Number(port), hostname: '127.0.0.1' }, () => console.log('listening'));
