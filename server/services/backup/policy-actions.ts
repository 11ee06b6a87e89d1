import type { Policy } from '../../../shared/schemas/backup.js';
import type { Principal } from '../../auth/principal.js';

// The seam between the hub's policy actions and the systems synced policies come from. A
// policy with a `source` is run upstream: start/stop/enable/disable go to the port registered
// for its source kind, and the hub answers with what upstream said. Hub-native policies stay
// with the runner.

export type PolicyAction = 'start' | 'stop' | 'enable' | 'disable';

/** What upstream confirmed; `patch` is what the hub records on the policy until the next sync. */
export interface ForwardedAction {
  /** Upstream's answer in one sentence ("VSPC started the job (async action … succeeded)"). */
  message: string;
  /** The X-Request-id of the forwarded call. */
  requestId: string | null;
  /** Who ran it, shown as the session's runner ("VSPC Contoso"). */
  runner: string;
  patch: Partial<Pick<Policy, 'enabled' | 'nextRun' | 'lastStatus'>>;
}

export interface PolicyActionsPort {
  /** Performs the action upstream; throws a HubError (409 refused, 503 unreachable) when upstream did not confirm it. */
  perform(action: PolicyAction, policy: Policy, principal: Principal): Promise<ForwardedAction>;
}
