import { randomBytes } from 'node:crypto';
import { selfServiceRestoreRefusalText } from '../../../shared/domain/customer-lifecycle.js';
import { dayOf, monthOf, previousMonth } from '../../../shared/domain/units.js';
import type { Restore, RestoreInput, RestoreQuery, RestoreUpdate } from '../../../shared/schemas/backup.js';
import type { Page } from '../../../shared/schemas/common.js';
import type { Principal } from '../../auth/principal.js';
import type { HubContext } from '../../context.js';
import { localizedError, notFound } from '../../http/errors.js';
import { recordChange } from '../changes.js';
import type { CustomerDirectory } from './customer-directory.js';
import { bumpRestore } from './daily-figures.js';

// Restore requests and their outcome. They only grow, so they are appended to a file per month
// (a new version of a record when its outcome arrives); this month and the last are in memory.

const restoreFile = (month: string) => `restores/${month}.jsonl`;
/** The id carries its month (`rst_202611_…`) so an old restore finds its file. */
const monthOfId = (id: string): string | null => {
  const m = /^rst_(\d{4})(\d{2})_[0-9a-f]+$/.exec(id);
  return m ? `${m[1]}-${m[2]}` : null;
};

export class RestoreService {
  private readonly recent = new Map<string, Restore>();
  private loadedMonths = new Set<string>();

  constructor(
    private readonly ctx: HubContext,
    private readonly directory: CustomerDirectory,
  ) {
    // Restores recorded or updated by other hubs on the same database.
    ctx.logs.onAppended('restores/', (file, records) => {
      if (!this.loadedMonths.has(file.slice('restores/'.length, -'.jsonl'.length))) return;
      for (const r of records as Restore[]) this.recent.set(r.id, r);
    });
  }

  async load(): Promise<void> {
    const month = monthOf(this.ctx.clock.now());
    for (const m of [previousMonth(month), month]) {
      for (const r of await this.ctx.logs.read<Restore>(restoreFile(m))) this.recent.set(r.id, r);
      this.loadedMonths.add(m);
    }
  }

  async list(query: RestoreQuery): Promise<Page<Restore>> {
    const source = query.month && !this.loadedMonths.has(query.month) ? await this.readMonth(query.month) : [...this.recent.values()];
    const kinds = query.kind?.length ? new Set(query.kind) : null;
    const statuses = query.status?.length ? new Set(query.status) : null;
    const q = query.q?.toLowerCase();
    const items = source
      .filter(
        (r) =>
          (!query.customerId || r.customerId === query.customerId) &&
          (!query.month || r.requestedAt.startsWith(query.month)) &&
          (!kinds || kinds.has(r.kind)) &&
          (!statuses || statuses.has(r.status)) &&
          (!q || `${r.item} ${r.requestedBy} ${r.customerName}`.toLowerCase().includes(q)),
      )
      .sort((a, b) => (a.requestedAt < b.requestedAt ? 1 : a.requestedAt > b.requestedAt ? -1 : a.id < b.id ? 1 : -1));
    const start = (query.page - 1) * query.pageSize;
    return { items: items.slice(start, start + query.pageSize), total: items.length, page: query.page, pageSize: query.pageSize };
  }

  async get(id: string): Promise<Restore> {
    const restore = this.recent.get(id) ?? (await this.find(id));
    if (!restore) throw notFound('Restore', id);
    return restore;
  }

