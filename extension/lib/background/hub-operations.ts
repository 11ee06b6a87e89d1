import type { ApiClient } from '../../../shared/api/client.js';
import type { Alert, CustomerHealth, HealthAnswer } from '../../../shared/schemas/monitoring.js';
import type { PolicyView } from '../../../shared/schemas/backup.js';
import type { Customer, InvitesResult } from '../../../shared/schemas/customers.js';
import type { Page } from '../../../shared/schemas/common.js';
import type { UsageReport } from '../../../shared/schemas/usage.js';
import type { HubRequest, PolicyAction, RequestOf } from '../protocol.js';
import { BadRequest } from './hub-connection.js';
import { DEFAULT_PORTAL_URL, type HubSettings } from '../settings.js';

/** A customer as the popup lists it: the record's columns with its health. */
export interface CustomerSummary {
  id: string;
  displayName: string;
  domain: string;
  tenantDomain: string | null;
  status: Customer['status'];
  contractType: Customer['contractType'];
  licenses: number;
  invites: { email: string; acceptedAt?: string }[];
  health: CustomerHealth | null;
}

export interface CustomerDetail {
  customer: CustomerSummary;
  policies: PolicyView[];
  alerts: Alert[];
  portalUrl: string | null;
}

export interface AlertsSummary {
  failed: number;
  warning: number;
  stale: number;
  license: number;
  total: number;
  items: Alert[];
}

export interface PolicyMatch {
  policy: string;
  customer: string;
  match: PolicyView | null;
}

const MAX_BATCH = 1000;

function summary(customer: Customer, health: CustomerHealth | null): CustomerSummary {
  return {
    id: customer.id,
    displayName: customer.displayName,
    domain: customer.domain,
    tenantDomain: customer.tenantDomain ?? null,
    status: customer.status,
    contractType: customer.contractType,
    licenses: customer.licenses,
    invites: (customer.invites ?? []).map((invite) => ({ email: invite.email, ...(invite.acceptedAt && { acceptedAt: invite.acceptedAt }) })),
    health,
  };
}

async function health(api: ApiClient, input: { ids?: string[]; names?: string[] }): Promise<HealthAnswer> {
  const ids = [...new Set(input.ids ?? [])].slice(0, MAX_BATCH);
  const names = [...new Set((input.names ?? []).map((n) => n.trim()).filter(Boolean))].slice(0, MAX_BATCH - ids.length);
  if (ids.length + names.length === 0) return { items: [], unmatched: [] };
  const response = await api.raw('POST', '/customers/health', { body: { ids, names } });
  return (await response.json()) as HealthAnswer;
}

async function alerts(api: ApiClient, query: Record<string, string | number | undefined> = {}): Promise<Alert[]> {
  const response = await api.raw('GET', '/alerts', { query: { acknowledged: 'false', pageSize: 500, ...query } });
  return ((await response.json()) as Page<Alert>).items;
}

/** Alerts that count as failed for the badge: failed or disconnected backups. */
const isFailed = (alert: Alert) => alert.kind === 'backupFailed' || alert.kind === 'tenantDisconnected';

export function portalLink(portalBase: string | null, customerId: string): string | null {
  return portalBase ? `${portalBase.replace(/\/+$/, '')}/customers/${encodeURIComponent(customerId)}` : null;
}

