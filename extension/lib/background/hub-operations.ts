import type { ApiClient } from '../../../shared/api/client.js';
import type { Alert, CustomerHealth, HealthAnswer } from '../../../shared/schemas/monitoring.js';
import type { PolicyView } from '../../../shared/schemas/backup.js';
import type { Customer, CustomerImportResult, InvitesResult } from '../../../shared/schemas/customers.js';
import type { ServiceStatusView } from '../../../shared/schemas/portal.js';
import type { UsageReport } from '../../../shared/schemas/usage.js';
import type { HubRequest, PolicyAction, RequestOf } from '../protocol.js';
import { BadRequest } from './hub-connection.js';
import { DEFAULT_PORTAL_URL, type HubSettings } from '../settings.js';
import { t } from '../i18n.js';

/** A customer as the popup lists it: the record's columns with its health. */
export interface CustomerSummary {
  id: string;
  displayName: string;
  domain: string | null;
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
/** A page of 1,000 portal rows is about 150 kB of CSV. */
const MAX_IMPORT_CHARS = 2_000_000;

function summary(customer: Customer, health: CustomerHealth | null): CustomerSummary {
  return {
    id: customer.id,
    displayName: customer.displayName,
    domain: customer.domain ?? null,
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
  return api.customersHealth({ ids, names });
}

async function openAlerts(api: ApiClient, query: { customerId?: string } = {}): Promise<Alert[]> {
  return (await api.alerts({ acknowledged: false, pageSize: 500, ...query })).items;
}

/** Alerts that count as failed for the badge: failed or disconnected backups. */
const isFailed = (alert: Alert) => alert.kind === 'backupFailed' || alert.kind === 'tenantDisconnected';

/**
 * Where "open in portal" goes: the portal's Customers list searching for the customer's name (the
 * hub's ids are not the portal's, and the list's search covers name, M365 account and ids).
 */
export function portalLink(portalBase: string | null, customer: { displayName: string; tenantDomain?: string | undefined }): string | null {
  if (!portalBase) return null;
  return `${portalBase.replace(/\/+$/, '')}/customers?search=${encodeURIComponent(customer.tenantDomain ?? customer.displayName)}`;
}

/** One function per request type the hub answers; each goes through the typed API client. */
export const hubOperations = {
  async failedCount(api: ApiClient): Promise<number> {
    return (await openAlerts(api)).filter(isFailed).length;
  },
  async health(api: ApiClient, request: HubRequest): Promise<HealthAnswer> {
    const r = request as RequestOf<'health'>;
    return health(api, { ids: r.ids ?? [], names: r.names ?? [] });
  },
  async 'customers.search'(api: ApiClient, request: HubRequest): Promise<{ items: CustomerSummary[]; total: number }> {
    const r = request as RequestOf<'customers.search'>;
    const page = await api.customers({
      q:
        String(r.q ?? '')
          .trim()
          .slice(0, 200) || undefined,
      pageSize: Math.min(Math.max(Number(r.pageSize) || 20, 1), 50),
    });
    // The list is still useful without health (an older hub, a health hiccup): chips are then left out.
    const answer = await health(api, { ids: page.items.map((c) => c.id) }).catch(() => ({ items: [], unmatched: [] }) as HealthAnswer);
    const byId = new Map(answer.items.map((h) => [h.id, h]));
    return { items: page.items.map((c) => summary(c, byId.get(c.id) ?? null)), total: page.total };
  },
  async 'customer.detail'(api: ApiClient, request: HubRequest, settings: HubSettings): Promise<CustomerDetail> {
    const r = request as RequestOf<'customer.detail'>;
    const id = String(r.customerId);
    const [customer, answer, policies, open] = await Promise.all([api.customer(id), health(api, { ids: [id] }), api.policies({ customerId: id, pageSize: 200 }), openAlerts(api, { customerId: id })]);
    return { customer: summary(customer, answer.items[0] ?? null), policies: policies.items, alerts: open, portalUrl: portalLink(settings.portalUrl ?? DEFAULT_PORTAL_URL, customer) };
  },
  async alerts(api: ApiClient): Promise<AlertsSummary> {
    const items = await openAlerts(api);
    return {
      failed: items.filter(isFailed).length,
      warning: items.filter((a) => a.kind === 'backupWarning').length,
      stale: items.filter((a) => a.kind === 'staleProtection').length,
      license: items.filter((a) => a.kind === 'licenseThreshold').length,
      total: items.length,
      items,
    };
  },
  /** A page of policy rows (customer and policy names): every customer's policies in one request. */
  async 'policies.lookup'(api: ApiClient, request: HubRequest): Promise<PolicyMatch[]> {
    const r = request as RequestOf<'policies.lookup'>;
    const rows = (r.rows ?? []).slice(0, MAX_BATCH);
    const customers = [...new Set(rows.map((row) => String(row.customer ?? '').trim()).filter(Boolean))];
    if (customers.length === 0) return rows.map((row) => ({ ...row, match: null }));
    const answer = await api.customersPolicies({ names: customers });
    const found = new Map<string, PolicyView>();
    for (const customer of answer.items) {
      for (const policy of customer.policies) found.set(`${customer.displayName.toLowerCase()}\u0000${policy.name.toLowerCase()}`, policy);
    }
    return rows.map((row) => ({ ...row, match: found.get(`${String(row.customer).trim().toLowerCase()}\u0000${String(row.policy).trim().toLowerCase()}`) ?? null }));
  },
  async 'policy.action'(api: ApiClient, request: HubRequest): Promise<PolicyView> {
    const r = request as RequestOf<'policy.action'>;
    const action: PolicyAction = r.action;
    if (!['start', 'stop', 'enable', 'disable'].includes(action)) throw new BadRequest(`Unknown policy action ${String(action)}.`);
    const id = String(r.policyId);
    if (action === 'start') await api.startPolicy(id);
    else if (action === 'stop') await api.stopPolicy(id);
    else if (action === 'enable') return api.enablePolicy(id);
    else return api.disablePolicy(id);
    // Start and stop answer with the session; the caller wants the policy as it is now.
    return api.policy(id);
  },
  async 'invite.send'(api: ApiClient, request: HubRequest): Promise<InvitesResult> {
    const r = request as RequestOf<'invite.send'>;
    const emails = (Array.isArray(r.emails) ? r.emails : []).map(String).filter(Boolean);
    if (emails.length === 0) throw new BadRequest(t('errors.emailsNeeded'));
    return api.sendInvites(String(r.customerId), emails);
  },
  async 'invite.resend'(api: ApiClient, request: HubRequest): Promise<InvitesResult> {
    const r = request as RequestOf<'invite.resend'>;
    return api.resendInvites(String(r.customerId));
  },
  async 'usage.report'(api: ApiClient, request: HubRequest): Promise<UsageReport> {
    const r = request as RequestOf<'usage.report'>;
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(String(r.month))) throw new BadRequest(t('errors.monthFormat'));
    return api.usageReport(r.month);
  },
  async 'customers.import'(api: ApiClient, request: HubRequest): Promise<CustomerImportResult> {
    const r = request as RequestOf<'customers.import'>;
    if (typeof r.csv !== 'string' || r.csv.trim() === '') throw new BadRequest('There are no customers to import on this page.');
    if (r.csv.length > MAX_IMPORT_CHARS) throw new BadRequest('This page holds more than the extension imports at once; show fewer rows per page.');
    return api.importCustomersCsv(r.csv, { dryRun: r.dryRun === true });
  },
  async status(api: ApiClient): Promise<ServiceStatusView> {
    return api.serviceStatus();
  },
};

type Ops = typeof hubOperations;
export type HubResponses = { [K in keyof Ops]: Awaited<ReturnType<Ops[K]>> };
