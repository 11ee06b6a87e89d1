import { describe, expect, it } from 'vitest';
import { createTestHub } from '../../test/helpers/hub.js';
import { policies } from '../services/backup/collections.js';
import { customers } from '../services/customer-collection.js';
import { connections } from './collections.js';
import type { ConnectionKindModule, SyncPlan } from './kind.js';

// The engine with a kind of our own: what a plan's one write does is all or nothing, and the
// state a kind keeps only moves with a successful run.

function fakeKind(plan: () => Partial<SyncPlan>): ConnectionKindModule {
  return {
    kind: 'vspc',
    label: 'Fake',
    test: async () => ({ ok: true, stage: 'ok', message: 'fine', apiVersion: null, requestId: null }),
    read: async () => ({ counts: {}, notes: [], requests: 1, state: {}, prepare: async () => undefined, apply: () => undefined, after: async () => undefined, ...plan() }),
    describeError: (error) => ({ message: (error as Error).message, path: null, status: null, requestId: null }),
  };
}

async function hubWith(kind: ConnectionKindModule) {
  const t = await createTestHub({ services: { connectionKinds: new Map([['vspc', kind]]) }, config: { env: { SPHUB_CONNECTION_SYNC: 'off' } } });
  const c = await t.admin.createConnection({ kind: 'vspc', name: 'fake', baseUrl: 'https://vspc.example.com/api/v3', auth: { type: 'apiKey', apiKey: 'k' } });
  return { t, c };
}

describe('SyncEngine', () => {
  it('applies nothing when the write fails half-way, keeps the kind state, and marks the connection failing', async () => {
    let calls = 0;
    const { t, c } = await hubWith(
      fakeKind(() => ({
        state: { watermark: `w${++calls}` },
        apply(tx) {
          const existing = [...t.hub.ctx.store.all(customers)];
          tx.put(customers, { ...existing[0]!, displayName: 'half-applied' });
          if (calls === 2) throw new Error('the write failed half-way');
        },
      })),
    );
    const seeded = await t.admin.createCustomer({ displayName: 'Contoso', domain: 'contoso.com', contact: { firstName: 'A', lastName: 'B', email: 'a@contoso.com' } } as never);
    expect((await t.admin.syncConnection(c.id, { wait: true })).result).toBe('success');
    expect(t.hub.ctx.store.get(connections, c.id)!.state).toEqual({ watermark: 'w1' });
    await t.admin.updateCustomer(seeded.id, { displayName: 'Contoso again' } as never);
    const failed = await t.admin.syncConnection(c.id, { wait: true });
    expect(failed).toMatchObject({ result: 'failed', errors: [{ message: 'the write failed half-way' }] });
    expect(t.hub.ctx.store.get(customers, seeded.id)!.displayName).toBe('Contoso again');
    const record = t.hub.ctx.store.get(connections, c.id)!;
    expect(record).toMatchObject({ status: 'failing', lease: null, state: { watermark: 'w1' } });
    expect(t.hub.ctx.store.count(policies)).toBe(0);
    await t.close();
  });

  it('a failure while reading leaves the store as it was and is recorded with the requests made', async () => {
    const { t, c } = await hubWith({ ...fakeKind(() => ({})), read: async () => Promise.reject(Object.assign(new Error('upstream went away'), { requests: 7 })) });
    const version = t.hub.ctx.store.version;
    const run = await t.admin.syncConnection(c.id, { wait: true });
    expect(run).toMatchObject({ result: 'failed', requests: 7 });
    // Three writes: the lease, the failure on the connection, the monitor noting the connectionFailing alert.
    expect(t.hub.ctx.store.version - version).toBe(3);
    expect((await t.admin.alerts({ kind: ['connectionFailing'] })).total).toBe(1);
    await t.close();
  });
});
