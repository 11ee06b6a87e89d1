import { z } from 'zod';
import { Id, IsoDateTime, ListQuery } from './common.js';
import { StorageRegion } from './customers.js';

// Portal settings: the customer support button and the status of the VDC services.

// ---- customer support ----

/** A link customers open from their portal: https only, no user name or password in it. */
export const SupportLink = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(2048)
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a full https URL such as https://support.example.com' });
      return;
    }
    if (url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'must use https' });
    else if (/\s/.test(value)) ctx.addIssue({ code: 'custom', message: 'must not contain spaces' });
    else if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password' });
    else if (!url.hostname.includes('.') || url.hostname.endsWith('.')) ctx.addIssue({ code: 'custom', message: 'must name a full host such as support.example.com' });
  });

/** The label of the support button. */
export const SupportButtonText = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(40, 'must be at most 40 characters')
  .regex(/^[^\p{Cc}\p{Cf}]*$/u, 'must not contain control characters');

/** The provider's own help menu, as the guide's Getting Support lists it. */
export const HelpLinkId = z.enum(['helpCenter', 'knowledgeBase', 'supportCase']);
export type HelpLinkId = z.infer<typeof HelpLinkId>;
export const HelpLink = z.object({ id: HelpLinkId, title: z.string(), url: z.string(), custom: z.boolean() });
export type HelpLink = z.infer<typeof HelpLink>;
export const HelpLinksQuery = ListQuery.extend({ lang: z.enum(['en', 'de']).default('en') });

export const SupportSettings = z.object({
  /** "Display support button in customer portal". */
  showSupportButton: z.boolean(),
  link: z.string().nullable(),
  buttonText: z.string().nullable(),
  /** Where the help menu's Help Center, Knowledge Base and Open a Support Case lead; null: Veeam's own. */
  helpLinks: z.partialRecord(HelpLinkId, z.string()).optional(),
  updatedAt: IsoDateTime.nullable(),
  updatedBy: z.string().nullable(),
});
export type SupportSettings = z.infer<typeof SupportSettings>;

/**
 * Changes to the support settings. Omitted fields keep their value; a link and a button text are
 * required (given here or already saved) while the button is shown.
 */
export const SupportSettingsUpdate = z
  .strictObject({
    showSupportButton: z.boolean().optional(),
    link: SupportLink.nullable().optional(),
    buttonText: SupportButtonText.nullable().optional(),
    /** Replace a help menu link (null: back to Veeam's own). */
    helpLinks: z.strictObject({ helpCenter: SupportLink.nullable().optional(), knowledgeBase: SupportLink.nullable().optional(), supportCase: SupportLink.nullable().optional() }).optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'give at least one setting' });
export type SupportSettingsUpdate = z.infer<typeof SupportSettingsUpdate>;
export type SupportSettingsUpdateInput = z.input<typeof SupportSettingsUpdate>;

/** What a customer's portal shows: the button, or nothing when it is switched off. */
export const SupportCustomerView = z.object({
  showSupportButton: z.boolean(),
  link: z.string().nullable(),
  buttonText: z.string().nullable(),
});
export type SupportCustomerView = z.infer<typeof SupportCustomerView>;

// ---- service status ----

export const StatusRegion = StorageRegion;
export type StatusRegion = z.infer<typeof StatusRegion>;
export const STATUS_REGIONS = StatusRegion.options;

export const StatusServiceName = z.enum(['authentication', 'exchangeBackup', 'sharePointBackup', 'oneDriveBackup', 'teamsBackup', 'backupStorage', 'restores']);
export type StatusServiceName = z.infer<typeof StatusServiceName>;
export const STATUS_SERVICES = StatusServiceName.options;

/** Display names of the services, as the VDC status page lists them. */
export const STATUS_SERVICE_LABELS: Record<StatusServiceName, string> = {
  authentication: 'Authentication service (Microsoft single sign-on)',
  exchangeBackup: 'Microsoft Exchange backup',
  sharePointBackup: 'Microsoft SharePoint backup',
  oneDriveBackup: 'Microsoft OneDrive for Business backup',
  teamsBackup: 'Microsoft Teams backup',
  backupStorage: 'Backup storage (MBS)',
  restores: 'Restores',
};

