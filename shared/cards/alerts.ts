import type { Language } from '../i18n/index.js';
import type { Alert } from '../schemas/monitoring.js';
import { banner, button, commandButton, outcome, row, shortDateTime, translator } from './common.js';
import { card, compact, text, type AdaptiveCard, type CardButton } from './kit.js';

export const ALERT_ROWS = 10;
export type AlertList = 'failed' | 'stale';

/** The buttons that fix an alert (start, retry, enable) and acknowledge it. */
function alertButtons(lang: Language, alert: Alert): CardButton[] {
  const tr = translator(lang);
  const policyId = alert.action?.policyId ?? (alert.subject.type === 'policy' ? alert.subject.id : undefined);
  const customer = alert.customerId ? { customerId: alert.customerId } : {};
  const fix =
    alert.action?.type === 'startPolicy' && policyId
      ? alert.kind === 'staleProtection'
        ? button(tr('bot.button.start'), { verb: 'policy.start', policyId, ...customer }, 'positive')
        : button(tr('bot.button.retry'), { verb: 'policy.retry', policyId, ...customer }, 'positive')
      : alert.action?.type === 'enablePolicy' && policyId
        ? button(tr('bot.button.enable'), { verb: 'policy.enable', policyId, ...customer }, 'positive')
        : alert.customerId
          ? button(tr('bot.button.status'), { verb: 'customer.status', customerId: alert.customerId })
          : null;
  return compact([fix, alert.acknowledged ? null : button(tr('action.acknowledge'), { verb: 'alert.acknowledge', alertId: alert.id, ...customer })]);
}

/** `failed` and `stale`: the open alerts, worst and oldest first, each with what fixes it. */
export function alertListCard(lang: Language, list: AlertList, alerts: Alert[], total: number, outcomeLine?: string): AdaptiveCard {
  const tr = translator(lang);
  const title = tr(list === 'failed' ? 'bot.failed.title' : 'bot.stale.title');
  const rows = alerts.slice(0, ALERT_ROWS).map((a, i) =>
    row(
      [
        text(compact([a.customerName, a.subject.type === 'policy' ? a.subject.name : null]).join(': '), { weight: 'Bolder' }),
        text(a.reason, { spacing: 'None', size: 'Small', max: 300 }),
        text(
          compact([tr('bot.alert.since', { time: `${shortDateTime(lang, a.since)} UTC` }), a.acknowledged ? tr('bot.alert.acknowledged', { name: a.acknowledged.by, time: `${shortDateTime(lang, a.acknowledged.at)} UTC` }) : null]).join(' · '),
          { isSubtle: true, spacing: 'None', size: 'Small' },
        ),
      ],
      alertButtons(lang, a),
      { separator: i > 0, stacked: true },
    ),
  );
  return card(
    [
      banner(title, total ? tr('bot.alerts.count', { shown: Math.min(total, ALERT_ROWS), total }) : tr('bot.alerts.none'), total ? (list === 'failed' ? 'attention' : 'warning') : 'good'),
      outcomeLine ? outcome(outcomeLine, 'good') : null,
      ...(rows.length ? rows : [text(tr(list === 'failed' ? 'bot.failed.none' : 'bot.stale.none'))]),
      total > ALERT_ROWS ? text(tr('bot.alerts.more', { count: total - ALERT_ROWS }), { isSubtle: true, spacing: 'Medium' }) : null,
    ],
    [commandButton(tr('bot.button.refresh'), list), commandButton(tr(list === 'failed' ? 'bot.button.stale' : 'bot.button.failed'), list === 'failed' ? 'stale' : 'failed')],
    { fallbackText: title },
  );
}
