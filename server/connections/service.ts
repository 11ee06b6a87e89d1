import { pageOf } from '../../shared/domain/paging.js';
import type { Page } from '../../shared/schemas/common.js';
import { say } from '../../shared/i18n/index.js';
import type { ConnectionInput, ConnectionTestResult, ConnectionUpdate, ConnectionView, CustomerSourceInput, SyncRun } from '../../shared/schemas/connections.js';
import type { Customer } from '../../shared/schemas/customers.js';
import type { Principal } from '../auth/principal.js';
import type { HubContext } from '../context.js';
import { localizedError, notFound } from '../http/errors.js';
import { newId } from '../ids.js';
import { recordChange } from '../services/changes.js';
import { customers } from '../services/customer-collection.js';
import { baseUrlProblem, baseUrlProblemText, normalizeBaseUrl } from './base-url.js';
import { connections, syncedAlarms, type ConnectionRecord } from './collections.js';
import type { ConnectionKindModule } from './kind.js';
import type { SecretBox } from './secrets.js';

export const runsFile = (connectionId: string): string => `connection-runs/${connectionId}.jsonl`;

/**
 * Connections: their records (secrets sealed, never answered), the connection test, the runs
 * history, and explicit links of hub customers to upstream records.
 */
export class ConnectionService {
  constructor(
    private readonly ctx: HubContext,
    private readonly deps: { box: SecretBox; kinds: ReadonlyMap<string, ConnectionKindModule>; syncing: (id: string) => boolean },
  ) {}

  list(query: { page: number; pageSize: number }): Page<ConnectionView> {
    const sorted = [...this.ctx.store.all(connections)].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    const page = pageOf(sorted, query);
    return { ...page, items: page.items.map((c) => this.view(c)) };
  }

  get(id: string): ConnectionView {
    return this.view(this.record(id));
  }

  record(id: string): ConnectionRecord {
    const record = this.ctx.store.get(connections, id);
    if (!record) throw notFound('Connection', id);
    return record;
  }

  /** The API key or password, opened for a call; never leaves the server. */
  secretOf(record: ConnectionRecord): string {
    return this.deps.box.open(record.sealedSecret);
  }

  kindOf(record: ConnectionRecord): ConnectionKindModule {
    const kind = this.deps.kinds.get(record.kind);
    if (!kind) throw localizedError('conflict', { key: 'api.connection.kindUnknown', params: { kind: record.kind } });
    return kind;
  }

  view(c: ConnectionRecord): ConnectionView {
    return {
      id: c.id,
      kind: c.kind,
      name: c.name,
      baseUrl: c.baseUrl,
      auth: { type: c.authType, username: c.username, secretSet: c.sealedSecret !== '' },
      caCertificate: c.caCertificatePem !== null,
      insecureSkipVerify: c.insecureSkipVerify,
      syncIntervalMinutes: c.syncIntervalMinutes,
      enabled: c.enabled,
      customerId: c.customerId ?? null,
      status: c.status,
      lastError: c.lastError,
      lastRun: c.lastRun,
      lastSuccessAt: c.lastSuccessAt,
      syncing: this.deps.syncing(c.id) || (c.lease !== null && Date.parse(c.lease.expiresAt) > this.ctx.clock.now().getTime()),
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    };
  }

