/** Runs one autocannon load in its own process and prints {rps, p50, p95, p99, ...} as JSON. */
import autocannon, { type Request } from 'autocannon';
import type { LoadOptions } from './load.js';

/** What load() sends, with its defaults filled in. */
type Args = LoadOptions & { connections: number };

const args = JSON.parse(process.argv[2]!) as Args;
const times: number[] = [];
let next = 0;
const instance = autocannon(
  {
    url: args.url,
    method: (args.method ?? 'GET') as 'GET',
    headers: args.headers ?? {},
    ...(args.body !== undefined && { body: args.body }),
    connections: args.connections,
    ...(args.amount ? { amount: args.amount } : { duration: args.duration ?? 5 }),
    ...((args.paths || args.bodies) && {
      requests: [
        {
          setupRequest: (req: Request) => {
            const i = next++;
            if (args.paths) req.path = args.paths[i % args.paths.length];
            if (args.bodies) req.body = args.bodies[i % args.bodies.length];
            return req;
          },
        },
      ],
    }),
  },
  (error, result) => {
    if (error) {
      console.error(error);
      process.exit(1);
    }
    times.sort((a, b) => a - b);
    const pct = (p: number) => Number((times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? 0).toFixed(2));
    console.log(
      JSON.stringify({
        requests: result.requests.total,
        rps: Math.round(result.requests.average),
        p50: pct(50),
        p95: pct(95),
        p99: pct(99),
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
        bytesPerRequest: Math.round(result.throughput.total / Math.max(1, result.requests.total)),
        statuses: Object.fromEntries(Object.entries((result as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {}).map(([code, v]) => [code, v.count])),
      }),
    );
  },
);
instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => times.push(responseTime));
