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
  const doFetch = options.fetch ?? fetch;
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
        const headers: Record<string, string> = { accept: 'text/event-stream', authorization: `Bearer ${settings.apiKey}`, ...EXTENSION_HEADERS };
        if (lastId) headers['last-event-id'] = lastId;
        const response = await doFetch(`${settings.hubUrl}/api/v1/events`, { headers, signal: options.signal });
        if (response.status === 401 || response.status === 403) return; // the alarm reports a refused key
        if (!response.ok || !response.body) throw new Error(`events answered ${response.status}`);
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
      } catch {
        if (options.signal.aborted) return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 60_000);
    }
  }
  void connect();
}
