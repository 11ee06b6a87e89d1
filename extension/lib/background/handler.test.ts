import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { createTestHub, type TestHub } from '../../../test/helpers/hub.js';
import { createSettingsStore } from '../settings.js';
import { createHandler, type HandlerDeps } from './handler.js';
import { OVERLAY_SCRIPT_FILE, OVERLAY_SCRIPT_ID } from './content-scripts.js';
import { useLocale } from '../i18n-testing.js';

const EXTENSION = 'chrome-extension://test-extension-id';
const OPTIONS_PAGE = { url: `${EXTENSION}/options.html` };
const CONTENT_SCRIPT = { url: 'https://portal.veeamdatacloud.com/customers', tab: { id: 3 } };
const HUB_URL = 'http://hub.test';

/** The browser's permission and scripting APIs, which fakeBrowser leaves out, as small fakes. */
function fakeChrome(granted: string[]) {
  const registered = new Map<string, { id: string; matches?: string[]; js?: string[] }>();
  return {
    granted,
    registered,
    permissions: { contains: async ({ origins = [] }: { origins?: string[] }) => origins.every((o) => granted.includes(o)) },
    scripting: {
      getRegisteredContentScripts: async (filter?: { ids?: string[] }) => [...registered.values()].filter((s) => !filter?.ids || filter.ids.includes(s.id)),
      registerContentScripts: async (scripts: { id: string; matches?: string[]; js?: string[] }[]) => {
        for (const s of scripts) {
          if (registered.has(s.id)) throw new Error(`Duplicate script ID '${s.id}'`);
          registered.set(s.id, s);
        }
      },
      updateContentScripts: async (scripts: { id: string; matches?: string[]; js?: string[] }[]) => {
        for (const s of scripts) registered.set(s.id, { ...registered.get(s.id)!, ...s });
      },
      unregisterContentScripts: async (filter?: { ids?: string[] }) => {
        for (const id of filter?.ids ?? [...registered.keys()]) registered.delete(id);
      },
    },
  };
}

