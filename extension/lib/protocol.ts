import type { ConnectionInfo } from './settings.js';

/**
 * The messages pages, the popup and content scripts send to the background worker, the only
 * part of the extension that holds the API key and talks to the hub. Types only: content
 * scripts import nothing heavy from here.
 */

export type PolicyAction = 'start' | 'stop' | 'enable' | 'disable';

export interface HubState {
  configured: boolean;
  hubUrl: string | null;
  /** Base of "open in portal" links. */
  portalUrl: string | null;
  connection: ConnectionInfo;
  /** Failed policies now (the toolbar badge), when known. */
  failedCount: number | null;
}

export interface SiteView {
  id: string;
  label: string;
  patterns: string[];
  enabled: boolean;
  /** The browser granted the host permission for every pattern. */
  granted: boolean;
}

export interface SitesView {
  defaults: SiteView[];
  origins: { pattern: string; granted: boolean }[];
  /** The patterns content scripts are registered for now. */
  registered: string[];
}

export type HubRequest =
  | { type: 'state' }
  | { type: 'configure'; hubUrl: string; apiKey: string; portalUrl?: string }
  | { type: 'disconnect' }
  | { type: 'refresh' }
  /** Opens the options page (the setup bar's link: a page cannot link to the extension's own pages). */
  | { type: 'options.open' }
  | { type: 'sites' }
  /** Whether the asking page is one of the sites to enhance (its port included). */
  | { type: 'site.enabled' }
  | { type: 'sites.set'; disabledDefaults: string[]; origins: string[] }
  | { type: 'health'; names?: string[]; ids?: string[] }
  | { type: 'customers.search'; q: string; pageSize?: number }
  | { type: 'customer.detail'; customerId: string }
  | { type: 'alerts' }
  | { type: 'policies.lookup'; rows: { policy: string; customer: string }[] }
  | { type: 'policy.action'; policyId: string; action: PolicyAction }
  | { type: 'invite.send'; customerId: string; emails: string[] }
  | { type: 'invite.resend'; customerId: string }
  | { type: 'usage.report'; month: string }
  /** A customers CSV (read from the portal's list) for the hub's importer; a dry run changes nothing. */
  | { type: 'customers.import'; csv: string; dryRun: boolean }
  | { type: 'status' };

export type HubRequestType = HubRequest['type'];
export type RequestOf<T extends HubRequestType> = Extract<HubRequest, { type: T }>;

/** Requests only the extension's own pages (popup, options) may send: they touch the key or the settings. */
export const PAGE_ONLY: ReadonlySet<HubRequestType> = new Set(['configure', 'disconnect', 'sites.set']);
