import type { Job } from '../../area.js';
import type { StatusService } from './status-service.js';

/**
 * Asks the status source again every TTL and announces changes, so `status.changed` goes out
 * even when nobody is looking at the status (and maintenance windows start and end on time).
 */
export class StatusPoller implements Job {
  readonly name = 'service-status';
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly status: StatusService,
    private readonly intervalMs: number,
  ) {}

  tick(): Promise<unknown> {
    if (this.running) return this.running;
    this.running = this.status
      .check()
      .catch((error: unknown) => console.error('service status check failed:', error instanceof Error ? error.message : error))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  start(): void {
    if (this.timer) return;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
