/**
 * The guide: "You can view the uptime of each service" (the status page's "99.9% uptime —
 * excluding planned outages"). Uptime over a period from a service's state changes: time in an
 * outage is down; maintenance is planned and left out of the period; degraded still counts as up.
 */

export type UptimeState = 'operational' | 'degraded' | 'outage' | 'maintenance';

export interface StateChange {
  /** When the new state began (ISO). */
  at: string;
  state: UptimeState;
}

export interface Uptime {
  /** Percent with three decimals, or null when the whole period was maintenance. */
  percent: number | null;
  outageMs: number;
  maintenanceMs: number;
  periodMs: number;
}

/**
 * `initial` is the state at `from` (the last change before it, operational when none); `changes`
 * are those after `from`, in any order.
 */
export function uptime(initial: UptimeState, changes: readonly StateChange[], from: Date, to: Date): Uptime {
  const start = from.getTime();
  const end = to.getTime();
  const sorted = changes
    .map((c) => ({ t: Date.parse(c.at), state: c.state }))
    .filter((c) => Number.isFinite(c.t) && c.t > start && c.t < end)
    .sort((a, b) => a.t - b.t);
  let outageMs = 0;
  let maintenanceMs = 0;
  let state = initial;
  let since = start;
  for (const next of [...sorted, { t: end, state }]) {
    const span = next.t - since;
    if (state === 'outage') outageMs += span;
    else if (state === 'maintenance') maintenanceMs += span;
    state = next.state;
    since = next.t;
  }
  const periodMs = end - start;
  const counted = periodMs - maintenanceMs;
  const percent = counted <= 0 ? null : Math.round(((counted - outageMs) / counted) * 100_000) / 1000;
  return { percent, outageMs, maintenanceMs, periodMs };
}

/** The state at `at`: the latest change not after it, else operational. */
export function stateAt(changes: readonly StateChange[], at: Date): UptimeState {
  let best: StateChange | null = null;
  for (const c of changes) if (Date.parse(c.at) <= at.getTime() && (!best || c.at >= best.at)) best = c;
  return best?.state ?? 'operational';
}
