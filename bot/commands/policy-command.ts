import type { MessageKey } from '../../shared/i18n/index.js';
import type { PolicyVerb } from '../../shared/cards/policies.js';
import type { Command } from '../context.js';
import { policyAction } from '../operations/policy.js';
import { resolvePolicy } from '../operations/resolve.js';

/** `<verb> policy <policy> [for <customer>]`: the four policy commands differ only in their verb. */
export function policyCommand(verb: Exclude<PolicyVerb, 'retry'>, extra: { phrases: string[]; syntax: MessageKey; summary: MessageKey }): Command {
  return {
    name: `${verb} policy`,
    phrases: [`${verb} policy`, `${verb} backup`, verb, ...extra.phrases],
    args: 'policy',
    group: 'actions',
    syntax: extra.syntax,
    summary: extra.summary,
    async run(turn, args) {
      const found = await resolvePolicy(turn, args.policy ?? '', args.customer, (policy, customer) => `${verb} policy ${policy}${customer ? ` for ${customer}` : ''}`, { exact: true });
      if (found.card) return found.card;
      // A typed stop or disable still asks first, like the buttons.
      return policyAction(turn, verb, found.item, { confirmed: false });
    },
  };
}