describe('the background handler', () => {
  let testHub: TestHub;
  let chrome: ReturnType<typeof fakeChrome>;
  let badge: { count: number | null; state: string }[];
  let fetchImpl: typeof fetch;

  const handler = (overrides: Partial<HandlerDeps> = {}) =>
    createHandler({
      settings: createSettingsStore(fakeBrowser.storage.local),
      permissions: chrome.permissions as unknown as HandlerDeps['permissions'],
      scripting: chrome.scripting as unknown as HandlerDeps['scripting'],
      fetch: (input, init) => fetchImpl(input, init),
      onFailedCount: (count, state) => void badge.push({ count, state }),
      ...overrides,
    });

  beforeEach(async () => {
    fakeBrowser.reset();
    await useLocale('en');
    testHub = await createTestHub();
    fetchImpl = testHub.fetch;
    chrome = fakeChrome(['https://*.veeamdatacloud.com/*', 'https://*.veeam.com/*']);
    badge = [];
  });
  afterEach(() => testHub.close());

  const configure = (h: ReturnType<typeof handler>, apiKey: string) => h.onMessage({ type: 'configure', hubUrl: `${HUB_URL}/`, apiKey }, OPTIONS_PAGE, EXTENSION);

  it('is not configured at first, and says so to every hub request', async () => {
    const h = handler();
    const state = await h.onMessage({ type: 'state' }, OPTIONS_PAGE, EXTENSION);
    expect(state).toMatchObject({ ok: true, data: { configured: false, connection: { state: 'not-configured' } } });
    const health = await h.onMessage({ type: 'health', names: ['Contoso'] }, CONTENT_SCRIPT, EXTENSION);
    expect(health).toMatchObject({ ok: false, error: { kind: 'not-configured' } });
  });

  it('opens the options page when a page\u2019s setup bar asks (before anything is set up)', async () => {
    let opened = 0;
    const h = handler({ openOptions: async () => void opened++ });
    expect(await h.onMessage({ type: 'options.open' }, CONTENT_SCRIPT, EXTENSION)).toMatchObject({ ok: true, data: { configured: false } });
    expect(opened).toBe(1);
  });

  it('validates the key against /me and keeps the user and permissions', async () => {
    const h = handler();
    const { apiKey } = await testHub.userWith(['backupManagement']);
    const answer = await configure(h, apiKey);
    expect(answer).toMatchObject({ ok: true, data: { configured: true, hubUrl: HUB_URL, connection: { state: 'ok', user: { name: expect.stringMatching(/^Test User/) } } } });
    if (!answer.ok) return;
    const data = answer.data as { connection: { permissions: string[] } };
    expect(data.connection.permissions.sort()).toEqual(['backupManagement', 'monitoring']);
    expect((await fakeBrowser.storage.local.get('hub')).hub).toMatchObject({ hubUrl: HUB_URL, apiKey });
  });

  it('refuses a wrong key and keeps nothing', async () => {
    const h = handler();
    const answer = await configure(h, 'sph_this_is_not_a_valid_key_at_all');
    expect(answer).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });
    expect((await fakeBrowser.storage.local.get('hub')).hub).toBeUndefined();
  });

  it('rejects a malformed hub URL or key before calling anything', async () => {
    const h = handler();
    expect(await h.onMessage({ type: 'configure', hubUrl: 'ftp://x', apiKey: 'sph_0123456789abcdef0123' }, OPTIONS_PAGE, EXTENSION)).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(await h.onMessage({ type: 'configure', hubUrl: HUB_URL, apiKey: 'short' }, OPTIONS_PAGE, EXTENSION)).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });

  it('only the extension pages may touch the key or the sites; content scripts never can', async () => {
    const h = handler();
    for (const message of [{ type: 'configure', hubUrl: HUB_URL, apiKey: testHub.hub.ctx.config.adminKey }, { type: 'disconnect' }, { type: 'sites.set', disabledDefaults: [], origins: [] }]) {
      expect(await h.onMessage(message, CONTENT_SCRIPT, EXTENSION)).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    }
    expect(await h.onMessage({ nonsense: true }, CONTENT_SCRIPT, EXTENSION)).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });

  it('no answer ever contains the API key', async () => {
    const h = handler();
    const key = testHub.hub.ctx.config.adminKey!;
    await configure(h, key);
    for (const message of [{ type: 'state' }, { type: 'refresh' }, { type: 'sites' }]) {
      expect(JSON.stringify(await h.onMessage(message, CONTENT_SCRIPT, EXTENSION))).not.toContain(key);
    }
  });

  it('tells "unreachable" when the hub is down and "unauthorized" once the key is revoked', async () => {
    const h = handler();
    const { apiKey } = await testHub.userWith([]);
    await configure(h, apiKey);
    fetchImpl = async () => {
      throw new TypeError('fetch failed');
    };
    let state = await h.refresh();
    expect(state.connection).toMatchObject({ state: 'unreachable', message: expect.stringContaining('cannot be reached') });
    expect(badge.at(-1)).toEqual({ count: null, state: 'unreachable' });

    fetchImpl = testHub.fetch;
    const keys = (await testHub.admin.apiKeys()).items;
    await testHub.admin.revokeApiKey(keys.find((k) => apiKey.startsWith(k.prefix))!.id);
    state = await h.refresh();
    expect(state.connection.state).toBe('unauthorized');
    expect(badge.at(-1)).toEqual({ count: null, state: 'unauthorized' });
  });

  it('keeps the new key\u2019s state when a call made with the replaced key is refused afterwards', async () => {
    const h = handler();
    const { apiKey } = await testHub.userWith([]);
    await configure(h, apiKey);
    const keys = (await testHub.admin.apiKeys()).items;
    await testHub.admin.revokeApiKey(keys.find((k) => apiKey.startsWith(k.prefix))!.id);
    // A popup's request with the old key is under way (held) while the user saves the admin key.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    fetchImpl = async (input, init) => {
      const auth = new Headers(init?.headers).get('authorization') ?? '';
      if (auth.includes(apiKey)) await held;
      return testHub.fetch(input, init);
    };
    const stale = h.onMessage({ type: 'health', names: ['Contoso'] }, CONTENT_SCRIPT, EXTENSION);
    expect(await configure(h, testHub.hub.ctx.config.adminKey!)).toMatchObject({ ok: true, data: { connection: { state: 'ok' } } });
    release();
    expect(await stale).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });
    const state = await h.onMessage({ type: 'state' }, OPTIONS_PAGE, EXTENSION);
    expect(state).toMatchObject({ ok: true, data: { connection: { state: 'ok' } } });
  });

  it('stops saying "unreachable" as soon as the hub answers again, without waiting for the next check', async () => {
    const h = handler();
    await configure(h, testHub.hub.ctx.config.adminKey!);
    fetchImpl = async () => {
      throw new TypeError('fetch failed');
    };
    expect(await h.onMessage({ type: 'alerts' }, OPTIONS_PAGE, EXTENSION)).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
    expect((await h.state()).connection.state).toBe('unreachable');
    expect(badge.at(-1)).toEqual({ count: null, state: 'unreachable' });

    // The hub is back: the next call that succeeds (here a content script's) sets everything right.
    const calls: string[] = [];
    fetchImpl = (input, init) => (calls.push(new URL(String(input)).pathname), testHub.fetch(input, init));
    const [first, second] = await Promise.all([
      h.onMessage({ type: 'health', names: ['Contoso'] }, CONTENT_SCRIPT, EXTENSION),
      h.onMessage({ type: 'health', names: ['Fabrikam'] }, CONTENT_SCRIPT, EXTENSION),
    ]);
    expect(first.ok && second.ok).toBe(true);
    const state = await h.state();
    expect(state.connection).toMatchObject({ state: 'ok', user: { name: 'Hub Administrator' } });
    const failed = (await testHub.admin.alerts({ acknowledged: false, pageSize: 500 })).items.filter((a) => a.kind === 'backupFailed' || a.kind === 'tenantDisconnected').length;
    expect(state.failedCount ?? 0).toBe(failed);
    expect(badge.at(-1)).toEqual({ count: failed, state: 'ok' });
    // Two answers at once checked the hub once.
    expect(calls.filter((path) => path === '/api/v1/me')).toHaveLength(1);

    // While all is well, a call costs no extra check.
    calls.length = 0;
    await h.onMessage({ type: 'health', names: ['Contoso'] }, CONTENT_SCRIPT, EXTENSION);
    expect(calls).toEqual(['/api/v1/customers/health']);
  });

  it('keeps the saved key when the options page saves a new URL without a key', async () => {
    const h = handler();
    const key = testHub.hub.ctx.config.adminKey!;
    await configure(h, key);
    const answer = await h.onMessage({ type: 'configure', hubUrl: HUB_URL, apiKey: '', portalUrl: 'https://portal.example.com/' }, OPTIONS_PAGE, EXTENSION);
    expect(answer).toMatchObject({ ok: true, data: { portalUrl: 'https://portal.example.com' } });
    expect((await fakeBrowser.storage.local.get('hub')).hub).toMatchObject({ apiKey: key });
  });

  it('forgets the key on disconnect', async () => {
    const h = handler();
    await configure(h, testHub.hub.ctx.config.adminKey!);
    const answer = await h.onMessage({ type: 'disconnect' }, OPTIONS_PAGE, EXTENSION);
    expect(answer).toMatchObject({ ok: true, data: { configured: false } });
    expect((await fakeBrowser.storage.local.get('hub')).hub).toBeUndefined();
  });

  it('registers the overlay for the granted default sites and the origins the user added', async () => {
    const h = handler();
    let answer = await h.onMessage({ type: 'sites' }, OPTIONS_PAGE, EXTENSION);
    expect(chrome.registered.get(OVERLAY_SCRIPT_ID)).toMatchObject({ js: [OVERLAY_SCRIPT_FILE], matches: ['https://*.veeamdatacloud.com/*', 'https://*.veeam.com/*'] });

    // As Firefox answers: the manifest's http://127.0.0.1/* is granted, the port-specific pattern is not "contained".
    chrome.granted.push('http://127.0.0.1/*');
    answer = await h.onMessage({ type: 'sites.set', disabledDefaults: ['veeam'], origins: ['127.0.0.1:3978', 'https://portal.example.com'] }, OPTIONS_PAGE, EXTENSION);
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    const view = answer.data as { origins: { pattern: string; granted: boolean }[]; registered: string[] };
    expect(view.origins).toEqual([
      { pattern: 'http://127.0.0.1:3978/*', granted: true },
      { pattern: 'https://portal.example.com/*', granted: false },
    ]);
    // Only what the browser granted is registered (without the port, which Firefox would never
    // inject for); the switched-off default is gone. The page's port is checked on arrival.
    expect(view.registered).toEqual(['https://*.veeamdatacloud.com/*', 'http://127.0.0.1:3978/*']);
    expect(chrome.registered.get(OVERLAY_SCRIPT_ID)!.matches).toEqual(['https://*.veeamdatacloud.com/*', 'http://127.0.0.1/*']);
    const enabled = (url: string) => h.onMessage({ type: 'site.enabled' }, { url, tab: { id: 1 } }, EXTENSION);
    expect(await enabled('http://127.0.0.1:3978/demo/vdc/customers')).toEqual({ ok: true, data: true });
    expect(await enabled('http://127.0.0.1:4000/demo/vdc/customers')).toEqual({ ok: true, data: false });
    expect(await enabled('https://portal.veeamdatacloud.com/customers')).toEqual({ ok: true, data: true });
    expect(await enabled('https://pulse.veeam.com/usage')).toEqual({ ok: true, data: false });

    await h.onMessage({ type: 'sites.set', disabledDefaults: ['vdc', 'veeam'], origins: [] }, OPTIONS_PAGE, EXTENSION);
    expect(chrome.registered.has(OVERLAY_SCRIPT_ID)).toBe(false);
  });

  it('refuses a site that is not a web address', async () => {
    const h = handler();
    const answer = await h.onMessage({ type: 'sites.set', disabledDefaults: [], origins: ['javascript:alert(1)'] }, OPTIONS_PAGE, EXTENSION);
    expect(answer).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });
});
