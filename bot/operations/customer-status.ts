import type { Customer } from '../../shared/schemas/customers.js';
import type { Tone } from '../../shared/cards/common.js';
import { customerStatusCard, STATUS_POLICIES } from '../../shared/cards/customer-status.js';
import type { AdaptiveCard } from '../../shared/cards/kit.js';
import type { BotTurn } from '../context.js';

/** Everything the status card shows about one customer, in three parallel reads. */
export async function customerStatus(turn: BotTurn, customerOrId: Customer | string, outcome?: { message: string; tone: Tone }): Promise<AdaptiveCard> {
  const customer = typeof customerOrId === 'string' ? await turn.api.customer(customerOrId) : customerOrId;
  const [health, policies, alerts] = await Promise.all([
    turn.api.customersHealth({ ids: [customer.id] }),
    turn.api.policies({ customerId: customer.id, sort: 'name', pageSize: STATUS_POLICIES }),
    turn.api.alerts({ customerId: customer.id, acknowledged: false, pageSize: 5 }),
  ]);
  return customerStatusCard(turn.language, { customer, health: health.items[0], policies: policies.items, policyTotal: policies.total, alerts: alerts.items, outcome }, turn.links);
}
