import { z } from 'zod';
import { storageLocationsByRegion } from '../../shared/domain/storage-regions.js';
import { pageOf } from '../../shared/domain/paging.js';
import { Id, ListQuery, Page } from '../../shared/schemas/common.js';
import { StorageRegion } from '../../shared/schemas/customers.js';
import {
  ServiceStatusView,
  StatusIncident,
  StatusIncidentInput,
  StatusIncidentQuery,
  StatusIncidentUpdate,
  StatusSubscribeInput,
  StatusSubscriber,
  StatusUptimeQuery,
  StatusUptimeView,
} from '../../shared/schemas/portal.js';
import type { Area } from '../area.js';
import { seedStatus } from '../services/portal/seed.js';
import { StatusPoller } from '../services/portal/status-poller.js';
import { StatusService } from '../services/portal/status-service.js';
import { statusSourceFromEnv, type StatusSource } from '../services/portal/status-source.js';

declare module '../context.js' {
  interface HubServices {
    status: StatusService;
    statusPoller: StatusPoller;
    /** A status source given to createApp (tests, other integrations); null for none; unset reads the environment. */
    statusSource?: StatusSource | null;
  }
}

const ById = z.object({ id: Id });
const StorageRegionGroup = z.object({ region: StorageRegion, locations: z.array(z.object({ id: z.string(), label: z.string(), region: StorageRegion })) });

/**
 * Service status of VDC for Microsoft 365 per region. Reading needs `monitoring`; recording
 * incidents and maintenance windows needs `siteSettings`.
 */
export const statusArea: Area = {
  name: 'status',
  setup(ctx, { router }) {
    const env = ctx.config.env;
    const ttlSeconds = boundedNumber(env.SPHUB_STATUS_TTL_SECONDS, 60, 1, 86_400);
    const timeoutMs = boundedNumber(env.SPHUB_STATUS_TIMEOUT_MS, 5000, 100, 60_000);
    const source = 'statusSource' in ctx.services ? (ctx.services.statusSource ?? null) : statusSourceFromEnv(env);
    const status = new StatusService(ctx, { source, ttlMs: ttlSeconds * 1000, timeoutMs });
    ctx.services.status = status;
    const poller = new StatusPoller(status, Math.max(15, ttlSeconds) * 1000);
    ctx.services.statusPoller = poller;

    const routes = router()
      .get(
        '/regions',
        { summary: 'The storage regions the onboarding wizard offers, grouped by APJ, EMEA and AMER', permission: 'monitoring', query: ListQuery, response: Page(StorageRegionGroup) },
        ({ query }) => pageOf(storageLocationsByRegion(), query),
      )
      .get(
        '/uptime',
        { summary: 'Uptime of each service per region over the last days (planned maintenance left out)', permission: 'monitoring', query: StatusUptimeQuery, response: StatusUptimeView },
        ({ query }) => status.uptime(query.days),
      )
      // Public like a status page's own feed, so feed readers (which send no API key) can follow it.
      .get(
        '/feed.atom',
        { summary: 'Atom feed of incidents, maintenance windows and state changes (no key needed, like a status page)', permission: 'public', produces: 'application/atom+xml' },
        async ({ c }) => {
          const base = ctx.config.publicUrl?.replace(/\/+$/, '') ?? new URL(c.req.url).origin;
          return new Response(await status.feed(`${base}/api/v1/status/feed.atom`), { headers: { 'content-type': 'application/atom+xml; charset=utf-8' } });
        },
      )
      .get('/subscriptions', { summary: 'Addresses that get status updates by email', permission: 'siteSettings', query: ListQuery, response: Page(StatusSubscriber) }, ({ query }) =>
        pageOf(status.subscribers(), query),
      )
      .post(
        '/subscriptions',
        {
          summary: 'Subscribe an address to status updates by email (sent through the notification outbox)',
          permission: 'siteSettings',
          body: StatusSubscribeInput,
          response: StatusSubscriber,
          status: 201,
        },
        ({ principal, body }) => status.subscribe(principal, body),
      )
      .delete('/subscriptions/:id', { summary: 'Stop sending status updates to an address', permission: 'siteSettings', params: ById, status: 204 }, ({ principal, params }) =>
        status.unsubscribe(principal, params.id),
      )
      .get('/', { summary: 'Status of the VDC services per region (APJ, EMEA, AMER), with maintenance windows', permission: 'monitoring', response: ServiceStatusView }, () => status.view())
      .post('/refresh', { summary: 'Ask the status source now instead of waiting for the cache to expire', permission: 'siteSettings', response: ServiceStatusView }, async () => {
        await status.refresh(true);
        return status.view();
      })
      .get(
        '/incidents',
        { summary: 'Incidents and maintenance windows recorded by operators, newest first', permission: 'monitoring', query: StatusIncidentQuery, response: Page(StatusIncident) },
        ({ query }) => pageOf(status.listIncidents(query.when), query),
      )
      .get('/incidents/:id', { summary: 'One recorded incident or maintenance window', permission: 'monitoring', params: ById, response: StatusIncident }, ({ params }) => status.incident(params.id))
      .post(
        '/incidents',
        { summary: 'Record an incident or a maintenance window (overlays the source)', permission: 'siteSettings', body: StatusIncidentInput, response: StatusIncident, status: 201 },
        ({ principal, body }) => status.createIncident(principal, body),
      )
      .patch(
        '/incidents/:id',
        { summary: 'Change or resolve an incident or maintenance window', permission: 'siteSettings', params: ById, body: StatusIncidentUpdate, response: StatusIncident },
        ({ principal, params, body }) => status.updateIncident(principal, params.id, body),
      )
      .delete('/incidents/:id', { summary: 'Delete an incident or maintenance window', permission: 'siteSettings', params: ById, status: 204 }, ({ principal, params }) =>
        status.deleteIncident(principal, params.id),
      );

    return {
      routes: [{ prefix: '/status', router: routes }],
      jobs: [poller],
      seed: () => seedStatus(ctx),
      banner: () =>
        `  Status   ${source ? `from ${source.kind} ${source.location ?? '(misconfigured: see GET /api/v1/status)'}, cached ${ttlSeconds} s` : 'no source configured (SPHUB_STATUS_URL or SPHUB_STATUS_FILE): operator incidents over "operational"'}`,
    };
  },
};

function boundedNumber(raw: string | undefined, fallback: number, min: number, max: number): number {
  const n = Number(raw);
  return raw !== undefined && raw.trim() !== '' && Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}
