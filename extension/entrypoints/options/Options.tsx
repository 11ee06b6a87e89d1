import { useEffect, useState } from 'react';
import type { browser } from 'wxt/browser';
import type { Ask } from '../../lib/messaging.js';
import { hubPermissionPattern, normalizeHubUrl, toOriginPattern } from '../../lib/origins.js';
import type { HubState, SitesView } from '../../lib/protocol.js';
import { DEFAULT_PORTAL_URL } from '../../lib/settings.js';

type Permissions = Pick<(typeof browser)['permissions'], 'request' | 'remove' | 'contains'>;
type Message = { tone: 'ok' | 'bad' | 'warn'; text: string } | null;

const DEFAULT_HUB_URL = 'http://127.0.0.1:3978';

/** The connection as a sentence, plainly. */
export function describeConnection(state: HubState): { tone: 'ok' | 'bad' | 'warn' | 'muted'; text: string } {
  const c = state.connection;
  if (!state.configured) return { tone: 'muted', text: 'Not connected yet: enter your hub URL and an API key.' };
  if (c.state === 'ok') return { tone: 'ok', text: `Connected to ${state.hubUrl} as ${c.user?.name ?? 'unknown'} (${c.user?.email ?? ''}).` };
  if (c.state === 'unauthorized') return { tone: 'bad', text: c.message ?? 'The hub refused the API key.' };
  return { tone: 'warn', text: c.message ?? `The hub at ${state.hubUrl} cannot be reached.` };
}

/** Asks the browser for a host permission; must run inside the click that asked for it. */
async function requestOrigin(permissions: Permissions, pattern: string): Promise<boolean> {
  try {
    if (await permissions.contains({ origins: [pattern] })) return true;
    return await permissions.request({ origins: [pattern] });
  } catch {
    return false;
  }
}

