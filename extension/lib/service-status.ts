import type { ServiceStatusView } from '../../shared/schemas/portal.js';

/** A service of a region that is not operational, for the popup's banner. */
export interface DegradedService {
  region: string;
  service: string;
  state: string;
  message: string | null;
}

/** The services not operational now (degraded, outage, maintenance), worst first. */
export function degradedServices(status: ServiceStatusView | null | undefined): DegradedService[] {
  const rank: Record<string, number> = { outage: 0, degraded: 1, maintenance: 2 };
  const out: DegradedService[] = [];
  for (const region of status?.regions ?? []) {
    for (const service of region.services) {
      if (service.state in rank) out.push({ region: region.region, service: service.name, state: service.state, message: service.message });
    }
  }
  return out.sort((a, b) => rank[a.state]! - rank[b.state]!);
}
