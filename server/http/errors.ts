import { isMessageKey, say, type Language, type Text } from '../../shared/i18n/index.js';
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
  license_management_suspended: 409,
  too_large: 413,
  business_rule: 422,
  rate_limited: 429,
  misdirected: 421,
  unsupported_media_type: 415,
  unavailable: 503,
  internal: 500,
};

/** An error message from the catalog, so the answer can be in the caller's language. */
export interface LocalizedText extends Text {
  /** Further sentences after the first. */
  more?: LocalizedText[];
}

/** The text in a language: its sentences joined. */
export function textIn(language: Language, text: LocalizedText): string {
  return [say(language, text), ...(text.more ?? []).map((m) => textIn(language, m))].join(' ');
}

/** The one error type services throw; the app's onError turns it into the one error shape. */
export class HubError extends Error {
  override name = 'HubError';
  /** Sent as Retry-After with a 429 or 503. */
  retryAfterSeconds?: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldError[],
    /** When set, the answer says this in the caller's language (Accept-Language); `message` is its English. */
    readonly text?: LocalizedText,
  ) {
    super(message);
  }
  get status(): number {
    return STATUS[this.code];
  }
  /** The message in a language (the English message when it has no catalog text). */
  messageIn(language: Language): string {
    return this.text ? textIn(language, this.text) : this.message;
  }
}

/** A HubError whose message comes from the catalog. */
export function localizedError(code: ErrorCode, text: LocalizedText, details?: FieldError[]): HubError {
  return new HubError(code, textIn('en', text), details, text);
}

export const invalid = (message: string, details?: FieldError[]) => new HubError('invalid_input', message, details);
/** `Policy pol_1 was not found.`; the kind of thing is translated where the catalog knows it (api.thing.*). */
export const notFound = (what: string, id?: string) => {
  const thing = `api.thing.${what}`;
  const whatText = isMessageKey(thing) ? { key: thing } : what;
  return localizedError('not_found', id ? { key: 'api.notFound', params: { what: whatText, id } } : { key: 'api.notFound.noId', params: { what: whatText } });
};
export const conflict = (message: string) => new HubError('conflict', message);
export const businessRule = (message: string, details?: FieldError[]) => new HubError('business_rule', message, details);
