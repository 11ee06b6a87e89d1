import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../shared/domain/clock.js';
import { always, startWebhookReceiver, type WebhookReceiver } from '../../../test/helpers/receivers.js';
import { postWebhook } from './delivery.js';

const clock = new FakeClock('2026-11-24T09:00:00.000Z');
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver(clock);
});
afterAll(() => receiver.close());

const post = (path: string, timeoutMs = 2000) => postWebhook(receiver.url(path), { type: 'message', text: 'Grüße' }, { timeoutMs, messageId: `msg_${path.slice(1)}`, now: () => clock.now() });

describe('posting to a webhook', () => {
  it('sends the JSON body with the message id and reads how each answer ends', async () => {
    const cases: [string, Parameters<typeof always>, Awaited<ReturnType<typeof postWebhook>>][] = [
      ['/accepted', [202], { outcome: 'delivered', status: 202 }],
      [
        '/legacy-failure',
        [200, { body: 'Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429' }],
        { outcome: 'retry', status: 200, message: expect.stringContaining('delivery failed') },
      ],
      ['/gone', [410, { body: 'Gone' }], { outcome: 'gone', status: 410, message: 'the Teams channel webhook answered 410: Gone (the flow or channel no longer exists)' }],
      ['/throttled', [429, { headers: { 'retry-after': '7' } }], { outcome: 'retry', status: 429, retryAfterMs: 7000, message: 'the webhook answered 429' }],
      ['/too-large', [413], { outcome: 'failed', status: 413, message: 'the webhook refused the message as too large (413)' }],
      ['/bad', [400, { body: 'x'.repeat(50_000) }], { outcome: 'failed', status: 400, message: `the webhook refused the message with 400: ${'x'.repeat(200)}` }],
      ['/moved', [302, { headers: { location: 'https://example.com/' } }], { outcome: 'retry', message: 'the request failed: unexpected redirect' }],
    ];
    for (const [path, reply, expected] of cases) {
      receiver.on(path, always(...reply));
      expect(await post(path), path).toEqual(expected);
    }
    const [request] = receiver.requests('/accepted');
    expect(request).toMatchObject({ messageId: 'msg_accepted', body: { type: 'message', text: 'Grüße' } });
    expect(receiver.requests('/moved')).toHaveLength(1); // not followed
  });

  it('gives up on a receiver that does not answer in time, and names a refused connection', async () => {
    receiver.on('/silent', always(202, { delayMs: 1000 }));
    expect(await post('/silent', 100)).toEqual({ outcome: 'retry', message: 'no answer within 0.1 s' });

    const closed = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const refused = await postWebhook(`http://127.0.0.1:${closed}/hook`, {}, { timeoutMs: 1000, messageId: 'm', now: () => clock.now() });
    expect(refused).toEqual({ outcome: 'retry', message: 'the connection was refused' });
  });
});
