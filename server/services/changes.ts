import type { AuditEntry } from '../../shared/schemas/access.js';
import type { Principal } from '../auth/principal.js';
import type { HubContext } from '../context.js';
import type { CarriedAppend } from './events.js';

export interface Change {
  /** Audit action and event type, such as `customer.created`. */
  action: string;
  target: AuditEntry['target'];
  customerId?: string;
  details?: Record<string, unknown>;
  /** Data carried by the domain event (defaults to details). */
  data?: Record<string, unknown>;
}

/**
 * After a write is durable: one audit entry with the actor and channel, one domain event. The
 * entry goes with the event (with `carried` history lines such as a session line): all durable
 * before the event is heard, and on PostgreSQL in one transaction.
 */
export async function recordChange(ctx: Pick<HubContext, 'audit' | 'events'>, principal: Principal, change: Change, carried: readonly CarriedAppend[] = []): Promise<void> {
  const { append } = ctx.audit.prepare(principal.actor, change.action, change.target, change.details);
  await ctx.events.emit(
    {
      type: change.action,
      ...(change.customerId && { customerId: change.customerId }),
      subject: { type: change.target.type, id: change.target.id ?? '', ...(change.target.name && { name: change.target.name }) },
      data: { ...(change.data ?? change.details), actor: principal.actor.name, channel: principal.actor.channel },
    },
    [...carried, append],
  );
}
