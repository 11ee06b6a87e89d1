import type { Text } from '../../shared/i18n/index.js';
import { HubError, localizedError } from '../http/errors.js';
import { UpstreamError } from './upstream-error.js';

/**
 * An action upstream did not confirm, as the hub answers it: refused (4xx) is a 409 with
 * upstream's reason; unreachable, throttled or failing upstream is a 503. Never a success.
 */
export function hubErrorFromUpstream(label: string, error: unknown, what: Text): HubError {
  if (error instanceof HubError) return error;
  if (error instanceof UpstreamError) {
    const id = error.requestId ? ` (X-Request-id ${error.requestId})` : '';
    switch (error.fault) {
      case 'client':
      case 'notFound':
        return localizedError('conflict', { key: 'api.upstream.refused', params: { label, what, message: error.message, id } });
      case 'forbidden':
        return localizedError('conflict', { key: 'api.upstream.lacksRole', params: { label, what, id } });
      case 'auth':
        return localizedError('unavailable', { key: 'api.upstream.credentials', params: { label, message: error.message } });
      default:
        return localizedError('unavailable', { key: 'api.upstream.unreachableMaybe', params: { label, what, message: error.message, id } });
    }
  }
  return localizedError('unavailable', { key: 'api.upstream.unreachable', params: { label, what, message: (error as Error)?.message ?? String(error) } });
}
