import type {
  CustomerNotificationSettings,
  CustomerNotificationSettingsInput,
  OutboxMessage,
  OutboxMessageDetail,
  OutboxPage,
  OutboxState,
  OutboxTopic,
  PartnerNotificationSettings,
  PartnerNotificationSettingsInput,
  TestSendInput,
  TestSendResult,
} from '../schemas/notifications.js';
import { seg, type Request } from './request.js';

export interface OutboxListQuery {
  q?: string;
  state?: OutboxState | OutboxState[];
  contactId?: string;
  topic?: OutboxTopic;
  customerId?: string;
  page?: number;
  pageSize?: number;
}

/** Notification settings (partner and per customer), test sends, and the outbox. */
export const notificationsApi = (request: Request) => ({
  notificationSettings: () => request<PartnerNotificationSettings>('GET', '/settings/notifications'),
  updateNotificationSettings: (input: PartnerNotificationSettingsInput) => request<PartnerNotificationSettings>('PUT', '/settings/notifications', { body: input }),
  testNotificationContact: (input: TestSendInput) => request<TestSendResult>('POST', '/settings/notifications/test', { body: input }),
  customerNotifications: (customerId: string) => request<CustomerNotificationSettings>('GET', `/customers/${seg(customerId)}/notifications`),
  updateCustomerNotifications: (customerId: string, input: CustomerNotificationSettingsInput) =>
    request<CustomerNotificationSettings>('PUT', `/customers/${seg(customerId)}/notifications`, { body: input }),
  testCustomerNotificationContact: (customerId: string, input: TestSendInput) => request<TestSendResult>('POST', `/customers/${seg(customerId)}/notifications/test`, { body: input }),
  outbox: (query: OutboxListQuery = {}) => request<OutboxPage>('GET', '/outbox', { query: { ...query, state: typeof query.state === 'string' ? [query.state] : query.state } }),
  outboxMessage: (id: string) => request<OutboxMessageDetail>('GET', `/outbox/${seg(id)}`),
  retryOutboxMessage: (id: string) => request<OutboxMessage>('POST', `/outbox/${seg(id)}/retry`),
});
