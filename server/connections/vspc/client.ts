import { randomUUID } from 'node:crypto';
import { httpCall, retryAfterMs, TransportError, type HttpAnswer, type TlsOptions } from '../http.js';
import { UpstreamError } from '../upstream-error.js';
import type { components, paths } from './api-types.js';

// A typed client of the VSPC REST API v3 (types generated from the contract subset,
// api-types.ts). It adds what every call needs: the token (an API key, or OAuth2 password grant
// with refresh), retries that honour Retry-After for 429/503 and back off on 5xx/520 and
// timeouts, paging that notices items appearing or disappearing between pages, X-Request-id on
// every call, and async actions followed to their end. It counts the requests it makes.

type Schemas = components['schemas'];
export type Company = Schemas['Company'];
export type Vb365Job = Schemas['Vb365Job'];
export type CompanyMapping = Schemas['Vb365OrganizationToCompanyMapping'];
export type ActiveAlarm = Schemas['ActiveAlarm'];
export type LocationUsage = Schemas['LocationAggregatedUsage'];
export type OrganizationLicenseUsage = Schemas['OrganizationCurrentLicenseUsage'];
type AsyncActionInfo = Schemas['AsyncActionInfo'];
type OAuth2Result = Schemas['OAuth2Result'];

/** GET paths that answer a collection (`data` is an array). */
type ListPath = {
  [P in keyof paths]: paths[P] extends { get: { responses: { 200: { content: { 'application/json': { data: unknown[] } } } } } } ? P : never;
}[keyof paths];
type ItemOf<P extends ListPath> = paths[P]['get']['responses'][200]['content']['application/json']['data'][number];

/** The API version this client speaks (sent as X-Client-Version). */
export const CLIENT_VERSION = '3.7';

type VspcAuth = { type: 'apiKey'; apiKey: string } | { type: 'password'; username: string; password: string };

export interface VspcClientOptions {
  baseUrl: string;
  auth: VspcAuth;
  tls?: TlsOptions;
  timeoutMs?: number;
  /** Attempts per call (first try included) for retryable faults. */
  attempts?: number;
  /** First backoff step; doubles per attempt. */
  backoffMs?: number;
  /** Longest Retry-After honoured; a longer one fails the call. */
  maxRetryAfterMs?: number;
  pageSize?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

interface Envelope<T> {
  data?: T;
  meta?: { pagingInfo?: { total: number; count: number; offset: number } | null } | null;
  errors?: { message: string; type: string; code: number }[] | null;
}

export class VspcClient {
  /** Requests sent (retries and token calls included). */
  requests = 0;
  private accessToken: string | null = null;
  private refreshToken: string | null = null;
  private readonly base: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: VspcClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  /** Every item of a collection, paged with `limit` ≤ 500; restarts once if the collection changes under it. */
  async list<P extends ListPath>(path: P, query: Record<string, string> = {}): Promise<ItemOf<P>[]> {
    const limit = Math.min(500, Math.max(1, this.options.pageSize ?? 500));
    for (let pass = 0; pass < 3; pass++) {
      const items: ItemOf<P>[] = [];
      const seen = new Set<string>();
      let total: number | null = null;
      let drifted = false;
      for (let offset = 0; ; offset += limit) {
        const body = await this.get<Envelope<ItemOf<P>[]>>(path, { ...query, limit: String(limit), offset: String(offset) });
        if (!Array.isArray(body.data)) throw new UpstreamError('malformed', `${path} answered without a data array`, path, 200, null);
        const paging = body.meta?.pagingInfo;
        if (paging && total !== null && paging.total !== total) {
          drifted = true;
          break;
        }
        total = paging?.total ?? total;
        for (const item of body.data) {
          const key = (item as { instanceUid?: string }).instanceUid;
          if (key !== undefined) {
            if (seen.has(key)) continue;
            seen.add(key);
          }
          items.push(item);
        }
        const done = paging ? offset + body.data.length >= paging.total || body.data.length === 0 : body.data.length < limit;
        if (done) break;
      }
      if (!drifted) return items;
    }
    throw new UpstreamError('drift', `${path} kept changing while it was read page by page; the run stopped without applying anything`, path, null, null);
  }

