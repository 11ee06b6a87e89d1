import { useCallback, useEffect, useRef, useState } from 'react';
import { browser } from 'wxt/browser';
import type { Alert } from '../../../shared/schemas/monitoring.js';
import { CustomerActions } from '../../components/CustomerActions.js';
import { StatusPill } from '../../components/StatusPill.js';
import type { AlertsSummary, CustomerSummary } from '../../lib/background/hub-operations.js';
import { customerChip } from '../../lib/health-view.js';
import { t } from '../../lib/i18n.js';
import type { Ask } from '../../lib/messaging.js';
import type { HubState } from '../../lib/protocol.js';
import type { HubFailure } from '../../lib/result.js';
import { degradedServices, type DegradedService } from '../../lib/service-status.js';

type AlertFilter = 'failed' | 'stale' | 'license' | null;

const FILTERS: Record<Exclude<AlertFilter, null>, (alert: Alert) => boolean> = {
  failed: (a) => a.kind === 'backupFailed' || a.kind === 'tenantDisconnected',
  stale: (a) => a.kind === 'staleProtection',
  license: (a) => a.kind === 'licenseThreshold',
};

function openOptions() {
  void browser.runtime.openOptionsPage();
}

/** What the user should do when the hub cannot be used; null when it can. */
function blocker(state: HubState | null, failure: HubFailure | null): { tone: 'bad' | 'warn' | 'muted'; title: string; text: string } | null {
  if (!state) return null;
  if (!state.configured || failure?.kind === 'not-configured') return { tone: 'muted', title: t('popup.notSetUp'), text: t('popup.notSetUpText') };
  if (state.connection.state === 'unauthorized' || failure?.kind === 'unauthorized')
    return { tone: 'bad', title: t('popup.keyRefused'), text: failure?.message ?? state.connection.message ?? t('options.keyRefused') };
  if (state.connection.state === 'unreachable' || failure?.kind === 'unreachable')
    return { tone: 'warn', title: t('popup.unreachable'), text: failure?.message ?? state.connection.message ?? t('options.unreachable', [state.hubUrl ?? '']) };
  return null;
}

