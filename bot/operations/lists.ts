import { ALERT_ROWS, alertListCard, type AlertList, type ListOutcome } from '../../shared/cards/alerts.js';
import { CUSTOMER_ROWS, customersCard } from '../../shared/cards/customers.js';
import type { AdaptiveCard } from '../../shared/cards/kit.js';
import type { CustomerHealth } from '../../shared/schemas/monitoring.js';
import type { BotTurn } from '../context.js';

/** Alert kinds behind `failed`: the last session failed or warned, or the tenant is unreachable. */
export const FAILED_KINDS = ['backupFailed', 'backupWarning', 'tenantDisconnected'];
/** Alert kinds behind `stale`: enabled policies without a recent successful session. */
export const STALE_KINDS = ['staleProtection'];

/** A page past the end (the list got shorter since it was shown) becomes the last page. */
const lastPage = (total: number, rows: number) => Math.max(1, Math.ceil(total / rows));

/** One page of `failed` or `stale`, optionally with what just happened to one of its rows. */
export async function alertList(turn: BotTurn, list: AlertList, page = 1, outcome?: ListOutcome): Promise<AdaptiveCard> {
  const kind = list === 'stale' ? STALE_KINDS : FAILED_KINDS;
  let found = await turn.api.alerts({ kind, page, pageSize: ALERT_ROWS });
  if (found.items.length === 0 && page > 1 && found.total > 0) {
    page = lastPage(found.total, ALERT_ROWS);
    found = await turn.api.alerts({ kind, page, pageSize: ALERT_ROWS });
  }
  return alertListCard(turn.language, list, found.items, found.total, { page, outcome });
}

/** One page of `customers [text]`, with each row's health. */
export async function customerList(turn: BotTurn, q: string | undefined, page = 1): Promise<AdaptiveCard> {
  const query = { ...(q && { q }), pageSize: CUSTOMER_ROWS, sort: 'displayName' as const };
  let found = await turn.api.customers({ ...query, page });
  if (found.items.length === 0 && page > 1 && found.total > 0) {
    page = lastPage(found.total, CUSTOMER_ROWS);
    found = await turn.api.customers({ ...query, page });
  }
  const health = new Map<string, CustomerHealth>();
  if (found.items.length) {
    const answer = await turn.api.customersHealth({ ids: found.items.map((c) => c.id) });
    for (const h of answer.items) health.set(h.id, h);
  }
  return customersCard(turn.language, { query: q, items: found.items, total: found.total, page, health });
}
