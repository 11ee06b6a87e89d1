import type { Customer } from '../../../shared/schemas/customers.js';
import type { LogStatus } from '../../../shared/schemas/backup.js';
import type { HubApp } from '../../app.js';
import type { BackupJob, BackupRunner, RunResult, SessionControl } from '../../jobs/runner.js';
import { customers } from '../customer-collection.js';

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
    licenses: 100,
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
