import { randomUUID } from 'node:crypto';
import type { SyncError, SyncRun } from '../../shared/schemas/connections.js';
import type { Job } from '../area.js';
import type { HubContext } from '../context.js';
import { localizedError, notFound } from '../http/errors.js';
import { newId } from '../ids.js';
import { connections, type ConnectionRecord } from './collections.js';
import type { SyncPlan } from './kind.js';
import { runsFile, type ConnectionService } from './service.js';

export interface SyncEngineOptions {
  /** How long a claim on a connection lasts without renewal (a crashed hub's claim expires). */
  leaseMs?: number;
  /** How often the scheduler looks for due connections (real time). */
  tickMs?: number;
  /** Starts the timer (off in tests, which call tick()). */
  timer?: boolean;
  /** Called after every run (the alert monitor, so connectionFailing is raised and cleared). */
  afterRun?: () => Promise<unknown>;
}

/**
 * Runs syncs: one at a time per connection (in this process by a map, across processes and
 * restarts by a lease in the store that expires unless renewed), each run all or nothing (the
 * kind reads everything first; one store write applies it), every run recorded with its counts,
 * requests and errors. A scheduler starts each connection every syncIntervalMinutes, spread by a
 * jitter per connection so many connections do not hit their upstreams at the same moment.
 */
