import { streamSSE } from 'hono/streaming';
import type { DomainEvent } from '../../shared/schemas/events.js';
import { EventStreamQuery } from '../../shared/schemas/monitoring.js';
import type { HubContext } from '../context.js';
import { localizedError } from '../http/errors.js';
import type { Router } from '../http/router.js';

/** Which events a stream wants: exact types or `prefix.*`, optionally one customer's. */
export function eventFilter(query: EventStreamQuery): (event: DomainEvent) => boolean {
  const exact = new Set(query.types?.filter((t) => !t.endsWith('*')));
  const prefixes = query.types?.filter((t) => t.endsWith('*')).map((t) => t.slice(0, -1)) ?? [];
  const anyType = !query.types?.length;
  return (event) => (!query.customerId || event.customerId === query.customerId) && (anyType || exact.has(event.type) || prefixes.some((p) => event.type.startsWith(p)));
}

/**
 * `GET /events`: domain events as Server-Sent Events. Each message's `id` is the event id and
 * its data the event as JSON. Resume with the `Last-Event-ID` header (or `?lastEventId=`):
 * events kept since then (at least a day) come first, then live ones. A comment line every
 * `heartbeatMs` keeps proxies from closing a quiet stream.
 */
export function eventsRouter(ctx: HubContext, router: Router, options: { heartbeatMs: number }): Router {
  return router.get(
    '/',
    {
      summary: 'Domain events as Server-Sent Events; resume with Last-Event-ID; filter with types (a trailing * matches a prefix) and customerId',
      permission: 'monitoring',
      query: EventStreamQuery,
      produces: 'text/event-stream',
    },
    ({ query, c }) => {
      const header = c.req.header('last-event-id')?.trim();
      if (header && !/^\d{1,15}$/.test(header)) throw localizedError('invalid_input', { key: 'api.events.lastEventId' }, [{ field: 'Last-Event-ID', message: 'must be a whole number' }]);
      const resumeFrom = query.lastEventId ?? (header ? Number(header) : null);
      const wanted = eventFilter(query);
      return streamSSE(c, async (stream) => {
        const queue: DomainEvent[] = [];
        let wake: (() => void) | null = null;
        let closed = false;
        const unsubscribe = ctx.events.subscribeAll((event) => {
          queue.push(event);
          wake?.();
        });
        const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n'), options.heartbeatMs);
        stream.onAbort(() => {
          closed = true;
          clearInterval(heartbeat);
          unsubscribe();
          wake?.();
        });
        try {
          await stream.write('retry: 3000\n\n');
          let sent = resumeFrom ?? ctx.events.lastId;
          const send = async (event: DomainEvent) => {
            if (event.id <= sent) return;
            sent = event.id;
            if (wanted(event)) await stream.writeSSE({ id: String(event.id), data: JSON.stringify(event) });
          };
          if (resumeFrom !== null) for (const event of await ctx.events.since(resumeFrom)) await send(event);
          while (!closed) {
            while (queue.length > 0 && !closed) await send(queue.shift()!);
            if (closed) break;
            await new Promise<void>((resolve) => (wake = resolve));
            wake = null;
          }
        } finally {
          clearInterval(heartbeat);
          unsubscribe();
        }
      });
    },
  );
}
