import { ApiError } from '../../shared/api/client.js';
import { exactKey, MIN_SUGGESTION_CHARS, normalizeName, resolveName, type NameMatch } from '../../shared/domain/similarity.js';
import type { PolicyView } from '../../shared/schemas/backup.js';
import type { Customer } from '../../shared/schemas/customers.js';
import { quoteArg } from '../../shared/cards/common.js';
import type { AdaptiveCard } from '../../shared/cards/kit.js';
import { ambiguousCard, didYouMeanCard, notExactCard } from '../../shared/cards/messages.js';
import type { BotTurn } from '../context.js';

/** A name resolved to one item, or the card to answer with instead (did you mean / which one). */
export type Resolved<T> = { item: T; card?: undefined } | { item?: undefined; card: AdaptiveCard };

export interface ResolveMode {
  /**
   * For commands that change something: act only on an exact name or id (case, spacing and
   * quotes aside); anything else answers with the candidates as buttons, which act on a click.
   * Without it (status, usage...) a unique partial match is taken as it is.
   */
  exact?: boolean;
}

const customerNames = (c: Customer) => [c.displayName, c.tenantDomain, c.domain, c.externalId, c.veeamAccountId, ...c.subscriptionIds];
const CUSTOMER_ID = /^cus_[A-Za-z0-9_-]+$/;
const POLICY_ID = /^pol_[A-Za-z0-9_-]+$/;

/** Enough typed characters for suggestions: "x" is in too many names to mean one of them. */
const suggestible = (typed: string) => normalizeName(typed).replace(/ /g, '').length >= MIN_SUGGESTION_CHARS;

/** The items a forgiving match offers as candidates: the match itself, the tied ones, or the close ones. */
function candidatesOf<T>(result: NameMatch<T>): T[] {
  return result.kind === 'match' ? [result.item] : result.kind === 'ambiguous' ? result.candidates : result.suggestions;
}

