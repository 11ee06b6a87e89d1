import type { ErrorBody } from '../schemas/common.js';

export interface ApiClientOptions {
  /** The hub's base URL, such as http://127.0.0.1:3978 (the /api/v1 prefix is added here). */
  baseUrl: string;
  apiKey?: string;
  fetch?: typeof fetch;
  /** Sent with every request (the extension names its channel, the bot its Teams user). */
  headers?: Record<string, string>;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | readonly string[] | undefined | null>;
  body?: unknown;
  /** A body sent as it is (a CSV file), instead of `body` as JSON. */
  text?: { content: string; contentType: string };
  idempotencyKey?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** An error answer from the hub, with its code, message and failing fields. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export type Request = <T>(method: string, path: string, options?: RequestOptions) => Promise<T>;
export type RawRequest = (method: string, path: string, options?: RequestOptions) => Promise<Response>;

export function queryString(query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(','));
    } else params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function createRawRequest(options: ApiClientOptions): RawRequest {
  const base = options.baseUrl.replace(/\/+$/, '') + '/api/v1';
  const doFetch = options.fetch ?? fetch;
  return async (method, path, request = {}) => {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers, ...request.headers };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.text) headers['content-type'] = request.text.contentType;
    const response = await doFetch(`${base}${path}${queryString(request.query)}`, {
      method,
      headers,
      ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
      ...(request.text && { body: request.text.content }),
      ...(request.signal && { signal: request.signal }),
    });
    if (!response.ok) throw await toApiError(response);
    return response;
  };
}

export function createRequest(options: ApiClientOptions): Request {
  const raw = createRawRequest(options);
  return async <T>(method: string, path: string, request?: RequestOptions) => {
    const response = await raw(method, path, request);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  };
}

async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as ErrorBody;
    return new ApiError(response.status, body.error.code, body.error.message, body.error.details ?? []);
  } catch {
    return new ApiError(response.status, 'unavailable', `The hub answered ${response.status} ${response.statusText || ''}`.trim());
  }
}

/** Ids and other path parts are always encoded. */
export const seg = (value: string) => encodeURIComponent(value);
