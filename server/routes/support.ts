import { HelpLink, HelpLinksQuery, SupportCustomerView, SupportSettings, SupportSettingsUpdate } from '../../shared/schemas/portal.js';
import { pageOf } from '../../shared/domain/paging.js';
import { Page } from '../../shared/schemas/common.js';
import type { Area } from '../area.js';
import { seedSupport } from '../services/portal/seed.js';
import { SupportService } from '../services/portal/support-service.js';

declare module '../context.js' {
  interface HubServices {
    support: SupportService;
  }
}

/** Customer support settings: where the customer portal's support button leads. */
export const supportArea: Area = {
  name: 'support',
  setup(ctx, { router }) {
    const support = new SupportService(ctx);
    ctx.services.support = support;
    const routes = router()
      .get('/', { summary: 'Support button settings of the customer portal', permission: 'siteSettings', response: SupportSettings }, () => support.settings())
      .put(
        '/',
        { summary: 'Show or hide the support button, set its https link and text', permission: 'siteSettings', body: SupportSettingsUpdate, response: SupportSettings },
        ({ principal, body }) => support.update(principal, body),
      )
      .get(
        '/help-links',
        {
          summary: 'Your help menu: Help Center, Knowledge Base, Open a Support Case (configurable), titled in English or German',
          permission: 'monitoring',
          query: HelpLinksQuery,
          response: Page(HelpLink),
        },
        ({ query }) => pageOf(support.helpLinks(query.lang), query),
      )
      .get('/customer-view', { summary: "What a customer's portal shows (nothing when the button is off)", permission: 'monitoring', response: SupportCustomerView }, () => support.customerView());
    return { routes: [{ prefix: '/settings/support', router: routes }], seed: () => seedSupport(ctx) };
  },
};
