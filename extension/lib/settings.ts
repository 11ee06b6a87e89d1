import type { Browser } from 'wxt/browser';

/**
 * What the extension keeps in browser.storage.local. The hub settings (with the API key) are
 * read and written only by the background worker; pages and content scripts ask it instead.
 */
export interface HubSettings {
  hubUrl: string;
  apiKey: string;
  /** Base of "open in portal" links (the VDC portal the SP signs in to). */
  portalUrl?: string;
}

export const DEFAULT_PORTAL_URL = 'https://portal.veeamdatacloud.com';

export interface SiteSettings {
  /** Default sites (lib/sites.ts ids) the user switched off. */
  disabledDefaults: string[];
  /** Match patterns the user added, such as http://127.0.0.1:3978/*. */
  origins: string[];
}

/** The last check of the hub, shown by the popup and the options page. */
export interface ConnectionInfo {
  state: 'ok' | 'unreachable' | 'unauthorized' | 'not-configured';
  checkedAt: string;
  message?: string;
  user?: { name: string; email: string };
  permissions?: string[];
}

type StorageArea = Browser.storage.StorageArea | { get(keys: string[]): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void>; remove(keys: string[]): Promise<void> };

const KEYS = { hub: 'hub', sites: 'sites', connection: 'connection', failedCount: 'failedCount' } as const;

export function createSettingsStore(area: StorageArea) {
  const read = async <T>(key: string): Promise<T | undefined> => ((await area.get([key])) as Record<string, T | undefined>)[key];
  return {
    hub: () => read<HubSettings>(KEYS.hub),
    setHub: (hub: HubSettings) => area.set({ [KEYS.hub]: hub }),
    clearHub: () => area.remove([KEYS.hub, KEYS.connection, KEYS.failedCount]),
    sites: async (): Promise<SiteSettings> => ({ disabledDefaults: [], origins: [], ...(await read<SiteSettings>(KEYS.sites)) }),
    setSites: (sites: SiteSettings) => area.set({ [KEYS.sites]: sites }),
    connection: () => read<ConnectionInfo>(KEYS.connection),
    setConnection: (info: ConnectionInfo) => area.set({ [KEYS.connection]: info }),
    failedCount: () => read<number>(KEYS.failedCount),
    setFailedCount: (count: number | null) => (count === null ? area.remove([KEYS.failedCount]) : area.set({ [KEYS.failedCount]: count })),
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
