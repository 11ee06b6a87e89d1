import type {
  CustomerPoliciesAnswer,
  LogStatus,
  PolicyInput,
  PolicyObjectsInput,
  PolicyStatus,
  PolicyUpdate,
  PolicyView,
  Restore,
  RestoreInput,
  RestoreKind,
  RestoreStatus,
  RestoreUpdate,
  Session,
  SessionLogs,
  SessionStatus,
  TenantConnection,
} from '../schemas/backup.js';
import type { Page } from '../schemas/common.js';
import type { Alert, AlertSeverity, Dashboard, HealthAnswer, MonitoringSettings } from '../schemas/monitoring.js';
import { seg, type RawRequest, type Request } from './request.js';

type PageArgs = { page?: number; pageSize?: number };
/** What a caller may leave out when creating a policy (the server fills the defaults). */
export type PolicyCreate = Omit<PolicyInput, 'services' | 'selected' | 'excluded' | 'scheduleHours' | 'enabled'> & {
  services?: PolicyInput['services'];
  selected?: PolicyObjectsInput;
  excluded?: PolicyObjectsInput;
  scheduleHours?: number;
  enabled?: boolean;
};
export type PolicyEdit = Omit<PolicyUpdate, 'selected' | 'excluded'> & { selected?: PolicyObjectsInput; excluded?: PolicyObjectsInput };

/** Backup and monitoring: policies, sessions, restores, alerts, dashboard, batch health, events. */
export const backupApi = (request: Request, raw: RawRequest) => ({
  policies: (query: { q?: string; customerId?: string; status?: PolicyStatus[]; enabled?: boolean; backupType?: string; sort?: string } & PageArgs = {}) =>
    request<Page<PolicyView>>('GET', '/policies', { query }),
  policy: (id: string) => request<PolicyView>('GET', `/policies/${seg(id)}`),
  createPolicy: (input: PolicyCreate) => request<PolicyView>('POST', '/policies', { body: input }),
  updatePolicy: (id: string, input: PolicyEdit) => request<PolicyView>('PATCH', `/policies/${seg(id)}`, { body: input }),
  deletePolicy: (id: string) => request<void>('DELETE', `/policies/${seg(id)}`),
  startPolicy: (id: string, options: { idempotencyKey?: string } = {}) => request<Session>('POST', `/policies/${seg(id)}/start`, options),
  stopPolicy: (id: string, options: { idempotencyKey?: string } = {}) => request<Session>('POST', `/policies/${seg(id)}/stop`, options),
  enablePolicy: (id: string, options: { idempotencyKey?: string } = {}) => request<PolicyView>('POST', `/policies/${seg(id)}/enable`, options),
  disablePolicy: (id: string, options: { idempotencyKey?: string } = {}) => request<PolicyView>('POST', `/policies/${seg(id)}/disable`, options),
  policySessions: (id: string, query: { status?: SessionStatus[]; from?: string; to?: string } & PageArgs = {}) => request<Page<Session>>('GET', `/policies/${seg(id)}/sessions`, { query }),
  session: (id: string) => request<Session>('GET', `/sessions/${seg(id)}`),
  sessionLogs: (id: string, query: { status?: LogStatus[] } = {}) => request<SessionLogs>('GET', `/sessions/${seg(id)}/logs`, { query }),
  /** The CSV text (Time, Status, Message). */
  sessionLogsCsv: async (id: string, query: { status?: LogStatus[] } = {}) => (await raw('GET', `/sessions/${seg(id)}/logs.csv`, { query })).text(),
  /** A ZIP holding the month's sessions CSV and log records CSV. */
  exportSessions: async (customerId: string, month: string) => new Uint8Array(await (await raw('GET', `/customers/${seg(customerId)}/sessions/export`, { query: { month } })).arrayBuffer()),
  tenantConnection: (customerId: string) => request<TenantConnection>('GET', `/customers/${seg(customerId)}/tenant-connection`),
  setTenantConnection: (customerId: string, input: { status: 'connected' | 'broken'; reason?: string }) =>
    request<TenantConnection>('PUT', `/customers/${seg(customerId)}/tenant-connection`, { body: input }),

  restores: (query: { q?: string; customerId?: string; kind?: RestoreKind[]; status?: RestoreStatus[]; month?: string } & PageArgs = {}) => request<Page<Restore>>('GET', '/restores', { query }),
  restore: (id: string) => request<Restore>('GET', `/restores/${seg(id)}`),
  createRestore: (input: Omit<RestoreInput, 'mode' | 'status'> & Partial<Pick<RestoreInput, 'mode' | 'status'>>) => request<Restore>('POST', '/restores', { body: input }),
  updateRestore: (id: string, input: RestoreUpdate) => request<Restore>('PATCH', `/restores/${seg(id)}`, { body: input }),

  alerts: (query: { customerId?: string; kind?: string[]; severity?: AlertSeverity[]; acknowledged?: boolean } & PageArgs = {}) => request<Page<Alert>>('GET', '/alerts', { query }),
  acknowledgeAlert: (id: string, note?: string, options: { idempotencyKey?: string } = {}) => request<Alert>('POST', `/alerts/${seg(id)}/acknowledge`, { body: note ? { note } : {}, ...options }),
  monitoringSettings: () => request<MonitoringSettings>('GET', '/settings/monitoring'),
  updateMonitoringSettings: (input: Partial<MonitoringSettings>) => request<MonitoringSettings>('PUT', '/settings/monitoring', { body: input }),
  dashboard: (query: { days?: number } = {}) => request<Dashboard>('GET', '/dashboard', { query }),
  /** Health of up to 1,000 customers by id or by name (display name, tenant domain or domain). */
  customersHealth: (input: { ids?: string[]; names?: string[] }) => request<HealthAnswer>('POST', '/customers/health', { body: input }),
  /** The Flex backup policies of up to 1,000 customers by id or by name, in one request. */
  customersPolicies: (input: { ids?: string[]; names?: string[] }) => request<CustomerPoliciesAnswer>('POST', '/customers/policies', { body: input }),
  /** The raw event stream (text/event-stream); pass lastEventId to resume, an AbortSignal to stop. */
  events: (query: { types?: string[]; customerId?: string; lastEventId?: number } = {}, signal?: AbortSignal) =>
    raw('GET', '/events', { query, headers: { accept: 'text/event-stream' }, ...(signal && { signal }) }),
});
