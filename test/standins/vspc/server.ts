import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { addCompany, createEstate, KIND, uid, type Estate, type EstateOptions, type Mutable } from './estate.js';
import type { ActiveAlarm, Vb365Job } from '../../../server/connections/vspc/client.js';

// A stand-in for a provider's Veeam Service Provider Console (REST API 3.7), serving the
// operations of ../shared/contracts/vspc-v3.7-subset.json over a seeded estate: envelope,
// paging (limit ≤ 500), bearer auth (an API key, or OAuth2 password and refresh grants),
// X-Request-id, async actions, errors as ErrorResponse with 520 for server faults. Faults are
// injected per path. Its own tests validate every answer against the contract's schemas.

export interface Fault {
  /** Answer with this status (401, 403, 429, 500, 503, 520...) instead. */
  status?: number;
  retryAfter?: string;
  /** Hold the answer this long (a timeout for a client with a shorter one). */
  delayMs?: number;
  /** Answer 200 with a body that is not JSON. */
  badJson?: boolean;
  /** Add a company before answering a page after the first (items appear between pages). */
  drift?: boolean;
  /** How many calls the fault applies to (default: all). */
  times?: number;
}

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  requestId: string | null;
  clientVersion: string | null;
}

export interface VspcStandinOptions extends EstateOptions {
  apiKey?: string;
  users?: { username: string; password: string }[];
  /** Actions answer 202 and finish through /asyncActions (else 200 at once). */
  asyncActions?: boolean;
  /** How async actions end. */
  asyncOutcome?: 'succeed' | 'failed';
  /** The version it reports in X-Api-Version. */
  version?: string;
}

export interface VspcStandin {
  app: Hono;
  estate: Estate;
  apiKey: string;
  calls: RecordedCall[];
  /** Actions forwarded to it (start, stop, enable, disable, acknowledge, resolve). */
  actions: { action: string; target: string; requestId: string | null }[];
  fault(path: string, fault: Fault): void;
  clearFaults(): void;
  /** Invalidates every access token issued (the next call answers 401). */
  expireTokens(): void;
  options: VspcStandinOptions;
}

const PREFIX = '/api/v3';

