import { useEffect, useState } from 'react';
import type { CustomerImportResult } from '../../shared/schemas/customers.js';
import { OWN_ATTRIBUTE } from '../components/chip.js';
import { readCustomersTable, tableCsv, type TableImport, type TableImportRow } from '../lib/customer-table-import.js';
import type { Feature } from '../lib/feature-manager.js';
import { t } from '../lib/i18n.js';
import type { Ask } from '../lib/messaging.js';
import { CUSTOMERS_CHANGED } from '../lib/page-events.js';
import type { HubFailure } from '../lib/result.js';
import { findTable, type FoundTable } from '../selectors/table.js';
import { vdcCustomersTable } from '../selectors/vdc.js';
import type { OverlayDeps } from './deps.js';

const IMPORT_TAG = 'sphub-import';

const BUTTON_CSS = `
:host { all: initial; display: block; margin: 4px 0; }
button { all: unset; box-sizing: border-box; cursor: pointer; font: 600 12px/18px system-ui, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  padding: 3px 10px; border-radius: 4px; border: 1px solid #00883a; color: #00683a; background: #fff; }
button:hover { background: #e7f6ec; }
button:focus-visible { outline: 2px solid #2563eb; outline-offset: 1px; }
`;

/** The page's button, in its own shadow root, made with the DOM and text only. */
function createImportButton(document: Document, onClick: (button: HTMLButtonElement) => void): HTMLElement {
  const host = document.createElement(IMPORT_TAG);
  host.setAttribute(OWN_ATTRIBUTE, 'import');
  const shadow = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = BUTTON_CSS;
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = t('customerImport.button');
  button.addEventListener('click', (event) => {
    event.preventDefault();
    event.stopPropagation();
    if (event.isTrusted) onClick(button);
  });
  shadow.append(style, button);
  return host;
}

/**
 * VDC portal, Customers list: "Import these customers into SP Hub" reads the rows the table shows
 * (by their header texts), asks the hub's importer for a dry run, shows what would be created,
 * updated or refused and why, and imports the accepted rows when the user confirms. Everything
 * goes through the background worker; the page never sees the API key.
 */
export const customerImport: Feature<FoundTable, OverlayDeps> = {
  id: 'customer-import',
  detect: (document) => findTable(document, vdcCustomersTable),
  init(table, { signal, document, guard }, { ask, ui }) {
    const host = createImportButton(
      document,
      guard((button: HTMLButtonElement) => {
        const read = readCustomersTable(table);
        // The health chips of the same table say "not in hub" until they ask again.
        const imported = () => document.dispatchEvent(new CustomEvent(CUSTOMERS_CHANGED));
        void ui.openMenu(button, t('customerImport.title'), (close) => <ImportPanel read={read} ask={ask} close={close} imported={imported} />);
      }),
    );
    table.element.before(host);
    signal.addEventListener('abort', () => host.remove(), { once: true });
  },
};

type State =
  | { kind: 'checking' }
  | { kind: 'ready'; result: CustomerImportResult }
  | { kind: 'importing'; result: CustomerImportResult }
  | { kind: 'done'; result: CustomerImportResult }
  | { kind: 'error'; error: HubFailure; rows: readonly TableImportRow[] };

/** Where an error detail ("line 3, column 2 (Domain)") points, as the row's name. */
function rowOf(rows: readonly TableImportRow[], field: string): string {
  const line = Number(/^line (\d+)/.exec(field)?.[1]);
  return rows[line - 2]?.displayName ?? field;
}

