/**
 * DNS rebinding defence: a page on an attacker's domain that re-points its name at 127.0.0.1
 * reaches the hub with its own name in `Host`. Only names the operator chose are answered.
 */

/** The host names (no port) the hub answers to: its bind address, localhost, and the configured ones. */
export function allowedHostNames(options: { bindHost: string; publicUrl?: string | undefined; extra?: readonly string[] }): Set<string> {
  const names = new Set<string>(['localhost']);
  names.add(normalizeHostName(options.bindHost));
  if (options.publicUrl) {
    try {
      names.add(normalizeHostName(new URL(options.publicUrl).hostname));
    } catch {
      // An unparsable public URL names no host.
    }
  }
  for (const host of options.extra ?? []) if (host.trim()) names.add(normalizeHostName(hostNameOf(host.trim()) ?? host.trim()));
  return names;
}

/** The host name of a Host header value (`name`, `name:port`, `[v6]:port`), or null when it is not one. */
export function hostNameOf(host: string): string | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:/?#@[\]]+)(?::\d{1,5})?$/.exec(host);
  return match ? normalizeHostName(match[1]!) : null;
}

function normalizeHostName(name: string): string {
  const lower = name.toLowerCase().replace(/\.$/, '');
  // A bare IPv6 bind address (`::1`) is written `[::1]` in a Host header.
  return lower.includes(':') && !lower.startsWith('[') ? `[${lower}]` : lower;
}

/** True when a request carrying this Host header (or, without one, addressed to this URL host) may be answered. */
export function isAllowedHost(host: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (host === undefined) return false;
  const name = hostNameOf(host);
  return name !== null && allowed.has(name);
}

/** SPHUB_ALLOWED_HOSTS: a comma- or space-separated list of host names. */
export function parseAllowedHosts(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}
