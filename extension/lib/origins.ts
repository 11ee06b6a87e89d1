import { t } from './i18n.js';
/**
 * Turns what a user types as a site ("127.0.0.1:3978", "https://portal.example.com/app",
 * "*.example.com") into a host match pattern such as "http://127.0.0.1:3978/*", or explains why not.
 */
export type OriginParse = { ok: true; pattern: string } | { ok: false; message: string };

const HOST = /^(\*|(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*)$/i;

export function toOriginPattern(input: string): OriginParse {
  let text = input.trim();
  if (!text) return { ok: false, message: t('errors.siteEmpty') };
  if (!/^[a-z*]+:\/\//i.test(text)) text = `${/^(127\.|localhost)/i.test(text) ? 'http' : 'https'}://${text}`;
  const match = /^(https?|\*):\/\/([^/:]+)(?::(\d{1,5}))?(\/.*)?$/i.exec(text);
  if (!match) return { ok: false, message: t('errors.notWebAddress', [input.trim()]) };
  const [, scheme, host, port] = match;
  if (!HOST.test(host!)) return { ok: false, message: t('errors.notHost', [host!]) };
  if (host === '*') return { ok: false, message: t('errors.everySite') };
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return { ok: false, message: t('errors.portRange', [port]) };
  return { ok: true, pattern: `${scheme!.toLowerCase()}://${host!.toLowerCase()}${port ? `:${port}` : ''}/*` };
}

/**
 * The host permission that covers a site pattern: the same without its port. Host permissions
 * match every port in both browsers, and Firefox answers permissions.contains() with false for a
 * pattern with a port even when the manifest grants its host (and opens a prompt on request()),
 * so permissions are always asked and checked for the host.
 */
export function permissionPattern(pattern: string): string {
  return pattern.replace(/^([a-z*]+:\/\/[^/:]+):\d+\//i, '$1/');
}

/** The origin pattern of a hub URL, for the host permission the background worker needs. */
export function hubPermissionPattern(hubUrl: string): string {
  const url = new URL(hubUrl);
  return `${url.protocol}//${url.hostname}/*`;
}

/** Checks and normalises a hub URL: http(s), no credentials, no query; the path is kept (a hub behind a prefix). */
export function normalizeHubUrl(input: string, what: 'hub' | 'portal' = 'hub'): { ok: true; url: string } | { ok: false; message: string } {
  const name = t(what === 'hub' ? 'errors.hubUrlName' : 'errors.portalUrlName');
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return { ok: false, message: t('errors.hubUrlFull', [name]) };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, message: t('errors.hubUrlScheme', [name]) };
  if (url.username || url.password) return { ok: false, message: t('errors.hubUrlCredentials', [name]) };
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  return { ok: true, url: `${url.protocol}//${url.host}${path}` };
}

/**
 * Whether a page address falls under a match pattern such as "http://127.0.0.1:3978/*" or
 * "https://*.veeam.com/*" (the path part is always "/*" here). A port in the pattern must be the
 * page's; without one, any port matches.
 */
export function matchesPattern(pageUrl: string, pattern: string): boolean {
  const match = /^(https?|\*):\/\/([^/:]+)(?::(\d+))?\//i.exec(pattern);
  if (!match) return false;
  let url: URL;
  try {
    url = new URL(pageUrl);
  } catch {
    return false;
  }
  const [, scheme, host, port] = match;
  const protocol = url.protocol.replace(/:$/, '');
  if (scheme === '*' ? protocol !== 'http' && protocol !== 'https' : protocol !== scheme!.toLowerCase()) return false;
  const hostname = url.hostname.toLowerCase();
  const wanted = host!.toLowerCase();
  const hostOk = wanted === '*' || (wanted.startsWith('*.') ? hostname === wanted.slice(2) || hostname.endsWith(wanted.slice(1)) : hostname === wanted);
  if (!hostOk) return false;
  return port === undefined || (url.port || (protocol === 'https' ? '443' : '80')) === port;
}
