import type { HubContext } from './context.js';
import type { Router } from './http/router.js';
import type { Authenticate } from './http/router.js';

/** Something that runs beside the API (scheduler, outbox dispatcher); stopped in reverse order. */
export interface Job {
  name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

export interface AreaSetup {
  /** Sub-apps mounted under /api/v1 at their prefix (`/customers`). */
  routes?: { prefix: string; router: Router }[];
  jobs?: Job[];
  /** Extra non-API mounts (the bot's /api/messages). */
  mount?: (app: import('hono').Hono) => void;
  /** A line for the start banner, given the hub's base URL (where to chat with the bot...). */
  banner?: (base: string) => string;
  /** Demo data for an empty store, run in area order after all areas are set up. */
  seed?: () => Promise<void>;
}

/**
 * One slice of the domain: it creates its services (adding them to ctx.services), its routes and
 * its jobs. createApp sets areas up in order, so an area can use the services of earlier ones.
 */
export interface Area {
  name: string;
  setup(ctx: HubContext, tools: { authenticate: Authenticate; router: () => Router }): AreaSetup | Promise<AreaSetup>;
}

// ---- The public area interface ----
// What an area may use of the hub besides `Area` itself. The bot (bot/area.ts), an area that lives
// outside server/, takes everything of the server from this file and nothing from elsewhere in it
// (test/integration/import-directions.test.ts checks that); areas inside server/ may also import these directly.

export type { HubContext } from './context.js';
/** @public Augmented by areas (`declare module '../area.js' { interface HubServices { ... } }`), which knip does not count as a use. */
export type { HubServices } from './context.js';
export { requirePermission, type Principal } from './auth/principal.js';
export { TEAMS_NAME_HEADER, TEAMS_USER_HEADER } from './auth/authenticate.js';
/** @public The errors an area throws; localizedError for sentences the catalog says in the caller's language. */
export { HubError, invalid, localizedError, notFound } from './http/errors.js';
/** Audit entry and domain event after a successful write. */
export { recordChange } from './services/changes.js';
/** An area's own stored records: `defineCollection(name, zodSchema)`, read and written through `ctx.store`. */
export { defineCollection } from './store/collection.js';
/** A delivery channel an area registers with the notifications outbox (`ctx.services.notifications.registerChannel`). */
export type { ChannelSubscriber, DeliveryChannel, SendResult } from './services/notifications/delivery.js';
