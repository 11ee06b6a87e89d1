import type { CardAction, CardVerb } from '../../shared/schemas/cards.js';
import type { AdaptiveCard } from '../../shared/cards/kit.js';
import type { BotTurn } from '../context.js';
import { runCommandText } from '../dispatch.js';
import { acknowledgeAlert } from '../operations/alerts.js';
import { customerStatus } from '../operations/customer-status.js';
import { resendInvites, sendInvites } from '../operations/invites.js';
import { alertList, customerList } from '../operations/lists.js';
import { policyAction } from '../operations/policy.js';
import { policyCard } from '../../shared/cards/policies.js';

type Handler<V extends CardVerb> = (turn: BotTurn, action: Extract<CardAction, { verb: V }>) => Promise<AdaptiveCard>;

/** One handler per card verb, running the same operations as the typed commands. */
const handlers: { [V in CardVerb]: Handler<V> } = {
  'policy.start': (turn, a) => policyAction(turn, 'start', a.policyId, { from: a.from }),
  'policy.retry': (turn, a) => policyAction(turn, 'retry', a.policyId, { from: a.from }),
  'policy.stop': (turn, a) => policyAction(turn, 'stop', a.policyId, { confirmed: a.confirmed }),
  'policy.enable': (turn, a) => policyAction(turn, 'enable', a.policyId, { from: a.from }),
  'policy.show': async (turn, a) => policyCard(turn.language, await turn.api.policy(a.policyId), { links: turn.links }),
  'policy.disable': (turn, a) => policyAction(turn, 'disable', a.policyId, { confirmed: a.confirmed }),
  'invite.send': async (turn, a) => sendInvites(turn, await turn.api.customer(a.customerId), a.emails),
  'invite.resend': async (turn, a) => resendInvites(turn, await turn.api.customer(a.customerId)),
  'customer.status': (turn, a) => customerStatus(turn, a.customerId),
  'alert.acknowledge': (turn, a) => acknowledgeAlert(turn, a.alertId, a.from),
  'list.page': (turn, a) => (a.list === 'customers' ? customerList(turn, a.q, a.page) : alertList(turn, a.list, a.page)),
  command: (turn, a) => runCommandText(turn, a.text),
};

export function runAction(turn: BotTurn, action: CardAction): Promise<AdaptiveCard> {
  return (handlers[action.verb] as Handler<typeof action.verb>)(turn, action);
}
