import type { Clock } from '../../shared/domain/clock.js';
import type { Job } from '../area.js';
import type { AlertService } from '../services/backup/alert-service.js';
import type { BackupService } from '../services/backup/backup-service.js';
import type { DashboardService } from '../services/backup/dashboard-service.js';
import type { HubTimers } from './runner.js';

export interface SchedulerOptions {
  /** Run the real timer (production); off, only `tick()` moves things (tests, benchmarks). */
  timer: boolean;
  /** How often the timer releases runner waits. */
  pulseMs?: number;
  /** How often due policies are looked for. */
  dueEveryMs?: number;
  /** How often alerts are compared and the day's license figures recorded. */
  monitorEveryMs?: number;
  /** Most sessions started per pass (the rest start on the next passes: none is lost). */
  maxStartsPerPass?: number;
}

export interface TickReport {
  started: number;
  raised: number;
  resolved: number;
  removedPolicies: number;
}

/**
 * Starts enabled policies when their next run is due, on the hub's clock. Restart-safe: a
 * session's start and its policy's next slot are one store write, so a restart neither loses
 * a due run (it is still due) nor doubles one (the slot moved with the start); sessions cut
 * off by a restart are ended Failed first (`recover`).
 */
export class BackupScheduler implements Job {
  readonly name = 'backup-scheduler';
  private handle: ReturnType<typeof setInterval> | null = null;
  private busy: Promise<void> | null = null;
  private lastDue = -Infinity;
  private lastMonitor = -Infinity;
  private readonly removedCustomers = new Set<string>();
  private readonly options: Required<SchedulerOptions>;

  constructor(
    private readonly clock: Clock,
    private readonly deps: { backup: BackupService; timers: HubTimers; alerts: AlertService; dashboard: DashboardService },
    options: SchedulerOptions,
  ) {
    this.options = { pulseMs: 250, dueEveryMs: 1_000, monitorEveryMs: 60_000, maxStartsPerPass: 200, ...options };
  }

  async start(): Promise<void> {
    const recovered = await this.deps.backup.recover();
    if (recovered > 0) console.log(`backup scheduler: ${recovered} session${recovered === 1 ? '' : 's'} interrupted by the restart marked Failed`);
    if (this.options.timer) {
      this.handle = setInterval(() => void this.pulse(), this.options.pulseMs);
      this.handle.unref?.();
      void this.pulse();
    }
  }

  async stop(): Promise<void> {
    if (this.handle) clearInterval(this.handle);
    this.handle = null;
    await this.busy;
    await this.deps.backup.close();
  }

  /** A customer was removed: its policies go on the next pass. */
  customerRemoved(customerId: string): void {
    this.removedCustomers.add(customerId);
  }

  /**
   * Everything that is due now, at once: runner waits, due policies, orphaned policies, the
   * alert monitor and the license figures; then lets running sessions catch up with the clock.
   */
  async tick(): Promise<TickReport> {
    await this.busy;
    this.deps.timers.fire();
    const removedPolicies = await this.removeOrphans();
    let started = 0;
    // Several passes when more are due than one pass starts.
    for (let pass = 0; pass < 1_000; pass++) {
      const n = await this.deps.backup.runDue(this.options.maxStartsPerPass);
      started += n;
      if (n < this.options.maxStartsPerPass) break;
    }
    await this.deps.backup.settle();
    const { raised, resolved } = await this.deps.alerts.monitor();
    await this.deps.dashboard.snapshotLicenses();
    return { started, raised, resolved, removedPolicies };
  }

  private pulse(): Promise<void> {
    if (this.busy) return this.busy;
    const run = async () => {
      try {
        this.deps.timers.fire();
        const now = this.clock.now().getTime();
        if (now - this.lastDue >= this.options.dueEveryMs) {
          this.lastDue = now;
          await this.removeOrphans();
          await this.deps.backup.runDue(this.options.maxStartsPerPass);
        }
        if (now - this.lastMonitor >= this.options.monitorEveryMs) {
          this.lastMonitor = now;
          await this.deps.alerts.monitor();
          await this.deps.dashboard.snapshotLicenses();
        }
      } catch (error) {
        console.error('backup scheduler:', error);
      }
    };
    // Cleared in a later turn, after `busy` is set, even when the pass finishes without waiting.
    this.busy = run().finally(() => {
      this.busy = null;
    });
    return this.busy;
  }

  private async removeOrphans(): Promise<number> {
    let removed = 0;
    for (const id of [...this.removedCustomers]) {
      this.removedCustomers.delete(id);
      removed += await this.deps.backup.removeOrphans(id);
    }
    return removed;
  }
}
