import { useEffect, useState } from 'react';
import type { browser } from 'wxt/browser';
import type { Ask } from '../../lib/messaging.js';
import { hubPermissionPattern, normalizeHubUrl, permissionPattern } from '../../lib/origins.js';
import { t } from '../../lib/i18n.js';
import type { HubState, SitesView } from '../../lib/protocol.js';
import { DEFAULT_PORTAL_URL } from '../../lib/settings.js';
import { requestSite, type SiteRequest } from '../../lib/site-permission.js';

type Permissions = Pick<(typeof browser)['permissions'], 'request' | 'remove' | 'contains'>;
type Message = { tone: 'ok' | 'bad' | 'warn' | 'muted'; text: string; state?: SiteRequest['state'] } | null;

const DEFAULT_HUB_URL = 'http://127.0.0.1:3978';

/** The connection as a sentence, plainly. */
export function describeConnection(state: HubState): { tone: 'ok' | 'bad' | 'warn' | 'muted'; text: string } {
  const c = state.connection;
  if (!state.configured) return { tone: 'muted', text: t('options.notConnected') };
  if (c.state === 'ok') return { tone: 'ok', text: t('options.connected', [state.hubUrl ?? '', c.user?.name ?? '?', c.user?.email ?? '']) };
  if (c.state === 'unauthorized') return { tone: 'bad', text: c.message ?? t('options.keyRefused') };
  return { tone: 'warn', text: c.message ?? t('options.unreachable', [state.hubUrl ?? '']) };
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
    if (!apiKey.trim() && !state?.configured) return setMessage({ tone: 'bad', text: t('options.pasteKey') });
    setBusy(true);
    setMessage(null);
    // The worker can only call a hub it has a host permission for; ask now, in the click.
    const allowed = await requestOrigin(permissions, hubPermissionPattern(url.url));
    if (!allowed) {
      setBusy(false);
      return setMessage({ tone: 'bad', text: t('options.hubRefused', [url.url]) });
    }
    const answer = await ask({ type: 'configure', hubUrl: url.url, apiKey: apiKey.trim(), portalUrl: portalUrl.trim() });
    setBusy(false);
    if (answer.ok) {
      setState(answer.data);
      setApiKey('');
      setMessage({ tone: 'ok', text: t('options.saved', [describeConnection(answer.data).text]) });
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
      setMessage({ tone: 'ok', text: t('options.forgotten') });
    }
  }

  async function updateSites(disabledDefaults: string[], origins: string[]) {
    const answer = await ask({ type: 'sites.set', disabledDefaults, origins });
    if (answer.ok) setSites(answer.data);
    else setSiteMessage({ tone: 'bad', text: answer.error.message });
    return answer.ok;
  }

  /** Adding a site: the browser's permission prompt first (pending), then granted or refused. */
  async function addOrigin() {
    setSiteMessage(null);
    const result = await requestSite(permissions, newOrigin, (step) => {
      if (step.state === 'pending') setSiteMessage({ tone: 'muted', state: 'pending', text: t('options.sitePending', [step.pattern]) });
    });
    if (result.state === 'invalid') return setSiteMessage({ tone: 'bad', state: 'invalid', text: result.message });
    if (result.state === 'refused') return setSiteMessage({ tone: 'bad', state: 'refused', text: t('options.siteRefused', [result.pattern]) });
    const origins = [...new Set([...(sites?.origins.map((o) => o.pattern) ?? []), result.pattern])];
    if (await updateSites(sites?.defaults.filter((d) => !d.enabled).map((d) => d.id) ?? [], origins)) {
      setNewOrigin('');
      setSiteMessage({ tone: 'ok', state: 'granted', text: t('options.siteGranted', [result.pattern]) });
    }
  }

  async function removeOrigin(pattern: string) {
    const origins = (sites?.origins.map((o) => o.pattern) ?? []).filter((p) => p !== pattern);
    if (await updateSites(sites?.defaults.filter((d) => !d.enabled).map((d) => d.id) ?? [], origins)) {
      // Permissions the manifest grants cannot be withdrawn; the others are given back, unless
      // another added site (the same host on another port) still needs it.
      const permission = permissionPattern(pattern);
      if (!origins.some((other) => permissionPattern(other) === permission)) await permissions.remove({ origins: [permission] }).catch(() => false);
      setSiteMessage({ tone: 'ok', text: t('options.siteRemoved', [pattern]) });
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
        <p className="muted">{t('options.intro')}</p>
      </header>

      <section aria-labelledby="hub-heading">
        <h2 id="hub-heading">{t('options.hubHeading')}</h2>
        {connection && (
          <div className={`banner ${connection.tone}`} data-testid="connection">
            {connection.text}
          </div>
        )}
        {state?.connection.state === 'ok' && state.connection.permissions && (
          <p className="muted" data-testid="permissions">
            {t('options.permissions', [state.connection.permissions.join(', ')])}
          </p>
        )}
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <label htmlFor="hub-url">{t('options.hubUrl')}</label>
          <input id="hub-url" type="url" value={hubUrl} onChange={(e) => setHubUrl(e.target.value)} placeholder={DEFAULT_HUB_URL} autoComplete="off" />
          <label htmlFor="api-key">{t('options.apiKey')}</label>
          <input id="api-key" type="password" value={apiKey} onChange={(e) => setApiKey(e.target.value)} placeholder={state?.configured ? t('options.keySaved') : 'sph_…'} autoComplete="off" />
          <p className="muted small">{t('options.keyStays')}</p>
          <label htmlFor="portal-url">{t('options.portalUrl')}</label>
          <input id="portal-url" type="url" value={portalUrl} onChange={(e) => setPortalUrl(e.target.value)} autoComplete="off" />
          <div className="button-row">
            <button type="submit" className="primary" disabled={busy} data-action="save">
              {t('options.save')}
            </button>
            <button type="button" disabled={busy || !state?.configured} onClick={() => void test()} data-action="test">
              {t('options.test')}
            </button>
            <button type="button" disabled={busy || !state?.configured} onClick={() => void disconnect()} data-action="disconnect">
              {t('options.forget')}
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
        <h2 id="sites-heading">{t('options.sitesHeading')}</h2>
        <p className="muted">{t('options.sitesIntro')}</p>
        <ul className="sites">
          {sites?.defaults.map((site) => (
            <li key={site.id}>
              <label className="inline">
                <input type="checkbox" checked={site.enabled} onChange={(e) => void toggleDefault(site.id, e.target.checked)} />
                {t(`sites.${site.id as 'vdc' | 'veeam'}`)} <code>{site.patterns.join(', ')}</code>
              </label>
            </li>
          ))}
          {sites?.origins.map((origin) => (
            <li key={origin.pattern} data-origin={origin.pattern}>
              <code>{origin.pattern}</code> {origin.granted ? '' : <span className="message bad">{t('options.permissionMissing')}</span>}{' '}
              <button type="button" className="link" onClick={() => void removeOrigin(origin.pattern)}>
                {t('options.remove')}
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
          <input type="text" aria-label={t('options.siteToAdd')} data-field="site" value={newOrigin} onChange={(e) => setNewOrigin(e.target.value)} placeholder={t('options.sitePlaceholder')} />
          <button type="submit" data-action="add-site" disabled={siteMessage?.state === 'pending'}>
            {t('options.addSite')}
          </button>
        </form>
        {siteMessage && (
          <p className={`message ${siteMessage.tone}`} role="status" data-testid="site-message" data-state={siteMessage.state}>
            {siteMessage.state === 'pending' && <span className="spinner" aria-hidden="true" />}
            {siteMessage.text}
          </p>
        )}
        {sites && <p className="muted small">{t('options.activeOn', [sites.registered.length ? sites.registered.join(', ') : t('options.noSiteYet')])}</p>}
      </section>
    </main>
  );
}
