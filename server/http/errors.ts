import type { ErrorCode } from '../../shared/schemas/common.js';

export interface FieldError {
  field: string;
  message: string;
}

const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  business_rule: 422,
  rate_limited: 429,
  misdirected: 421,
  unsupported_media_type: 415,
  unavailable: 503,
  internal: 500,
};

/** The one error type services throw; the app's onError turns it into the one error shape. */
export class HubError extends Error {
  override name = 'HubError';
  /** Sent as Retry-After with a 429 or 503. */
  retryAfterSeconds?: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldError[],
  ) {
    super(message);
  }
  get status(): number {
    return STATUS[this.code];
  }
}

export const invalid = (message: string, details?: FieldError[]) => new HubError('invalid_input', message, details);
export const notFound = (what: string, id?: string) => new HubError('not_found', id ? `${what} ${id} was not found` : `${what} was not found`);
export const conflict = (message: string) => new HubError('conflict', message);
export const businessRule = (message: string, details?: FieldError[]) => new HubError('business_rule', message, details);
export const forbidden = (message: string) => new HubError('forbidden', message);
export const rateLimited = (message: string, retryAfterSeconds: number) => Object.assign(new HubError('rate_limited', message), { retryAfterSeconds });
