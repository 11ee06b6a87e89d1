import { formatNumber, tn, type Language } from '../i18n/index.js';
import type { Customer } from '../schemas/customers.js';
import type { CustomerHealth } from '../schemas/monitoring.js';
import { banner, button, commandButton, pageRange, pager, row, translator } from './common.js';
import { card, compact, text, type AdaptiveCard } from './kit.js';

/** Rows per answer: enough to find someone, small enough for a chat. */
export const CUSTOMER_ROWS = 10;

/** What one line says about a customer's health: last result, stale, licenses, alerts. */
export function healthLine(lang: Language, health: CustomerHealth | undefined): string | null {
  if (!health) return null;
  const tr = translator(lang);
  const parts = [
    health.policies ? tr('bot.health.lastResult', { status: tr(`status.${health.lastResult}`) }) : tr('bot.health.noPolicies'),
    health.running ? tr('bot.health.running', { count: health.running }) : null,
    health.stale ? tr('bot.health.stale') : null,
    health.licensePercent !== null ? tr('bot.health.licenses', { percent: formatNumber(lang, health.licensePercent) }) : null,
    health.pendingInvite ? tr('bot.health.pendingInvite') : null,
    health.alerts ? tn(lang, 'bot.health.alerts', health.alerts) : null,
  ];
  return compact(parts).join(' · ');
}

/** `customers [text]`: matching customers with a Status button each, a page at a time. */
export function customersCard(lang: Language, input: { query?: string | undefined; items: Customer[]; total: number; page?: number; health: Map<string, CustomerHealth> }): AdaptiveCard {
  const tr = translator(lang);
  const page = input.page ?? 1;
  const title = input.query ? tr('bot.customers.titleSearch', { query: input.query }) : tr('bot.customers.title');
  const shown = input.items.slice(0, CUSTOMER_ROWS);
  const { from, to } = pageRange(page, CUSTOMER_ROWS, shown.length);
  const subtitle = tr('bot.customers.count', { from, to, total: input.total });
  const rows = shown.map((c, i) =>
    row(
      [
        text(c.displayName, { weight: 'Bolder' }),
        text(compact([c.tenantDomain ?? c.domain, tr(`bot.customerStatus.${c.status}`), c.status === 'active' ? c.contractType : null, tn(lang, 'bot.customers.licenses', c.licenses)]).join(' · '), {
          isSubtle: true,
          spacing: 'None',
        }),
        healthLine(lang, input.health.get(c.id)) ? text(healthLine(lang, input.health.get(c.id)), { spacing: 'None', size: 'Small' }) : null,
      ],
      [button(tr('bot.button.status'), { verb: 'customer.status', customerId: c.id })],
      { separator: i > 0 },
    ),
  );
  return card(
    [
      banner(title, subtitle),
      ...(rows.length ? rows : [text(input.query ? tr('bot.customers.none', { query: input.query }) : tr('bot.customers.empty'))]),
      input.total > CUSTOMER_ROWS && !input.query && page === 1 ? text(tr('bot.customers.narrow'), { isSubtle: true, spacing: 'Medium' }) : null,
    ],
    [
      ...pager(lang, 'customers', { page, rows: CUSTOMER_ROWS, total: input.total, q: input.query }),
      ...(input.items.length === 0 && input.query ? [commandButton(tr('bot.button.customers'), 'customers')] : []),
    ],
    { fallbackText: title },
  );
}
