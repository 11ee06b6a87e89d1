import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { ask } from './messaging.js';
import { useLocale } from './i18n-testing.js';

// Texts in English unless a test says otherwise (the fake browser has no messages of its own).
beforeEach(() => useLocale('en'));

describe('asking the background worker', () => {
  beforeEach(() => fakeBrowser.reset());

  it('sends the request and returns the worker\u2019s answer', async () => {
    const seen: unknown[] = [];
    fakeBrowser.runtime.onMessage.addListener((message: unknown) => {
      seen.push(message);
      return Promise.resolve({ ok: true, data: { items: [], unmatched: ['Contoso'] } });
    });
    const answer = await ask({ type: 'health', names: ['Contoso'] });
    expect(seen).toEqual([{ type: 'health', names: ['Contoso'] }]);
    expect(answer).toEqual({ ok: true, data: { items: [], unmatched: ['Contoso'] } });
  });

  it('turns a worker that is gone into a failure a person can act on, never a throw', async () => {
    const answer = await ask({ type: 'state' });
    expect(answer).toMatchObject({ ok: false, error: { kind: 'failed', message: expect.stringMatching(/SP Hub extension/) } });
  });

  it('treats an answer that is not a result as a failure', async () => {
    fakeBrowser.runtime.onMessage.addListener(() => Promise.resolve('something else'));
    expect(await ask({ type: 'state' })).toMatchObject({ ok: false, error: { kind: 'failed' } });
  });
});
