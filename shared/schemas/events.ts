import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';

/** Every state change emits one; the SSE stream, the outbox and the bot consume them. */
export const DomainEvent = z.object({
  id: z.number().int(),
  type: z.string(),
  at: IsoDateTime,
  customerId: Id.optional(),
  subject: z.object({ type: z.string(), id: z.string(), name: z.string().optional() }).optional(),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type DomainEvent = z.infer<typeof DomainEvent>;
