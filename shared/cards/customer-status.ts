import { formatDate, formatDateTime, formatNumber, formatPercent, tOr, type Language } from '../i18n/index.js';
import type { PolicyView } from '../schemas/backup.js';
import type { Customer } from '../schemas/customers.js';
import type { Alert, CustomerHealth } from '../schemas/monitoring.js';
import { banner, button, linkButton, outcome, row, translator, type Tone, type CardLinks } from './common.js';
import { healthLine } from './customers.js';
import { card, compact, container, facts, text, type AdaptiveCard } from './kit.js';
import { policyButtons, policyLine } from './policies.js';

export const STATUS_POLICIES = 8;
const STATUS_ALERTS = 5;

export interface CustomerStatusView {
  customer: Customer;
  health: CustomerHealth | undefined;
  policies: PolicyView[];
  policyTotal: number;
  alerts: Alert[];
  outcome?: { message: string; tone: Tone } | undefined;
}

function toneOf(health: CustomerHealth | undefined): Tone {
  if (!health) return 'default';
  if (health.lastResult === 'Failed' || health.lastResult === 'Disconnected') return 'attention';
  if (health.lastResult === 'Warning' || health.stale || (health.licensePercent ?? 0) >= 100) return 'warning';
  if (health.lastResult === 'Success') return 'good';
  return 'default';
}

/** `status <customer>`: health, licenses, storage, policies with their buttons, open alerts. */
export function customerStatusCard(lang: Language, view: CustomerStatusView, links: CardLinks): AdaptiveCard {
  const tr = translator(lang);
  const { customer: c, health } = view;
  const used = c.backedUpAccounts;
  const pendingInvites = c.invites.filter((i) => !i.acceptedAt);
  const policyRows = view.policies.slice(0, STATUS_POLICIES).map((p, i) =>
    row([text(p.name, { weight: 'Bolder' }), text(policyLine(lang, p, { short: true }), { isSubtle: true, spacing: 'None', size: 'Small' })], policyButtons(lang, p, { compact: true }), {
      separator: i > 0,
    }),
  );
  const inviteButton =
    pendingInvites.length > 0
      ? button(tr('action.resendInvite'), { verb: 'invite.resend', customerId: c.id })
      : c.status === 'pending' && c.primaryAdminEmail
        ? button(tr('bot.button.sendInvite', { email: c.primaryAdminEmail }), { verb: 'invite.send', customerId: c.id, emails: [c.primaryAdminEmail] })
        : null;
  return card(
    [
      banner(
        c.displayName,
        compact([tr(`bot.customerStatus.${c.status}`), c.status === 'active' ? tOr(lang, `bot.contract.${c.contractType}`, c.contractType) : null, c.tenantDomain ?? c.domain]).join(' · '),
        toneOf(health),
      ),
      view.outcome ? outcome(view.outcome.message, view.outcome.tone) : null,
      healthLine(lang, health) ? text(healthLine(lang, health), { weight: 'Bolder', spacing: 'Small' }) : null,
      facts([
        [tr('bot.fact.licenses'), c.licenseLimit ? `${formatNumber(lang, used)} / ${formatNumber(lang, c.licenseLimit)} (${formatPercent(lang, used / c.licenseLimit)})` : formatNumber(lang, used)],
        [
          tr('bot.fact.storage'),
          c.storageQuotaGb ? `${formatNumber(lang, c.storageConsumedGb, 1)} GB / ${formatNumber(lang, c.storageQuotaGb)} GB` : `${formatNumber(lang, c.storageConsumedGb, 1)} GB`,
        ],
        [tr('bot.fact.region'), c.storageRegion],
        [tr('bot.fact.activated'), c.activationDate ? formatDate(lang, c.activationDate) : null],
        [tr('bot.fact.source'), tOr(lang, `bot.sourceType.${c.sourceType}`, c.sourceType)],
        [tr('offboarding.fact'), c.offboardingRequest ? tr(`offboarding.status.${c.offboardingRequest.status}`, { caseNumber: c.offboardingRequest.caseNumber ?? '' }) : null],
        [tr('bot.fact.invites'), pendingInvites.length ? pendingInvites.map((i) => i.email).join(', ') : null],
      ]),
      view.policies.length
        ? container(
            [
              text(tr('bot.status.policies', { count: view.policyTotal }), { weight: 'Bolder' }),
              ...policyRows,
              view.policyTotal > STATUS_POLICIES ? text(tr('bot.more', { count: view.policyTotal - STATUS_POLICIES }), { isSubtle: true, spacing: 'Small' }) : null,
            ],
            { spacing: 'Medium' },
          )
        : text(c.status === 'active' ? tr('bot.status.noPolicies') : tr('bot.status.notOnboarded'), { isSubtle: true, spacing: 'Medium' }),
      view.alerts.length
        ? container(
            [
              text(tr('bot.status.alerts'), { weight: 'Bolder' }),
              // Each reason with, under it, since when it holds (reasons carry no times of their own).
              ...view.alerts
                .slice(0, STATUS_ALERTS)
                .flatMap((a) => [
                  text(`• ${a.reason}`, { spacing: 'Small', max: 300 }),
                  text(tr('bot.alert.since', { time: formatDateTime(lang, a.since) }), { isSubtle: true, size: 'Small', spacing: 'None' }),
                ]),
            ],
            { spacing: 'Medium' },
          )
        : null,
    ],
    compact([button(tr('bot.button.refresh'), { verb: 'customer.status', customerId: c.id }), inviteButton, linkButton(lang, 'portal', links)]),
    { fallbackText: `${c.displayName}: ${healthLine(lang, health) ?? tr(`bot.customerStatus.${c.status}`)}` },
  );
}