  /** One GET, with the answer's headers (the connection test reads the API version from them). */
  async probe<T>(path: string, query: Record<string, string> = {}): Promise<{ body: T; headers: HttpAnswer['headers']; requestId: string }> {
    const { answer, requestId } = await this.send('GET', path, query);
    return { body: this.json<T>(answer, path, requestId), headers: answer.headers, requestId };
  }

  /** One GET answering an envelope. */
  async get<T>(path: string, query: Record<string, string> = {}): Promise<T> {
    const answer = await this.send('GET', path, query);
    return this.json<T>(answer.answer, path, answer.requestId);
  }

  /**
   * A POST action (start, acknowledge...) with an X-Request-id; a 202 is followed through
   * /asyncActions/{id} until it ends. Resolves only on success VSPC reported.
   */
  async action(path: string, query: Record<string, string> = {}, options: { pollMs?: number; maxPolls?: number } = {}): Promise<{ requestId: string; async: boolean }> {
    const { answer, requestId } = await this.send('POST', path, query);
    if (answer.status !== 202) return { requestId, async: false };
    const actionId = asyncActionId(answer.headers.location) ?? requestId;
    const maxPolls = options.maxPolls ?? 120;
    for (let poll = 0; poll < maxPolls; poll++) {
      const info = (await this.get<Envelope<AsyncActionInfo>>(`/asyncActions/${encodeURIComponent(actionId)}`)).data;
      const status = info?.status as string | undefined;
      if (status === 'succeed') return { requestId, async: true };
      if (status === 'failed' || status === 'canceled') {
        throw new UpstreamError('client', `VSPC reports the action ${status === 'failed' ? 'failed' : 'was canceled'} (async action ${actionId})`, path, 202, requestId);
      }
      await this.sleep(options.pollMs ?? 1000);
    }
    throw new UpstreamError('timeout', `VSPC had not finished the action after ${maxPolls} checks (async action ${actionId}); its outcome is unknown`, path, 202, requestId);
  }

  /** Sends a call with auth and retries; answers 2xx only, anything else throws UpstreamError. */
  private async send(method: string, path: string, query: Record<string, string>): Promise<{ answer: HttpAnswer; requestId: string }> {
    const attempts = this.options.attempts ?? 4;
    // The same id on every retry: VSPC treats a repeat within 5 minutes as the same operation.
    const requestId = randomUUID();
    let reauthenticated = false;
    for (let attempt = 1; ; attempt++) {
      const token = await this.bearer();
      let answer: HttpAnswer;
      try {
        answer = await this.http(method, path, query, { authorization: `Bearer ${token}`, 'x-request-id': requestId });
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
        if (error.stage === 'timeout' && attempt < attempts) {
          await this.sleep(this.backoff(attempt));
          continue;
        }
        throw new UpstreamError(error.stage, `${method} ${path}: ${error.message}`, path, null, requestId);
      }
      const { status } = answer;
      if (status >= 200 && status < 300) return { answer, requestId };
      if (status === 401) {
        if (!reauthenticated) {
          reauthenticated = true;
          await this.renewToken();
          continue;
        }
        throw new UpstreamError(
          'auth',
          `VSPC refused the credentials (401 on ${path})${this.options.auth.type === 'apiKey' ? ': the API key is wrong, expired or revoked' : ''}`,
          path,
          401,
          requestId,
        );
      }
      if (status === 429 || status === 503) {
        const wait = retryAfterMs(answer.headers['retry-after'], this.now()) ?? this.backoff(attempt);
        if (attempt < attempts && wait <= (this.options.maxRetryAfterMs ?? 120_000)) {
          await this.sleep(wait);
          continue;
        }
        throw new UpstreamError(
          'rateLimited',
          `VSPC is ${status === 429 ? 'throttling requests' : 'unavailable'} (${status} on ${path}${answer.headers['retry-after'] ? `, Retry-After ${answer.headers['retry-after']}` : ''})`,
          path,
          status,
          requestId,
        );
      }
      if (status >= 500) {
        if (attempt < attempts) {
          await this.sleep(this.backoff(attempt));
          continue;
        }
        throw new UpstreamError('server', `VSPC failed ${attempts} times on ${path} (${status}${errorText(answer)})`, path, status, requestId);
      }
      const fault = status === 403 ? 'forbidden' : status === 404 ? 'notFound' : 'client';
      throw new UpstreamError(fault, `VSPC answered ${status} on ${path}${errorText(answer)}`, path, status, requestId);
    }
  }