export function createVspcStandin(options: VspcStandinOptions): VspcStandin {
  const estate = createEstate(options);
  const apiKey = options.apiKey ?? 'vspc-standin-api-key-0123456789abcdef';
  const users = options.users ?? [{ username: 'sphub', password: 'standin-password' }];
  const faults = new Map<string, Fault & { used: number }>();
  const calls: RecordedCall[] = [];
  const actions: VspcStandin['actions'] = [];
  const tokens = new Set<string>();
  const refreshTokens = new Set<string>();
  const asyncActions = new Map<string, { name: string; polls: number; query: Record<string, string[]> }>();
  const app = new Hono();

  const meta = (total: number, count: number, offset: number) => ({ pagingInfo: { total, count, offset } });
  const errorBody = (message: string, code: number, type = 'logical') => ({ errors: [{ message, type, code }] });
  const paged = <T>(c: Context, items: T[]) => {
    const limit = Number(c.req.query('limit') ?? 100);
    const offset = Number(c.req.query('offset') ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500 || !Number.isInteger(offset) || offset < 0) {
      return c.json(errorBody('limit must be 1 to 500 and offset 0 or more', 400), 400);
    }
    const page = items.slice(offset, offset + limit);
    return c.json({ data: page, meta: meta(items.length, page.length, offset), errors: [] });
  };

  app.use(`${PREFIX}/*`, async (c, next) => {
    const path = c.req.path.slice(PREFIX.length);
    calls.push({ method: c.req.method, path, query: c.req.query(), requestId: c.req.header('x-request-id') ?? null, clientVersion: c.req.header('x-client-version') ?? null });
    c.header('x-api-version', options.version ?? '3.7');
    const fault = [...faults.entries()].find(([p]) => p === path || (p.endsWith('*') && path.startsWith(p.slice(0, -1))))?.[1];
    if (fault && (fault.times === undefined || fault.used < fault.times)) {
      const offset = Number(c.req.query('offset') ?? 0);
      if (!fault.drift || offset > 0) {
        fault.used += 1;
        if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        if (fault.status) {
          const status = fault.status;
          return c.json(
            status >= 500 ? errorBody('Injected server fault', 500, 'transport') : errorBody(`Injected ${status}`, status, status === 401 || status === 403 ? 'security' : 'logical'),
            status as 400,
            fault.retryAfter ? { 'retry-after': fault.retryAfter } : {},
          );
        }
        if (fault.badJson) return c.body('{"data": [ this is not json', 200, { 'content-type': 'application/json' });
        if (fault.drift) addCompany(estate, 1);
      }
    }
    if (path === '/token') return next();
    const auth = c.req.header('authorization') ?? '';
    const token = auth.replace(/^Bearer\s+/i, '');
    if (token !== apiKey && !tokens.has(token)) return c.json(errorBody('Authentication failed: the token is missing, invalid or expired.', 401, 'security'), 401);
    return next();
  });

  app.post(`${PREFIX}/token`, async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const grant = form.get('grant_type');
    const issue = () => {
      const access = `at-${randomUUID()}`;
      const refresh = `rt-${randomUUID()}`;
      tokens.add(access);
      refreshTokens.add(refresh);
      return c.json({ access_token: access, token_type: 'bearer', refresh_token: refresh, mfa_token: null, encrypted_code: null, expires_in: 3600 });
    };
    if (grant === 'password') {
      if (users.some((u) => u.username === form.get('username') && u.password === form.get('password'))) return issue();
      return c.json({ error: 'invalid_grant', error_description: 'The user name or password is incorrect.', error_uri: null }, 400);
    }
    if (grant === 'refresh_token') {
      const refresh = form.get('refresh_token') ?? '';
      if (refreshTokens.delete(refresh)) return issue();
      return c.json({ error: 'invalid_grant', error_description: 'The refresh token is invalid or expired.', error_uri: null }, 400);
    }
    return c.json({ error: 'unsupported_grant_type', error_description: `grant_type ${grant ?? '(none)'} is not supported here`, error_uri: null }, 400);
  });

  app.get(`${PREFIX}/organizations/companies`, (c) => {
    const expand = c.req.queries('expand') ?? [];
    const list = expand.includes('Organization') ? estate.companies : estate.companies.map(({ _embedded: _e, ...rest }) => rest);
    return paged(c, list);
  });
  app.get(`${PREFIX}/organizations/companies/usage`, (c) => paged(c, estate.usage));
  app.get(`${PREFIX}/organizations/companies/:companyUid`, (c) => {
    const company = estate.companies.find((x) => x.instanceUid === c.req.param('companyUid'));
    if (!company) return c.json(errorBody('Company not found', 404), 404);
    const { _embedded: _e, ...rest } = company;
    return c.json({ data: rest, meta: null, errors: [] });
  });
  app.get(`${PREFIX}/infrastructure/vb365Servers/organizations/companyMappings`, (c) => paged(c, estate.mappings));
  app.get(`${PREFIX}/infrastructure/vb365Servers/organizations/jobs`, (c) => {
    // The subset of VSPC's filter the hub uses: [{"property":"lastRun","operation":"greaterThan","value":"<date-time>"}].
    const filter = c.req.query('filter');
    let jobs = estate.jobs;
    if (filter) {
      let parsed: { property?: string; operation?: string; value?: string }[];
      try {
        parsed = JSON.parse(filter) as typeof parsed;
      } catch {
        return c.json(errorBody('The filter is not valid JSON', 400), 400);
      }
      for (const rule of Array.isArray(parsed) ? parsed : [parsed]) {
        if (rule.property !== 'lastRun' || rule.operation !== 'greaterThan' || typeof rule.value !== 'string') return c.json(errorBody('Unsupported filter', 400), 400);
        const after = Date.parse(rule.value);
        jobs = jobs.filter((j) => j.lastRun && Date.parse(j.lastRun) > after);
      }
    }
    return paged(c, jobs);
  });
  app.get(`${PREFIX}/alarms/active`, (c) => paged(c, estate.alarms));
  app.get(`${PREFIX}/licensing/usage/organizations`, (c) => paged(c, estate.licenseUsage));

  const act = (name: string, target: string, c: Context, apply: () => boolean) => {
    const requestId = c.req.header('x-request-id') ?? null;
    if (!apply()) return c.json(errorBody(`${target} was not found`, 404), 404);
    actions.push({ action: name, target, requestId });
    if (options.asyncActions) {
      const id = requestId ?? randomUUID();
      asyncActions.set(id, { name, polls: 0, query: Object.fromEntries(Object.entries(c.req.queries()).map(([k, v]) => [k, v])) });
      return c.body(null, 202, { location: `${new URL(c.req.url).origin}${PREFIX}/asyncActions/${id}` });
    }
    return c.json({ errors: [], data: {}, meta: {} });
  };

  for (const verb of ['start', 'stop', 'enable', 'disable'] as const) {
    app.post(`${PREFIX}/infrastructure/vb365Servers/:server/organizations/jobs/:job/${verb}`, (c) =>
      act(verb, c.req.param('job'), c, () => {
        const job = estate.jobs.find((j) => j.instanceUid === c.req.param('job') && j.vb365ServerUid === c.req.param('server')) as Mutable<Vb365Job> | undefined;
        if (!job) return false;
        if (verb === 'enable') job.isEnabled = true;
        if (verb === 'disable') job.isEnabled = false;
        if (verb === 'start') job.lastStatus = 'Running';
        if (verb === 'stop') job.lastStatus = 'Stopped';
        return true;
      }),
    );
  }
  for (const verb of ['acknowledge', 'resolve'] as const) {
    app.post(`${PREFIX}/alarms/active/:uid/${verb}`, (c) =>
      act(verb, c.req.param('uid'), c, () => {
        const alarm = estate.alarms.find((a) => a.instanceUid === c.req.param('uid')) as Mutable<ActiveAlarm> | undefined;
        if (!alarm) return false;
        if (verb === 'resolve') estate.alarms = estate.alarms.filter((a) => a !== alarm);
        else alarm.lastActivation = { ...alarm.lastActivation!, status: 'Acknowledged' };
        return true;
      }),
    );
  }
  app.get(`${PREFIX}/asyncActions/:id`, (c) => {
    const action = asyncActions.get(c.req.param('id'));
    if (!action) return c.json(errorBody('Async action not found', 404), 404);
    action.polls += 1;
    const status = action.polls < 2 ? 'running' : (options.asyncOutcome ?? 'succeed');
    return c.json({ data: { id: c.req.param('id'), initiatorUid: uid(KIND.action, 1), actionName: action.name, status, requestBody: null, queryParameters: action.query }, meta: null, errors: [] });
  });
  app.notFound((c) => c.json(errorBody(`No operation at ${c.req.method} ${c.req.path}`, 404), 404));
  app.onError((error, c) => c.json(errorBody(`Stand-in failure: ${error.message}`, 500, 'unspecified'), 520 as 500));

  return {
    app,
    estate,
    apiKey,
    calls,
    actions,
    options,
    fault: (path, fault) => faults.set(path, { ...fault, used: 0 }),
    clearFaults: () => faults.clear(),
    expireTokens: () => tokens.clear(),
  };
}
