import { isIP } from 'node:net';
import { isLoopbackHost } from '../services/notifications/webhook-policy.js';
import { say, type Text } from '../../shared/i18n/index.js';

// Which upstream base URLs a connection may use: https; http only to this machine outside
// production; never link-local or cloud metadata addresses (a settings editor must not make the
// hub fetch 169.254.169.254 with its credentials).

const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata', 'metadata.azure.com', 'instance-data', 'instance-data.ec2.internal']);

export function isLinkLocalOrMetadata(host: string): boolean {
  const h = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (METADATA_HOSTS.has(h)) return true;
  if (isIP(h) === 4) {
    const [a, b] = h.split('.').map(Number);
    return (a === 169 && b === 254) || h === '100.100.100.200';
  }
  if (isIP(h) === 6) {
    if (/^fe[89ab][0-9a-f]:/.test(h)) return true;
    if (h === 'fd00:ec2::254') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    if (mapped) return isLinkLocalOrMetadata(mapped[1]!);
  }
  return false;
}

/** Why a base URL may not be used, or null. */
export function baseUrlProblem(value: string, options: { production: boolean }): string | null {
  const text = baseUrlProblemText(value, options);
  return text ? say('en', text) : null;
}

/** baseUrlProblem as a catalog text, said in the caller's language. */
export function baseUrlProblemText(value: string, options: { production: boolean }): Text | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { key: 'api.baseUrl.notAbsolute' };
  }
  if (url.username || url.password) return { key: 'api.baseUrl.credentials' };
  if (url.search || url.hash) return { key: 'api.baseUrl.query' };
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { key: 'api.baseUrl.https' };
  if (isLinkLocalOrMetadata(url.hostname)) return { key: 'api.baseUrl.linkLocal', params: { host: url.hostname } };
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === 'http:') {
    if (!loopback) return { key: 'api.baseUrl.httpLocalOnly' };
    if (options.production) return { key: 'api.baseUrl.httpsInProduction' };
  }
  return null;
}

/** The base URL without a trailing slash. */
export function normalizeBaseUrl(value: string): string {
  const url = new URL(value);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}
