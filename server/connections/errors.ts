import { conflict, HubError } from '../http/errors.js';
import { UpstreamError } from './upstream-error.js';

/**
 * An action upstream did not confirm, as the hub answers it: refused (4xx) is a 409 with
 * upstream's reason; unreachable, throttled or failing upstream is a 503. Never a success.
 */
export function hubErrorFromUpstream(label: string, error: unknown, what: string): HubError {
  if (error instanceof HubError) return error;
  if (error instanceof UpstreamError) {
    const id = error.requestId ? ` (X-Request-id ${error.requestId})` : '';
    switch (error.fault) {
      case 'client':
      case 'notFound':
        return conflict(`${label} refused to ${what}: ${error.message}${id}`);
      case 'forbidden':
        return conflict(`${label} refused to ${what}: the connection's account lacks the role (it needs Portal Administrator or Portal Operator)${id}`);
      case 'auth':
        return new HubError('unavailable', `${label} did not accept SP Hub's credentials, so nothing was done: ${error.message}. Fix the connection's credentials.`);
      default:
        return new HubError('unavailable', `${label} could not be reached to ${what}, so it may not have happened: ${error.message}${id}`);
    }
  }
  return new HubError('unavailable', `${label} could not be reached to ${what}: ${(error as Error)?.message ?? String(error)}`);
}
