import type { browser } from 'wxt/browser';
import { permissionPattern } from '../origins.js';
import { DEFAULT_SITES } from '../sites.js';
import type { SitesView } from '../protocol.js';
import type { SiteSettings } from '../settings.js';

export const OVERLAY_SCRIPT_ID = 'sphub-overlay';
/** Where WXT puts the overlay content script (entrypoints/overlay.content). */
export const OVERLAY_SCRIPT_FILE = 'content-scripts/overlay.js';

type Permissions = Pick<(typeof browser)['permissions'], 'contains'>;
type Scripting = Pick<(typeof browser)['scripting'], 'getRegisteredContentScripts' | 'registerContentScripts' | 'unregisterContentScripts' | 'updateContentScripts'>;

/** The patterns the user wants enhanced: enabled defaults and added origins. */
export function wantedPatterns(sites: SiteSettings): string[] {
  const defaults = DEFAULT_SITES.filter((site) => !sites.disabledDefaults.includes(site.id)).flatMap((site) => site.patterns);
  return [...new Set([...defaults, ...sites.origins])];
}

async function granted(permissions: Permissions, pattern: string): Promise<boolean> {
  try {
    return await permissions.contains({ origins: [permissionPattern(pattern)] });
  } catch {
    return false;
  }
}

/**
 * Registers the overlay content script for the wanted patterns the browser granted, replacing
 * any earlier registration, and returns those patterns. They are registered without their port:
 * Firefox never injects a registered script whose pattern has a port (Chromium does). The overlay
 * asks the worker first whether its page is one of the sites, port included ('site.enabled').
 */
export async function syncContentScripts(sites: SiteSettings, api: { permissions: Permissions; scripting: Scripting }): Promise<string[]> {
  const patterns: string[] = [];
  for (const pattern of wantedPatterns(sites)) if (await granted(api.permissions, pattern)) patterns.push(pattern);
  const existing = await api.scripting.getRegisteredContentScripts({ ids: [OVERLAY_SCRIPT_ID] });
  if (patterns.length === 0) {
    if (existing.length > 0) await api.scripting.unregisterContentScripts({ ids: [OVERLAY_SCRIPT_ID] });
    return [];
  }
  const matches = [...new Set(patterns.map(permissionPattern))];
  const script = { id: OVERLAY_SCRIPT_ID, matches, js: [OVERLAY_SCRIPT_FILE], runAt: 'document_idle' as const, persistAcrossSessions: true };
  if (existing.length > 0) await api.scripting.updateContentScripts([script]);
  else await api.scripting.registerContentScripts([script]);
  return patterns;
}

export async function describeSites(sites: SiteSettings, permissions: Permissions, registered: string[]): Promise<SitesView> {
  const defaults = [];
  for (const site of DEFAULT_SITES) {
    let all = true;
    for (const pattern of site.patterns) all = all && (await granted(permissions, pattern));
    defaults.push({ id: site.id, label: site.label, patterns: site.patterns, enabled: !sites.disabledDefaults.includes(site.id), granted: all });
  }
  const origins = [];
  for (const pattern of sites.origins) origins.push({ pattern, granted: await granted(permissions, pattern) });
  return { defaults, origins, registered };
}
