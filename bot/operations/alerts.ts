import { ALERT_ROWS, alertListCard } from '../../shared/cards/alerts.js';
import { translator } from '../../shared/cards/common.js';
import type { AdaptiveCard } from '../../shared/cards/kit.js';
import { FAILED_KINDS } from '../commands/failed.js';
import { STALE_KINDS } from '../commands/stale.js';
import type { BotTurn } from '../context.js';

/** Acknowledges an alert, then shows the list it belongs to (failed or stale) with the change. */
export async function acknowledgeAlert(turn: BotTurn, alertId: string): Promise<AdaptiveCard> {
  const alert = await turn.api.acknowledgeAlert(alertId);
  const list = STALE_KINDS.includes(alert.kind) ? 'stale' : 'failed';
  const page = await turn.api.alerts({ kind: list === 'stale' ? STALE_KINDS : FAILED_KINDS, pageSize: ALERT_ROWS });
  const tr = translator(turn.language);
  return alertListCard(turn.language, list, page.items, page.total, tr('bot.alert.acknowledgedNow', { subject: alert.customerName && alert.subject.type !== 'customer' ? `${alert.customerName}: ${alert.subject.name}` : alert.subject.name, name: turn.user.name ?? alert.acknowledged?.by ?? '' }));
}
