import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../shared/domain/clock.js';
import { AppendLog } from '../store/append-log.js';
import { AuditLog } from './audit.js';

const actor = { kind: 'system', userId: null, name: 'test', channel: 'api' } as const;

describe('AuditLog', () => {
  it('keeps a bounded number of entries in memory and still answers queries over the whole two months', async () => {
    const clock = new FakeClock('2026-11-20T10:00:00.000Z');
    const audit = new AuditLog(new AppendLog(null), clock, 10);
    for (let i = 0; i < 40; i++) {
      await audit.record(actor, i % 2 ? 'role.created' : 'role.deleted', { type: 'role', id: `role_${i}` });
      clock.advance(1000);
    }
    expect(audit.inMemory).toBeLessThanOrEqual(13);
    const all = await audit.list({ page: 1, pageSize: 200 });
    expect(all.total).toBe(40);
    expect(all.items[0]!.target.id).toBe('role_39');
    expect(all.items.at(-1)!.target.id).toBe('role_0');
    expect((await audit.list({ action: 'role.created', page: 2, pageSize: 5 })).items.map((e) => e.target.id)).toEqual(['role_29', 'role_27', 'role_25', 'role_23', 'role_21']);
  });
});
