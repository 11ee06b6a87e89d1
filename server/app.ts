import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { systemClock, type Clock } from '../shared/domain/clock.js';
import { languageFromHeader } from '../shared/i18n/index.js';
import type { ErrorBody } from '../shared/schemas/common.js';
import type { Area, Job } from './area.js';
import { areas as defaultAreas } from './areas.js';
import { createAuthenticate } from './auth/authenticate.js';
import { HubConfig, type HubConfigInput } from './config.js';
import type { HubContext, HubServices } from './context.js';
import { bodyLimit } from './http/body-limit.js';
import { ConcurrencyCap } from './http/concurrency-cap.js';
import { docsPage } from './http/docs-page.js';
import { HubError } from './http/errors.js';
import { allowedHostNames, isAllowedHost } from './http/host-check.js';
import { idempotency } from './http/idempotency.js';
import { openApiDocument, Router, type RouteDoc } from './http/router.js';
import { projectPath } from './paths.js';
import { AuditLog } from './services/audit.js';
import { eventBusFor, historyFor, jobRunnerFor, openStore } from './store/open.js';
import type { Store } from './store/store.js';

export interface CreateAppOptions {
  config?: HubConfigInput;
  clock?: Clock;
  /** A store opened by the caller; by default one is opened at config.dataDir. */
  store?: Store;
  areas?: Area[];
  /** Extra services an area may take instead of building its own (a runner, a mail transport). */
  services?: Partial<HubServices>;
}

export interface HubApp {
  app: Hono;
  ctx: HubContext;
  /** The first administrator's key secret when this start created the store, else null. */
  bootstrapKey: string | null;
  /** Starts background jobs (scheduler, outbox). Tests may leave them stopped and drive them. */
  start(): Promise<void>;
  seedDemo(): Promise<void>;
  /** Start-banner lines from the areas, given the base URL. */
  banner(base: string): string[];
  close(): Promise<void>;
}

export const API_PREFIX = '/api/v1';
const require = createRequire(import.meta.url);

/** Builds the whole hub without listening: tests call `app.request()`, main.ts listens. */
export async function createApp(options: CreateAppOptions = {}): Promise<HubApp> {
  const config = HubConfig.parse(options.config ?? {});
  const clock = options.clock ?? systemClock;
  const store = options.store ?? (await openStore(config));
  const logs = await historyFor(store);
  const events = eventBusFor(store, logs, clock, config.eventsInMemory);
  const audit = new AuditLog(logs, clock);
  await Promise.all([events.load(), audit.load()]);
  const ctx: HubContext = { store, logs, clock, config, events, audit, services: { ...options.services } as HubServices };

  const app = new Hono();
  app.onError(errorHandler);
  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404));
  // Before anything else, on every path: a name the operator did not choose is a DNS-rebinding
  // page (or a misrouted request), and gets nothing, not even the demo pages.
  const hosts = allowedHostNames({ bindHost: config.host, publicUrl: config.publicUrl, extra: config.allowedHosts });
  app.use('*', async (c, next) => {
    const host = c.req.header('host') ?? hostOfUrl(c.req.url);
    if (!isAllowedHost(host, hosts)) {
      return c.json(errorBody('misdirected', `This hub does not answer to the host name in this request. Add it to SPHUB_ALLOWED_HOSTS if it is yours.`), 421);
    }
    await next();
  });
  // API answers are not cached. Set before the handler (answers built with c.json and the like
  // take it from there) and on the answer itself when a handler built its own Response, without
  // replacing it: hono's c.header() after the answer would copy its body into a new Response,
  // turning a body sent in one write into a stream.
  app.use(`${API_PREFIX}/*`, async (c, next) => {
    c.header('cache-control', 'no-store');
    await next();
    if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
  });
  // CSV imports (paths ending in /import) may be larger than any JSON request: they have their own limit.
  const jsonLimit = bodyLimit(config.bodyLimitBytes, (c) => c.json(errorBody('too_large', `The request body is larger than ${config.bodyLimitBytes} bytes.`), 413));
  const importLimit = bodyLimit(config.importLimitBytes, (c) => c.json(errorBody('too_large', `The file is larger than ${config.importLimitBytes} bytes; split it into smaller files.`), 413));
  app.use(`${API_PREFIX}/*`, (c, next) => (c.req.path.endsWith('/import') ? importLimit(c, next) : jsonLimit(c, next)));
  app.use(`${API_PREFIX}/*`, idempotency({ clock, store }));

  const authenticate = createAuthenticate(ctx);
  const expensiveReads = new ConcurrencyCap(config.expensiveReadsPerKey);
  const mounted: { prefix: string; docs: RouteDoc[] }[] = [];
  const jobs: Job[] = [];
  const runJob = jobRunnerFor(store, config.env);
  const seeds: (() => Promise<void>)[] = [];
  const banners: ((base: string) => string)[] = [];
  for (const area of options.areas ?? defaultAreas) {
    const setup = await area.setup(ctx, { authenticate, router: () => new Router(authenticate, expensiveReads) });
    for (const { prefix, router } of setup.routes ?? []) {
      app.route(`${API_PREFIX}${prefix}`, router.hono);
      mounted.push({ prefix, docs: router.docs });
    }
    setup.mount?.(app);
    jobs.push(...(setup.jobs ?? []).map(runJob));
    if (setup.seed) seeds.push(setup.seed);
    if (setup.banner) banners.push(setup.banner);
  }

  const bootstrapKey = await ctx.services.access.bootstrap(config);

  const version = JSON.parse(await readFile(projectPath('package.json'), 'utf8')).version as string;
  // Built when first asked for: turning every schema into JSON Schema is work a start need not wait for.
  let spec: ReturnType<typeof openApiDocument> | undefined;
  app.get(`${API_PREFIX}/health`, (c) => c.json({ status: 'ok', version, time: clock.now().toISOString() }));
  app.get(`${API_PREFIX}/openapi.json`, (c) => c.json((spec ??= openApiDocument(mounted, { title: 'SP Hub API', version }))));
  // Located, not loaded: requiring the package would evaluate its 1 MB bundle at every start.
  const swaggerDir = dirname(require.resolve('swagger-ui-dist/package.json'));
  app.get(`${API_PREFIX}/docs`, (c) => c.html(docsPage(`${API_PREFIX}/openapi.json`, `${API_PREFIX}/docs/assets`)));
  app.get(`${API_PREFIX}/docs/assets/:file{[a-z0-9.-]+\\.(css|js)}`, async (c) => {
    const file = c.req.param('file').replace(/^.*\//, '');
    if (!['swagger-ui.css', 'swagger-ui-bundle.js'].includes(file)) return c.notFound();
    const text = await readFile(join(swaggerDir, file));
    return c.body(text, 200, { 'content-type': file.endsWith('.css') ? 'text/css' : 'text/javascript', 'cache-control': 'max-age=86400' });
  });

  let started = false;
  return {
    app,
    ctx,
    bootstrapKey,
    async start() {
      if (started) return;
      started = true;
      for (const job of jobs) await job.start();
    },
    async seedDemo() {
      for (const seed of seeds) await seed();
    },
    banner: (base) => banners.map((line) => line(base)),
    async close() {
      for (const job of [...jobs].reverse()) await job.stop();
      await logs.close();
      await store.close();
    },
  };
}