  async create(principal: Principal, input: ConnectionInput): Promise<ConnectionView> {
    if (!this.deps.kinds.has(input.kind))
      throw localizedError('invalid_input', { key: 'api.connection.kindUnsupported', params: { kind: input.kind } }, [{ field: 'body.kind', message: 'is not a supported kind' }]);
    const baseUrl = this.checkedBaseUrl(input.baseUrl);
    const kind = this.deps.kinds.get(input.kind)!;
    const customerId = input.customerId ?? null;
    if (kind.needsCustomer) {
      if (!customerId)
        throw localizedError('invalid_input', { key: 'api.connection.needsCustomer', params: { kind: kind.label } }, [{ field: 'body.customerId', message: 'is required for this kind' }]);
      if (input.auth.type !== 'apiKey')
        throw localizedError('invalid_input', { key: 'api.connection.needsApiKey', params: { kind: kind.label } }, [{ field: 'body.auth.type', message: 'must be apiKey for this kind' }]);
      const customer = this.ctx.store.get(customers, customerId);
      if (!customer || customer.status === 'offboarded')
        throw localizedError('invalid_input', { key: 'api.connection.noCustomer', params: { id: customerId } }, [{ field: 'body.customerId', message: 'is not a customer' }]);
    } else if (customerId)
      throw localizedError('invalid_input', { key: 'api.connection.noCustomerHere', params: { kind: kind.label } }, [{ field: 'body.customerId', message: 'does not apply to this kind' }]);
    const now = this.ctx.clock.now().toISOString();
    const record: ConnectionRecord = {
      id: newId('con'),
      kind: input.kind,
      name: input.name,
      baseUrl,
      authType: input.auth.type,
      username: input.auth.type === 'password' ? input.auth.username : null,
      sealedSecret: this.deps.box.seal(input.auth.type === 'apiKey' ? input.auth.apiKey : input.auth.password),
      caCertificatePem: input.caCertificatePem ?? null,
      insecureSkipVerify: input.insecureSkipVerify,
      syncIntervalMinutes: input.syncIntervalMinutes,
      enabled: true,
      customerId,
      status: 'new',
      lastError: null,
      failingSince: null,
      lastRun: null,
      lastSuccessAt: null,
      lease: null,
      state: {},
      createdAt: now,
      updatedAt: now,
      createdBy: principal.actor.name,
    };
    await this.ctx.store.write((tx) => {
      for (const other of this.ctx.store.all(connections))
        if (other.name.toLowerCase() === record.name.toLowerCase()) throw localizedError('conflict', { key: 'api.connection.nameTaken', params: { name: other.name } });
      tx.put(connections, record);
    });
    await recordChange(this.ctx, principal, { action: 'connection.created', target: { type: 'connection', id: record.id, name: record.name }, details: this.auditDetails(record) });
    return this.view(record);
  }

  async update(principal: Principal, id: string, input: ConnectionUpdate): Promise<ConnectionView> {
    const current = this.record(id);
    const baseUrl = input.baseUrl !== undefined ? this.checkedBaseUrl(input.baseUrl) : current.baseUrl;
    const kind = this.kindOf(current);
    if (kind.needsCustomer && input.auth?.type === 'password')
      throw localizedError('invalid_input', { key: 'api.connection.needsApiKey', params: { kind: kind.label } }, [{ field: 'body.auth.type', message: 'must be apiKey for this kind' }]);
    let updated!: ConnectionRecord;
    await this.ctx.store.write((tx) => {
      const c = tx.get(connections, id);
      if (!c) throw notFound('Connection', id);
      if (input.name !== undefined) {
        for (const other of this.ctx.store.all(connections))
          if (other.id !== id && other.name.toLowerCase() === input.name.toLowerCase()) throw localizedError('conflict', { key: 'api.connection.nameTaken', params: { name: other.name } });
      }
      updated = {
        ...c,
        ...(input.name !== undefined && { name: input.name }),
        baseUrl,
        ...(input.auth && {
          authType: input.auth.type,
          username: input.auth.type === 'password' ? input.auth.username : null,
          sealedSecret: this.deps.box.seal(input.auth.type === 'apiKey' ? input.auth.apiKey : input.auth.password),
        }),
        ...(input.caCertificatePem !== undefined && { caCertificatePem: input.caCertificatePem }),
        ...(input.insecureSkipVerify !== undefined && { insecureSkipVerify: input.insecureSkipVerify }),
        ...(input.syncIntervalMinutes !== undefined && { syncIntervalMinutes: input.syncIntervalMinutes }),
        ...(input.enabled !== undefined && { enabled: input.enabled }),
        updatedAt: this.ctx.clock.now().toISOString(),
      };
      tx.put(connections, updated);
    });
    await recordChange(this.ctx, principal, {
      action: 'connection.updated',
      target: { type: 'connection', id, name: updated.name },
      // Which fields changed, never their values for the secret.
      details: { changed: Object.keys(input).map((k) => (k === 'auth' ? 'auth (credentials replaced)' : k)), ...this.auditDetails(updated) },
    });
    return this.view(updated);
  }

  async delete(principal: Principal, id: string): Promise<void> {
    const current = this.record(id);
    if (this.deps.syncing(id)) throw localizedError('conflict', { key: 'api.connection.deleteSyncing', params: { name: current.name } });
    await this.ctx.store.write((tx) => {
      tx.delete(connections, id);
      // Its alarms mirror an upstream no longer read: they would never clear.
      for (const alarm of this.ctx.store.all(syncedAlarms)) if (alarm.connectionId === id) tx.delete(syncedAlarms, alarm.id);
    });
    await recordChange(this.ctx, principal, {
      action: 'connection.deleted',
      target: { type: 'connection', id, name: current.name },
      details: { kind: current.kind, note: 'synced customers and policies are kept' },
    });
  }

