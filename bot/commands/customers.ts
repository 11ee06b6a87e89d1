import type { CustomerHealth } from '../../shared/schemas/monitoring.js';
import { CUSTOMER_ROWS, customersCard } from '../../shared/cards/customers.js';
import type { Command } from '../context.js';

/** `customers` lists customers; `customers contoso` searches like the portal's filter box. */
export const customers: Command = {
  name: 'customers',
  phrases: ['customers', 'customer', 'kunden', 'find'],
  args: 'text',
  group: 'monitoring',
  syntax: 'bot.cmd.customers.syntax',
  summary: 'bot.cmd.customers.summary',
  quick: 'customers',
  async run(turn, args) {
    const page = await turn.api.customers({ ...(args.text && { q: args.text }), pageSize: CUSTOMER_ROWS, sort: 'displayName' });
    const health = new Map<string, CustomerHealth>();
    if (page.items.length) {
      const answer = await turn.api.customersHealth({ ids: page.items.map((c) => c.id) });
      for (const h of answer.items) health.set(h.id, h);
    }
    return customersCard(turn.language, { query: args.text, items: page.items, total: page.total, health });
  },
};
