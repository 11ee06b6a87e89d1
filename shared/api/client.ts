import { accessApi } from './access.js';
import { backupApi } from './backup.js';
import { customersApi } from './customers.js';
import { usageApi } from './usage.js';
import { portalApi } from './portal.js';
import { teamsApi } from './teams.js';
import { notificationsApi } from './notifications.js';
import { connectionsApi } from './connections.js';
import { createRawRequest, createRequest, type ApiClientOptions } from './request.js';

export { ApiError, type ApiClientOptions } from './request.js';

/**
 * The one typed client of the hub's API, used by the bot, the extension and the tests.
 * Each area of the API has its own file; this composes them.
 */
export function createApiClient(options: ApiClientOptions) {
  const request = createRequest(options);
  const raw = createRawRequest(options);
  return {
    raw,
    health: () => request<{ status: string; version: string; time: string }>('GET', '/health'),
    ...accessApi(request),
    ...customersApi(request, raw),
    ...backupApi(request, raw),
    ...usageApi(request, raw),
    ...portalApi(request),
    ...teamsApi(request),
    ...notificationsApi(request),
    ...connectionsApi(request),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
