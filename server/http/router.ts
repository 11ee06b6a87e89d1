import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Permission } from '../../shared/schemas/common.js';
import { missingPermission, type Principal } from '../auth/principal.js';
import { ConcurrencyCap } from './concurrency-cap.js';
import { invalid, localizedError } from './errors.js';
import { isJsonContentType, parseStrictJson } from './strict-json.js';
import { parseOrThrow } from './validate.js';

export type HubEnv = { Variables: { principal: Principal } };
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteOptions<P, Q, B> {
  summary: string;
  /**
   * The permission the route needs, or several that it needs together (changing users needs the
   * Settings section, `siteSettings`, and `userManagement`), or 'public' for the few routes that need no key.
   */
  permission: Permission | readonly Permission[] | 'public';
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  response?: z.ZodType;
  /** Status of a successful answer (201 for creations). */
  status?: 200 | 201 | 202 | 204;
  /** Non-JSON answers (CSV, ZIP, event streams) for the docs. */
  produces?: string;
  /** A non-JSON request body (a CSV import) that the handler reads itself, for the docs. */
  consumes?: string;
  /**
   * Work that grows with the data (exports, CSVs, batch health): capped per caller at once (429
   * beyond). Routes producing CSV or ZIP count as expensive without saying so.
   */
  expensive?: boolean;
  tags?: string[];
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal;
  c: Context<HubEnv>;
}

export interface RouteDoc {
  method: Method;
  path: string;
  options: RouteOptions<unknown, unknown, unknown>;
}

export type Authenticate = (c: Context<HubEnv>) => Promise<Principal>;

/**
 * One sub-app per resource. Every route declares its permission and input schemas here, and
 * this is the only place they are enforced, so no route can forget validation or access checks.
 * The same declarations produce the OpenAPI document.
 */
export class Router {
  readonly hono = new Hono<HubEnv>();
  readonly docs: RouteDoc[] = [];

  constructor(
    private readonly authenticate: Authenticate,
    /** Expensive reads running at once per caller; without one, nothing is capped (tests of a lone router). */
    private readonly expensiveReads: ConcurrencyCap | null = null,
  ) {}

  get<P = unknown, Q = unknown>(path: string, options: RouteOptions<P, Q, never>, handler: (input: RouteInput<P, Q, never>) => unknown) {
    return this.add('get', path, options, handler);
  }
  post<P = unknown, Q = unknown, B = unknown>(path: string, options: RouteOptions<P, Q, B>, handler: (input: RouteInput<P, Q, B>) => unknown) {
    return this.add('post', path, options, handler);
  }
  put<P = unknown, Q = unknown, B = unknown>(path: string, options: RouteOptions<P, Q, B>, handler: (input: RouteInput<P, Q, B>) => unknown) {
    return this.add('put', path, options, handler);
  }
  patch<P = unknown, Q = unknown, B = unknown>(path: string, options: RouteOptions<P, Q, B>, handler: (input: RouteInput<P, Q, B>) => unknown) {
    return this.add('patch', path, options, handler);
  }
  delete<P = unknown, Q = unknown, B = unknown>(path: string, options: RouteOptions<P, Q, B>, handler: (input: RouteInput<P, Q, B>) => unknown) {
    return this.add('delete', path, options, handler);
  }

  private add<P, Q, B>(method: Method, path: string, options: RouteOptions<P, Q, B>, handler: (input: RouteInput<P, Q, B>) => unknown): this {
    this.docs.push({ method, path, options: options as RouteOptions<unknown, unknown, unknown> });
    const needed: readonly Permission[] = permissionsOf(options.permission);
    this.hono[method](path, async (c) => {
      const principal = options.permission === 'public' ? anonymous : await this.authenticate(c);
      for (const permission of needed) {
        if (!principal.permissions.has(permission)) throw missingPermission(principal, permission);
      }
      c.set('principal', principal);
      const params = options.params ? parseOrThrow(options.params, c.req.param(), 'params') : (c.req.param() as P);
      const query = options.query ? parseOrThrow(options.query, flatQuery(c), 'query') : (undefined as Q);
      const body = options.body ? parseOrThrow(options.body, await readJson(c), 'body') : (undefined as B);
      // Checked after validation, so bad input is a 400 rather than a wait.
      const release = this.expensiveReads && isExpensive(options) ? this.expensiveReads.tryAcquire(callerOf(principal)) : null;
      if (this.expensiveReads && isExpensive(options) && !release) {
        throw Object.assign(localizedError('rate_limited', { key: 'api.busy.expensive', params: { max: this.expensiveReads.perKey } }), { retryAfterSeconds: 1 });
      }
      let result: unknown;
      try {
        result = await handler({ params, query, body, principal, c });
      } finally {
        release?.();
      }
      if (result instanceof Response) return result;
      if (options.status === 204) return c.body(null, 204);
      return c.json(result as object, options.status ?? 200);
    });
    return this;
  }
}

export function permissionsOf(permission: RouteOptions<unknown, unknown, unknown>['permission']): readonly Permission[] {
  if (permission === 'public') return [];
  return typeof permission === 'string' ? [permission] : permission;
}

const isExpensive = (options: RouteOptions<unknown, unknown, unknown>) => options.expensive === true || options.produces === 'text/csv' || options.produces === 'application/zip';

