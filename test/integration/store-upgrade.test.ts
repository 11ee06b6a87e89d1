import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../shared/domain/clock.js';
import { JournalStore, STORE_VERSION } from '../../server/store/journal-store.js';
import { startHub as startHubProcess } from '../bench/hub-process.js';
import { ADMIN_KEY, createTestHub, type TestHub } from '../helpers/hub.js';
import { completedOffboardingV1, customerV1, writeStoreV1 } from '../helpers/old-store.js';

/**
 * A data folder written by SP Hub before issue 18 (store version 1, where a customer's `licenses`
 * was its purchased limit) opened by today's hub: upgraded once, read right through the API, and
 * never left half-upgraded.
 */

let dir: string;
let t: TestHub | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sphub-upgrade-'));
});
afterEach(async () => {
  await t?.close();
  t = undefined;
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

/**
 * cus_acme: limit 100, 85 protected (85 %: the licence alert); cus_bravo: limit 100, 50 protected
 * (no alert); cus_gone: offboarded by the old lifecycle (`completed`). The journal, not yet folded
 * in, lowers cus_bravo's limit to 60 (50 of 60: 83.3 %, an alert) in the old form too.
 */
async function oldFolder(): Promise<void> {
  await writeStoreV1(
    dir,
    {
      customers: [
        customerV1('cus_acme', 100, 85),
        customerV1('cus_bravo', 100, 50),
        customerV1('cus_gone', 12, 12, { status: 'offboarded', offboardedAt: '2026-03-01T00:05:00.000Z', offboardingRequest: completedOffboardingV1() }),
      ],
      // The dashboard's last November day: 2 active customers, their old `licenses` (limits) summed.
      backupDaily: [{ id: '2026-11-30', jobs: { Success: 0, Warning: 0, Failed: 0, Stopped: 0, Disconnected: 0 }, restores: {}, customers: 2, licenses: 200 }],
    },
    7,
    [{ s: 8, o: [['customers', 'cus_bravo', customerV1('cus_bravo', 60, 50, { updatedAt: '2026-11-30T17:00:00.000Z' })]] }],
  );
}

const files = async () => ({ hub: await readFile(join(dir, 'hub.json'), 'utf8'), journal: await readdir(join(dir, 'journal')) });

async function startHub(): Promise<TestHub> {
  t = await createTestHub({ clock: new FakeClock(new Date('2026-12-02T09:00:00Z')), config: { dataDir: dir } });
  return t;
}

async function expectUpgradedThroughApi(hub: TestHub): Promise<void> {
  // The guide's "Licences": the number the customer uses; the purchased limit is licenseLimit.
  expect(await hub.admin.customer('cus_acme')).toMatchObject({ licenses: 85, licenseLimit: 100, backedUpAccounts: 85 });
  expect(await hub.admin.customer('cus_bravo')).toMatchObject({ licenses: 50, licenseLimit: 60, backedUpAccounts: 50 });
  expect(await hub.admin.customer('cus_gone')).toMatchObject({ status: 'offboarded', licenses: 12, licenseLimit: 12 });
  expect(await hub.admin.offboardingRequest('cus_gone')).toMatchObject({ status: 'deleted', deletedAt: '2026-03-01T00:05:00.000Z' });
  const alerts = await hub.admin.alerts({ kind: ['licenseThreshold'] });
  expect(alerts.items.map((a) => [a.id, a.severity, a.reason])).toEqual([
    ['licenseThreshold.cus_acme', 'warning', expect.stringMatching(/\b85\b.*\b100\b.*85 %.*80 %/)],
    ['licenseThreshold.cus_bravo', 'warning', expect.stringMatching(/\b50\b.*\b60\b.*83\.3 %.*80 %/)],
  ]);
  // Licences used today (85 + 50); November's total was a sum of limits, so no change is claimed against it.
  expect((await hub.admin.dashboard()).licenses).toMatchObject({ customers: 2, licenses: 135, licenseChange: null });
}

describe('upgrading a data folder written by an older SP Hub', () => {
  it('reads the old limit as licenseLimit and the used count as licenses, through the API, and writes the folder as the new version', async () => {
    await oldFolder();
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const hub = await startHub();
    await expectUpgradedThroughApi(hub);
    const lines = log.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith('Upgraded the store'));
    expect(lines).toEqual([
      `Upgraded the store in ${dir} from version 1 to ${STORE_VERSION}: v2: 3 customers: licenseLimit = the old licenses, licenses = protected accounts; v2: 1 offboarding request: completed -> deleted; v2: 1 dashboard day: licence total (a sum of limits) -> unknown.`,
    ]);

    // On disk before any close: a snapshot of this version with the old journal folded in (the
    // hub's own writes since start may have begun a new journal file).
    const { hub: text, journal } = await files();
    const snapshot = JSON.parse(text) as { version: number; seq: number; collections: { customers: { id: string; licenses: number; licenseLimit: number }[] } };
    expect(snapshot.version).toBe(STORE_VERSION);
    expect(snapshot.seq).toBe(8);
    expect(snapshot.collections.customers.map((c) => [c.id, c.licenses, c.licenseLimit])).toEqual([
      ['cus_acme', 85, 100],
      ['cus_bravo', 50, 60],
      ['cus_gone', 12, 12],
    ]);
    expect(journal).not.toContain('00000001.jsonl');

    // The next start has nothing to upgrade and reads the same.
    await hub.close();
    t = undefined;
    log.mockClear();
    const again = await startHub();
    await expectUpgradedThroughApi(again);
    expect(log.mock.calls.filter((c) => String(c[0]).startsWith('Upgraded the store'))).toEqual([]);
  });

  it('a crash before the upgraded snapshot is saved leaves the old files as they were, and the next start upgrades', async () => {
    await oldFolder();
    const before = await files();
    const journalBefore = await readFile(join(dir, 'journal', '00000001.jsonl'), 'utf8');
    await import('../../server/app.js'); // registers every collection, as a hub start does
    await expect(
      JournalStore.open({
        dir,
        beforeUpgradeSave: () => {
          throw new Error('killed mid-upgrade');
        },
      }),
    ).rejects.toThrow('killed mid-upgrade');
    expect(await files()).toEqual(before);
    expect(await readFile(join(dir, 'journal', '00000001.jsonl'), 'utf8')).toBe(journalBefore);

    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await expectUpgradedThroughApi(await startHub());
  });

  it('a failure while writing the snapshot (the temp file cannot be written) changes nothing; the next start upgrades', async () => {
    await oldFolder();
    const before = await files();
    // The atomic write goes through hub.json.<pid>.tmp: a folder in its place makes it fail there.
    const blocker = join(dir, `hub.json.${process.pid}.tmp`);
    await mkdir(blocker, { mode: 0o700 });
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await expect(startHub()).rejects.toThrow(/EISDIR/);
    t = undefined;
    expect((await files()).hub).toBe(before.hub);
    expect((await files()).journal).toEqual(before.journal);
    await rm(blocker, { recursive: true });
    await expectUpgradedThroughApi(await startHub());
  });

  it('a crash in the middle of writing the upgraded snapshot leaves a partial temp file: ignored and removed, the next start upgrades', async () => {
    await oldFolder();
    const partial = join(dir, 'hub.json.999999.tmp');
    await writeFile(partial, '{"format":"sp-hub-store","version":2,"seq":8,"collections":{"customers":[{"id":"cus_a', { mode: 0o600 });
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await expectUpgradedThroughApi(await startHub());
    expect(await readdir(dir)).not.toContain('hub.json.999999.tmp');
  });

  it('a crash after the snapshot landed but before the old journal was removed: the old lines are skipped, nothing is upgraded twice', async () => {
    await oldFolder();
    const saved = join(dir, '..', `${dir.split('/').pop()}-journal`);
    await cp(join(dir, 'journal'), saved, { recursive: true });
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await (await startHub()).close();
    t = undefined;
    // Put the old journal back, as a crash between the rename and the removal leaves it.
    await cp(saved, join(dir, 'journal'), { recursive: true });
    await rm(saved, { recursive: true });
    expect((await files()).journal).toEqual(['00000001.jsonl']);
    await expectUpgradedThroughApi(await startHub());
  });

  it('refuses, changing nothing, an old record the upgrade cannot make valid, and a version no upgrade leads from', async () => {
    await writeStoreV1(dir, { customers: [customerV1('cus_acme', 100, 85), customerV1('cus_bad', 10, 5, { contractType: 'Lifetime' })] }, 1);
    const before = await files();
    await import('../../server/app.js');
    await expect(JournalStore.open({ dir })).rejects.toThrow(/customers\[1\] is not a valid record after upgrading from store version 1 \(contractType: .*\)\. The folder was left untouched\./);
    expect(await files()).toEqual(before);

    await writeFile(join(dir, 'hub.json'), JSON.stringify({ format: 'sp-hub-store', version: 0, seq: 0, savedAt: '2026-01-01T00:00:00.000Z', collections: {} }));
    await expect(JournalStore.open({ dir })).rejects.toThrow(/store version 0 and no upgrade leads from version 0 to 2/);
  });

  it('a folder with only an old journal (the old hub never compacted) is upgraded too', async () => {
    await writeStoreV1(dir, {}, 0, [{ s: 1, o: [['customers', 'cus_acme', customerV1('cus_acme', 100, 85)]] }]);
    await rm(join(dir, 'hub.json'));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const hub = await startHub();
    expect(await hub.admin.customer('cus_acme')).toMatchObject({ licenses: 85, licenseLimit: 100 });
    expect(JSON.parse((await files()).hub).version).toBe(STORE_VERSION);
  });
});

describe('the real hub on an old data folder', () => {
  it('says in one line of its start log what it upgraded, then answers with the upgraded records', async () => {
    await oldFolder();
    const hub = await startHubProcess({ SPHUB_DATA_DIR: dir, SPHUB_ADMIN_KEY: ADMIN_KEY });
    try {
      const lines = hub
        .output()
        .split('\n')
        .filter((l) => l.includes('Upgraded the store'));
      expect(lines).toEqual([expect.stringMatching(/^Upgraded the store in .* from version 1 to 2: v2: 3 customers: licenseLimit = the old licenses, licenses = protected accounts; /)]);
      const res = await fetch(`${hub.base}/api/v1/customers/cus_acme`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      expect(await res.json()).toMatchObject({ licenses: 85, licenseLimit: 100 });
    } finally {
      await hub.kill('SIGTERM');
    }
    expect(JSON.parse((await files()).hub).version).toBe(STORE_VERSION);
  }, 120_000);
});