export function Popup({ ask }: { ask: Ask }) {
  const [state, setState] = useState<HubState | null>(null);
  const [failure, setFailure] = useState<HubFailure | null>(null);
  const [alerts, setAlerts] = useState<AlertsSummary | null>(null);
  const [degraded, setDegraded] = useState<DegradedService[]>([]);
  const [filter, setFilter] = useState<AlertFilter>(null);
  const [query, setQuery] = useState('');
  /** The first overview (state, alerts, service status) has been answered, whatever the answer. */
  const [loaded, setLoaded] = useState(false);
  const [results, setResults] = useState<{ query: string; items: CustomerSummary[]; total: number } | null>(null);
  /** The query of the search on its way, if any (the list shown is for results.query). */
  const [searching, setSearching] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [alertMessage, setAlertMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const searchSeq = useRef(0);
  const overviewSeq = useRef(0);

  // Loads run again after actions; with a slow hub an earlier one can answer last: only the
  // latest is shown, so the popup never goes back to older counts.
  const loadOverview = useCallback(async () => {
    const seq = ++overviewSeq.current;
    const latest = () => seq === overviewSeq.current;
    const s = await ask({ type: 'state' });
    if (!latest()) return;
    if (!s.ok) {
      setFailure(s.error);
      return setLoaded(true);
    }
    setState(s.data);
    if (!s.data.configured) return setLoaded(true);
    const [a, st] = await Promise.all([ask({ type: 'alerts' }), ask({ type: 'status' })]);
    const fresh = await ask({ type: 'state' });
    if (!latest()) return;
    if (a.ok) {
      setAlerts(a.data);
      setFailure(null);
    } else setFailure(a.error);
    if (st.ok) setDegraded(degradedServices(st.data));
    if (fresh.ok) setState(fresh.data);
    setLoaded(true);
  }, [ask]);

  const search = useCallback(
    async (q: string) => {
      const seq = ++searchSeq.current;
      setSearching(q);
      const answer = await ask({ type: 'customers.search', q, pageSize: 20 });
      if (seq !== searchSeq.current) return; // a newer search is on its way
      setSearching(null);
      if (answer.ok) setResults({ query: q, ...answer.data });
      else setFailure(answer.error);
    },
    [ask],
  );

  useEffect(() => {
    void loadOverview();
  }, [loadOverview]);

  useEffect(() => {
    if (!state?.configured) return;
    const timer = setTimeout(() => void search(query.trim()), query ? 200 : 0);
    return () => clearTimeout(timer);
  }, [query, state?.configured, search]);

  async function fix(alert: Alert) {
    const action = alert.action;
    if (!action?.policyId) return;
    const verb = action.type === 'startPolicy' ? 'start' : action.type === 'enablePolicy' ? 'enable' : null;
    if (!verb) return;
    const answer = await ask({ type: 'policy.action', policyId: action.policyId, action: verb });
    setAlertMessage(answer.ok ? { tone: 'ok', text: t('popup.fixDone', [t(`policy.${verb}`), alert.subject.name]) } : { tone: 'bad', text: answer.error.message });
    void loadOverview();
  }

  const stop = blocker(state, failure);
  const user = state?.connection.user;
  const shown = filter && alerts ? alerts.items.filter(FILTERS[filter]) : [];
  // What the popup shows, for people using a screen reader and for the end-to-end test to wait on.
  const view = !loaded ? 'loading' : stop ? 'blocked' : failure ? 'error' : 'ready';
  return (
    <div className="popup" data-state={view} aria-busy={view === 'loading'}>
      <header>
        <h1>SP Hub</h1>
        <span className="muted user">{user ? user.name : ''}</span>
        <button type="button" className="link" onClick={openOptions} data-action="options">
          {t('popup.options')}
        </button>
      </header>

      {stop && (
        <div className={`banner ${stop.tone}`} data-testid="blocker" role="alert">
          <strong>{stop.title}.</strong> {stop.text}
          <div className="button-row">
            <button type="button" onClick={openOptions} data-action="open-options">
              {t('popup.openOptions')}
            </button>
            {state?.configured && (
              <button type="button" onClick={() => void ask({ type: 'refresh' }).then(() => loadOverview())} data-action="retry">
                {t('popup.retry')}
              </button>
            )}
          </div>
        </div>
      )}

      {view === 'loading' && !stop && (
        <p className="muted small" role="status">
          {t('popup.asking')}
        </p>
      )}

      {!stop && failure && (
        <div className="banner bad" data-testid="error" role="alert">
          {failure.message}
        </div>
      )}

      {degraded.length > 0 && (
        <div className="banner warn" data-testid="degraded" role="status">
          <strong>{t('popup.serviceStatus')}</strong> {degraded.map((d) => `${d.service} (${d.region}) ${d.state}`).join('; ')}
        </div>
      )}

      {!stop && alerts && (
        <section className="summary" aria-label={t('customer.alerts')}>
          {(
            [
              ['failed', t('popup.tileFailed'), alerts.failed, 'bad'],
              ['stale', t('popup.tileStale'), alerts.stale, 'warn'],
              ['license', t('popup.tileLicenses'), alerts.license, 'warn'],
            ] as const
          ).map(([key, label, count, tone]) => (
            <button key={key} type="button" className={`tile ${count ? tone : 'ok'} ${filter === key ? 'selected' : ''}`} onClick={() => setFilter(filter === key ? null : key)} data-tile={key}>
              <span className="count">{count}</span>
              <span className="label">{label}</span>
            </button>
          ))}
        </section>
      )}

      {filter && (
        <section className="alert-list" data-testid="alert-list">
          {shown.length === 0 && <p className="muted">{t('popup.nothing')}</p>}
          <ul>
            {shown.slice(0, 50).map((alert) => (
              <li key={alert.id} className={alert.severity}>
                {/* A customer-level alert's subject is the customer itself: its name once. */}
                <strong>{alert.customerName ?? alert.subject.name}</strong>
                {alert.customerName && alert.customerName !== alert.subject.name && ` · ${alert.subject.name}`}: {alert.reason}
                {alert.action?.policyId && (alert.action.type === 'startPolicy' || alert.action.type === 'enablePolicy') && (
                  <button type="button" onClick={() => void fix(alert)}>
                    {alert.action.label}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {alertMessage && <p className={`message ${alertMessage.tone}`}>{alertMessage.text}</p>}
        </section>
      )}

      {!stop && (
        <section className="search">
          <input type="search" placeholder={t('popup.searchPlaceholder')} value={query} onChange={(e) => setQuery(e.target.value)} aria-label={t('popup.search')} autoFocus />
          {results && (
            <p className="muted small">
              {results.total === 0
                ? t('popup.noMatch')
                : results.total > results.items.length
                  ? t('popup.resultsFirst', [String(results.total), String(results.items.length)])
                  : t('popup.results', results.total)}
            </p>
          )}
          <ul className="results" data-results-for={results?.query} aria-busy={searching !== null}>
            {results?.items.map((customer) => (
              <li key={customer.id} data-customer={customer.id}>
                <button type="button" className="result" onClick={() => setOpen(open === customer.id ? null : customer.id)} aria-expanded={open === customer.id}>
                  <span className="name">{customer.displayName}</span>
                  {customer.health ? <StatusPill view={customerChip(customer.health)} /> : <span className="muted">{t(`customerStatus.${customer.status}`)}</span>}
                </button>
                {open === customer.id && (
                  <div className="expanded">
                    <CustomerActions customerId={customer.id} name={customer.displayName} ask={ask} onChanged={() => void loadOverview()} />
                  </div>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
