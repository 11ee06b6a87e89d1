import { describe, expect, it, beforeEach } from 'vitest';
import { requestSite, type SiteRequest } from './site-permission.js';
import { useLocale } from './i18n-testing.js';

// Texts in English unless a test says otherwise (the fake browser has no messages of its own).
beforeEach(() => useLocale('en'));

/** A browser whose permission prompt stays open until the test answers it. */
function prompting(held: string[] = []) {
  let answer: (granted: boolean) => void = () => {};
  const asked: string[][] = [];
  return {
    asked,
    answer: (granted: boolean) => answer(granted),
    permissions: {
      contains: async ({ origins }: { origins: string[] }) => origins.every((o) => held.includes(o)),
      request: ({ origins }: { origins: string[] }) => {
        asked.push(origins);
        return new Promise<boolean>((resolve) => (answer = resolve));
      },
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('asking the browser for a site', () => {
  it('says "pending" while the browser asks, then "granted"', async () => {
    const browser = prompting();
    const states: SiteRequest[] = [];
    const done = requestSite(browser.permissions, 'portal.example.com', (s) => states.push(s));
    await tick();
    expect(states).toEqual([{ state: 'pending', pattern: 'https://portal.example.com/*' }]);
    expect(browser.asked).toEqual([['https://portal.example.com/*']]);
    browser.answer(true);
    expect(await done).toEqual({ state: 'granted', pattern: 'https://portal.example.com/*' });
    expect(states.map((s) => s.state)).toEqual(['pending', 'granted']);
  });

  it('says "refused" when the user declines, and when the request itself fails', async () => {
    const browser = prompting();
    const states: string[] = [];
    const done = requestSite(browser.permissions, 'https://portal.example.com/app', (s) => states.push(s.state));
    await tick();
    browser.answer(false);
    expect(await done).toEqual({ state: 'refused', pattern: 'https://portal.example.com/*' });
    expect(states).toEqual(['pending', 'refused']);
    const throwing = { contains: async () => false, request: async () => Promise.reject(new Error('user gesture required')) };
    expect((await requestSite(throwing, '127.0.0.1:3978', () => {})).state).toBe('refused');
  });

  it('a permission the browser already holds is granted even if the request is refused', async () => {
    const held = { contains: async ({ origins }: { origins: string[] }) => origins[0] === 'http://127.0.0.1/*', request: async () => false };
    expect(await requestSite(held, '127.0.0.1:3978', () => {})).toEqual({ state: 'granted', pattern: 'http://127.0.0.1:3978/*' });
    // The host is asked for, not the port: the manifest's http://127.0.0.1/* covers every hub port.
    const browser = prompting();
    void requestSite(browser.permissions, '127.0.0.1:3978', () => {});
    expect(browser.asked).toEqual([['http://127.0.0.1/*']]);
  });

  it('does not ask the browser for something that is not a site', async () => {
    const browser = prompting();
    const states: SiteRequest[] = [];
    expect((await requestSite(browser.permissions, 'ftp://x', (s) => states.push(s))).state).toBe('invalid');
    expect(browser.asked).toEqual([]);
    expect(states.map((s) => s.state)).toEqual(['invalid']);
  });
});
