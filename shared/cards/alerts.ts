import type { Language } from '../i18n/index.js';
import type { ListPlace } from '../schemas/cards.js';
import type { Alert } from '../schemas/monitoring.js';
import { banner, button, commandButton, outcome, pageRange, pager, row, shortDateTime, translator, type Tone } from './common.js';
import { card, compact, text, type AdaptiveCard, type CardButton } from './kit.js';

export const ALERT_ROWS = 10;
export type AlertList = 'failed' | 'stale';

/** The policy an alert is about, if any. */
const policyOf = (alert: Alert) => alert.action?.policyId ?? (alert.subject.type === 'policy' ? alert.subject.id : undefined);

/** The buttons that fix an alert (start, retry, enable) and acknowledge it; they keep the list's place. */
function alertButtons(lang: Language, alert: Alert, from: ListPlace): CardButton[] {
  const tr = translator(lang);
  const policyId = policyOf(alert);
  const customer = { ...(alert.customerId && { customerId: alert.customerId }), from };
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

/** What just happened to a row of the list (a retry, a start): shown in that row, or above the list. */
export interface ListOutcome {
  message: string;
  tone: Tone;
  /** The policy or alert the outcome is about. */
  policyId?: string | undefined;
  alertId?: string | undefined;
}

/**
 * `failed` and `stale`: the open alerts, worst and oldest first, each with what fixes it, a page
 * at a time. An outcome about a row on this page is shown in that row (whose fix button goes
 * once it worked), so the list stays as it was around it.
 */
export function alertListCard(lang: Language, list: AlertList, alerts: Alert[], total: number, options: { page?: number; outcome?: ListOutcome | undefined } = {}): AdaptiveCard {
  const tr = translator(lang);
  const page = options.page ?? 1;
  const title = tr(list === 'failed' ? 'bot.failed.title' : 'bot.stale.title');
  const shown = alerts.slice(0, ALERT_ROWS);
  const about = (a: Alert) => options.outcome && ((options.outcome.alertId && options.outcome.alertId === a.id) || (options.outcome.policyId && options.outcome.policyId === policyOf(a)));
  const inRow = shown.some(about);
  const rows = shown.map((a, i) => {
    const changed = about(a) ? options.outcome : undefined;
    const buttons = alertButtons(lang, a, { list, page });
    return row(
      [
        text(compact([a.customerName, a.subject.type === 'policy' ? a.subject.name : null]).join(': '), { weight: 'Bolder' }),
        text(a.reason, { spacing: 'None', size: 'Small', max: 300 }),
        text(
          compact([
            tr('bot.alert.since', { time: `${shortDateTime(lang, a.since)} UTC` }),
            a.acknowledged ? tr('bot.alert.acknowledged', { name: a.acknowledged.by, time: `${shortDateTime(lang, a.acknowledged.at)} UTC` }) : null,
          ]).join(' · '),
          { isSubtle: true, spacing: 'None', size: 'Small' },
        ),
        changed ? outcome(changed.message, changed.tone) : null,
      ],
      // Once started, the row's start or retry would only say "already running".
      changed?.policyId && changed.tone === 'good' ? buttons.filter((b) => !isFix(b)) : buttons,
      { separator: i > 0, stacked: true },
    );
  });
  const { from, to } = pageRange(page, ALERT_ROWS, shown.length);
  return card(
    [
      banner(title, total ? tr('bot.alerts.count', { from, to, total }) : tr('bot.alerts.none'), total ? (list === 'failed' ? 'attention' : 'warning') : 'good'),
      options.outcome && !inRow ? outcome(options.outcome.message, options.outcome.tone) : null,
      ...(rows.length ? rows : [text(tr(list === 'failed' ? 'bot.failed.none' : 'bot.stale.none'))]),
    ],
    [
      ...pager(lang, list, { page, rows: ALERT_ROWS, total }),
      commandButton(tr('bot.button.refresh'), list),
      commandButton(tr(list === 'failed' ? 'bot.button.stale' : 'bot.button.failed'), list === 'failed' ? 'stale' : 'failed'),
    ],
    { fallbackText: title },
  );
}

const FIX_VERBS = new Set(['policy.start', 'policy.retry', 'policy.enable']);
const isFix = (b: CardButton) => FIX_VERBS.has(String(b.verb));
