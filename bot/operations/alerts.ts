import { translator } from '../../shared/cards/common.js';
import type { AdaptiveCard } from '../../shared/cards/kit.js';
import type { ListPlace } from '../../shared/schemas/cards.js';
import type { BotTurn } from '../context.js';
import { alertList, STALE_KINDS } from './lists.js';

/** Acknowledges an alert, then shows the list it belongs to (failed or stale, at its page) with the change. */
export async function acknowledgeAlert(turn: BotTurn, alertId: string, from?: ListPlace): Promise<AdaptiveCard> {
  const alert = await turn.api.acknowledgeAlert(alertId);
  const list = from?.list ?? (STALE_KINDS.includes(alert.kind) ? 'stale' : 'failed');
  const tr = translator(turn.language);
  const subject = alert.customerName && alert.subject.type !== 'customer' ? `${alert.customerName}: ${alert.subject.name}` : alert.subject.name;
  return alertList(turn, list, from?.page ?? 1, { message: tr('bot.alert.acknowledgedNow', { subject, name: turn.user.name ?? alert.acknowledged?.by ?? '' }), tone: 'good', alertId: alert.id });
}
