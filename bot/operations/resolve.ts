import { normalizeName, resolveName } from '../../shared/domain/similarity.js';
import type { PolicyView } from '../../shared/schemas/backup.js';
import type { Customer } from '../../shared/schemas/customers.js';
import { quoteArg } from '../../shared/cards/common.js';
import type { AdaptiveCard } from '../../shared/cards/kit.js';
import { ambiguousCard, didYouMeanCard } from '../../shared/cards/messages.js';
import type { BotTurn } from '../context.js';

/** A name resolved to one item, or the card to answer with instead (did you mean / which one). */
export type Resolved<T> = { item: T; card?: undefined } | { item?: undefined; card: AdaptiveCard };

const customerNames = (c: Customer) => [c.displayName, c.tenantDomain, c.domain, c.externalId, c.veeamAccountId, ...c.subscriptionIds];

/**
 * Finds the customer someone named. The hub's search (display name, M365 account, external id,
 * Veeam id, subscriptions, domain) finds the candidates; an exact or unique match is taken; a
 * typo gets "did you mean" buttons that run `rerun` with the right name.
 */
export async function resolveCustomer(turn: BotTurn, typed: string, rerun: (name: string) => string): Promise<Resolved<Customer>> {
  const name = typed.trim();
  const found = await turn.api.customers({ q: name, pageSize: 25 });
  if (found.items.length > 0) {
    const result = resolveName(name, found.items, customerNames);
    if (result.kind === 'match') return { item: result.item };
    if (found.total === 1) return { item: found.items[0]! };
    const candidates = result.kind === 'ambiguous' ? result.candidates : found.items;
    return { card: ambiguousCard(turn.language, 'customer', name, candidates.slice(0, 5).map((c) => ({ label: c.displayName, commandText: rerun(quoteArg(c.displayName)) })), Math.max(candidates.length, found.total)) };
  }
  const candidates = await nearbyCustomers(turn, name);
  const result = resolveName(name, candidates, customerNames);
  const suggestions = result.kind === 'none' ? result.suggestions : result.kind === 'ambiguous' ? result.candidates : [result.item];
  return { card: didYouMeanCard(turn.language, 'customer', name, suggestions.map((c) => ({ label: c.displayName, commandText: rerun(quoteArg(c.displayName)) }))) };
}

/**
 * Customers whose names share a beginning with a typed word: the candidates for "did you mean"
 * when the search found nothing (a typo). A few small searches, never the whole list.
 */
async function nearbyCustomers(turn: BotTurn, typed: string): Promise<Customer[]> {
  const words = normalizeName(typed)
    .split(' ')
    .filter((w) => w.length >= 3)
    .slice(0, 3);
  const prefixes = [...new Set(words.flatMap((w) => [w.slice(0, 3), w.slice(-3)]))].slice(0, 4);
  const byId = new Map<string, Customer>();
  for (const prefix of prefixes) {
    const page = await turn.api.customers({ q: prefix, pageSize: 100 });
    for (const c of page.items) byId.set(c.id, c);
  }
  return [...byId.values()];
}

const policyNames = (p: PolicyView) => [p.name, `${p.customerName} ${p.name}`];

/**
 * Finds the policy someone named, optionally within a named customer. Policy names repeat across
 * customers ("All users"), so several equal names ask "which one", with the customer in each button.
 */
export async function resolvePolicy(turn: BotTurn, typedPolicy: string, typedCustomer: string | undefined, rerun: (policy: string, customer?: string) => string): Promise<Resolved<PolicyView>> {
  const name = typedPolicy.trim();
  let customerId: string | undefined;
  let customerName: string | undefined;
  if (typedCustomer) {
    const customer = await resolveCustomer(turn, typedCustomer, (c) => rerun(quoteArg(name), c));
    if (customer.card) return customer;
    customerId = customer.item.id;
    customerName = customer.item.displayName;
  }
  const label = (p: PolicyView) => (customerId ? p.name : `${p.name} (${p.customerName})`);
  const again = (p: PolicyView) => rerun(quoteArg(p.name), quoteArg(p.customerName));
  const found = await turn.api.policies({ q: name, ...(customerId && { customerId }), pageSize: 50 });
  const byName = found.items.filter((p) => p.name.toLowerCase().includes(name.toLowerCase()));
  const pool = byName.length ? byName : found.items;
  if (pool.length > 0) {
    const result = resolveName(name, pool, policyNames);
    if (result.kind === 'match') return { item: result.item };
    if (pool.length === 1) return { item: pool[0]! };
    const candidates = result.kind === 'ambiguous' ? pool.filter((p) => normalizeName(p.name).includes(normalizeName(name))) : pool;
    // More than one page matched: the page's count is a floor, the search's total the best estimate.
    const total = found.total > found.items.length ? Math.max(candidates.length, found.total) : candidates.length;
    return { card: ambiguousCard(turn.language, 'policy', name, candidates.slice(0, 5).map((p) => ({ label: label(p), commandText: again(p) })), total) };
  }
  // Nothing by that name: a typo. Suggest from the customer's policies, or from a few searches.
  const nearby = customerId ? (await turn.api.policies({ customerId, pageSize: 200 })).items : await nearbyPolicies(turn, name);
  const result = resolveName(name, nearby, (p) => [p.name]);
  let suggestions = result.kind === 'none' ? result.suggestions : result.kind === 'ambiguous' ? result.candidates : [result.item];
  // Within one customer the list is short: offer its policies rather than nothing.
  if (suggestions.length === 0 && customerId) suggestions = nearby.slice(0, 5);
  return { card: didYouMeanCard(turn.language, 'policy', customerName ? `${name} (${customerName})` : name, suggestions.map((p) => ({ label: label(p), commandText: again(p) }))) };
}

async function nearbyPolicies(turn: BotTurn, typed: string): Promise<PolicyView[]> {
  const words = normalizeName(typed)
    .split(' ')
    .filter((w) => w.length >= 3)
    .slice(0, 3);
  const prefixes = [...new Set(words.flatMap((w) => [w.slice(0, 3), w.slice(-3)]))].slice(0, 4);
  const byId = new Map<string, PolicyView>();
  for (const prefix of prefixes) {
    const page = await turn.api.policies({ q: prefix, pageSize: 100 });
    for (const p of page.items) byId.set(p.id, p);
  }
  return [...byId.values()];
}