export class SyncEngine implements Job {
  readonly name = 'connection sync';
  private readonly running = new Map<string, Promise<SyncRun>>();
  private readonly holder = randomUUID();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly ctx: HubContext,
    private readonly service: ConnectionService,
    private readonly options: SyncEngineOptions = {},
  ) {}

  isRunning(connectionId: string): boolean {
    return this.running.has(connectionId);
  }

  /** Starts a run now; refuses (409) while one of the same connection runs here or elsewhere. */
  async begin(connectionId: string, trigger: SyncRun['trigger']): Promise<{ run: SyncRun; done: Promise<SyncRun> }> {
    const record = this.service.record(connectionId);
    if (this.running.has(connectionId)) throw localizedError('conflict', { key: 'api.connection.syncRunning', params: { name: record.name, id: connectionId } });
    if (this.stopped) throw localizedError('conflict', { key: 'api.connection.shuttingDown' });
    const now = this.ctx.clock.now();
    const run: SyncRun = { id: newId('run'), connectionId, trigger, startedAt: now.toISOString(), endedAt: null, result: 'running', counts: {}, requests: 0, errors: [], notes: [] };
    let interrupted: SyncRun | null = null;
    await this.ctx.store.write((tx) => {
      const current = tx.get(connections, connectionId);
      if (!current) throw notFound('Connection', connectionId);
      const lease = current.lease;
      if (lease && Date.parse(lease.expiresAt) > now.getTime()) {
        throw localizedError('conflict', {
          key: lease.holder === this.holder ? 'api.connection.syncRunningRun' : 'api.connection.syncRunningElsewhere',
          params: { name: current.name, run: lease.runId },
        });
      }
      if (lease && current.lastRun?.id === lease.runId && current.lastRun.result === 'running') {
        interrupted = {
          ...current.lastRun,
          result: 'interrupted',
          endedAt: now.toISOString(),
          errors: [{ message: 'The run stopped without finishing (SP Hub stopped or crashed); nothing of it was applied.', path: null, status: null, requestId: null }],
        };
      }
      tx.put(connections, { ...current, lease: { runId: run.id, holder: this.holder, expiresAt: this.leaseEnd(now) }, lastRun: run });
    });
    if (interrupted) await this.ctx.logs.append(runsFile(connectionId), [interrupted]);
    await this.ctx.logs.append(runsFile(connectionId), [run]);
    const done = this.execute(record, run).finally(() => this.running.delete(connectionId));
    this.running.set(connectionId, done);
    return { run, done };
  }

  /** Runs and waits for the end. */
  async run(connectionId: string, trigger: SyncRun['trigger'] = 'manual'): Promise<SyncRun> {
    return (await this.begin(connectionId, trigger)).done;
  }

  private async execute(record: ConnectionRecord, started: SyncRun): Promise<SyncRun> {
    const kind = this.service.kindOf(record);
    const abort = new AbortController();
    const renew = setInterval(() => void this.renew(record.id, started.id).catch(() => undefined), Math.max(1000, (this.options.leaseMs ?? 120_000) / 3));
    renew.unref();
    let run: SyncRun;
    try {
      const secret = this.service.secretOf(record);
      const plan: SyncPlan = await kind.read({ ctx: this.ctx, connection: record, secret, now: this.ctx.clock.now(), signal: abort.signal });
      await plan.prepare();
      const endedAt = this.ctx.clock.now().toISOString();
      run = { ...started, endedAt, result: 'success', counts: plan.counts, requests: plan.requests, notes: plan.notes };
      const final = run;
      await this.ctx.store.write((tx) => {
        const current = tx.get(connections, record.id);
        if (!current || current.lease?.runId !== started.id) throw localizedError('conflict', { key: 'api.connection.takenOver' });
        plan.apply(tx);
        tx.put(connections, { ...current, lease: null, status: 'ok', lastError: null, failingSince: null, lastRun: final, lastSuccessAt: endedAt, state: { ...current.state, ...plan.state } });
      });
      await plan.after().catch((error) => console.error(`connection ${record.id}: announcing the run's changes failed:`, (error as Error).message));
    } catch (error) {
      const described: SyncError = kind.describeError(error);
      const requests = Number((error as { requests?: number }).requests ?? 0);
      run = { ...started, endedAt: this.ctx.clock.now().toISOString(), result: 'failed', counts: {}, requests, errors: [described], notes: [] };
      const final = run;
      await this.ctx.store
        .write((tx) => {
          const current = tx.get(connections, record.id);
          if (!current) return;
          tx.put(connections, {
            ...current,
            lease: current.lease?.runId === started.id ? null : current.lease,
            status: 'failing',
            lastError: described.message,
            failingSince: current.failingSince ?? final.endedAt,
            lastRun: final,
          });
        })
        .catch((e) => console.error(`connection ${record.id}: the failed run could not be recorded:`, (e as Error).message));
      console.warn(`connection ${record.name} (${record.id}): sync failed: ${described.message}${described.requestId ? ` [X-Request-id ${described.requestId}]` : ''}`);
    } finally {
      clearInterval(renew);
    }
    await this.ctx.logs.append(runsFile(record.id), [run]);
    // One event per run (not per record): SSE clients and the extension refresh from it.
    await this.ctx.events
      .emit({
        type: run.result === 'success' ? 'connection.synced' : 'connection.sync.failed',
        subject: { type: 'connection', id: record.id, name: record.name },
        data: { runId: run.id, result: run.result, counts: run.counts, requests: run.requests, ...(run.errors[0] && { error: run.errors[0].message }) },
      })
      .catch(() => undefined);
    await this.options.afterRun?.().catch(() => undefined);
    return run;
  }

  private async renew(connectionId: string, runId: string): Promise<void> {
    await this.ctx.store.write((tx) => {
      const current = tx.get(connections, connectionId);
      if (current?.lease?.runId !== runId) return;
      tx.put(connections, { ...current, lease: { ...current.lease, expiresAt: this.leaseEnd(this.ctx.clock.now()) } });
    });
  }

  private leaseEnd(now: Date): string {
    return new Date(now.getTime() + (this.options.leaseMs ?? 120_000)).toISOString();
  }

  // ---- the schedule ----

  /** Whether a connection's next scheduled run is due: its interval after the last run started, plus its jitter. */
  due(c: ConnectionRecord, now: Date): boolean {
    if (!c.enabled) return false;
    if (!c.lastRun) return true;
    const interval = c.syncIntervalMinutes * 60_000;
    return Date.parse(c.lastRun.startedAt) + interval + jitterMs(c.id, interval) <= now.getTime();
  }

  /** Starts every due connection not already syncing; returns the runs started (tests await them). */
  async tick(): Promise<Promise<SyncRun>[]> {
    const now = this.ctx.clock.now();
    const started: Promise<SyncRun>[] = [];
    for (const c of this.ctx.store.all(connections)) {
      if (this.running.has(c.id) || !this.due(c, now)) continue;
      if (c.lease && Date.parse(c.lease.expiresAt) > now.getTime()) continue;
      try {
        started.push((await this.begin(c.id, 'schedule')).done);
      } catch (error) {
        console.warn(`connection ${c.id}: scheduled sync not started: ${(error as Error).message}`);
      }
    }
    return started;
  }

  start(): void {
    if (this.options.timer === false || this.timer) return;
    this.timer = setInterval(() => void this.tick().catch((e) => console.error('connection scheduler:', (e as Error).message)), this.options.tickMs ?? 30_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled(this.running.values());
  }

  /** Waits for the runs in progress (tests). */
  async idle(): Promise<void> {
    await Promise.allSettled(this.running.values());
  }
}

/** Up to a fifth of the interval, fixed per connection. */
function jitterMs(id: string, interval: number): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return Math.floor(((h >>> 0) / 4294967296) * interval * 0.2);
}
