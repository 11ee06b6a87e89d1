/** An address as a number, so ranges can be compared whatever the notation. */
export interface IpValue {
  family: 4 | 6;
  value: bigint;
}

const V4_PART = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const V4 = new RegExp(`^${V4_PART}(?:\\.${V4_PART}){3}$`);
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

function v4Value(text: string): bigint | null {
  if (!V4.test(text)) return null;
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function v6Value(text: string): bigint | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const toGroups = (half: string): string[] | null => {
    if (half === '') return [];
    const parts = half.split(':');
    const out: string[] = [];
    for (const [i, part] of parts.entries()) {
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = v4Value(part);
        if (v4 === null) return null;
        out.push(((v4 >> 16n) & 0xffffn).toString(16), (v4 & 0xffffn).toString(16));
      } else if (HEX_GROUP.test(part)) out.push(part);
      else return null;
    }
    return out;
  };
  const head = toGroups(halves[0]!);
  const tail = halves.length === 2 ? toGroups(halves[1]!) : [];
  if (!head || !tail) return null;
  // An embedded IPv4 address may only end the address.
  if (halves.length === 2 && halves[0]!.includes('.')) return null;
  const count = head.length + tail.length;
  if (halves.length === 1 ? count !== 8 : count > 7) return null;
  const groups = [...head, ...Array<string>(8 - count).fill('0'), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}

/** Parses an IPv4 (dotted, no leading zeros) or IPv6 (with :: and embedded IPv4) address. */
export function parseIp(input: string): IpValue | null {
  const text = input.trim();
  if (text.includes(':')) {
    const value = v6Value(text);
    return value === null ? null : { family: 6, value };
  }
  const value = v4Value(text);
  return value === null ? null : { family: 4, value };
}

/** Null when `start`-`end` is a valid range: both addresses valid, of one family, start not after end. */
export function checkIpRange(start: string, end: string): { field: 'start' | 'end'; message: string } | null {
  const a = parseIp(start);
  if (!a) return { field: 'start', message: `${start} is not an IPv4 or IPv6 address` };
  const b = parseIp(end);
  if (!b) return { field: 'end', message: `${end} is not an IPv4 or IPv6 address` };
  if (a.family !== b.family) return { field: 'end', message: `start and end must both be IPv${a.family} addresses` };
  if (a.value > b.value) return { field: 'end', message: `the range ends (${end}) before it starts (${start})` };
  return null;
}

/** Whether an address lies in a range (both ends included); false across families. */
export function ipInRange(ip: string, range: { start: string; end: string }): boolean {
  const v = parseIp(ip);
  const a = parseIp(range.start);
  const b = parseIp(range.end);
  if (!v || !a || !b || v.family !== a.family || a.family !== b.family) return false;
  return a.value <= v.value && v.value <= b.value;
}

// ---- the provider's and the customer's ranges, merged ----

export interface RangeLike {
  start: string;
  end: string;
  description?: string | undefined;
}

export interface IpAccessSettings {
  ipRanges: readonly RangeLike[];
  restrictToIpRanges: boolean;
  /** Ranges the customer added in its own portal. */
  customerIpRanges?: readonly RangeLike[] | undefined;
  customerRestrictToIpRanges?: boolean | undefined;
}

export type SourcedRange = RangeLike & { source: 'provider' | 'customer' };

/**
 * The guide: "Your settings are merged with the settings that the customer specifies in the
 * customer portal. The IP ranges that the customer adds are also displayed." Access is restricted
 * when either side restricts it, to the ranges of both; a range both list appears once (the provider's).
 */
export function mergedIpAccess(settings: IpAccessSettings): { restricted: boolean; ranges: SourcedRange[] } {
  const key = (r: RangeLike) => `${parseIp(r.start)?.value ?? r.start}-${parseIp(r.end)?.value ?? r.end}`;
  const seen = new Set<string>();
  const ranges: SourcedRange[] = [];
  for (const [source, list] of [
    ['provider', settings.ipRanges],
    ['customer', settings.customerIpRanges ?? []],
  ] as const) {
    for (const range of list) {
      const k = key(range);
      if (seen.has(k)) continue;
      seen.add(k);
      ranges.push({ ...range, source });
    }
  }
  return { restricted: settings.restrictToIpRanges || settings.customerRestrictToIpRanges === true, ranges };
}

/** Whether an address may reach the customer's portal under the merged settings, and why. */
export function ipAccessDecision(settings: IpAccessSettings, address: string): { allowed: boolean; restricted: boolean; range: SourcedRange | null; reason: string } {
  const { restricted, ranges } = mergedIpAccess(settings);
  if (!restricted) return { allowed: true, restricted, range: null, reason: 'access is not restricted to IP ranges' };
  const range = ranges.find((r) => ipInRange(address, r)) ?? null;
  return range
    ? { allowed: true, restricted, range, reason: `${address} is in the ${range.source}'s range ${range.start}-${range.end}` }
    : { allowed: false, restricted, range: null, reason: `${address} is in none of the ${ranges.length} allowed ranges (provider's and customer's merged)` };
}