export const ServiceState = z.enum(['operational', 'degraded', 'outage', 'maintenance']);
export type ServiceState = z.infer<typeof ServiceState>;
/** `unknown` only when a source is configured and has never answered. */
export const ShownState = z.enum([...ServiceState.options, 'unknown']);
export type ShownState = z.infer<typeof ShownState>;

const SourceServiceEntry = z.object({
  state: ServiceState,
  since: IsoDateTime.optional(),
  message: z.string().max(500).optional(),
});

/**
 * The JSON status document a source serves (from SPHUB_STATUS_URL or SPHUB_STATUS_FILE):
 * `{ "updatedAt": "...", "regions": { "EMEA": { "exchangeBackup": { "state": "degraded",
 * "since": "...", "message": "..." } } }, "maintenance": [ { "title": "...", "regions": ["EMEA"],
 * "services": ["backupStorage"], "startsAt": "...", "endsAt": "..." } ] }`.
 * Services left out are operational; unknown regions and services are ignored.
 */
export const StatusDocument = z.object({
  updatedAt: IsoDateTime.optional(),
  regions: z.record(z.string(), z.record(z.string(), SourceServiceEntry)).default({}),
  maintenance: z
    .array(
      z.object({
        id: z.string().max(80).optional(),
        title: z.string().min(1).max(200),
        description: z.string().max(2000).optional(),
        regions: z.array(z.string()).min(1),
        services: z.array(z.string()).min(1),
        startsAt: IsoDateTime,
        endsAt: IsoDateTime,
      }),
    )
    .max(500)
    .default([]),
});
export type StatusDocument = z.infer<typeof StatusDocument>;

export const StatusIncidentKind = z.enum(['incident', 'maintenance']);
export type StatusIncidentKind = z.infer<typeof StatusIncidentKind>;

/** An incident or maintenance window recorded by an operator; it overlays the source. */
export const StatusIncident = z.object({
  id: Id,
  kind: StatusIncidentKind,
  title: z.string(),
  description: z.string().nullable(),
  /** degraded or outage for an incident; maintenance for a window. */
  state: ServiceState,
  regions: z.array(StatusRegion),
  services: z.array(StatusServiceName),
  startsAt: IsoDateTime,
  /** Open-ended incidents have none until resolved. */
  endsAt: IsoDateTime.nullable(),
  resolvedAt: IsoDateTime.nullable(),
  createdAt: IsoDateTime,
  createdBy: z.string(),
  updatedAt: IsoDateTime,
});
export type StatusIncident = z.infer<typeof StatusIncident>;

const Regions = z
  .array(StatusRegion)
  .min(1)
  .max(STATUS_REGIONS.length)
  .transform((list) => [...new Set(list)]);
const Services = z
  .array(StatusServiceName)
  .min(1)
  .max(STATUS_SERVICES.length)
  .transform((list) => [...new Set(list)]);

export const StatusIncidentInput = z.strictObject({
  kind: StatusIncidentKind,
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).optional(),
  /** Required for an incident (degraded or outage); a maintenance window is always maintenance. */
  state: z.enum(['degraded', 'outage', 'maintenance']).optional(),
  regions: Regions,
  /** Defaults to every service. */
  services: Services.optional(),
  /** Defaults to now for an incident; required for maintenance. */
  startsAt: IsoDateTime.optional(),
  endsAt: IsoDateTime.optional(),
});
export type StatusIncidentInput = z.infer<typeof StatusIncidentInput>;
export type StatusIncidentCreate = z.input<typeof StatusIncidentInput>;

export const StatusIncidentUpdate = z
  .strictObject({
    title: z.string().trim().min(1).max(200).optional(),
    description: z.string().trim().max(2000).nullable().optional(),
    state: z.enum(['degraded', 'outage', 'maintenance']).optional(),
    regions: Regions.optional(),
    services: Services.optional(),
    startsAt: IsoDateTime.optional(),
    endsAt: IsoDateTime.nullable().optional(),
    /** true ends an incident now. */
    resolved: z.literal(true).optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'give at least one change' });
export type StatusIncidentUpdate = z.infer<typeof StatusIncidentUpdate>;
export type StatusIncidentUpdateInput = z.input<typeof StatusIncidentUpdate>;

