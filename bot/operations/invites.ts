import type { Customer } from '../../shared/schemas/customers.js';
import { invitesCard } from '../../shared/cards/invites.js';
import type { AdaptiveCard } from '../../shared/cards/kit.js';
import type { BotTurn } from '../context.js';

/** Sends self-service onboarding invites; the API checks each address is inside the customer's domain. */
export async function sendInvites(turn: BotTurn, customer: Customer, emails: string[]): Promise<AdaptiveCard> {
  const result = await turn.api.sendInvites(customer.id, emails);
  return invitesCard(turn.language, customer, result, turn.links, turn.user.name ?? '');
}

/** Sends the invite again to everyone invited and not yet onboarded. */
export async function resendInvites(turn: BotTurn, customer: Customer): Promise<AdaptiveCard> {
  const result = await turn.api.resendInvites(customer.id);
  return invitesCard(turn.language, customer, result, turn.links, turn.user.name ?? '');
}