  async create(principal: Principal, input: RestoreInput): Promise<Restore> {
    const customer = this.directory.get(input.customerId);
    if (!customer) throw notFound('Customer', input.customerId);
    if (customer.status !== 'active') throw localizedError('conflict', { key: 'api.restore.customerInactive', params: { customer: customer.displayName, status: customer.status } });
    const refusal = input.mode === 'selfService' ? selfServiceRestoreRefusalText(customer) : null;
    if (refusal) throw localizedError('conflict', refusal);
    const now = this.ctx.clock.now();
    const done = input.status !== 'Running';
    const restore: Restore = {
      id: `rst_${monthOf(now).replace('-', '')}_${randomBytes(6).toString('hex')}`,
      customerId: customer.id,
      customerName: customer.displayName,
      kind: input.kind,
      mode: input.mode,
      item: input.item,
      requestedBy: input.requestedBy ?? principal.actor.name,
      status: input.status,
      outcome: input.outcome ?? null,
      restoredItems: input.restoredItems ?? null,
      requestedAt: now.toISOString(),
      completedAt: done ? now.toISOString() : null,
      recordedBy: principal.actor.name,
    };
    await this.ctx.logs.append(restoreFile(monthOf(now)), [restore]);
    this.recent.set(restore.id, restore);
    await this.ctx.store.write((tx) => bumpRestore(tx, dayOf(now), customer.id));
    await recordChange(this.ctx, principal, {
      action: 'restore.requested',
      target: { type: 'restore', id: restore.id, name: restore.item },
      customerId: customer.id,
      details: { kind: restore.kind, mode: restore.mode, requestedBy: restore.requestedBy, status: restore.status },
      data: { ...eventData(restore), topic: 'restoreActivity' },
    });
    if (done) await this.announceCompleted(principal, restore);
    return restore;
  }

  async update(principal: Principal, id: string, input: RestoreUpdate): Promise<Restore> {
    const current = await this.get(id);
    if (current.status !== 'Running') {
      throw localizedError(
        'conflict',
        current.completedAt ? { key: 'api.restore.endedAt', params: { id, status: current.status, at: current.completedAt } } : { key: 'api.restore.ended', params: { id, status: current.status } },
      );
    }
    const updated: Restore = {
      ...current,
      status: input.status,
      outcome: input.outcome ?? current.outcome,
      restoredItems: input.restoredItems ?? current.restoredItems,
      completedAt: this.ctx.clock.now().toISOString(),
    };
    await this.ctx.logs.append(restoreFile(monthOfId(id) ?? monthOf(current.requestedAt)), [updated]);
    if (this.recent.has(id)) this.recent.set(id, updated);
    await this.announceCompleted(principal, updated, true);
    return updated;
  }

  /** Writes restores recorded elsewhere (demo data, imports) without events. */
  async importRecords(records: readonly Restore[]): Promise<void> {
    const byMonth = new Map<string, Restore[]>();
    for (const r of records) {
      const month = monthOf(r.requestedAt);
      byMonth.set(month, [...(byMonth.get(month) ?? []), r]);
    }
    for (const [month, list] of byMonth) await this.ctx.logs.append(restoreFile(month), list);
    for (const r of records) if (this.loadedMonths.has(monthOf(r.requestedAt))) this.recent.set(r.id, r);
  }

  /** Restores requested in a month (any status), for exports and reports. */
  async ofMonth(month: string): Promise<Restore[]> {
    return this.loadedMonths.has(month) ? [...this.recent.values()].filter((r) => r.requestedAt.startsWith(month)) : this.readMonth(month);
  }

  private async announceCompleted(principal: Principal, restore: Restore, audited = false): Promise<void> {
    const change = {
      action: 'restore.completed',
      target: { type: 'restore', id: restore.id, name: restore.item },
      customerId: restore.customerId,
      details: { status: restore.status, outcome: restore.outcome },
      data: { ...eventData(restore), topic: 'restoreActivity' },
    };
    if (audited) await recordChange(this.ctx, principal, change);
    else {
      await this.ctx.events.emit({
        type: change.action,
        customerId: restore.customerId,
        subject: { type: 'restore', id: restore.id, name: restore.item },
        data: { ...change.data, actor: principal.actor.name, channel: principal.actor.channel },
      });
    }
  }

  private async find(id: string): Promise<Restore | undefined> {
    const month = monthOfId(id);
    if (!month) return undefined;
    return (await this.readMonth(month)).find((r) => r.id === id);
  }

  /** The latest version of each restore of a month. */
  private async readMonth(month: string): Promise<Restore[]> {
    const latest = new Map<string, Restore>();
    for (const r of await this.ctx.logs.read<Restore>(restoreFile(month))) latest.set(r.id, r);
    return [...latest.values()];
  }
}

function eventData(r: Restore): Record<string, unknown> {
  return { restoreId: r.id, kind: r.kind, mode: r.mode, item: r.item, requestedBy: r.requestedBy, status: r.status, outcome: r.outcome, customerName: r.customerName };
}
