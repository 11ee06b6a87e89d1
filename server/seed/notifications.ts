import { systemPrincipal } from '../auth/principal.js';
import type { HubContext } from '../context.js';
import { customers } from '../services/customer-collection.js';
import { DEFAULT_PARTNER_SETTINGS, partnerSettings, customerSettings, type PartnerSettingsRecord } from '../services/notifications/settings.js';

/**
 * Demo notification settings. Real mail needs SMTP (without it the messages wait in the outbox,
 * visibly `undeliverable-no-smtp`, which is what the demo should show), so the seed adds email
 * contacts only. It adds no live Teams webhook: a demo has no Microsoft flow to post to, and a made-up
 * URL would fail every attempt (or, worse, reach someone). The one Teams channel it shows is an
 * example (`example: true`, disabled): visible in the settings as the shape to copy, never sent to.
 * Replacing its URL with a real one makes it a normal contact.
 */
export async function seedNotifications(ctx: HubContext): Promise<void> {
  if (ctx.store.get(partnerSettings, 'partner')) return;
  const now = ctx.clock.now().toISOString();
  const settings: PartnerSettingsRecord = {
    ...DEFAULT_PARTNER_SETTINGS,
    contacts: [
      {
        id: 'con_demo_noc',
        type: 'email',
        email: 'noc@northwind-msp.com',
        label: 'Network operations',
        topics: ['backupFailed', 'restoreActivity', 'staleProtection', 'licenseThreshold', 'usageReportDue', 'serviceStatus'],
        delivery: 'immediate',
        enabled: true,
        broken: null,
      },
      {
        id: 'con_demo_digest',
        type: 'email',
        email: 'service-desk@northwind-msp.com',
        label: 'Service desk (daily summary)',
        topics: ['backupFailed', 'backupComplete', 'staleProtection', 'licenseThreshold', 'usageReportDue', 'restoreActivity'],
        delivery: 'digest',
        enabled: true,
        broken: null,
      },
      {
        id: 'con_demo_teams_example',
        type: 'teams',
        webhookUrl: 'https://northwind.webhook.office.com/webhookb2/00000000-0000-0000-0000-000000000000/IncomingWebhook/example',
        label: 'Example: replace with your Teams channel workflow URL',
        topics: ['backupFailed', 'staleProtection'],
        delivery: 'immediate',
        enabled: false,
        broken: null,
        example: true,
      },
    ],
    customerDefaults: { allowSystemNotifications: true, language: 'en', topics: ['backupFailed', 'restoreActivity'], notifyPrimaryContact: true },
    updatedAt: now,
  };
  // One German-speaking customer with its own settings, to show a localized mail in the outbox.
  const german = [...ctx.store.all(customers)].find((c) => c.status === 'active' && /\.(de|at|ch)$/.test(c.domain ?? ''));
  await ctx.store.write((tx) => {
    tx.put(partnerSettings, settings);
    if (german) {
      tx.put(customerSettings, {
        id: german.id,
        allowSystemNotifications: true,
        language: 'de',
        contacts: [
          { id: 'con_demo_customer', type: 'email', email: `it@${german.domain}`, topics: ['backupFailed', 'restoreActivity', 'licenseThreshold'], delivery: 'immediate', enabled: true, broken: null },
        ],
        updatedAt: now,
      });
    }
  });
  await ctx.audit.record(
    systemPrincipal('SP Hub demo data').actor,
    'notification-settings.seeded',
    { type: 'notificationSettings', id: 'partner', name: 'System notifications' },
    { contacts: settings.contacts.length },
  );
}
