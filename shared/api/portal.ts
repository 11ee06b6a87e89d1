import type {
  HelpLink,
  ServiceStatusView,
  StatusIncident,
  StatusIncidentCreate,
  StatusIncidentUpdateInput,
  StatusSubscribeInput,
  StatusSubscriber,
  StatusUptimeView,
  SupportCustomerView,
  SupportSettings,
  SupportSettingsUpdateInput,
} from '../schemas/portal.js';
import type { StorageLocation } from '../domain/storage-regions.js';
import type { ListQuery, Page } from '../schemas/common.js';
import type { StorageRegion } from '../schemas/customers.js';
import { seg, type Request } from './request.js';

/** Portal settings: the customer support button and the VDC service status. */
export const portalApi = (request: Request) => ({
  supportSettings: () => request<SupportSettings>('GET', '/settings/support'),
  updateSupportSettings: (input: SupportSettingsUpdateInput) => request<SupportSettings>('PUT', '/settings/support', { body: input }),
  /** The help menu (Help Center, Knowledge Base, Open a Support Case), titled in the language. */
  helpLinks: (lang: 'en' | 'de' = 'en', params: Partial<ListQuery> = {}) => request<Page<HelpLink>>('GET', '/settings/support/help-links', { query: { lang, ...params } }),
  /** What a customer's portal shows; readable by any user. */
  supportCustomerView: () => request<SupportCustomerView>('GET', '/settings/support/customer-view'),
  /** The wizard's storage regions, grouped by APJ, EMEA and AMER. */
  storageRegions: (params: Partial<ListQuery> = {}) => request<Page<{ region: StorageRegion; locations: StorageLocation[] }>>('GET', '/status/regions', { query: { ...params } }),
  /** Uptime per region and service over the last `days` days. */
  statusUptime: (days = 30) => request<StatusUptimeView>('GET', '/status/uptime', { query: { days } }),
  statusSubscribers: (params: Partial<ListQuery> = {}) => request<Page<StatusSubscriber>>('GET', '/status/subscriptions', { query: { ...params } }),
  subscribeToStatus: (input: StatusSubscribeInput) => request<StatusSubscriber>('POST', '/status/subscriptions', { body: input }),
  unsubscribeFromStatus: (id: string) => request<void>('DELETE', `/status/subscriptions/${seg(id)}`),
  serviceStatus: () => request<ServiceStatusView>('GET', '/status'),
  refreshServiceStatus: () => request<ServiceStatusView>('POST', '/status/refresh'),
  statusIncidents: (when: 'active' | 'upcoming' | 'ended' | 'all' = 'all', params: Partial<ListQuery> = {}) =>
    request<Page<StatusIncident>>('GET', '/status/incidents', { query: { when, ...params } }),
  statusIncident: (id: string) => request<StatusIncident>('GET', `/status/incidents/${seg(id)}`),
  createStatusIncident: (input: StatusIncidentCreate) => request<StatusIncident>('POST', '/status/incidents', { body: input }),
  updateStatusIncident: (id: string, input: StatusIncidentUpdateInput) => request<StatusIncident>('PATCH', `/status/incidents/${seg(id)}`, { body: input }),
  deleteStatusIncident: (id: string) => request<void>('DELETE', `/status/incidents/${seg(id)}`),
});
