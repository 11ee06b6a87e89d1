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
