/** A service of a region that is not operational, for the popup's banner. */
export interface DegradedService {
  region: string;
  service: string;
  state: string;
}

/**
 * Reads the hub's service status answer (GET /api/v1/status) defensively: any service whose state
 * is not operational is listed. An answer of another shape yields nothing rather than an error.
 */
export function degradedServices(status: unknown): DegradedService[] {
  const out: DegradedService[] = [];
  const visit = (value: unknown, region: string | null) => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, region);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    const here = typeof record.region === 'string' ? record.region : region;
    const state = typeof record.state === 'string' ? record.state : typeof record.status === 'string' ? record.status : null;
    const name = typeof record.service === 'string' ? record.service : typeof record.name === 'string' ? record.name : null;
    if (state && name && here && state.toLowerCase() !== 'operational') out.push({ region: here, service: name, state });
    for (const [key, child] of Object.entries(record)) if (child && typeof child === 'object' && key !== 'maintenance') visit(child, here);
  };
  visit(status, null);
  return out;
}
