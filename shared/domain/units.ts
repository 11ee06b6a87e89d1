const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'] as const;

/** A byte count in its largest binary multiple: 1_572_864 -> { value: 1.5, unit: 'MB' }. */
export function binaryMultiple(bytes: number): { value: number; unit: (typeof BYTE_UNITS)[number] } {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return { value, unit: BYTE_UNITS[unit]! };
}

/** Bytes as the portal's logs show them: 1.0 KB, 312.4 MB, 2.1 GB (binary multiples). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '0 B';
  const { value, unit } = binaryMultiple(bytes);
  return unit === 'B' ? `${Math.round(value)} B` : `${value.toFixed(1)} ${unit}`;
}

/** A duration as HH:MM:SS (hours may exceed 24), as the Average Process Time column shows it. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** The UTC day of a time, YYYY-MM-DD. */
export const dayOf = (at: Date | string | number): string => new Date(at).toISOString().slice(0, 10);
/** The UTC month of a time, YYYY-MM. */
export const monthOf = (at: Date | string | number): string => new Date(at).toISOString().slice(0, 7);

/** The month before a YYYY-MM month. */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
}

/** The UTC days from `from` to `to` inclusive, YYYY-MM-DD. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) out.push(dayOf(t));
  return out;
}

/** Plain code-unit order for ids and ISO times (much faster than localeCompare, and stable). */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
