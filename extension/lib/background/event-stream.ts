import { ApiError, createApiClient } from '../../../shared/api/client.js';
import type { HubSettings } from '../settings.js';
import { EXTENSION_HEADERS } from './hub-connection.js';

/** Event types after which the failed count may have changed. */
const RELEVANT = /^(session\.finished|policy\.|alert\.|customer\.|tenant\.)/;

/**
 * Follows the hub's Server-Sent Events while the worker is alive and calls `onChange` (debounced)
 * when a backup, policy or alert changed; the periodic alarm covers the times the worker sleeps.
 * Reconnects with Last-Event-ID after a drop, backing off up to a minute.
 */
export function followEvents(settings: HubSettings, onChange: () => void, options: { fetch?: typeof fetch; signal: AbortSignal }) {
  // No request timeout here (unlike hubClient): the stream stays open for as long as it can.
  const api = createApiClient({ baseUrl: settings.hubUrl, apiKey: settings.apiKey, fetch: options.fetch ?? fetch, headers: { ...EXTENSION_HEADERS } });
  let lastId: string | null = null;
  let delay = 1000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const changed = () => {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      onChange();
    }, 1500);
  };

  async function connect(): Promise<void> {
    while (!options.signal.aborted) {
      try {
        const response = await api.events(lastId ? { lastEventId: Number(lastId) } : {}, options.signal);
        if (!response.body) throw new Error('the event stream has no body');
        delay = 1000;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let type = 'message';
            for (const line of block.split('\n')) {
              if (line.startsWith('id:')) lastId = line.slice(3).trim();
              else if (line.startsWith('event:')) type = line.slice(6).trim();
              else if (line.startsWith('data:') && type === 'message') {
                try {
                  type = (JSON.parse(line.slice(5)) as { type?: string }).type ?? type;
                } catch {
                  /* not JSON: keep the event name */
                }
              }
            }
            if (RELEVANT.test(type)) changed();
          }
        }
      } catch (error) {
        if (options.signal.aborted) return;
        // A refused key is for the alarm to report; following again would only be refused again.
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 60_000);
    }
  }
  void connect();
}