export const StatusIncidentQuery = ListQuery.extend({
  when: z.enum(['active', 'upcoming', 'ended', 'all']).default('all'),
});

export const ServiceStatus = z.object({
  service: StatusServiceName,
  name: z.string(),
  state: ShownState,
  since: IsoDateTime.nullable(),
  message: z.string().nullable(),
  /** Where the state comes from: the status source, an operator's incident, or the default. */
  origin: z.enum(['source', 'operator', 'default']),
  incidentIds: z.array(Id),
});
export type ServiceStatus = z.infer<typeof ServiceStatus>;

export const RegionStatus = z.object({
  region: StatusRegion,
  /** The worst state of its services. */
  state: ShownState,
  services: z.array(ServiceStatus),
});
export type RegionStatus = z.infer<typeof RegionStatus>;

export const MaintenanceWindow = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  regions: z.array(StatusRegion),
  services: z.array(StatusServiceName),
  startsAt: IsoDateTime,
  endsAt: IsoDateTime,
  active: z.boolean(),
  origin: z.enum(['source', 'operator']),
});
export type MaintenanceWindow = z.infer<typeof MaintenanceWindow>;

export const StatusSourceInfo = z.object({
  kind: z.enum(['url', 'file', 'custom', 'none']),
  /** The URL (without credentials or query) or file path. */
  location: z.string().nullable(),
  /** fresh: answered within the TTL; stale: last answer kept while the source fails; unavailable: never answered. */
  state: z.enum(['fresh', 'stale', 'unavailable', 'none']),
  lastSuccessAt: IsoDateTime.nullable(),
  lastAttemptAt: IsoDateTime.nullable(),
  lastError: z.string().nullable(),
  documentUpdatedAt: IsoDateTime.nullable(),
  ttlSeconds: z.number(),
});
export type StatusSourceInfo = z.infer<typeof StatusSourceInfo>;

export const ServiceStatusView = z.object({
  at: IsoDateTime,
  /** The worst state of all regions. */
  overall: ShownState,
  /** The source failed and what is shown is its last known state (or unknown). */
  stale: z.boolean(),
  source: StatusSourceInfo,
  regions: z.array(RegionStatus),
  /** Scheduled maintenance not yet over, soonest first. */
  maintenance: z.array(MaintenanceWindow),
  /** Operator-recorded incidents in effect now. */
  incidents: z.array(StatusIncident),
});
export type ServiceStatusView = z.infer<typeof ServiceStatusView>;

/** One service's state change, as carried by the `status.changed` event. */
export const StatusChange = z.object({
  region: StatusRegion,
  service: StatusServiceName,
  name: z.string(),
  from: ServiceState,
  to: ServiceState,
  since: IsoDateTime.nullable(),
  message: z.string().nullable(),
});
export type StatusChange = z.infer<typeof StatusChange>;

// ---- uptime and subscriptions to updates ----

/** "You can view the uptime of each service": per region and service over a period. */
export const StatusUptimeQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) });
export const ServiceUptime = z.object({
  service: StatusServiceName,
  name: z.string(),
  /** Percent, planned maintenance left out; null when the whole period was maintenance. */
  uptimePercent: z.number().nullable(),
  outageMinutes: z.number().int(),
  maintenanceMinutes: z.number().int(),
});
export const StatusUptimeView = z.object({
  from: IsoDateTime,
  to: IsoDateTime,
  regions: z.array(z.object({ region: StatusRegion, services: z.array(ServiceUptime) })),
});
export type StatusUptimeView = z.infer<typeof StatusUptimeView>;

/** An address that gets status updates ("Subscribe to updates") by email, through the outbox. */
export const StatusSubscriber = z.object({
  id: Id,
  email: z.string(),
  language: z.enum(['en', 'de']),
  createdAt: IsoDateTime,
  createdBy: z.string(),
});
export type StatusSubscriber = z.infer<typeof StatusSubscriber>;
export const StatusSubscribeInput = z.strictObject({
  email: z
    .email()
    .max(254)
    .transform((v) => v.toLowerCase()),
  language: z.enum(['en', 'de']).default('en'),
});
export type StatusSubscribeInput = z.input<typeof StatusSubscribeInput>;
export type StatusSubscription = z.output<typeof StatusSubscribeInput>;
