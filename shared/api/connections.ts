import type { Page } from '../schemas/common.js';
import type { ConnectionTestResult, ConnectionView, CustomerSourceInput, SyncRun } from '../schemas/connections.js';
import type { ConnectionAuthInput, ConnectionKind } from '../schemas/connections.js';
import type { Customer } from '../schemas/customers.js';
import { seg, type Request } from './request.js';

/** What a caller gives to add a connection (the server fills the defaults). */
export interface ConnectionCreate {
  kind: ConnectionKind;
  name: string;
  baseUrl: string;
  auth: ConnectionAuthInput;
  caCertificatePem?: string;
  insecureSkipVerify?: boolean;
  syncIntervalMinutes?: number;
  /** For `vdc`: the customer the VDC tenancy belongs to. */
  customerId?: string;
}
export type ConnectionEdit = Partial<Omit<ConnectionCreate, 'kind' | 'caCertificatePem'>> & { caCertificatePem?: string | null; enabled?: boolean };

/** Connections to VSPC (and further kinds): CRUD, test, sync, runs, explicit customer links. */
export const connectionsApi = (request: Request) => ({
  connections: (query: { page?: number; pageSize?: number } = {}) => request<Page<ConnectionView>>('GET', '/connections', { query }),
  connection: (id: string) => request<ConnectionView>('GET', `/connections/${seg(id)}`),
  createConnection: (input: ConnectionCreate) => request<ConnectionView>('POST', '/connections', { body: input }),
  updateConnection: (id: string, input: ConnectionEdit) => request<ConnectionView>('PATCH', `/connections/${seg(id)}`, { body: input }),
  deleteConnection: (id: string) => request<void>('DELETE', `/connections/${seg(id)}`),
  testConnection: (id: string) => request<ConnectionTestResult>('POST', `/connections/${seg(id)}/test`),
  /** Starts a sync; with `wait` the answer comes once the run has ended. */
  syncConnection: (id: string, options: { wait?: boolean } = {}) => request<SyncRun>('POST', `/connections/${seg(id)}/sync`, { body: options }),
  connectionRuns: (id: string, query: { page?: number; pageSize?: number } = {}) => request<Page<SyncRun>>('GET', `/connections/${seg(id)}/runs`, { query }),
  linkCustomerSource: (customerId: string, input: CustomerSourceInput) => request<Customer>('PUT', `/customers/${seg(customerId)}/source`, { body: input }),
  unlinkCustomerSource: (customerId: string) => request<void>('DELETE', `/customers/${seg(customerId)}/source`),
  resolveAlert: (id: string, note?: string) => request<void>('POST', `/alerts/${seg(id)}/resolve`, { body: note ? { note } : {} }),
});
