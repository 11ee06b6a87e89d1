import type { Clock } from '../../shared/domain/clock.js';
import type { LogStatus, Policy } from '../../shared/schemas/backup.js';
import type { Customer } from '../../shared/schemas/customers.js';

// Executing a backup against Microsoft 365 belongs to VDC; the hub talks to whatever does it
// through this interface. The built-in implementation is SimulatedRunner (runner-simulated.ts).

/** What a runner is asked to back up. */
export interface BackupJob {
  sessionId: string;
  /** The policy as it was when the session started. */
  policy: Policy;
  customer: {
    id: string;
    displayName: string;
    domain: string | null;
    tenantDomain: string | null;
    totalActiveAccounts: number;
    backedUpAccounts: number;
  };
  /** The customer's Microsoft 365 organization connection as the hub knows it. */
  tenant: { connected: boolean; reason: string | null };
  startedAt: Date;
}

/** The job for one session of `policy`: what the runner needs of the customer, and the tenant connection. */
export function backupJob(sessionId: string, policy: Policy, customer: Customer, tenant: BackupJob['tenant'], startedAt: Date): BackupJob {
  return {
    sessionId,
    policy,
    customer: {
      id: customer.id,
      displayName: customer.displayName,
      domain: customer.domain ?? null,
      tenantDomain: customer.tenantDomain ?? null,
      totalActiveAccounts: customer.totalActiveAccounts,
      backedUpAccounts: customer.backedUpAccounts,
    },
    tenant,
    startedAt,
  };
}

export interface SessionCounters {
  /** Percent done, 0-100. */
  progress: number;
  totalObjects: number;
  excludedObjects: number;
  processedObjects: number;
  transferredBytes: number;
}

/** What the hub gives a runner to report through while a session runs. */
export interface SessionControl {
  /** Aborted when someone stops the session: stop working and return. */
  readonly signal: AbortSignal;
  now(): Date;
  /** Waits this long on the hub's clock (tests move a fake one); resolves early once stopped. */
  wait(ms: number): Promise<void>;
  /** Adds a log record (time, status, message); the hub persists them in order. */
  log(status: LogStatus, message: string): void;
  progress(update: Partial<SessionCounters>): void;
}

/** How a session ended, as far as the runner is concerned (stopping is the hub's business). */
export interface RunResult {
  status: 'Success' | 'Warning' | 'Failed' | 'Disconnected';
  /** One line for the policy list and alerts (the failure reason...). */
  summary: string | null;
}

export interface BackupRunner {
  /** Shown on every session (`runner`). */
  readonly name: string;
  run(job: BackupJob, control: SessionControl): Promise<RunResult>;
}

/**
 * Waits measured on the hub's clock. Nothing here sleeps: `fire()` releases every wait that is
 * due, and the scheduler calls it from a real timer in production and from `tick()` in tests.
 */
export class HubTimers {
  private waiting: { due: number; resolve: () => void }[] = [];

  constructor(private readonly clock: Clock) {}

  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    if (!(ms > 0)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const onAbort = () => {
        this.waiting = this.waiting.filter((w) => w !== entry);
        resolve();
      };
      const entry = {
        due: this.clock.now().getTime() + ms,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.waiting.push(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Releases every due wait; returns how many. */
  fire(): number {
    const now = this.clock.now().getTime();
    const due = this.waiting.filter((w) => w.due <= now);
    if (due.length === 0) return 0;
    this.waiting = this.waiting.filter((w) => w.due > now);
    for (const w of due) w.resolve();
    return due.length;
  }

  /** Waits not yet due. */
  get pending(): number {
    return this.waiting.length;
  }

  /** The earliest due time, for a timer to aim at. */
  nextDue(): number | null {
    let next: number | null = null;
    for (const w of this.waiting) if (next === null || w.due < next) next = w.due;
    return next;
  }
}