/** One function per request type the hub answers; each goes through the typed API client. */
export const hubOperations = {
  async failedCount(api: ApiClient): Promise<number> {
    return (await alerts(api)).filter(isFailed).length;
  },
  async health(api: ApiClient, request: HubRequest): Promise<HealthAnswer> {
    const r = request as RequestOf<'health'>;
    return health(api, { ids: r.ids ?? [], names: r.names ?? [] });
  },
  async 'customers.search'(api: ApiClient, request: HubRequest): Promise<{ items: CustomerSummary[]; total: number }> {
    const r = request as RequestOf<'customers.search'>;
    const response = await api.raw('GET', '/customers', { query: { q: String(r.q ?? '').slice(0, 200), pageSize: Math.min(Math.max(r.pageSize ?? 20, 1), 50) } });
    const page = (await response.json()) as Page<Customer>;
    // The list is still useful without health (an older hub, a health hiccup): chips are then left out.
    const answer = await health(api, { ids: page.items.map((c) => c.id) }).catch(() => ({ items: [], unmatched: [] }) as HealthAnswer);
    const byId = new Map(answer.items.map((h) => [h.id, h]));
    return { items: page.items.map((c) => summary(c, byId.get(c.id) ?? null)), total: page.total };
  },
  async 'customer.detail'(api: ApiClient, request: HubRequest, settings: HubSettings): Promise<CustomerDetail> {
    const r = request as RequestOf<'customer.detail'>;
    const id = String(r.customerId);
    const [customer, answer, policies, open] = await Promise.all([
      api.raw('GET', `/customers/${encodeURIComponent(id)}`).then((res) => res.json() as Promise<Customer>),
      health(api, { ids: [id] }),
      api.raw('GET', '/policies', { query: { customerId: id, pageSize: 200 } }).then((res) => res.json() as Promise<Page<PolicyView>>),
      alerts(api, { customerId: id }),
    ]);
    return { customer: summary(customer, answer.items[0] ?? null), policies: policies.items, alerts: open, portalUrl: portalLink(settings.portalUrl ?? DEFAULT_PORTAL_URL, id) };
  },
  async alerts(api: ApiClient): Promise<AlertsSummary> {
    const items = await alerts(api);
    return {
      failed: items.filter(isFailed).length,
      warning: items.filter((a) => a.kind === 'backupWarning').length,
      stale: items.filter((a) => a.kind === 'staleProtection').length,
      license: items.filter((a) => a.kind === 'licenseThreshold').length,
      total: items.length,
      items,
    };
  },
  async 'policies.lookup'(api: ApiClient, request: HubRequest): Promise<PolicyMatch[]> {
    const r = request as RequestOf<'policies.lookup'>;
    const rows = (r.rows ?? []).slice(0, MAX_BATCH);
    const customers = [...new Set(rows.map((row) => row.customer))];
    const answer = await health(api, { names: customers });
    const idByName = new Map(answer.items.map((h) => [h.displayName.toLowerCase(), h.id]));
    const found = new Map<string, PolicyView>();
    await Promise.all(
      [...new Set(idByName.values())].map(async (customerId) => {
        const response = await api.raw('GET', '/policies', { query: { customerId, pageSize: 200 } });
        for (const policy of ((await response.json()) as Page<PolicyView>).items) found.set(`${policy.customerName.toLowerCase()}\u0000${policy.name.toLowerCase()}`, policy);
      }),
    );
    return rows.map((row) => ({ ...row, match: found.get(`${row.customer.toLowerCase()}\u0000${row.policy.toLowerCase()}`) ?? null }));
  },
  async 'policy.action'(api: ApiClient, request: HubRequest): Promise<PolicyView> {
    const r = request as RequestOf<'policy.action'>;
    const action: PolicyAction = r.action;
    if (!['start', 'stop', 'enable', 'disable'].includes(action)) throw new BadRequest(`Unknown policy action ${String(action)}.`);
    const response = await api.raw('POST', `/policies/${encodeURIComponent(r.policyId)}/${action}`);
    return (await response.json()) as PolicyView;
  },
  async 'invite.send'(api: ApiClient, request: HubRequest): Promise<InvitesResult> {
    const r = request as RequestOf<'invite.send'>;
    const response = await api.raw('POST', `/customers/${encodeURIComponent(r.customerId)}/invites`, { body: { emails: r.emails } });
    return (await response.json()) as InvitesResult;
  },
  async 'invite.resend'(api: ApiClient, request: HubRequest): Promise<InvitesResult> {
    const r = request as RequestOf<'invite.resend'>;
    const response = await api.raw('POST', `/customers/${encodeURIComponent(r.customerId)}/invites/resend`, { body: {} });
    return (await response.json()) as InvitesResult;
  },
  async 'usage.report'(api: ApiClient, request: HubRequest): Promise<UsageReport> {
    const r = request as RequestOf<'usage.report'>;
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(String(r.month))) throw new BadRequest('The month must be given as YYYY-MM.');
    return api.usageReport(r.month);
  },
  async status(api: ApiClient): Promise<unknown> {
    const response = await api.raw('GET', '/status');
    return response.json();
  },
};

type Ops = typeof hubOperations;
export type HubResponses = { [K in keyof Ops]: Awaited<ReturnType<Ops[K]>> };
