import { z } from 'zod';
import { Id } from '../../shared/schemas/common.js';
import {
  CustomerNotificationSettings,
  CustomerNotificationSettingsInput,
  OutboxMessage,
  OutboxMessageDetail,
  OutboxPage,
  OutboxQuery,
  PartnerNotificationSettings,
  PartnerNotificationSettingsInput,
  TestSendInput,
  TestSendResult,
} from '../../shared/schemas/notifications.js';
import type { Area } from '../area.js';
import { DigestJob } from '../jobs/digest.js';
import { OutboxDispatcher } from '../jobs/outbox-dispatcher.js';
import { seedNotifications } from '../seed/notifications.js';
import { notificationOptionsFrom } from '../services/notifications/options.js';
import { NotificationService } from '../services/notifications/service.js';
import type { PartnerSettingsRecord } from '../services/notifications/settings.js';

const ById = z.object({ id: Id });
/** The test body is optional for the language, required for the contact. */
const TestBody = TestSendInput;

/**
 * Notifications: partner settings (`/settings/notifications`), each customer's
 * (`/customers/{id}/notifications`), and the outbox (`/outbox`), with the dispatcher that
 * delivers it and the daily digest as jobs.
 */
export const notificationsArea: Area = {
  name: 'notifications',
  async setup(ctx, { router }) {
    const options = notificationOptionsFrom(ctx.config);
    const notifications = new NotificationService(ctx, options);
    ctx.services.notifications = notifications;
    const dispatcher = new OutboxDispatcher(ctx, notifications, options.outbox);
    const digest = new DigestJob(ctx, notifications);
    ctx.services.notificationJobs = { dispatcher, digest };
    await notifications.start();

    const partnerView = (record: PartnerSettingsRecord): PartnerNotificationSettings => {
      const { id: _id, ...settings } = record;
      return {
        ...settings,
        delivery: {
          smtpConfigured: notifications.mail !== null,
          mailFrom: notifications.mail?.from ?? null,
          allowedWebhookHosts: options.webhook.allowedHosts,
          loopbackWebhooksAllowed: !options.webhook.production,
          channels: [...notifications.channels.keys()],
        },
      };
    };

    const settings = router()
      .get(
        '/',
        { summary: 'System notification settings: contacts, topics, language, customer defaults, digest', permission: 'siteSettings', response: PartnerNotificationSettings, tags: ['settings'] },
        () => partnerView(notifications.settings.partner()),
      )
      .put(
        '/',
        {
          summary: 'Replace the notification contacts and settings (customerDefaults and digest keep their values when left out)',
          permission: 'siteSettings',
          body: PartnerNotificationSettingsInput,
          response: PartnerNotificationSettings,
          tags: ['settings'],
        },
        async ({ principal, body }) => partnerView(await notifications.settings.updatePartner(principal, body)),
      )
      .post(
        '/test',
        { summary: 'Send a test card or mail to one contact now and report the outcome', permission: 'siteSettings', body: TestBody, response: TestSendResult, tags: ['settings'] },
        ({ principal, body }) => notifications.testSend(principal, body),
      );

    const customerNotifications = router()
      .get(
        '/:id/notifications',
        {
          summary: "A customer's notification settings (the partner's defaults until saved)",
          permission: 'customerManagement',
          params: ById,
          response: CustomerNotificationSettings,
          tags: ['customers'],
        },
        ({ params }) => notifications.settings.customer(params.id),
      )
      .put(
        '/:id/notifications',
        {
          summary: "Replace a customer's notification settings and contacts",
          permission: 'customerManagement',
          params: ById,
          body: CustomerNotificationSettingsInput,
          response: CustomerNotificationSettings,
          tags: ['customers'],
        },
        ({ principal, params, body }) => notifications.settings.updateCustomer(principal, params.id, body),
      )
      .post(
        '/:id/notifications/test',
        {
          summary: 'Send a test card or mail to one of the customer\u2019s contacts now',
          permission: 'customerManagement',
          params: ById,
          body: TestBody,
          response: TestSendResult,
          tags: ['customers'],
        },
        ({ principal, params, body }) => notifications.testSend(principal, body, params.id),
      );

    const outbox = router()
      .get('/', { summary: 'Notification messages: pending, retrying, delivered (recent days), dead', permission: 'monitoring', query: OutboxQuery, response: OutboxPage }, ({ query }) =>
        notifications.outbox.list(query),
      )
      .get('/:id', { summary: 'One message, with its content until it is delivered', permission: 'monitoring', params: ById, response: OutboxMessageDetail }, ({ params }) =>
        notifications.outbox.detail(params.id),
      )
      .post(
        '/:id/retry',
        { summary: 'Send a dead (or waiting) message again now, with a fresh set of attempts', permission: 'siteSettings', params: ById, response: OutboxMessage },
        ({ principal, params }) => notifications.retry(principal, params.id),
      );

    return {
      routes: [
        { prefix: '/settings/notifications', router: settings },
        { prefix: '/customers', router: customerNotifications },
        { prefix: '/outbox', router: outbox },
      ],
      jobs: [{ name: 'notifications', start: () => undefined, stop: () => notifications.stop() }, dispatcher, digest],
      seed: () => seedNotifications(ctx),
      banner: () => {
        const mail = notifications.mail ? `mail via ${notifications.mail.describe} from ${notifications.mail.from}` : 'no SMTP configured: mail waits in the outbox (set SPHUB_SMTP_URL)';
        return `  Notify   ${mail}; Teams webhooks on ${options.webhook.allowedHosts.join(', ')}${options.webhook.production ? '' : ' and loopback'}`;
      },
    };
  },
};

declare module '../context.js' {
  interface HubServices {
    /** The outbox's dispatcher and the daily digest (tests leave them stopped and drive them with tick/drain). */
    notificationJobs: { dispatcher: OutboxDispatcher; digest: DigestJob };
  }
}