  async test(principal: Principal, id: string): Promise<ConnectionTestResult> {
    const record = this.record(id);
    const problem = baseUrlProblem(record.baseUrl, { production: this.ctx.config.production });
    if (problem) return { ok: false, stage: 'url', message: `The base URL ${problem}.`, apiVersion: null, requestId: null };
    const result = await this.kindOf(record).test(record, this.secretOf(record));
    await this.ctx.audit.record(principal.actor, 'connection.tested', { type: 'connection', id, name: record.name }, { ok: result.ok, stage: result.stage });
    return result;
  }

  async runs(id: string, page: number, pageSize: number): Promise<Page<SyncRun>> {
    this.record(id);
    const lines = await this.ctx.logs.read<SyncRun>(runsFile(id));
    // A run is written when it starts and when it ends: the last version wins.
    const byId = new Map<string, SyncRun>();
    for (const run of lines) byId.set(run.id, run);
    const all = [...byId.values()].sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : b.id.localeCompare(a.id)));
    const start = (page - 1) * pageSize;
    return { items: all.slice(start, start + pageSize), total: all.length, page, pageSize };
  }

  /** A manual sync lands in the audit log with who asked. */
  async audit(principal: Principal, record: ConnectionRecord, runId: string): Promise<void> {
    await this.ctx.audit.record(principal.actor, 'connection.sync.started', { type: 'connection', id: record.id, name: record.name }, { runId });
  }

  // ---- explicit links ----

  async linkCustomer(principal: Principal, customerId: string, input: CustomerSourceInput): Promise<Customer> {
    const connection = this.record(input.connectionId);
    let linked!: Customer;
    await this.ctx.store.write((tx) => {
      const customer = tx.get(customers, customerId);
      if (!customer) throw notFound('Customer', customerId);
      if (customer.status === 'offboarded') throw localizedError('conflict', { key: 'api.connection.linkOffboarded', params: { customer: customer.displayName } });
      for (const other of this.ctx.store.all(customers)) {
        if (other.id !== customerId && other.source?.connectionId === input.connectionId && other.source.upstreamId === input.upstreamId) {
          throw localizedError('conflict', { key: 'api.connection.alreadyLinked', params: { customer: other.displayName, id: other.id, upstream: input.upstreamId, connection: connection.name } });
        }
      }
      linked = { ...customer, source: { connectionId: connection.id, kind: connection.kind, upstreamId: input.upstreamId, goneAt: null }, updatedAt: this.ctx.clock.now().toISOString() };
      tx.put(customers, linked);
    });
    await recordChange(this.ctx, principal, {
      action: 'customer.source.linked',
      target: { type: 'customer', id: customerId, name: linked.displayName },
      customerId,
      details: { connectionId: connection.id, kind: connection.kind, upstreamId: input.upstreamId },
    });
    return linked;
  }

  async unlinkCustomer(principal: Principal, customerId: string): Promise<void> {
    let before!: Customer;
    await this.ctx.store.write((tx) => {
      const customer = tx.get(customers, customerId);
      if (!customer) throw notFound('Customer', customerId);
      if (!customer.source) throw localizedError('conflict', { key: 'api.connection.notLinked', params: { customer: customer.displayName } });
      before = customer;
      const { source: _source, ...rest } = customer;
      tx.put(customers, { ...rest, updatedAt: this.ctx.clock.now().toISOString() });
    });
    await recordChange(this.ctx, principal, { action: 'customer.source.unlinked', target: { type: 'customer', id: customerId, name: before.displayName }, customerId, details: { ...before.source } });
  }

  private checkedBaseUrl(value: string): string {
    const problem = baseUrlProblemText(value, { production: this.ctx.config.production });
    if (problem) throw localizedError('invalid_input', { key: 'api.baseUrl.refused', params: { problem } }, [{ field: 'body.baseUrl', message: say('en', problem) }]);
    return normalizeBaseUrl(value);
  }

  /** What the audit and the events may say about a connection: never the secret. */
  private auditDetails(c: ConnectionRecord): Record<string, unknown> {
    return {
      kind: c.kind,
      baseUrl: c.baseUrl,
      authType: c.authType,
      ...(c.customerId && { customerId: c.customerId }),
      ...(c.username && { username: c.username }),
      caCertificate: c.caCertificatePem !== null,
      insecureSkipVerify: c.insecureSkipVerify,
      syncIntervalMinutes: c.syncIntervalMinutes,
    };
  }
}
