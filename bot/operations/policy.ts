import { ApiError } from '../../shared/api/client.js';
import type { PolicyView } from '../../shared/schemas/backup.js';
import type { ListPlace } from '../../shared/schemas/cards.js';
import { translator, type Tone } from '../../shared/cards/common.js';
import type { AdaptiveCard } from '../../shared/cards/kit.js';
import { confirmPolicyCard, policyCard, type PolicyVerb } from '../../shared/cards/policies.js';
import type { BotTurn } from '../context.js';
import { alertList } from './lists.js';

/**
 * Starts, retries, stops, enables or disables a policy, then shows it as it is now. Stop and
 * disable without `confirmed` only ask. A conflict (already running, disabled) is shown on the
 * policy's card with the buttons that fit its real state, rather than as a bare error. A button
 * on a row of the `failed` or `stale` list (`from`) answers with that list page instead, the
 * outcome in the row, so the list stays.
 */
export async function policyAction(
  turn: BotTurn,
  verb: PolicyVerb,
  policyOrId: PolicyView | string,
  options: { confirmed?: boolean | undefined; from?: ListPlace | undefined } = {},
): Promise<AdaptiveCard> {
  const tr = translator(turn.language);
  const policy = typeof policyOrId === 'string' ? await turn.api.policy(policyOrId) : policyOrId;
  // Only a real change asks first: stopping what is not running, or disabling what is off, goes
  // straight to the hub, which says why it cannot.
  const running = policy.running !== null || policy.lastStatus === 'Running';
  const asks = (verb === 'stop' && running) || (verb === 'disable' && policy.enabled);
  if (asks && !options.confirmed) return confirmPolicyCard(turn.language, policy, verb as 'stop' | 'disable');
  const by = turn.user.name ?? '';
  let outcome: { message: string; tone: Tone };
  try {
    if (verb === 'start' || verb === 'retry') await turn.api.startPolicy(policy.id);
    else if (verb === 'stop') await turn.api.stopPolicy(policy.id);
    else if (verb === 'enable') await turn.api.enablePolicy(policy.id);
    else await turn.api.disablePolicy(policy.id);
    outcome = { message: tr(`bot.policy.done.${verb}`, { policy: policy.name, name: by }), tone: verb === 'stop' || verb === 'disable' ? 'default' : 'good' };
  } catch (error) {
    if (!(error instanceof ApiError && (error.status === 409 || error.status === 422))) throw error;
    outcome = { message: error.message, tone: 'warning' };
  }
  if (options.from) return alertList(turn, options.from.list, options.from.page, { ...outcome, policyId: policy.id });
  return policyCard(turn.language, await turn.api.policy(policy.id), { links: turn.links, outcome });
}
