/**
 * Which Teams channel webhook URLs the hub accepts. Workflows ("post to a channel when a webhook
 * request is received") and the older connectors live on Microsoft hosts; anything else would let
 * a settings editor make the hub post to arbitrary servers. Outside production, loopback URLs
 * (http or https) are allowed too, so tests and local demos can run a receiver on this machine.
 */

export const DEFAULT_WEBHOOK_HOSTS = ['*.webhook.office.com', '*.logic.azure.com', '*.powerplatform.com', '*.api.powerplatform.com', '*.environment.api.powerplatform.com'] as const;

export interface WebhookPolicy {
  production: boolean;
  /** Host patterns: `example.com` exactly, `*.example.com` any subdomain (at any depth). */
  allowedHosts: string[];
}

/** `SPHUB_WEBHOOK_ALLOWED_HOSTS=*.webhook.office.com,hooks.example.com` replaces the default list. */
export function webhookPolicyFrom(env: Record<string, string | undefined>, production: boolean): WebhookPolicy {
  const raw = env.SPHUB_WEBHOOK_ALLOWED_HOSTS;
  const allowedHosts = raw
    ? raw
        .split(/[\s,]+/)
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean)
    : [...DEFAULT_WEBHOOK_HOSTS];
  return { production, allowedHosts };
}

export function hostMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase();
  if (p.startsWith('*.')) {
    const suffix = p.slice(1);
    return h.endsWith(suffix) && h.length > suffix.length;
  }
  return h === p;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Why a URL may not be used as a webhook, or null when it may. */
export function webhookUrlProblem(value: string, policy: WebhookPolicy): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not contain a user name or password';
  const loopback = isLoopbackHost(url.hostname);
  if (loopback) {
    if (policy.production) return 'must not point to this machine in production';
    return url.protocol === 'https:' || url.protocol === 'http:' ? null : 'must be an http or https URL';
  }
  if (url.protocol !== 'https:') return 'must be an https URL';
  if (!policy.allowedHosts.some((pattern) => hostMatches(url.hostname, pattern))) {
    return `must be a Teams webhook on an allowed host (${policy.allowedHosts.join(', ')}); ${url.hostname} is not one`;
  }
  return null;
}

/** A webhook URL carries its own credentials (the signature in the query): show only scheme and host. */
export function redactWebhookUrl(value: string): string {
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}/…`;
  } catch {
    return 'webhook';
  }
}
