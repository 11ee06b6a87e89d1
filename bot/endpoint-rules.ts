/**
 * Who may talk to the bot endpoint (`POST /api/messages`), as plain rules over headers and the
 * activity; bot/hosting.ts applies them before botbuilder sees anything. The threat is the
 * operator's own browser: any page it visits can POST to 127.0.0.1, and an activity names the
 * `serviceUrl` the bot then sends its reply to.
 */

export type EndpointRefusal = { status: 403 | 415 | 400 | 401; code: 'forbidden' | 'unsupported_media_type' | 'invalid_input' | 'unauthorized'; message: string };

/**
 * Bot Framework and the local Agents Playground call from servers, which send no `Origin`; a
 * browser sends one on every cross-origin POST (and `Sec-Fetch-Site` on every request).
 */
export function refuseBrowserRequest(headers: Headers): EndpointRefusal | null {
  const site = headers.get('sec-fetch-site')?.toLowerCase();
  if (headers.has('origin') || site === 'cross-site' || site === 'same-site') {
    return { status: 403, code: 'forbidden', message: 'The bot endpoint takes activities from Bot Framework, not from web pages.' };
  }
  return null;
}

/** Activities are JSON; a browser can send text/plain or a form without asking anyone first. */
export function refuseNonJson(headers: Headers): EndpointRefusal | null {
  const type = headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return null;
  return { status: 415, code: 'unsupported_media_type', message: 'Bot Framework activities are sent as application/json.' };
}

/** The `serviceUrl` of an activity, or a refusal when it has none that could be one. */
export function activityServiceUrl(activity: Record<string, unknown>): URL | EndpointRefusal {
  const value = activity.serviceUrl;
  let url: URL | null = null;
  try {
    url = typeof value === 'string' ? new URL(value) : null;
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    return { status: 400, code: 'invalid_input', message: 'The activity has no valid serviceUrl (an http or https URL).' };
  }
  return url;
}

/** Without credentials nothing vouches for the caller, so the bot only ever replies on this machine. */
export function refuseNonLoopbackServiceUrl(url: URL): EndpointRefusal | null {
  if (isLoopbackHostName(url.hostname)) return null;
  return {
    status: 403,
    code: 'forbidden',
    message: 'Without Microsoft app credentials the bot only replies to a serviceUrl on this machine (127.0.0.1, ::1 or localhost).',
  };
}

/**
 * With credentials the token Bot Framework signed names the service URL it is for (the
 * `serviceurl` claim); an activity asking for replies anywhere else is refused.
 */
export function refuseServiceUrlMismatch(claim: string | undefined | null, serviceUrl: unknown): EndpointRefusal | null {
  if (typeof claim === 'string' && claim.length > 0 && claim === serviceUrl) return null;
  return { status: 401, code: 'unauthorized', message: 'The activity’s serviceUrl is not the one its Bot Framework token was issued for.' };
}

export function isLoopbackHostName(hostname: string): boolean {
  const h = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(h);
}