/** Node's "aborted" (ECONNRESET while reading the body) or an abort signal that fired. */
function isClientAbort(error: Error, c: import('hono').Context): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  if (error.message === 'aborted' && (code === 'ECONNRESET' || code === undefined)) return true;
  return error.name === 'AbortError' && c.req.raw.signal?.aborted === true;
}

function hostOfUrl(url: string): string | undefined {
  // The host part of an absolute URL, without parsing the whole URL on the hot path.
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url);
  return match?.[1];
}

function errorBody(code: ErrorBody['error']['code'], message: string, details?: ErrorBody['error']['details']): ErrorBody {
  return { error: { code, message, ...(details && { details }) } };
}

/** The one place errors become answers: the error shape of SPEC 2, never a stack trace. */
function errorHandler(error: Error, c: import('hono').Context): Response {
  if (error instanceof HubError) {
    if (error.retryAfterSeconds !== undefined) c.header('retry-after', String(error.retryAfterSeconds));
    // Said in the caller's language (Accept-Language) where the error has a catalog text.
    return c.json(errorBody(error.code, error.messageIn(languageFromHeader(c.req.header('accept-language'))), error.details), error.status as 400);
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    const code = status === 413 ? 'too_large' : status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : status < 500 ? 'invalid_input' : 'internal';
    return c.json(errorBody(code, error.message || 'Request rejected.'), status);
  }
  if (isClientAbort(error, c)) {
    // The client went away mid-request: nothing is wrong on our side and nobody reads the answer.
    console.warn(`request aborted by the client: ${c.req.method} ${c.req.path}`);
    return c.json(errorBody('invalid_input', 'The request was aborted before its body arrived.'), 400);
  }
  if (error.name === 'StoreError') {
    console.error('store error:', error.message);
    return c.json(errorBody('unavailable', 'The change could not be saved; nothing was changed. Try again shortly.'), 503);
  }
  console.error(`unexpected error on ${c.req.method} ${c.req.path}:`, error);
  return c.json(errorBody('internal', 'Something went wrong on our side; the error has been logged.'), 500);
}
