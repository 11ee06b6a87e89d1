import { ApiError, createApiClient, type ApiClient } from '../../../shared/api/client.js';
import type { HubFailure } from '../result.js';
import type { HubSettings } from '../settings.js';
import { t, uiLanguage } from '../i18n.js';

/** Every call from the extension says so, so the audit log records the extension as the channel. */
export const EXTENSION_HEADERS = { 'x-sphub-channel': 'extension' } as const;

/** How long the worker waits for the hub before telling the user it does not answer. */
export const HUB_TIMEOUT_MS = 10_000;

export function hubClient(settings: HubSettings, fetchImpl: typeof fetch = fetch): ApiClient {
  const timed: typeof fetch = (input, init) => {
    const signal = init?.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(HUB_TIMEOUT_MS)]) : AbortSignal.timeout(HUB_TIMEOUT_MS);
    return fetchImpl(input, { ...init, signal });
  };
  // The hub's refusals and warnings in the extension's own language, whatever the browser would send.
  return createApiClient({ baseUrl: settings.hubUrl, apiKey: settings.apiKey, fetch: timed, headers: { ...EXTENSION_HEADERS, 'accept-language': uiLanguage() } });
}

/** A request from a page that the worker refuses before calling the hub. */
export class BadRequest extends Error {
  override name = 'BadRequest';
}

/** Turns whatever a hub call threw into something a person can act on. */
export function toFailure(error: unknown, hubUrl?: string): HubFailure {
  if (error instanceof BadRequest) return { kind: 'invalid', message: error.message };
  if (error instanceof ApiError) {
    const base = { message: error.message, status: error.status, ...(error.details.length > 0 && { details: error.details }) };
    switch (error.status) {
      case 401:
        return { ...base, kind: 'unauthorized', message: t('errors.keyRefused') };
      case 403:
        return { ...base, kind: 'forbidden' };
      case 404:
        return { ...base, kind: 'not-found' };
      case 409:
        return { ...base, kind: 'conflict' };
      case 422:
        return { ...base, kind: 'rule' };
      case 400:
      case 413:
        return { ...base, kind: 'invalid' };
      default:
        if (error.status >= 500) return { ...base, kind: 'unreachable', message: t('errors.hubProblem', [String(error.status), error.message]) };
        return { ...base, kind: 'failed' };
    }
  }
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { kind: 'unreachable', message: t('errors.timeout', [hubUrl ?? '?', String(HUB_TIMEOUT_MS / 1000)]) };
  }
  if (error instanceof TypeError || name === 'TypeError') {
    return { kind: 'unreachable', message: t('errors.unreachable', [hubUrl ?? '?']) };
  }
  return { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
}
