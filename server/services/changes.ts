import type { AuditEntry } from '../../shared/schemas/access.js';
import type { Principal } from '../auth/principal.js';
import type { HubContext } from '../context.js';

export interface Change {
  /** Audit action and event type, such as `customer.created`. */
  action: string;
  target: AuditEntry['target'];
  customerId?: string;
  details?: Record<string, unknown>;
  /** Data carried by the domain event (defaults to details). */
  data?: Record<string, unknown>;
}

/** After a write is durable: one audit entry with the actor and channel, one domain event. */
export async function recordChange(ctx: Pick<HubContext, 'audit' | 'events'>, principal: Principal, change: Change): Promise<void> {
  await ctx.audit.record(principal.actor, change.action, change.target, change.details);
  await ctx.events.emit({
    type: change.action,
    ...(change.customerId && { customerId: change.customerId }),
    subject: { type: change.target.type, id: change.target.id ?? '', ...(change.target.name && { name: change.target.name }) },
    data: { ...(change.data ?? change.details), actor: principal.actor.name, channel: principal.actor.channel },
  });
}
