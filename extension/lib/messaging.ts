import { browser } from 'wxt/browser';
import type { HubRequest, HubRequestType, RequestOf } from './protocol.js';
import type { HubResult } from './result.js';
import type { HandlerAnswer } from './background/handler.js';
import { t } from './i18n.js';

/**
 * Asks the background worker (which alone holds the API key) to do something with the hub.
 * Never throws: a worker that does not answer becomes a failure like any other.
 */
export async function ask<T extends HubRequestType>(request: RequestOf<T>): Promise<HandlerAnswer<T>> {
  try {
    const answer = (await browser.runtime.sendMessage(request as HubRequest)) as HubResult<unknown> | undefined;
    if (!answer || typeof answer !== 'object' || !('ok' in answer)) {
      return { ok: false, error: { kind: 'failed', message: t('errors.noAnswer') } } as HandlerAnswer<T>;
    }
    return answer as HandlerAnswer<T>;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const reloaded = /context invalidated|receiving end does not exist/i.test(message);
    return {
      ok: false,
      error: { kind: 'failed', message: reloaded ? t('errors.restarted') : `${t('errors.noAnswer')} (${message})` },
    } as HandlerAnswer<T>;
  }
}

export type Ask = typeof ask;
