import {
  STATUS_REGIONS,
  STATUS_SERVICE_LABELS,
  STATUS_SERVICES,
  StatusRegion,
  StatusServiceName,
  type MaintenanceWindow,
  type RegionStatus,
  type ServiceState,
  type ServiceStatus,
  type ShownState,
  type StatusDocument,
  type StatusIncident,
} from '../../../shared/schemas/portal.js';

/** How bad a state is: the worst one wins where several apply. */
const RANK: Record<ShownState, number> = { operational: 0, unknown: 1, maintenance: 2, degraded: 3, outage: 4 };

export const worst = (states: Iterable<ShownState>): ShownState => {
  let out: ShownState = 'operational';
  for (const s of states) if (RANK[s] > RANK[out]) out = s;
  return out;
};

export const stateKey = (region: string, service: string) => `${region}.${service}`;

/** An operator's incident or window is in effect at `now`. */
export function isActive(incident: Pick<StatusIncident, 'startsAt' | 'endsAt' | 'resolvedAt'>, now: Date): boolean {
  const t = now.getTime();
  return !incident.resolvedAt && Date.parse(incident.startsAt) <= t && (incident.endsAt === null || t < Date.parse(incident.endsAt));
}

export interface ComposeInput {
  now: Date;
  /** The last document the source gave, or null (none configured, or it never answered). */
  document: StatusDocument | null;
  sourceConfigured: boolean;
  incidents: readonly StatusIncident[];
  /** The last state seen per region.service and since when, to date states a source leaves undated. */
  remembered: Readonly<Record<string, { state: ServiceState; since: string }>>;
}

export interface ComposedStatus {
  overall: ShownState;
  regions: RegionStatus[];
  maintenance: MaintenanceWindow[];
  incidents: StatusIncident[];
}

/**
 * The status shown: the source's state of each service (operational when it says nothing, unknown
 * when it never answered, operational when there is no source), with active maintenance windows
 * and operators' incidents laid over it; the worst state wins.
 */
export function composeStatus(input: ComposeInput): ComposedStatus {
  const { now, document } = input;
  const windows = maintenanceWindows(input);
  const activeIncidents = input.incidents.filter((i) => isActive(i, now)).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  const regions = STATUS_REGIONS.map((region): RegionStatus => {
    const services = STATUS_SERVICES.map((service): ServiceStatus => {
      const key = stateKey(region, service);
      const remembered = input.remembered[key];
      let shown: ServiceStatus;
      if (document) {
        const entry = document.regions[region]?.[service];
        const state = entry?.state ?? 'operational';
        shown = {
          service,
          name: STATUS_SERVICE_LABELS[service],
          state,
          since: entry?.since ?? (remembered?.state === state ? remembered.since : (document.updatedAt ?? null)),
          message: entry?.message ?? null,
          origin: 'source',
          incidentIds: [],
        };
      } else {
        const state: ShownState = input.sourceConfigured ? 'unknown' : 'operational';
        shown = {
          service,
          name: STATUS_SERVICE_LABELS[service],
          state,
          since: remembered?.state === state ? remembered.since : null,
          message: input.sourceConfigured ? 'The status source has not answered yet.' : null,
          origin: input.sourceConfigured ? 'source' : 'default',
          incidentIds: [],
        };
      }
      for (const w of windows) {
        if (!w.active || w.origin !== 'source' || !w.regions.includes(region) || !w.services.includes(service)) continue;
        if (RANK.maintenance > RANK[shown.state]) shown = { ...shown, state: 'maintenance', since: w.startsAt, message: w.title };
      }
      const covering = activeIncidents.filter((i) => i.regions.includes(region) && i.services.includes(service));
      for (const incident of covering) {
        if (RANK[incident.state] >= RANK[shown.state]) {
          shown = { ...shown, state: incident.state, since: incident.startsAt, message: incident.title, origin: 'operator' };
        }
      }
      return { ...shown, incidentIds: covering.map((i) => i.id) };
    });
    return { region, state: worst(services.map((s) => s.state)), services };
  });
  return { overall: worst(regions.map((r) => r.state)), regions, maintenance: windows, incidents: activeIncidents };
}

function maintenanceWindows(input: ComposeInput): MaintenanceWindow[] {
  const t = input.now.getTime();
  const out: MaintenanceWindow[] = [];
  for (const w of input.document?.maintenance ?? []) {
    const regions = w.regions.filter((r): r is StatusRegion => StatusRegion.safeParse(r).success);
    const services = w.services.filter((s): s is StatusServiceName => StatusServiceName.safeParse(s).success);
    if (regions.length === 0 || services.length === 0 || Date.parse(w.endsAt) <= t || w.endsAt <= w.startsAt) continue;
    out.push({
      id: `source:${w.id ?? w.startsAt}`,
      title: w.title,
      description: w.description ?? null,
      regions,
      services,
      startsAt: w.startsAt,
      endsAt: w.endsAt,
      active: Date.parse(w.startsAt) <= t,
      origin: 'source',
    });
  }
  for (const i of input.incidents) {
    if (i.kind !== 'maintenance' || i.resolvedAt || !i.endsAt || Date.parse(i.endsAt) <= t) continue;
    out.push({
      id: i.id,
      title: i.title,
      description: i.description,
      regions: i.regions,
      services: i.services,
      startsAt: i.startsAt,
      endsAt: i.endsAt,
      active: Date.parse(i.startsAt) <= t,
      origin: 'operator',
    });
  }
  return out.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id));
}
