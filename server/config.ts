import { z } from 'zod';
import { parseAllowedHosts } from './http/host-check.js';

/** Everything an operator can set, from environment variables (documented in README.md). */
export const HubConfig = z.object({
  host: z.string().default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(3978),
  /** Folder of the embedded store; null keeps everything in memory. */
  dataDir: z.string().nullable().default('./data'),
  /** postgres://… : keep everything in PostgreSQL instead of the embedded store (several hubs may share it). */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  /** Seed demo data into an empty store. */
  demo: z.boolean().default(true),
  /** How long a new customer stays `provisioning` before it becomes `pending` (Pulse takes up to 10 minutes). */
  provisioningMs: z
    .number()
    .int()
    .min(0)
    .default(10 * 60_000),
  /** Public URL of the hub, used in links on cards and mails. */
  publicUrl: z.string().optional(),
  /** Host names (besides the bind address, localhost and publicUrl's host) the hub answers to; others get 421. */
  allowedHosts: z.array(z.string()).default([]),
  /** Base URL of the VDC portal, used for "open in portal" links. */
  portalUrl: z.string().default('https://portal.veeamdatacloud.com'),
  production: z.boolean().default(false),
  bodyLimitBytes: z
    .number()
    .int()
    .default(1024 * 1024),
  /** Largest CSV a `.../import` route accepts (10,000 customers are about 4 MB). */
  importLimitBytes: z
    .number()
    .int()
    .min(1)
    .default(32 * 1024 * 1024),
  /**
   * How long a throttled wrong key waits for its 429 (a tarpit: the flood's connections are held
   * on a timer instead of taking turns on the event loop with valid keys).
   */
  authFailureDelayMs: z.number().int().min(0).max(60_000).default(1000),
  /** Exports, CSVs and batch health running at once per API key (more get 429). */
  expensiveReadsPerKey: z.number().int().min(1).default(2),
  /** Domain events kept in memory for SSE resume; older ones (up to two days) are read back from the event log. */
  eventsInMemory: z.number().int().min(1).max(1_000_000).default(10_000),
  /** The first administrator and partner account, created in an empty store. */
  adminEmail: z.string().default('admin@northwind-msp.com'),
  /** A fixed secret for the first administrator's key (otherwise a random one is printed once). */
  adminKey: z.string().min(24).optional(),
  accountName: z.string().default('Northwind Cloud Services'),
  proPartnerId: z
    .string()
    .regex(/^PRA-\d+$/)
    .default('PRA-1048576'),
  /** Extra settings areas read for themselves (SMTP, bot credentials, thresholds...). */
  env: z.record(z.string(), z.string().optional()).default({}),
});
export type HubConfig = z.infer<typeof HubConfig>;
export type HubConfigInput = z.input<typeof HubConfig>;

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const flag = (v: string | undefined) => (v === undefined ? undefined : ['1', 'true', 'yes', 'on'].includes(v.toLowerCase()));
  return HubConfig.parse({
    host: env.SPHUB_HOST,
    port: env.SPHUB_PORT ?? env.PORT,
    dataDir: env.SPHUB_DATA_DIR === ':memory:' ? null : env.SPHUB_DATA_DIR,
    databaseUrl: env.SPHUB_DATABASE_URL || undefined,
    demo: flag(env.SPHUB_DEMO),
    provisioningMs: env.SPHUB_PROVISIONING_SECONDS ? Number(env.SPHUB_PROVISIONING_SECONDS) * 1000 : undefined,
    publicUrl: env.SPHUB_PUBLIC_URL,
    allowedHosts: parseAllowedHosts(env.SPHUB_ALLOWED_HOSTS),
    expensiveReadsPerKey: env.SPHUB_EXPENSIVE_READS_PER_KEY ? Number(env.SPHUB_EXPENSIVE_READS_PER_KEY) : undefined,
    eventsInMemory: env.SPHUB_EVENTS_IN_MEMORY ? Number(env.SPHUB_EVENTS_IN_MEMORY) : undefined,
    portalUrl: env.SPHUB_PORTAL_URL,
    production: env.NODE_ENV === 'production',
    importLimitBytes: env.SPHUB_IMPORT_LIMIT_MB ? Math.round(Number(env.SPHUB_IMPORT_LIMIT_MB) * 1024 * 1024) : undefined,
    adminEmail: env.SPHUB_ADMIN_EMAIL,
    adminKey: env.SPHUB_ADMIN_KEY,
    env: { ...env },
  });
}
