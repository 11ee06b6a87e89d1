import { permissionPattern, toOriginPattern } from './origins.js';

type Permissions = {
  contains(permissions: { origins: string[] }): Promise<boolean>;
  request(permissions: { origins: string[] }): Promise<boolean>;
};

/** Where asking the browser for a site stands, as the options page shows it. */
export type SiteRequest =
  | { state: 'invalid'; message: string }
  /** The browser is asking the user (its prompt is open); nothing is saved yet. */
  | { state: 'pending'; pattern: string }
  | { state: 'granted'; pattern: string }
  /** The user (or the browser's policy) said no; nothing was added. */
  | { state: 'refused'; pattern: string };

/**
 * Asks the browser for the host permission of a site the user typed, telling each step as it
 * happens: `pending` at once (the browser's prompt may stay open for a while), then `granted`
 * or `refused`. Must start inside the click that asked for it (browsers require a user gesture).
 */
export async function requestSite(permissions: Permissions, input: string, onState: (state: SiteRequest) => void): Promise<SiteRequest> {
  const parsed = toOriginPattern(input);
  const report = (state: SiteRequest) => {
    onState(state);
    return state;
  };
  if (!parsed.ok) return report({ state: 'invalid', message: parsed.message });
  const pattern = parsed.pattern;
  const permission = permissionPattern(pattern);
  let granted: boolean;
  try {
    // request() before any other await: the click's user activation does not survive a task hop
    // in every browser. A permission already held resolves at once, without a prompt.
    const asking = permissions.request({ origins: [permission] });
    onState({ state: 'pending', pattern });
    granted = await asking;
  } catch {
    granted = false;
  }
  if (!granted) {
    // Some browsers refuse the request itself for a permission the manifest already grants.
    granted = await permissions.contains({ origins: [permission] }).catch(() => false);
  }
  return report({ state: granted ? 'granted' : 'refused', pattern });
}