export function Options({ ask, permissions }: { ask: Ask; permissions: Permissions }) {
  const [state, setState] = useState<HubState | null>(null);
  const [sites, setSites] = useState<SitesView | null>(null);
  const [hubUrl, setHubUrl] = useState(DEFAULT_HUB_URL);
  const [apiKey, setApiKey] = useState('');
  const [portalUrl, setPortalUrl] = useState(DEFAULT_PORTAL_URL);
  const [message, setMessage] = useState<Message>(null);
  const [busy, setBusy] = useState(false);
  const [newOrigin, setNewOrigin] = useState('');
  const [siteMessage, setSiteMessage] = useState<Message>(null);

  useEffect(() => {
    void (async () => {
      const answer = await ask({ type: 'state' });
      if (answer.ok) {
        setState(answer.data);
        if (answer.data.hubUrl) setHubUrl(answer.data.hubUrl);
        if (answer.data.portalUrl) setPortalUrl(answer.data.portalUrl);
      }
      const s = await ask({ type: 'sites' });
      if (s.ok) setSites(s.data);
    })();
  }, [ask]);

  async function save() {
    const url = normalizeHubUrl(hubUrl);
    if (!url.ok) return setMessage({ tone: 'bad', text: url.message });
    if (!apiKey.trim() && !state?.configured) return setMessage({ tone: 'bad', text: 'Paste an API key from the hub (Settings > API keys, or the key printed when the hub first started).' });
    setBusy(true);
    setMessage(null);
    // The worker can only call a hub it has a host permission for; ask now, in the click.
    const allowed = await requestOrigin(permissions, hubPermissionPattern(url.url));
    if (!allowed) {
      setBusy(false);
      return setMessage({ tone: 'bad', text: `The browser did not allow the extension to reach ${url.url}; nothing was saved.` });
    }
    const answer = await ask({ type: 'configure', hubUrl: url.url, apiKey: apiKey.trim(), portalUrl: portalUrl.trim() });
    setBusy(false);
    if (answer.ok) {
      setState(answer.data);
      setApiKey('');
      setMessage({ tone: 'ok', text: 'Saved. ' + describeConnection(answer.data).text });
    } else {
      setMessage({ tone: answer.error.kind === 'unreachable' ? 'warn' : 'bad', text: answer.error.message });
      const s = await ask({ type: 'state' });
      if (s.ok) setState(s.data);
    }
  }

  async function test() {
    setBusy(true);
    setMessage(null);
    const answer = await ask({ type: 'refresh' });
    setBusy(false);
    if (answer.ok) {
      setState(answer.data);
      const d = describeConnection(answer.data);
      setMessage({ tone: d.tone === 'muted' ? 'warn' : d.tone, text: d.text });
    } else setMessage({ tone: 'bad', text: answer.error.message });
  }

  async function disconnect() {
    const answer = await ask({ type: 'disconnect' });
    if (answer.ok) {
      setState(answer.data);
      setMessage({ tone: 'ok', text: 'The API key was removed from this browser.' });
    }
  }

  async function updateSites(disabledDefaults: string[], origins: string[]) {
    const answer = await ask({ type: 'sites.set', disabledDefaults, origins });
    if (answer.ok) setSites(answer.data);
    else setSiteMessage({ tone: 'bad', text: answer.error.message });
    return answer.ok;
  }

  async function addOrigin() {
    setSiteMessage(null);
    const parsed = toOriginPattern(newOrigin);
    if (!parsed.ok) return setSiteMessage({ tone: 'bad', text: parsed.message });
    if (!(await requestOrigin(permissions, parsed.pattern))) return setSiteMessage({ tone: 'bad', text: `The browser did not allow ${parsed.pattern}; it was not added.` });
    const origins = [...new Set([...(sites?.origins.map((o) => o.pattern) ?? []), parsed.pattern])];
    if (await updateSites(sites?.defaults.filter((d) => !d.enabled).map((d) => d.id) ?? [], origins)) {
      setNewOrigin('');
      setSiteMessage({ tone: 'ok', text: `Added ${parsed.pattern}. Reload its pages to see the overlays.` });
    }
  }

  async function removeOrigin(pattern: string) {
    const origins = (sites?.origins.map((o) => o.pattern) ?? []).filter((p) => p !== pattern);
    if (await updateSites(sites?.defaults.filter((d) => !d.enabled).map((d) => d.id) ?? [], origins)) {
      // Permissions the manifest grants cannot be withdrawn; the others are given back.
      await permissions.remove({ origins: [pattern] }).catch(() => false);
      setSiteMessage({ tone: 'ok', text: `Removed ${pattern}.` });
    }
  }

  async function toggleDefault(id: string, enabled: boolean) {
    const disabled = new Set(sites?.defaults.filter((d) => !d.enabled).map((d) => d.id));
    if (enabled) disabled.delete(id);
    else disabled.add(id);
    await updateSites([...disabled], sites?.origins.map((o) => o.pattern) ?? []);
  }

  const connection = state ? describeConnection(state) : null;
  return (
    <main className="options">
      <header>
        <h1>SP Hub</h1>
        <p className="muted">Customer health and quick actions from your SP Hub, in the toolbar and on the VDC portal and Pulse pages.</p>
      </header>

      <section aria-labelledby="hub-heading">
        <h2 id="hub-heading">Hub</h2>
        {connection && <div className={`banner ${connection.tone}`} data-testid="connection">{connection.text}</div>}
        {state?.connection.state === 'ok' && state.connection.permissions && (
          <p className="muted" data-testid="permissions">
            Permissions: {state.connection.permissions.join(', ')}
          </p>
        )}
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <label htmlFor="hub-url">Hub URL</label>
          <input id="hub-url" type="url" value={hubUrl} onChange={(e) => setHubUrl(e.target.value)} placeholder={DEFAULT_HUB_URL} autoComplete="off" />
          <label htmlFor="api-key">API key</label>
          <input
            id="api-key"
            type="password"
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            placeholder={state?.configured ? 'A key is saved; paste a new one to replace it' : 'sph_…'}
            autoComplete="off"
          />
          <p className="muted small">The key stays in this browser's extension storage; only the extension's background worker uses it, never the pages.</p>
          <label htmlFor="portal-url">Portal URL (for “open in portal” links)</label>
          <input id="portal-url" type="url" value={portalUrl} onChange={(e) => setPortalUrl(e.target.value)} autoComplete="off" />
          <div className="button-row">
            <button type="submit" className="primary" disabled={busy} data-action="save">
              Save and test
            </button>
            <button type="button" disabled={busy || !state?.configured} onClick={() => void test()} data-action="test">
              Test connection
            </button>
            <button type="button" disabled={busy || !state?.configured} onClick={() => void disconnect()} data-action="disconnect">
              Forget key
            </button>
          </div>
          {message && (
            <p className={`message ${message.tone}`} role="status" data-testid="message">
              {message.text}
            </p>
          )}
        </form>
      </section>

      <section aria-labelledby="sites-heading">
        <h2 id="sites-heading">Sites to enhance</h2>
        <p className="muted">
          On these sites the extension looks for the portal's Customers and Flex Backup Policies tables and Pulse's usage reports, by their column
          names; any other page is left untouched.
        </p>
        <ul className="sites">
          {sites?.defaults.map((site) => (
            <li key={site.id}>
              <label className="inline">
                <input type="checkbox" checked={site.enabled} onChange={(e) => void toggleDefault(site.id, e.target.checked)} />
                {site.label} <code>{site.patterns.join(', ')}</code>
              </label>
            </li>
          ))}
          {sites?.origins.map((origin) => (
            <li key={origin.pattern} data-origin={origin.pattern}>
              <code>{origin.pattern}</code> {origin.granted ? '' : <span className="message bad">(permission missing)</span>}{' '}
              <button type="button" className="link" onClick={() => void removeOrigin(origin.pattern)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
        <form
          className="add-site"
          onSubmit={(event) => {
            event.preventDefault();
            void addOrigin();
          }}
        >
          <input type="text" aria-label="Site to add" value={newOrigin} onChange={(e) => setNewOrigin(e.target.value)} placeholder="https://portal.example.com or 127.0.0.1:3978" />
          <button type="submit" data-action="add-site">
            Add site
          </button>
        </form>
        {siteMessage && (
          <p className={`message ${siteMessage.tone}`} role="status" data-testid="site-message">
            {siteMessage.text}
          </p>
        )}
        {sites && <p className="muted small">Active on: {sites.registered.length ? sites.registered.join(', ') : 'no site yet'}</p>}
      </section>
    </main>
  );
}
