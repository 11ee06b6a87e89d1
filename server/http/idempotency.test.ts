import { describe, expect, it } from 'vitest';
import { createTestHub } from '../../test/helpers/hub.js';
import { idempotencyKeys } from './idempotency.js';

describe('Idempotency-Key', () => {
  it('keeps each key and its first answer in the store, and prunes them after five minutes', async () => {
    const t = await createTestHub();
    try {
      const send = (key: string, name: string) => t.admin.raw('POST', '/roles', { body: { name, permissions: [] }, idempotencyKey: key });
      const first = await send('key-1', 'Kept');
      const stored = [...t.hub.ctx.store.all(idempotencyKeys)];
      expect(stored).toHaveLength(1);
      expect(stored[0]!.status).toBe(201);
      expect(stored[0]!.running).toBeUndefined(); // saved as running before the request ran, then replaced by its answer
      expect(JSON.stringify(stored[0])).not.toContain('key-1'); // only a hash of caller and key
      expect(JSON.parse(Buffer.from(stored[0]!.body, 'base64').toString())).toEqual(await first.json());

      t.clock.advance(4 * 60_000);
      const again = await send('key-1', 'Kept');
      expect(again.headers.get('idempotent-replay')).toBe('true');
      expect((await t.admin.roles({ q: 'Kept' })).total).toBe(1);

      t.clock.advance(2 * 60_000);
      await send('key-2', 'Later');
      expect([...t.hub.ctx.store.all(idempotencyKeys)]).toHaveLength(1); // key-1 expired and was pruned
      const afterExpiry = await send('key-1', 'Kept').catch((error: { status: number }) => error);
      expect(afterExpiry.status).toBe(409); // a new request now: the role name is taken
    } finally {
      await t.close();
    }
  });
});
