/**
 * The sites the extension enhances out of the box. The real portals' host names are not in the
 * reference documents, so this is the one place that names them: Veeam-owned domains where the
 * VDC service-provider portal and VCSP Pulse are served. A page on these origins is only
 * touched when its content is recognised (see selectors/), never because of its URL alone.
 * Users add more origins (a test portal, the hub's demo pages) in the options page.
 */
export interface SiteDefault {
  id: string;
  label: string;
  /** Match patterns, as in a manifest's host_permissions. */
  patterns: string[];
}

export const DEFAULT_SITES: SiteDefault[] = [
  { id: 'vdc', label: 'Veeam Data Cloud portal', patterns: ['https://*.veeamdatacloud.com/*'] },
  { id: 'veeam', label: 'Veeam sites, including VCSP Pulse', patterns: ['https://*.veeam.com/*'] },
];

export const DEFAULT_SITE_PATTERNS: string[] = DEFAULT_SITES.flatMap((site) => site.patterns);

/**
 * Where a hub usually runs on the user's own machine. The background worker may call these
 * without asking (the hub does not send CORS headers); a hub elsewhere is granted at run time
 * when the user saves its URL.
 */
export const LOOPBACK_PATTERNS: string[] = ['http://127.0.0.1/*', 'http://localhost/*'];
