import { HOUR, type Clock } from '../../shared/domain/clock.js';
import type { Job } from '../area.js';
import type { ScheduledRun, UsageService } from '../services/usage/usage-service.js';

/**
 * Drives monthly usage reporting: every pass records today's licensed-user counts, generates the
 * previous month's report from the 1st on, and announces due, overdue and suspended reports.
 * Each pass is idempotent, so the interval only bounds how late things happen. Tests leave the
 * job stopped and call `tick()` with a FakeClock.
 */
export class UsageScheduler implements Job {
  readonly name = 'usage-reports';
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<ScheduledRun> | null = null;

  constructor(
    private readonly usage: UsageService,
    private readonly clock: Clock,
    private readonly intervalMs = HOUR,
  ) {}

  /** One pass now; a pass already under way is joined rather than doubled. */
  tick(): Promise<ScheduledRun> {
    if (this.running) return this.running;
    this.running = this.usage.runScheduled(this.clock.now()).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  start(): void {
    if (this.timer) return;
    const pass = () => void this.tick().catch((error: unknown) => console.error('usage reporting pass failed:', error instanceof Error ? error.message : error));
    pass();
    this.timer = setInterval(pass, this.intervalMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}
