import type { Policy, PolicyResult } from '../schemas/backup.js';

// How healthy a customer's protection is, from its policies and its license figures.

const RESULT_RANK: Record<PolicyResult, number> = { Never: 0, Success: 1, Stopped: 2, Warning: 3, Failed: 4, Disconnected: 5 };

/** The worst of several results: Disconnected > Failed > Warning > Stopped > Success > Never. */
export function worstResult(results: Iterable<PolicyResult>): PolicyResult {
  let worst: PolicyResult = 'Never';
  for (const result of results) if (RESULT_RANK[result] > RESULT_RANK[worst]) worst = result;
  return worst;
}

/**
 * When an enabled policy is (or will be) stale: its last protecting session (Success or
 * Warning), or its creation if it never had one, plus the threshold. Null when disabled.
 */
export function staleAt(policy: Pick<Policy, 'enabled' | 'lastSuccessAt' | 'createdAt'>, staleAfterMs: number): number | null {
  if (!policy.enabled) return null;
  return Date.parse(policy.lastSuccessAt ?? policy.createdAt) + staleAfterMs;
}

export function isStale(policy: Pick<Policy, 'enabled' | 'lastSuccessAt' | 'createdAt'>, now: Date, staleAfterMs: number): boolean {
  const at = staleAt(policy, staleAfterMs);
  return at !== null && at <= now.getTime();
}

const oneDecimal = (n: number) => Math.round(n * 10) / 10;

/** Protected users against the licensed limit, in percent with one decimal; null without a limit. */
export function licensePercent(customer: { licenseLimit?: number | undefined; backedUpAccounts: number }): number | null {
  const limit = customer.licenseLimit ?? 0;
  return limit > 0 ? oneDecimal((customer.backedUpAccounts / limit) * 100) : null;
}

/** Storage consumed against the quota in percent with one decimal; null without a quota. */
export function storagePercent(customer: { storageQuotaGb?: number | undefined; storageConsumedGb: number }): number | null {
  return customer.storageQuotaGb && customer.storageQuotaGb > 0 ? oneDecimal((customer.storageConsumedGb / customer.storageQuotaGb) * 100) : null;
}
