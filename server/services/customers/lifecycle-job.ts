import type { Job } from '../../area.js';
import type { CustomerService } from './customer-service.js';

/**
 * Moves customers on with time: provisioning -> pending once `provisionedAt` has passed. (An
 * offboarding ends only when Veeam deletes the customer, never by date.) Due times are stored on the customers, so a
 * restart loses nothing: the first tick after start catches up. Time comes from ctx.clock;
 * tests call `tick()` after moving a FakeClock instead of waiting for the timer.
 */
export class CustomerLifecycleJob implements Job {
  readonly name = 'customer-lifecycle';
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly customers: CustomerService,
    private readonly intervalMs = 1000,
  ) {}

  /** Advances every due customer once; overlapping calls share one run. */
  async tick(): Promise<{ provisioned: string[] }> {
    if (this.running) await this.running;
    const run = this.customers.advanceDue();
    this.running = run;
    try {
      return await run;
    } finally {
      if (this.running === run) this.running = null;
    }
  }

  start(): void {
    if (this.timer) return;
    const beat = () => {
      this.tick().catch((error: unknown) => console.error('customer lifecycle tick failed:', error instanceof Error ? error.message : error));
    };
    beat();
    this.timer = setInterval(beat, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}
