import { say, type Text } from '../i18n/index.js';
import { PUBLIC_MAIL_DOMAINS } from './customer-public-mail-domains.js';

export type DomainCheck = { ok: true; domain: string } | { ok: false; reason: string; text: Text };

/** A refusal with its reason in English and as a catalog text. */
const refused = (text: Text): DomainCheck => ({ ok: false, reason: say('en', text), text });

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const FORBIDDEN_CHARS = /[\s/\\?#@:%[\]<>"'`|^{}]/;
const PUBLIC = new Set(PUBLIC_MAIL_DOMAINS);

/**
 * Normalizes a domain as typed (case, surrounding spaces, a trailing dot, international names to
 * their xn-- form) and checks its syntax: at least two labels, each 1-63 letters, digits or
 * inner hyphens, an alphabetic top-level label, 253 characters at most.
 */
export function normalizeDomain(input: string): DomainCheck {
  let domain = input.trim().toLowerCase().replace(/\.$/, '');
  if (domain === '') return refused({ key: 'api.domain.empty' });
  if (FORBIDDEN_CHARS.test(domain)) return refused({ key: 'api.domain.bare' });
  // oxlint-disable-next-line no-control-regex -- the whole ASCII range: anything outside it is an IDN
  if (/[^\x00-\x7f]/.test(domain)) {
    try {
      domain = new URL(`http://${domain}`).hostname;
    } catch {
      return refused({ key: 'api.domain.idn' });
    }
  }
  if (domain.length > 253) return refused({ key: 'api.domain.tooLong' });
  const labels = domain.split('.');
  if (labels.length < 2) return refused({ key: 'api.domain.twoLabels' });
  for (const label of labels) {
    if (label === '') return refused({ key: 'api.domain.emptyLabel' });
    if (label.length > 63) return refused({ key: 'api.domain.longLabel' });
    if (!LABEL.test(label)) return refused({ key: 'api.domain.badLabel', params: { label } });
  }
  if (!TLD.test(labels[labels.length - 1]!)) return refused({ key: 'api.domain.tld' });
  return { ok: true, domain };
}

/** A consumer mail provider (gmail.com, outlook.com...) or a subdomain of one. */
export function isPublicMailDomain(domain: string): boolean {
  const labels = domain.toLowerCase().split('.');
  for (let i = 0; i < labels.length - 1; i++) if (PUBLIC.has(labels.slice(i).join('.'))) return true;
  return false;
}

/** The full rule for a customer's domain: valid syntax and owned by the organization. */
export function checkCustomerDomain(input: string): DomainCheck {
  const check = normalizeDomain(input);
  if (!check.ok) return check;
  if (isPublicMailDomain(check.domain)) {
    return refused({ key: 'api.domain.publicMail', params: { domain: check.domain } });
  }
  return check;
}

/** The part after the last @, lower-cased. */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** An address at the domain itself or at one of its subdomains (mail.fabrikam.com is inside fabrikam.com). */
export function isInsideDomain(email: string, domain: string): boolean {
  const at = emailDomain(email);
  const own = domain.toLowerCase();
  return at === own || at.endsWith(`.${own}`);
}

/** Microsoft 365 tenant default domains look like contoso.onmicrosoft.com. */
export function checkTenantDomain(input: string): DomainCheck {
  const check = normalizeDomain(input);
  if (!check.ok) return check;
  const labels = check.domain.split('.');
  if (labels.length !== 3 || labels[1] !== 'onmicrosoft' || labels[2] !== 'com') {
    return refused({ key: 'api.domain.tenant' });
  }
  return check;
}