/** Whose turn it is: the API key, else the Teams user the bot acts for, else the user. */
function callerOf(principal: Principal): string {
  const actor = principal.actor as { apiKeyId?: string; teamsUserId?: string; userId: string | null; name: string };
  return actor.apiKeyId ? `key:${actor.apiKeyId}` : actor.teamsUserId ? `teams:${actor.teamsUserId}` : actor.userId ? `user:${actor.userId}` : `name:${actor.name}`;
}

const anonymous: Principal = {
  actor: { kind: 'system', userId: null, name: 'anonymous', channel: 'api' },
  user: null,
  permissions: new Set(),
};

function flatQuery(c: Context): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(c.req.queries())) out[key] = values.length === 1 ? values[0]! : values;
  return out;
}

/**
 * A JSON route's body: `application/json` (415 otherwise), valid UTF-8 and no key twice in one
 * object (400 naming the problem), so what is stored is exactly what the client meant.
 */
async function readJson(c: Context): Promise<unknown> {
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.length === 0 || isBlank(bytes)) return undefined;
  if (!isJsonContentType(c.req.header('content-type'))) {
    const got = c.req.header('content-type');
    throw localizedError('unsupported_media_type', got ? { key: 'api.body.notJson', params: { got: got.slice(0, 80) } } : { key: 'api.body.notJsonNone' }, [
      { field: 'Content-Type', message: 'must be application/json' },
    ]);
  }
  const parsed = parseStrictJson(bytes);
  if (!parsed.ok) throw invalid(`The request body ${parsed.field === 'body' ? '' : `key ${parsed.field} `}${parsed.problem}.`, [{ field: parsed.field, message: parsed.problem }]);
  return parsed.value;
}

function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
  return true;
}

/** Builds the OpenAPI 3.1 document from the routes' own schemas. */
export function openApiDocument(routes: { prefix: string; docs: RouteDoc[] }[], info: { title: string; version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { prefix, docs } of routes) {
    for (const { method, path, options } of docs) {
      const full = openApiPath(`${prefix}${path === '/' ? '' : path}`);
      const parameters: unknown[] = [];
      for (const [where, schema] of [
        ['path', options.params],
        ['query', options.query],
      ] as const) {
        const json = schema ? toSchema(schema, 'input') : null;
        const props = (json?.properties ?? {}) as Record<string, unknown>;
        const required = new Set((json?.required as string[] | undefined) ?? []);
        for (const [name, s] of Object.entries(props)) parameters.push({ name, in: where, required: where === 'path' || required.has(name), schema: s });
      }
      for (const name of full.match(/\{([^}]+)\}/g) ?? []) {
        const n = name.slice(1, -1);
        if (!parameters.some((p) => (p as { name: string }).name === n)) parameters.push({ name: n, in: 'path', required: true, schema: { type: 'string' } });
      }
      const status = String(options.status ?? 200);
      paths[full] ??= {};
      paths[full][method] = {
        summary: options.summary,
        tags: options.tags ?? [prefix.split('/')[1] ?? 'hub'],
        security: options.permission === 'public' ? [] : [{ apiKey: [] }],
        // x-permission: the most specific one (the last); x-permissions: all that are needed together.
        ...(options.permission !== 'public' && { 'x-permission': permissionsOf(options.permission).at(-1), 'x-permissions': permissionsOf(options.permission) }),
        ...(isExpensive(options as RouteOptions<unknown, unknown, unknown>) && {
          'x-expensive': true,
          description: 'Expensive: a few run at once per API key; more are answered 429 with Retry-After.',
        }),
        parameters,
        ...(options.body && { requestBody: { required: true, content: { 'application/json': { schema: toSchema(options.body, 'input') } } } }),
        ...(options.consumes && { requestBody: { required: true, content: { [options.consumes]: { schema: { type: 'string' } } } } }),
        responses: {
          [status]: {
            description: 'Success',
            ...(options.produces ? { content: { [options.produces]: {} } } : options.response && { content: { 'application/json': { schema: toSchema(options.response, 'output') } } }),
          },
          default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        },
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: { ...info, description: 'SP Hub API. Authenticate with `Authorization: Bearer <api key>`.' },
    servers: [{ url: '/api/v1' }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                details: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
              },
              required: ['code', 'message'],
            },
          },
        },
      },
    },
    paths,
  };
}

/**
 * A hono path as an OpenAPI path: `:name` and `:name{pattern}` become `{name}`. Patterns may hold
 * braces of their own (`{[0-9]{4}}`), so they are skipped by counting, not by a regular expression.
 */
export function openApiPath(path: string): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const name = path[i] === ':' ? /^[A-Za-z0-9_]+/.exec(path.slice(i + 1))?.[0] : undefined;
    if (!name) {
      out += path[i];
      continue;
    }
    out += `{${name}}`;
    i += name.length;
    if (path[i + 1] === '{') {
      let depth = 0;
      for (i += 1; i < path.length; i++) {
        if (path[i] === '\\') i += 1;
        else if (path[i] === '{') depth += 1;
        else if (path[i] === '}' && --depth === 0) break;
      }
    }
  }
  return out;
}

function toSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  try {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
    delete json.$schema;
    return json;
  } catch {
    return {};
  }
}
