import type { Customer } from '../../../shared/schemas/customers.js';
import type { LogStatus } from '../../../shared/schemas/backup.js';
import type { HubApp } from '../../app.js';
import type { BackupJob, BackupRunner, RunResult, SessionControl } from '../../jobs/runner.js';
import { samplePolicy } from '../../../shared/domain/testing.js';
import { customers } from '../customer-collection.js';
import { policies, tenantConnections } from './collections.js';

// Fixtures for the backup area's tests (not used by the running hub).

let n = 0;

/** A valid customer record; active unless said otherwise. */
export function testCustomer(over: Partial<Customer> = {}): Customer {
  n += 1;
  const id = over.id ?? `cus_test${n}`;
  const name = over.displayName ?? `Customer ${n}`;
  const domain = over.domain ?? `${name.toLowerCase().replace(/[^a-z0-9]+/g, '')}.com`;
  return {
    id,
    displayName: name,
    domain,
    contact: { firstName: 'Ada', lastName: 'Admin', email: `ada@${domain}` },
    status: 'active',
    createdAt: '2026-09-01T00:00:00.000Z',
    provisionedAt: '2026-09-01T00:10:00.000Z',
    tenantDomain: `${domain.split('.')[0]}.onmicrosoft.com`,
    subscriptionIds: [],
    contractType: 'Month to month',
    licenses: over.backedUpAccounts ?? 40,
    licenseLimit: 100,
    licenseModel: 'Variable',
    sourceType: 'VCSP Pulse',
    activationDate: '2026-09-02',
    storageConsumedGb: 10,
    backedUpAccounts: 40,
    totalActiveAccounts: 45,
    userChangeThisMonth: 0,
    userChangeLastMonth: 0,
    invites: [],
    admins: [],
    ...over,
  };
}

/** Puts customers straight into the store, as the customers area would have. */
export async function putCustomers(hub: HubApp, ...list: Customer[]): Promise<void> {
  await hub.ctx.store.write((tx) => {
    for (const c of list) tx.put(customers, c);
  });
}

export interface ScriptedSession {
  status: RunResult['status'];
  /** Hub-clock ms the session takes (split into two waits around the log records). */
  durationMs?: number;
  summary?: string | null;
  logs?: [LogStatus, string][];
  throws?: string;
}

/**
 * A deterministic runner for tests: each session follows the next script (the last one
 * repeats), waits on the hub's clock and reports fixed progress.
 */
export class ScriptedRunner implements BackupRunner {
  readonly name = 'ScriptedRunner';
  readonly jobs: BackupJob[] = [];
  constructor(private readonly scripts: ScriptedSession[]) {}

  async run(job: BackupJob, control: SessionControl): Promise<RunResult> {
    const script = this.scripts[Math.min(this.jobs.length, this.scripts.length - 1)]!;
    this.jobs.push(job);
    const duration = script.durationMs ?? 60_000;
    control.log('Info', 'Job started');
    control.progress({ totalObjects: 10, excludedObjects: 1 });
    await control.wait(duration / 2);
    if (control.signal.aborted) return { status: 'Failed', summary: 'aborted' };
    control.progress({ progress: 50, processedObjects: 5, transferredBytes: 5_000 });
    for (const [status, message] of script.logs ?? []) control.log(status, message);
    if (script.throws) throw new Error(script.throws);
    await control.wait(duration / 2);
    if (control.signal.aborted) return { status: 'Failed', summary: 'aborted' };
    control.progress({ progress: 100, processedObjects: 9, transferredBytes: 9_000 });
    control.log(script.status === 'Success' ? 'Success' : script.status === 'Warning' ? 'Warning' : 'Failed', `Job finished with status ${script.status}`);
    return { status: script.status, summary: script.summary ?? null };
  }
}

/** Moves the fake clock in steps, letting running sessions catch up after each. */
export async function advance(hub: HubApp, clock: { advance(ms: number): Date }, ms: number, step = 10_000): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    clock.advance(Math.min(step, ms - done));
    await hub.ctx.services.backup.settle();
  }
}

export const MORNING = '2026-11-24T09:00:00Z';

/**
 * The morning of 24 November 2026 (MORNING): Acme has a failed, stale policy, 85 % of its
 * licenses and 95 % of its storage quota in use; Bravo a warning, a stale policy and a disabled
 * failed one; Charlie a broken tenant connection.
 */
export async function putMorning(hub: HubApp): Promise<{ acme: Customer; bravo: Customer; charlie: Customer }> {
  const acme = testCustomer({ id: 'cus_acme', displayName: 'Acme Corp', domain: 'acme.com', licenses: 100, backedUpAccounts: 85, storageQuotaGb: 1000, storageConsumedGb: 950 });
  const bravo = testCustomer({ id: 'cus_bravo', displayName: 'Bravo Ltd', domain: 'bravo.io', licenses: 100, backedUpAccounts: 50 });
  const charlie = testCustomer({ id: 'cus_charlie', displayName: 'Charlie GmbH', domain: 'charlie.de', tenantDomain: 'charlie.onmicrosoft.com' });
  await putCustomers(hub, acme, bravo, charlie);
  const base = { createdAt: '2026-11-01T00:00:00.000Z', nextRun: '2026-11-25T01:30:00.000Z' };
  await hub.ctx.store.write((tx) => {
    tx.put(
      policies,
      samplePolicy({
        ...base,
        id: 'pol_acme_mail',
        customerId: acme.id,
        name: 'Mail',
        lastRun: '2026-11-24T01:30:00.000Z',
        lastStatus: 'Failed',
        lastResult: 'Failed',
        lastMessage: 'throttled',
        failingSince: '2026-11-23T01:40:00.000Z',
        lastSuccessAt: '2026-11-22T01:45:00.000Z',
      }),
    );
    tx.put(policies, samplePolicy({ ...base, id: 'pol_acme_sites', customerId: acme.id, name: 'Sites', lastStatus: 'Success', lastResult: 'Success', lastSuccessAt: '2026-11-24T01:50:00.000Z' }));
    tx.put(
      policies,
      samplePolicy({
        ...base,
        id: 'pol_bravo_all',
        customerId: bravo.id,
        name: 'All',
        lastStatus: 'Warning',
        lastResult: 'Warning',
        failingSince: '2026-11-24T02:00:00.000Z',
        lastSuccessAt: '2026-11-24T02:00:00.000Z',
      }),
    );
    tx.put(policies, samplePolicy({ ...base, id: 'pol_bravo_teams', customerId: bravo.id, name: 'Teams', lastStatus: 'Success', lastResult: 'Success', lastSuccessAt: '2026-11-22T08:00:00.000Z' }));
    tx.put(
      policies,
      samplePolicy({
        ...base,
        id: 'pol_bravo_off',
        customerId: bravo.id,
        name: 'Off',
        enabled: false,
        nextRun: null,
        lastStatus: 'Failed',
        lastResult: 'Failed',
        failingSince: '2026-11-20T00:00:00.000Z',
      }),
    );
    tx.put(
      policies,
      samplePolicy({
        ...base,
        id: 'pol_charlie',
        customerId: charlie.id,
        name: 'All',
        lastStatus: 'Disconnected',
        lastResult: 'Disconnected',
        failingSince: '2026-11-23T02:00:00.000Z',
        lastSuccessAt: '2026-11-22T00:00:00.000Z',
      }),
    );
    tx.put(tenantConnections, { id: charlie.id, customerId: charlie.id, status: 'broken', reason: 'consent revoked', since: '2026-11-23T01:00:00.000Z' });
  });
  return { acme, bravo, charlie };
}
