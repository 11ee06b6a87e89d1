import { describe, expect, it, beforeEach } from 'vitest';
import { badgeFor } from './badge.js';
import { followEvents } from './event-stream.js';
import { useLocale } from '../i18n-testing.js';

// Texts in English unless a test says otherwise (the fake browser has no messages of its own).
beforeEach(() => useLocale('en'));

describe('the toolbar badge', () => {
  it('shows the failed count, nothing when all is well, "!" when the hub cannot be used', () => {
    expect(badgeFor(3, 'ok')).toMatchObject({ text: '3', title: 'SP Hub: 3 failed backups.' });
    expect(badgeFor(1, 'ok').title).toBe('SP Hub: 1 failed backup.');
    expect(badgeFor(0, 'ok').text).toBe('');
    expect(badgeFor(12_345, 'ok').text).toBe('999+');
    expect(badgeFor(null, 'unauthorized')).toMatchObject({ text: '!', title: expect.stringMatching(/refused/) });
    expect(badgeFor(null, 'unreachable')).toMatchObject({ text: '!', title: expect.stringMatching(/cannot be reached/) });
    expect(badgeFor(null, 'not-configured')).toMatchObject({ text: '', title: expect.stringMatching(/not set up/) });
  });
});

describe('following the hub\u2019s event stream', () => {
  function stream(chunks: string[]) {
    const encoder = new TextEncoder();
    return new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    });
  }

  it('refreshes once (debounced) after backup events, resumes with Last-Event-ID, and stops when told', async () => {
    const calls: { url: string; lastId: string | null }[] = [];
    let changes = 0;
    const controller = new AbortController();
    const fetchImpl = (async (url: string, init: RequestInit) => {
      const headers = init.headers as Record<string, string>;
      calls.push({ url, lastId: new URL(url).searchParams.get('lastEventId') });
      if (calls.length > 1) {
        controller.abort();
        throw new DOMException('aborted', 'AbortError');
      }
      expect(headers.authorization).toBe('Bearer sph_key_0123456789abcdef');
      return new Response(stream(['id: 7\nevent: session.finished\ndata: {"type":"session.finished"}\n\n', 'id: 8\ndata: {"type":"policy.started"}\n', '\nid: 9\ndata: {"type":"user.created"}\n\n']), {
        headers: { 'content-type': 'text/event-stream' },
      });
    }) as unknown as typeof fetch;
    followEvents({ hubUrl: 'http://hub.test', apiKey: 'sph_key_0123456789abcdef' }, () => changes++, { fetch: fetchImpl, signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 2_800));
    expect(calls[0]!.url).toBe('http://hub.test/api/v1/events');
    expect(calls[0]!.lastId).toBeNull();
    expect(calls[1]?.lastId).toBe('9');
    expect(changes).toBe(1);
  });
});
