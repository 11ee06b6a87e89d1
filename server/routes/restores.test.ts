import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../shared/api/client.js';
import { FakeClock, HOUR } from '../../shared/domain/clock.js';
import { createTestHub, type TestHub } from '../../test/helpers/hub.js';
import { putCustomers, testCustomer } from '../services/backup/testing.js';

const hubs: TestHub[] = [];
let dir: string | null = null;
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
};

const acme = testCustomer({ id: 'cus_acme', displayName: 'Acme Corp', domain: 'acme.com' });
const bravo = testCustomer({ id: 'cus_bravo', displayName: 'Bravo Ltd', domain: 'bravo.io' });
const pending = testCustomer({ id: 'cus_pending', displayName: 'Pending Inc', status: 'pending' });

async function open(clock = new FakeClock('2026-11-10T10:00:00Z'), dataDir?: string) {
  const t = await createTestHub({ clock, ...(dataDir && { config: { dataDir } }) });
  hubs.push(t);
  await putCustomers(t.hub, acme, bravo, pending);
  return t;
}

describe('restores', () => {
  it('records a restore request and later its outcome, with Restore Activity events', async () => {
    const t = await open();
    const from = t.hub.ctx.events.lastId;
    const restore = await t.admin.createRestore({ customerId: acme.id, kind: 'mailItem', item: 'Inbox/Contract.msg', requestedBy: 'jane@acme.com', mode: 'selfService' });
    expect(restore).toMatchObject({
      id: expect.stringMatching(/^rst_202611_[0-9a-f]{12}$/),
      customerId: acme.id,
      customerName: 'Acme Corp',
      kind: 'mailItem',
      mode: 'selfService',
      item: 'Inbox/Contract.msg',
      requestedBy: 'jane@acme.com',
      status: 'Running',
      outcome: null,
      requestedAt: '2026-11-10T10:00:00.000Z',
      completedAt: null,
    });
    t.clock.advance(HOUR);
    const done = await t.admin.updateRestore(restore.id, { status: 'Success', outcome: '1 item restored to the original location', restoredItems: 1 });
    expect(done).toMatchObject({ status: 'Success', restoredItems: 1, completedAt: '2026-11-10T11:00:00.000Z' });
    expect(await t.admin.restore(restore.id)).toEqual(done);
    const again = await failure(t.admin.updateRestore(restore.id, { status: 'Failed' }));
    expect(again.status).toBe(409);
    expect(again.message).toMatch(/already ended Success/);
    const events = (await t.hub.ctx.events.since(from)).filter((e) => e.type.startsWith('restore.'));
    expect(events.map((e) => [e.type, e.data.status, e.data.topic])).toEqual([
      ['restore.requested', 'Running', 'restoreActivity'],
      ['restore.completed', 'Success', 'restoreActivity'],
    ]);
    expect((await t.admin.audit({ targetId: restore.id })).items.map((a) => a.action)).toEqual(['restore.completed', 'restore.requested']);
  });

  it('records a finished restore in one call, naming the caller when no one else is given', async () => {
    const t = await open();
    const r = await t.admin.createRestore({ customerId: bravo.id, kind: 'teamsItem', item: 'General channel posts', status: 'Failed', outcome: 'The team was deleted' });
    expect(r).toMatchObject({ mode: 'managed', status: 'Failed', completedAt: '2026-11-10T10:00:00.000Z', requestedBy: r.recordedBy });
    expect((await t.hub.ctx.events.since(0)).filter((e) => e.type.startsWith('restore.')).map((e) => e.type)).toEqual(['restore.requested', 'restore.completed']);
  });

  it('refuses restores for customers that are not active or do not exist, bad input and missing permission', async () => {
    const t = await open();
    const p = await failure(t.admin.createRestore({ customerId: pending.id, kind: 'mailItem', item: 'x' }));
    expect(p.status).toBe(409);
    expect(p.message).toMatch(/"Pending Inc" is pending/);
    expect((await failure(t.admin.createRestore({ customerId: 'cus_nobody', kind: 'mailItem', item: 'x' }))).status).toBe(404);
    const bad = await failure(t.admin.createRestore({ customerId: acme.id, kind: 'fax' as never, item: '' }));
    expect(bad.details.map((d) => d.field).sort()).toEqual(['body.item', 'body.kind']);
    const reader = await t.userWith([]);
    expect((await failure(reader.client.createRestore({ customerId: acme.id, kind: 'mailItem', item: 'x' }))).status).toBe(403);
    expect((await failure(t.admin.restore('rst_202611_abcdef123456'))).status).toBe(404);
    expect((await t.admin.restores()).total).toBe(0);
  });

  it('lists newest first with customer, kind, status, month and text filters', async () => {
    const t = await open(new FakeClock('2026-10-30T09:00:00Z'));
    const oct = await t.admin.createRestore({ customerId: acme.id, kind: 'oneDriveFile', item: 'Budget.xlsx', status: 'Success' });
    t.clock.set('2026-11-02T09:00:00Z');
    const a = await t.admin.createRestore({ customerId: acme.id, kind: 'mailItem', item: 'Inbox' });
    t.clock.advance(HOUR);
    const b = await t.admin.createRestore({ customerId: bravo.id, kind: 'sharePointItem', item: 'Travel policy.docx', status: 'Warning' });
    expect((await t.admin.restores()).items.map((r) => r.id)).toEqual([b.id, a.id, oct.id]);
    expect((await t.admin.restores({ customerId: acme.id })).items.map((r) => r.id)).toEqual([a.id, oct.id]);
    expect((await t.admin.restores({ kind: ['mailItem', 'sharePointItem'] })).total).toBe(2);
    expect((await t.admin.restores({ status: ['Running'] })).items.map((r) => r.id)).toEqual([a.id]);
    expect((await t.admin.restores({ month: '2026-10' })).items.map((r) => r.id)).toEqual([oct.id]);
    expect((await t.admin.restores({ q: 'travel' })).items.map((r) => r.id)).toEqual([b.id]);
    expect((await t.admin.restores({ pageSize: 1, page: 3 })).items.map((r) => r.id)).toEqual([oct.id]);
    expect((await t.admin.restores({ month: '2026-05' })).total).toBe(0);
  });

  it('keeps restores across a restart (appended per month, not in the store)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sphub-restores-'));
    const clock = new FakeClock('2026-11-10T10:00:00Z');
    const first = await open(clock, dir);
    const r = await first.admin.createRestore({ customerId: acme.id, kind: 'mailItem', item: 'Inbox' });
    await first.close();
    hubs.splice(0);
    const second = await open(clock, dir);
    expect((await second.admin.restores()).items.map((x) => x.id)).toEqual([r.id]);
    expect((await second.admin.updateRestore(r.id, { status: 'Success' })).status).toBe('Success');
  });
});
