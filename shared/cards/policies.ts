import { formatDateTime, formatNumber, t, type Language, type MessageKey } from '../i18n/index.js';
import type { PolicyView } from '../schemas/backup.js';
import { banner, button, linkButton, outcome, shortDateTime, translator, type Tone, type CardLinks } from './common.js';
import { card, compact, facts, text, type AdaptiveCard, type CardButton } from './kit.js';

export type PolicyVerb = 'start' | 'retry' | 'stop' | 'enable' | 'disable';

const STATUS_TONE: Record<string, Tone> = { Success: 'good', Warning: 'warning', Failed: 'attention', Disconnected: 'attention', Running: 'accent', Stopped: 'warning', Never: 'default' };

export const statusName = (lang: Language, status: string) => t(lang, `status.${status}` as MessageKey);

/**
 * One line on where a policy stands: running with progress, or its last result and when, and the
 * next run. `short` is for list rows (times without the year, UTC said once at the end).
 */
export function policyLine(lang: Language, p: PolicyView, options: { short?: boolean } = {}): string {
  const tr = translator(lang);
  const when = (iso: string) => (options.short ? shortDateTime(lang, iso) : formatDateTime(lang, iso));
  const parts: string[] = [];
  if (p.running) parts.push(tr('bot.policy.runningProgress', { progress: formatNumber(lang, p.running.progress), since: when(p.running.startedAt) }));
  else if (p.lastRun) parts.push(tr('bot.policy.last', { status: statusName(lang, p.lastResult), time: when(p.lastRun) }));
  else parts.push(statusName(lang, 'Never'));
  if (!p.enabled) parts.push(tr('bot.policy.disabled'));
  else if (p.nextRun && !p.running) parts.push(tr('bot.policy.next', { time: when(p.nextRun) }));
  if (p.stale) parts.push(tr('bot.policy.stale'));
  const line = parts.join(' · ');
  return options.short && (p.running || p.lastRun || p.nextRun) ? `${line} (UTC)` : line;
}

/**
 * The buttons that make sense for a policy as it is now: a running one can be stopped; a disabled
 * one enabled; otherwise started (retried after a failure) or disabled. Stop and disable confirm first.
 */
export function policyButtons(lang: Language, p: PolicyView, options: { compact?: boolean } = {}): CardButton[] {
  const tr = translator(lang);
  const ids = { policyId: p.id, customerId: p.customerId };
  if (p.running || p.lastStatus === 'Running') return [button(tr('bot.button.stop'), { verb: 'policy.stop', ...ids }, 'destructive')];
  if (!p.enabled) return [button(tr('bot.button.enable'), { verb: 'policy.enable', ...ids }, 'positive')];
  const failed = p.lastResult === 'Failed' || p.lastResult === 'Warning' || p.lastResult === 'Disconnected';
  return compact([
    failed
      ? button(tr('bot.button.retry'), { verb: 'policy.retry', ...ids, ...(p.lastSessionId && { sessionId: p.lastSessionId }) }, 'positive')
      : button(tr('bot.button.start'), { verb: 'policy.start', ...ids }, 'positive'),
    options.compact ? null : button(tr('bot.button.disable'), { verb: 'policy.disable', ...ids }),
  ]);
}

/** One policy in full, after a button or a command acted on it. */
export function policyCard(lang: Language, p: PolicyView, options: { links: CardLinks; outcome?: { message: string; tone: Tone } }): AdaptiveCard {
  const tr = translator(lang);
  const shown = p.running ? 'Running' : p.lastResult;
  return card(
    [
      banner(p.name, p.customerName, STATUS_TONE[shown] ?? 'default'),
      options.outcome ? outcome(options.outcome.message, options.outcome.tone) : null,
      facts([
        [tr('fact.status'), policyLine(lang, p)],
        [tr('bot.fact.lastSuccess'), p.lastSuccessAt ? formatDateTime(lang, p.lastSuccessAt) : tr('bot.policy.neverSucceeded')],
        // Since when the results have not been clean: shown when it says more than the last success.
        [tr(p.lastResult === 'Warning' ? 'bot.fact.warningsSince' : 'bot.fact.failingSince'), p.failingSince && p.failingSince !== p.lastSuccessAt ? formatDateTime(lang, p.failingSince) : null],
        [tr('bot.fact.lastMessage'), p.lastMessage],
        [
          tr('bot.fact.schedule'),
          compact([p.enabled ? tr('bot.policy.every', { hours: p.scheduleHours }) : tr('bot.policy.disabled'), p.schedule?.editable === false ? tr('policy.schedule.bySupportCase') : null]).join(
            ' · ',
          ),
        ],
        [tr('bot.fact.averageTime'), p.timedRuns ? p.averageProcessTime : null],
        [tr('bot.fact.backupType'), p.backupType === 'EntireOrganization' ? tr('bot.policy.entireOrganization') : tr('bot.policy.selectedItems')],
      ]),
    ],
    compact([...policyButtons(lang, p), button(tr('bot.button.customerStatus'), { verb: 'customer.status', customerId: p.customerId }), linkButton(lang, 'portal', options.links)]),
    { fallbackText: `${p.name} (${p.customerName}): ${policyLine(lang, p)}` },
  );
}

/** Stop and disable ask first: what will happen, and a button that does it. */
export function confirmPolicyCard(lang: Language, p: PolicyView, verb: 'stop' | 'disable'): AdaptiveCard {
  const tr = translator(lang);
  const ids = { policyId: p.id, customerId: p.customerId };
  const title = tr(verb === 'stop' ? 'bot.confirm.stop.title' : 'bot.confirm.disable.title', { policy: p.name });
  return card(
    [
      banner(title, p.customerName, 'warning'),
      text(tr(verb === 'stop' ? 'bot.confirm.stop.message' : 'bot.confirm.disable.message', { policy: p.name, customer: p.customerName }), { max: 600 }),
      facts([[tr('fact.status'), policyLine(lang, p)]]),
    ],
    [
      verb === 'stop'
        ? button(tr('bot.button.confirmStop'), { verb: 'policy.stop', ...ids, confirmed: true }, 'destructive')
        : button(tr('bot.button.confirmDisable'), { verb: 'policy.disable', ...ids, confirmed: true }, 'destructive'),
      // Cancel goes back to the policy, where stop and disable are offered.
      button(tr('bot.button.cancel'), { verb: 'policy.show', ...ids }),
    ],
    { fallbackText: title },
  );
}
