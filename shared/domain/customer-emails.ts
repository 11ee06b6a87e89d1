import { say, type Text } from '../i18n/index.js';
import { isInsideDomain, normalizeDomain } from './customer-domain.js';
import { GROUP_MAILBOX_NAMES } from './customer-group-mailboxes.js';

const ATEXT = "[a-z0-9!#$%&'*+/=?^_`{|}~-]";
const LOCAL = new RegExp(`^${ATEXT}+(?:\\.${ATEXT}+)*$`, 'i');
/** Characters Microsoft allows in the user name of a UPN. */
const UPN_LOCAL = /^[a-z0-9'_!#^~-]+(?:\.[a-z0-9'_!#^~-]+)*$/i;
const GROUPS = new Set(GROUP_MAILBOX_NAMES);

/** Lower-cased address when it is a syntactically valid email (dot-atom local part, valid domain), else null. */
export function normalizeEmail(input: string): string | null {
  const email = input.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at < 1 || at !== email.indexOf('@')) return null;
  const local = email.slice(0, at);
  if (local.length > 64 || !LOCAL.test(local)) return null;
  const domain = normalizeDomain(email.slice(at + 1));
  if (!domain.ok || email.length > 254) return null;
  return `${local}@${domain.domain}`;
}

/** Splits "a@x.com, b@x.com c@x.com" (commas, spaces, semicolons, new lines) or a list of such strings. */
export function splitEmailList(input: string | readonly string[]): string[] {
  const parts = typeof input === 'string' ? [input] : input;
  return parts
    .flatMap((part) => part.split(/[\s,;]+/))
    .map((token) =>
      token
        .replace(/^mailto:/i, '')
        .replace(/^<(.*)>$/, '$1')
        .trim(),
    )
    .filter((token) => token !== '');
}

export interface EmailProblem {
  email: string;
  kind: 'malformed' | 'outside-domain';
  message: string;
  /** The message as a catalog text, said in the caller's language. */
  text: Text;
}

const problem = (email: string, kind: EmailProblem['kind'], text: Text): EmailProblem => ({ email, kind, message: say('en', text), text });

/**
 * The invite rule: every address well-formed and inside the customer's domain (or a subdomain).
 * Returns the de-duplicated, lower-cased addresses in the order given and every problem found.
 */
export function checkInviteEmails(input: string | readonly string[], domain: string): { emails: string[]; problems: EmailProblem[] } {
  const emails: string[] = [];
  const problems: EmailProblem[] = [];
  const seen = new Set<string>();
  for (const token of splitEmailList(input)) {
    const email = normalizeEmail(token);
    if (!email) {
      if (!problems.some((p) => p.email === token)) problems.push(problem(token, 'malformed', { key: 'api.email.malformed', params: { email: token } }));
      continue;
    }
    if (seen.has(email)) continue;
    seen.add(email);
    if (!isInsideDomain(email, domain)) {
      problems.push(problem(email, 'outside-domain', { key: 'api.email.outsideDomain', params: { email, domain } }));
      continue;
    }
    emails.push(email);
  }
  return { emails, problems };
}

export interface UpnContext {
  /** The customer's own domain; missing when the customer was created without one. */
  domain: string | undefined;
  /**
   * True for the sign-in name of a user of this hub: the service provider adds its own
   * Microsoft 365 account to a customer so it can switch to that customer's view.
   */
  isHubUser?: (email: string) => boolean;
}

/**
 * The admin-user rule: a person's UPN (no `+` alias, no group or shared mailbox such as
 * info@ or support@), inside the customer's domain unless it is the account of a hub user.
 * Returns null when the address is acceptable, else why not.
 */
export function checkAdminUpn(input: string, context: UpnContext): string | null {
  const text = checkAdminUpnText(input, context);
  return text ? say('en', text) : null;
}

/** checkAdminUpn's answer as a catalog text, said in the caller's language. */
export function checkAdminUpnText(input: string, context: UpnContext): Text | null {
  const email = normalizeEmail(input);
  if (!email) return { key: 'api.email.malformed', params: { email: input.trim() } };
  const local = email.slice(0, email.indexOf('@'));
  if (local.includes('+')) return { key: 'api.upn.alias', params: { email } };
  if (!UPN_LOCAL.test(local)) return { key: 'api.upn.invalid', params: { email } };
  const hubUser = context.isHubUser?.(email) ?? false;
  if (!hubUser && GROUPS.has(local)) return { key: 'api.upn.group', params: { email } };
  if (hubUser) return null;
  if (!context.domain) return { key: 'api.upn.noDomain', params: { email } };
  if (!isInsideDomain(email, context.domain)) return { key: 'api.upn.outside', params: { email, domain: context.domain } };
  return null;
}