function ImportPanel(props: { read: TableImport; ask: Ask; close: () => void; imported: () => void }) {
  const { read, ask } = props;
  const [state, setState] = useState<State>({ kind: 'checking' });

  useEffect(() => {
    let live = true;
    void ask({ type: 'customers.import', csv: tableCsv(read), dryRun: true }).then((answer) => {
      if (!live) return;
      setState(answer.ok ? { kind: 'ready', result: answer.data } : { kind: 'error', error: answer.error, rows: read.rows });
    });
    return () => {
      live = false;
    };
  }, [ask, read]);

  if (read.rows.length === 0) return <p className="muted">{t('customerImport.noRows')}</p>;
  if (state.kind === 'checking')
    return (
      <p className="muted" data-state="checking">
        {t('customerImport.checking', read.rows.length)}
      </p>
    );
  if (state.kind === 'error') {
    return (
      <div className="customer-import" data-state="error">
        <p className="message bad">{state.error.message}</p>
        {state.error.details && (
          <ul className="details">
            {state.error.details.map((d) => (
              <li key={`${d.field}${d.message}`}>
                {rowOf(state.rows, d.field)}: {d.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }

  const { result } = state;
  const nameAt = (line: number) => read.rows[line - 2]?.displayName ?? t('customerImport.line', [String(line)]);
  const toApply = result.rows.filter((r) => r.action === 'create' || r.action === 'update');
  const refused = result.rows.filter((r) => r.action === 'refused');
  const problemsOf = (line: number) => result.problems.filter((p) => p.line === line).map((p) => p.message);

  async function confirm() {
    const rows = toApply.map((r) => read.rows[r.line - 2]!).filter(Boolean);
    setState({ kind: 'importing', result });
    const answer = await ask({ type: 'customers.import', csv: tableCsv(read, rows), dryRun: false });
    setState(answer.ok ? { kind: 'done', result: answer.data } : { kind: 'error', error: answer.error, rows });
    if (answer.ok && answer.data.created + answer.data.updated > 0) props.imported();
  }

  if (state.kind === 'done') {
    return (
      <div className="customer-import" data-state="done">
        <p className="message ok" data-testid="import-done">
          {t('customerImport.done', state.result.created, [String(state.result.created), String(state.result.updated)])}
        </p>
        <div className="button-row">
          <button type="button" onClick={props.close}>
            {t('menu.close')}
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="customer-import" data-state={state.kind}>
      <p data-testid="import-summary">
        {t(refused.length ? 'customerImport.summaryRefused' : 'customerImport.summary', read.rows.length, [
          String(read.rows.length),
          String(result.created),
          String(result.updated),
          String(result.unchanged),
          String(refused.length),
        ])}
      </p>
      {/* The decision first: the lists below may be long. */}
      <div className="button-row">
        <button type="button" className="primary" data-action="import" disabled={toApply.length === 0 || state.kind === 'importing'} onClick={() => void confirm()}>
          {state.kind === 'importing' ? t('customerImport.importing') : toApply.length === 0 ? t('customerImport.nothingToImport') : t('customerImport.importCount', toApply.length)}
        </button>
        <button type="button" data-action="cancel" onClick={props.close}>
          {t('customerImport.cancel')}
        </button>
      </div>
      {result.created > 0 && (
        <section>
          <strong>{t('customerImport.toCreate')}</strong>
          <ul className="details" data-testid="import-create">
            {result.rows
              .filter((r) => r.action === 'create')
              .map((r) => (
                <li key={r.line}>
                  {r.displayName} <span className="muted">({r.domain})</span>
                </li>
              ))}
          </ul>
        </section>
      )}
      {result.updated > 0 && (
        <section>
          <strong>{t('customerImport.toUpdate')}</strong>
          <ul className="details" data-testid="import-update">
            {result.rows
              .filter((r) => r.action === 'update')
              .map((r) => (
                <li key={r.line}>
                  {r.displayName} <span className="muted">({r.changes.join(', ')})</span>
                </li>
              ))}
          </ul>
        </section>
      )}
      {refused.length > 0 && (
        <section>
          <strong>{t('customerImport.leftOut')}</strong>
          <ul className="details" data-testid="import-refused">
            {refused.map((r) => (
              <li key={r.line}>
                {nameAt(r.line)}: {problemsOf(r.line).join('; ')}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
