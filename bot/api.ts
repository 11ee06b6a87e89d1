import { createHash } from 'node:crypto';
import { createApiClient, type ApiClient } from '../shared/api/client.js';
import type { Language } from '../shared/i18n/index.js';

/** Who the bot speaks for in a turn: the Teams user's AAD object id and display name. */
export interface TeamsIdentity {
  id: string;
  name?: string | undefined;
}

export interface BotApiOptions {
  /** Calls the hub's own app in process (`app.fetch`): nothing leaves the process. */
  fetch: typeof fetch;
  /** The hub's internal bearer for the in-process bot. */
  internalToken: string;
}

/** Builds API clients that act as a Teams user; the API applies the linked hub user's permissions. */
export type ApiFor = (user: TeamsIdentity, options?: { idempotencyKey?: string | undefined; language?: Language | undefined }) => ApiClient;

export function createBotApi(options: BotApiOptions): ApiFor {
  return (user, { idempotencyKey, language } = {}) => {
    const name = headerSafe(user.name);
    return createApiClient({
      baseUrl: 'http://localhost',
      fetch: options.fetch,
      apiKey: options.internalToken,
      headers: {
        'x-sphub-teams-user': headerSafe(user.id) || 'unknown',
        ...(name && { 'x-sphub-teams-name': name }),
        // Mutations in this turn carry a key derived from the card action (or the message), so a
        // repeated click or a redelivered activity changes nothing the second time.
        ...(idempotencyKey && { 'idempotency-key': idempotencyKey }),
        // The hub answers refusals, validation problems and alert reasons in the user's language.
        ...(language && { 'accept-language': language }),
      },
    });
  };
}

/** The key for one card action or message, scoped to the Teams user. */
export function idempotencyKeyFor(teamsUserId: string, actionOrActivityId: string): string {
  return `teams-${createHash('sha256').update(`${teamsUserId}\u0000${actionOrActivityId}`).digest('base64url').slice(0, 32)}`;
}

/** HTTP header values are Latin-1: accents are folded, other scripts dropped, length bounded. */
export function headerSafe(value: string | undefined): string {
  if (!value) return '';
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e\xa0-\xff]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
}
