import { useEffect, useState } from 'react';
import type { CustomerImportResult } from '../../shared/schemas/customers.js';
import { OWN_ATTRIBUTE } from '../components/chip.js';
import { readCustomersTable, tableCsv, type TableImport, type TableImportRow } from '../lib/customer-table-import.js';
import type { Feature } from '../lib/feature-manager.js';
import type { Ask } from '../lib/messaging.js';
import type { HubFailure } from '../lib/result.js';
import { findTable, type FoundTable } from '../selectors/table.js';
import { vdcCustomersTable } from '../selectors/vdc.js';
import type { OverlayDeps } from './deps.js';

const IMPORT_TAG = 'sphub-import';
const IMPORT_LABEL = 'Import these customers into SP Hub';

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
  button.textContent = IMPORT_LABEL;
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
        void ui.openMenu(button, 'Import into SP Hub', (close) => <ImportPanel read={read} ask={ask} close={close} />);
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

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Where an error detail ("line 3, column 2 (Domain)") points, as the row's name. */
function rowOf(rows: readonly TableImportRow[], field: string): string {
  const line = Number(/^line (\d+)/.exec(field)?.[1]);
  return rows[line - 2]?.displayName ?? field;
}

function ImportPanel(props: { read: TableImport; ask: Ask; close: () => void }) {
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

  if (read.rows.length === 0) return <p className="muted">This page shows no customers to import.</p>;
  if (state.kind === 'checking')
    return (
      <p className="muted" data-state="checking">
        Checking {plural(read.rows.length, 'customer')} with SP Hub…
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
  const nameAt = (line: number) => read.rows[line - 2]?.displayName ?? `line ${line}`;
  const toApply = result.rows.filter((r) => r.action === 'create' || r.action === 'update');
  const refused = result.rows.filter((r) => r.action === 'refused');
  const problemsOf = (line: number) => result.problems.filter((p) => p.line === line).map((p) => p.message);

  async function confirm() {
    const rows = toApply.map((r) => read.rows[r.line - 2]!).filter(Boolean);
    setState({ kind: 'importing', result });
    const answer = await ask({ type: 'customers.import', csv: tableCsv(read, rows), dryRun: false });
    setState(answer.ok ? { kind: 'done', result: answer.data } : { kind: 'error', error: answer.error, rows });
  }

  if (state.kind === 'done') {
    return (
      <div className="customer-import" data-state="done">
        <p className="message ok" data-testid="import-done">
          Imported into SP Hub: {plural(state.result.created, 'customer')} created, {state.result.updated} updated.
        </p>
        <div className="button-row">
          <button type="button" onClick={props.close}>
            Close
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="customer-import" data-state={state.kind}>
      <p data-testid="import-summary">
        {plural(read.rows.length, 'customer')} on this page: {result.created} would be created, {result.updated} updated, {result.unchanged} already in SP Hub
        {refused.length ? `, ${refused.length} refused` : ''}.
      </p>
      {/* The decision first: the lists below may be long. */}
      <div className="button-row">
        <button type="button" className="primary" data-action="import" disabled={toApply.length === 0 || state.kind === 'importing'} onClick={() => void confirm()}>
          {state.kind === 'importing' ? 'Importing…' : toApply.length === 0 ? 'Nothing to import' : `Import ${plural(toApply.length, 'customer')}`}
        </button>
        <button type="button" data-action="cancel" onClick={props.close}>
          Cancel
        </button>
      </div>
      {result.created > 0 && (
        <section>
          <strong>Would be created</strong>
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
          <strong>Would be updated</strong>
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
          <strong>Left out</strong>
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
