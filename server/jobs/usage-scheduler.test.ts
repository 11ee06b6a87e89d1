import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../shared/domain/clock.js';
import { Customer } from '../../shared/schemas/customers.js';
import { createTestHub, type TestHub } from '../../test/helpers/hub.js';
import { customers } from '../services/customer-collection.js';
import { fileOf } from '../services/usage/daily-counts.js';

const hubs: TestHub[] = [];
let dir: string | null = null;
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

const customer = (id: string, users: number, now: string) =>
  Customer.parse({
    id,
    displayName: `Customer ${id}`,
    domain: `${id}.example.com`,
    contact: { firstName: 'A', lastName: 'B', email: `a@${id}.example.com` },
    status: 'active',
    createdAt: now,
    provisionedAt: now,
    subscriptionIds: [],
    contractType: 'Month to month',
    licenses: 50,
    licenseModel: 'Variable',
    sourceType: 'VCSP Pulse',
    storageConsumedGb: 0,
    backedUpAccounts: users,
    totalActiveAccounts: users,
    userChangeThisMonth: 0,
    userChangeLastMonth: 0,
  });

describe('usage scheduler', () => {
  it('joins a pass already under way instead of running two', async () => {
    const t = await createTestHub({ clock: new FakeClock('2026-11-05T10:00:00Z') });
    hubs.push(t);
    await t.hub.ctx.store.write((tx) => tx.put(customers, customer('c1', 7, t.clock.now().toISOString())));
    const scheduler = t.hub.ctx.services.usageScheduler;
    const [a, b] = await Promise.all([scheduler.tick(), scheduler.tick()]);
    expect(a).toBe(b);
    expect(await t.hub.ctx.logs.read(fileOf('2026-11'))).toHaveLength(1);
  });

  it('runs a pass when started and stops cleanly', async () => {
    const t = await createTestHub({ clock: new FakeClock('2026-11-05T10:00:00Z') });
    hubs.push(t);
    await t.hub.ctx.store.write((tx) => tx.put(customers, customer('c1', 7, t.clock.now().toISOString())));
    const scheduler = t.hub.ctx.services.usageScheduler;
    scheduler.start();
    await scheduler.stop();
    expect(await t.hub.ctx.logs.read(fileOf('2026-11'))).toHaveLength(1);
  });

  it('stays idempotent per day and generates once across a restart (store on disk)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sphub-usage-'));
    const clock = new FakeClock('2026-11-30T22:00:00Z');
    const first = await createTestHub({ clock, config: { dataDir: dir } });
    await first.hub.ctx.store.write((tx) => tx.put(customers, customer('c1', 9, clock.now().toISOString())));
    await first.hub.ctx.services.usageScheduler.tick();
    clock.set('2026-12-01T00:10:00Z');
    expect((await first.hub.ctx.services.usageScheduler.tick()).generated).toBe('2026-11');
    await first.close();

    const second = await createTestHub({ clock, config: { dataDir: dir } });
    hubs.push(second);
    const run = await second.hub.ctx.services.usageScheduler.tick();
    expect(run).toMatchObject({ recorded: 0, generated: null, notices: [] });
    const report = await second.admin.usageReport('2026-11');
    expect(report).toMatchObject({ number: 'MU-00000001', totalPoints: '22.5' });
    expect(await second.hub.ctx.logs.read(fileOf('2026-11'))).toHaveLength(1);
    expect(await second.hub.ctx.logs.read(fileOf('2026-12'))).toHaveLength(1);
  });
});
