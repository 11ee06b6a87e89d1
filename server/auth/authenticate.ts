import type { Context } from 'hono';
import type { HubContext } from '../context.js';
import type { HubEnv } from '../http/router.js';
import type { Principal } from './principal.js';

export const TEAMS_USER_HEADER = 'x-sphub-teams-user';
export const TEAMS_NAME_HEADER = 'x-sphub-teams-name';
export const CHANNEL_HEADER = 'x-sphub-channel';

/**
 * `Authorization: Bearer <api key>` for people and the extension; the in-process bot uses the
 * internal token plus the Teams user it acts for, so its calls run with that user's permissions.
 */
export function createAuthenticate(ctx: HubContext) {
  return async (c: Context<HubEnv>): Promise<Principal> => {
    const header = c.req.header('authorization') ?? '';
    const secret = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    const access = ctx.services.access;
    if (secret && secret === access.internalToken) {
      return access.authenticateTeams(c.req.header(TEAMS_USER_HEADER), c.req.header(TEAMS_NAME_HEADER));
    }
    const channel = c.req.header(CHANNEL_HEADER) === 'extension' ? 'extension' : 'api';
    return access.authenticateKey(secret, channel);
  };
}