/** An item by its id, or undefined when there is none (404). */
async function byId<T>(load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/**
 * Finds the customer someone named. The hub's search (display name, M365 account, external id,
 * Veeam id, subscriptions, domain) finds the candidates; an exact or unique match is taken; a
 * typo gets "did you mean" buttons that run `rerun` with the right name. In exact mode only an
 * exact name, domain or id is taken.
 */
export async function resolveCustomer(turn: BotTurn, typed: string, rerun: (name: string) => string, mode: ResolveMode = {}): Promise<Resolved<Customer>> {
  const name = typed.trim();
  const button = (c: Customer) => ({ label: c.displayName, commandText: rerun(quoteArg(c.displayName)) });
  if (CUSTOMER_ID.test(name)) {
    const customer = await byId(() => turn.api.customer(name));
    if (customer) return { item: customer };
  }
  const found = await turn.api.customers({ q: name, pageSize: 25 });
  if (mode.exact) {
    const key = exactKey(name);
    const exactIn = (items: Customer[]) => items.filter((c) => customerNames(c).some((n) => n !== undefined && exactKey(n) === key));
    let pool = found.items;
    let exact = exactIn(pool);
    // The search reads some characters differently (’ and '): the nearby names are checked too.
    if (exact.length === 0 && suggestible(name)) {
      pool = unique([...found.items, ...(await nearbyCustomers(turn, name))]);
      exact = exactIn(pool);
    }
    if (exact.length === 1) return { item: exact[0]! };
    if (exact.length > 1) return { card: ambiguousCard(turn.language, 'customer', name, exact.slice(0, 5).map(button), exact.length) };
    const candidates = suggestible(name) ? candidatesOf(resolveName(name, pool, customerNames)) : [];
    return { card: notExactCard(turn.language, 'customer', name, candidates.map(button)) };
  }
  if (found.items.length > 0) {
    const result = resolveName(name, found.items, customerNames);
    if (result.kind === 'match') return { item: result.item };
    if (found.total === 1) return { item: found.items[0]! };
    // The search's hits contain the text somewhere: offered only for three characters or more.
    const candidates = result.kind === 'ambiguous' ? result.candidates : suggestible(name) ? found.items : [];
    if (candidates.length) return { card: ambiguousCard(turn.language, 'customer', name, candidates.slice(0, 5).map(button), Math.max(candidates.length, found.total)) };
    return { card: didYouMeanCard(turn.language, 'customer', name, []) };
  }
  const suggestions = suggestible(name) ? candidatesOf(resolveName(name, await nearbyCustomers(turn, name), customerNames)) : [];
  return { card: didYouMeanCard(turn.language, 'customer', name, suggestions.map(button)) };
}

/**
 * Customers whose names share a beginning with a typed word: the candidates for "did you mean"
 * when the search found nothing (a typo). A few small searches, never the whole list.
 */
async function nearbyCustomers(turn: BotTurn, typed: string): Promise<Customer[]> {
  const byId = new Map<string, Customer>();
  for (const prefix of prefixesOf(typed)) {
    const page = await turn.api.customers({ q: prefix, pageSize: 100 });
    for (const c of page.items) byId.set(c.id, c);
  }
  return [...byId.values()];
}

const policyNames = (p: PolicyView) => [p.name, `${p.customerName} ${p.name}`];

/**
 * Finds the policy someone named, optionally within a named customer. Policy names repeat across
 * customers ("All users"), so several equal names ask "which one", with the customer in each
 * button. In exact mode the policy and the customer are taken only by exact name or id.
 */
export async function resolvePolicy(
  turn: BotTurn,
  typedPolicy: string,
  typedCustomer: string | undefined,
  rerun: (policy: string, customer?: string) => string,
  mode: ResolveMode = {},
): Promise<Resolved<PolicyView>> {
  const name = typedPolicy.trim();
  let customerId: string | undefined;
  let customerName: string | undefined;
  if (typedCustomer) {
    const customer = await resolveCustomer(turn, typedCustomer, (c) => rerun(quoteArg(name), c), mode);
    if (customer.card) return customer;
    customerId = customer.item.id;
    customerName = customer.item.displayName;
  }
  const label = (p: PolicyView) => (customerId ? p.name : `${p.name} (${p.customerName})`);
  const button = (p: PolicyView) => ({ label: label(p), commandText: rerun(quoteArg(p.name), quoteArg(p.customerName)) });
  if (POLICY_ID.test(name)) {
    const policy = await byId(() => turn.api.policy(name));
    if (policy && (!customerId || policy.customerId === customerId)) return { item: policy };
  }
  const found = await turn.api.policies({ q: name, ...(customerId && { customerId }), pageSize: 50 });
  // More than one page matched: the page's count is a floor, the search's total the best estimate.
  const estimate = (shown: number) => (found.total > found.items.length ? Math.max(shown, found.total) : shown);
  if (mode.exact) {
    const key = exactKey(name);
    const exact = found.items.filter((p) => exactKey(p.name) === key);
    if (exact.length === 1) return { item: exact[0]! };
    if (exact.length > 1) return { card: ambiguousCard(turn.language, 'policy', name, exact.slice(0, 5).map(button), estimate(exact.length)) };
    let candidates: PolicyView[] = [];
    if (suggestible(name)) {
      const pool = found.items.length ? found.items : customerId ? (await turn.api.policies({ customerId, pageSize: 200 })).items : await nearbyPolicies(turn, name);
      candidates = candidatesOf(resolveName(name, pool, found.items.length ? policyNames : (p) => [p.name]));
    }
    return { card: notExactCard(turn.language, 'policy', customerName ? `${name} (${customerName})` : name, candidates.map(button)) };
  }
  const byName = found.items.filter((p) => p.name.toLowerCase().includes(name.toLowerCase()));
  const pool = byName.length ? byName : found.items;
  if (pool.length > 0) {
    const result = resolveName(name, pool, policyNames);
    if (result.kind === 'match') return { item: result.item };
    if (pool.length === 1) return { item: pool[0]! };
    const candidates = result.kind === 'ambiguous' ? pool.filter((p) => normalizeName(p.name).includes(normalizeName(name))) : suggestible(name) ? pool : [];
    if (candidates.length) return { card: ambiguousCard(turn.language, 'policy', name, candidates.slice(0, 5).map(button), estimate(candidates.length)) };
    return { card: didYouMeanCard(turn.language, 'policy', customerName ? `${name} (${customerName})` : name, []) };
  }
  // Nothing by that name: a typo. Suggest from the customer's policies, or from a few searches.
  let suggestions: PolicyView[] = [];
  if (suggestible(name)) {
    const nearby = customerId ? (await turn.api.policies({ customerId, pageSize: 200 })).items : await nearbyPolicies(turn, name);
    suggestions = candidatesOf(resolveName(name, nearby, (p) => [p.name]));
  }
  return { card: didYouMeanCard(turn.language, 'policy', customerName ? `${name} (${customerName})` : name, suggestions.map(button)) };
}

async function nearbyPolicies(turn: BotTurn, typed: string): Promise<PolicyView[]> {
  const byId = new Map<string, PolicyView>();
  for (const prefix of prefixesOf(typed)) {
    const page = await turn.api.policies({ q: prefix, pageSize: 100 });
    for (const p of page.items) byId.set(p.id, p);
  }
  return [...byId.values()];
}

function unique<T extends { id: string }>(items: T[]): T[] {
  return [...new Map(items.map((i) => [i.id, i])).values()];
}

/** The first and last three letters of up to three typed words: small searches that find typos. */
function prefixesOf(typed: string): string[] {
  const words = normalizeName(typed)
    .split(' ')
    .filter((w) => w.length >= 3)
    .slice(0, 3);
  return [...new Set(words.flatMap((w) => [w.slice(0, 3), w.slice(-3)]))].slice(0, 4);
}