  private backoff(attempt: number): number {
    return (this.options.backoffMs ?? 500) * 2 ** (attempt - 1);
  }

  private http(method: string, path: string, query: Record<string, string>, headers: Record<string, string>, body?: string): Promise<HttpAnswer> {
    const url = new URL(this.base + path);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    this.requests += 1;
    return httpCall({
      url,
      method,
      headers: { accept: 'application/json', 'x-client-version': CLIENT_VERSION, ...headers, ...(body !== undefined && { 'content-type': 'application/x-www-form-urlencoded' }) },
      ...(body !== undefined && { body }),
      timeoutMs: this.options.timeoutMs ?? 30_000,
      ...(this.options.tls && { tls: this.options.tls }),
    });
  }

  private json<T>(answer: HttpAnswer, path: string, requestId: string | null): T {
    try {
      return JSON.parse(answer.text) as T;
    } catch {
      throw new UpstreamError('malformed', `VSPC answered ${path} with a body that is not JSON`, path, answer.status, requestId);
    }
  }

  private async bearer(): Promise<string> {
    if (this.options.auth.type === 'apiKey') return this.options.auth.apiKey;
    if (!this.accessToken) await this.issueToken({ grant_type: 'password', username: this.options.auth.username, password: this.options.auth.password });
    return this.accessToken!;
  }

  /** After a 401: refresh the token (or sign in again); an API key has nothing to renew. */
  private async renewToken(): Promise<void> {
    if (this.options.auth.type === 'apiKey') return;
    const refresh = this.refreshToken;
    this.accessToken = null;
    if (refresh) {
      try {
        await this.issueToken({ grant_type: 'refresh_token', refresh_token: refresh });
        return;
      } catch (error) {
        if (!(error instanceof UpstreamError) || error.fault !== 'auth') throw error;
      }
    }
    await this.issueToken({ grant_type: 'password', username: this.options.auth.username, password: this.options.auth.password });
  }

  private async issueToken(form: Record<string, string>): Promise<void> {
    let answer: HttpAnswer;
    try {
      answer = await this.http('POST', '/token', {}, {}, new URLSearchParams(form).toString());
    } catch (error) {
      if (error instanceof TransportError) throw new UpstreamError(error.stage, `POST /token: ${error.message}`, '/token', null, null);
      throw error;
    }
    if (answer.status === 200) {
      const result = this.json<OAuth2Result>(answer, '/token', null);
      if (!result.access_token) throw new UpstreamError('malformed', 'VSPC issued no access token', '/token', 200, null);
      this.accessToken = result.access_token;
      this.refreshToken = result.refresh_token ?? null;
      return;
    }
    let reason = '';
    try {
      const body = JSON.parse(answer.text) as { error?: string; error_description?: string };
      reason = body.error ? `: ${body.error}${body.error_description ? ` (${body.error_description})` : ''}` : '';
    } catch {
      // Not JSON: the status says enough.
    }
    throw new UpstreamError(
      answer.status === 400 || answer.status === 401 ? 'auth' : 'server',
      `VSPC refused to sign in ${form.grant_type === 'refresh_token' ? 'with the refresh token' : 'with the user name and password'} (${answer.status}${reason})`,
      '/token',
      answer.status,
      null,
    );
  }
}

function asyncActionId(location: string | undefined): string | null {
  if (!location) return null;
  const match = /\/asyncActions\/([^/?#]+)/.exec(location);
  return match ? decodeURIComponent(match[1]!) : null;
}

/** VSPC's own error message from an ErrorResponse, shortened. */
function errorText(answer: HttpAnswer): string {
  try {
    const body = JSON.parse(answer.text) as { errors?: { message?: string; code?: number }[] };
    const first = body.errors?.[0];
    if (first?.message) return `: ${first.message.replace(/\s+/g, ' ').slice(0, 300)}${first.code !== undefined ? ` (code ${first.code})` : ''}`;
  } catch {
    // Not JSON.
  }
  return '';
}
