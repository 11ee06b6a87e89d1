import type { Context } from 'hono';
import type { HubContext } from '../context.js';
import { HubError, localizedError } from '../http/errors.js';
import type { HubEnv } from '../http/router.js';
import { FailureThrottle } from './failure-throttle.js';
import type { Principal } from './principal.js';

export const TEAMS_USER_HEADER = 'x-sphub-teams-user';
export const TEAMS_NAME_HEADER = 'x-sphub-teams-name';
export const CHANNEL_HEADER = 'x-sphub-channel';

/** Wrong keys allowed per client address and per key prefix: a burst, then this many a minute. */
export const AUTH_FAILURE_BURST = 20;
export const AUTH_FAILURES_PER_MINUTE = 20;

/**
 * `Authorization: Bearer <api key>` for people and the extension; the in-process bot uses the
 * internal token plus the Teams user it acts for, so its calls run with that user's permissions.
 * Wrong keys are counted per client address and per key prefix: past the limit they are answered
 * 429 with Retry-After (held for `authFailureDelayMs` first), and each burst is audited once. A valid key is checked first and never
 * counted or held back, even from an address that is being throttled.
 */
export function createAuthenticate(ctx: HubContext) {
  const throttle = new FailureThrottle({ clock: ctx.clock, burst: AUTH_FAILURE_BURST, perMinute: AUTH_FAILURES_PER_MINUTE });
  return async (c: Context<HubEnv>): Promise<Principal> => {
    const header = c.req.header('authorization') ?? '';
    const secret = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    const access = ctx.services.access;
    if (secret && secret === access.internalToken) {
      return access.authenticateTeams(c.req.header(TEAMS_USER_HEADER), c.req.header(TEAMS_NAME_HEADER));
    }
    const channel = c.req.header(CHANNEL_HEADER) === 'extension' ? 'extension' : 'api';
    try {
      return access.authenticateKey(secret, channel);
    } catch (error) {
      if (!secret || !(error instanceof HubError) || error.code !== 'unauthorized') throw error;
      const address = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
      const subjects = [`prefix:${secret.slice(0, 10)}`, ...(address ? [`address:${address}`] : [])];
      const throttled = throttle.fail(subjects);
      if (!throttled) throw error;
      for (const subject of throttled.started) {
        const [kind, value] = [subject.slice(0, subject.indexOf(':')), subject.slice(subject.indexOf(':') + 1)];
        void ctx.audit
          .record(
            { kind: 'system', userId: null, name: 'SP Hub authentication', channel },
            'auth.throttled',
            { type: kind === 'address' ? 'client-address' : 'api-key-prefix', name: value },
            {
              failures: throttle.failures(subject),
              retryAfterSeconds: throttled.retryAfterSeconds,
              limit: `${AUTH_FAILURE_BURST} at once, then ${AUTH_FAILURES_PER_MINUTE} a minute`,
            },
          )
          .catch((e: unknown) => console.error(`audit of a throttled client failed: ${e instanceof Error ? e.message : String(e)}`));
      }
      // Held before answering: a flooding client waits on a timer (costing nothing) instead of
      // getting its next try at once, so it cannot take the event loop from valid keys.
      if (ctx.config.authFailureDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, ctx.config.authFailureDelayMs));
      throw Object.assign(localizedError('rate_limited', { key: 'api.auth.throttled', params: { seconds: throttled.retryAfterSeconds } }), { retryAfterSeconds: throttled.retryAfterSeconds });
    }
  };
}
