import type { CustomerHealth } from '../../shared/schemas/monitoring.js';
import { createChip, paintChip, placeAfterText, type ChipHost } from '../components/chip.js';
import { CustomerActions } from '../components/CustomerActions.js';
import type { Feature } from '../lib/feature-manager.js';
import { customerChip, errorChip, LICENSE_WARN_PERCENT, loadingChip, unknownChip } from '../lib/health-view.js';
import { t } from '../lib/i18n.js';
import { CUSTOMERS_CHANGED } from '../lib/page-events.js';
import { createRowAnnotator, createRowCache, type ChipState } from '../lib/row-annotator.js';
import { findTable, type FoundTable } from '../selectors/table.js';
import { vdcCustomersTable } from '../selectors/vdc.js';
import { configuredOrSetupBar, deferredBar, setupBarView, type OverlayDeps } from './deps.js';

/** Kept across restarts of the feature (the portal re-mounts its table on sorting and navigation). */
const cache = createRowCache<CustomerHealth>();

/** The bar's summary of the customers on the page. */
export function customersSummary(values: CustomerHealth[], rows: number): { tone: 'ok' | 'warn' | 'bad'; text: string } {
  const failed = values.filter((h) => h.lastResult === 'Failed' || h.lastResult === 'Disconnected').length;
  const stale = values.filter((h) => h.stale).length;
  const license = values.filter((h) => (h.licensePercent ?? 0) >= LICENSE_WARN_PERCENT).length;
  const parts = [t('bar.customersInHub', rows, [String(values.length), String(rows)])];
  if (failed) parts.push(t('bar.failed', [String(failed)]));
  if (stale) parts.push(t('bar.stale', [String(stale)]));
  if (license) parts.push(t('bar.licenses', [String(license), String(LICENSE_WARN_PERCENT)]));
  return { tone: failed ? 'bad' : stale || license ? 'warn' : 'ok', text: parts.join(' \u00b7 ') };
}

/**
 * VDC portal, Customers list: a compact health chip at the end of each display name (last
 * result, stale, and licence use as a separate mark) that opens the customer's quick actions.
 * One batch request per render; nothing per row before the extension is set up.
 */
export const customerHealth: Feature<FoundTable, OverlayDeps> = {
  id: 'customer-health',
  detect: (document) => findTable(document, vdcCustomersTable),
  async init(table, { signal, document, guard }, { ask, ui, report }) {
    const bar = deferredBar(ui.statusBar(table.element, signal));
    const ready = configuredOrSetupBar(ask, bar);
    if (ready !== true && (!(await ready) || signal.aborted)) return;
    const paint = (host: ChipHost, state: ChipState<CustomerHealth>) => {
      if (state.kind === 'ready') paintChip(host, customerChip(state.value));
      else if (state.kind === 'unknown') paintChip(host, unknownChip('customer'));
      else if (state.kind === 'error') paintChip(host, errorChip(state.error.message));
      else paintChip(host, loadingChip());
    };
    const annotator = createRowAnnotator<CustomerHealth>({
      table,
      signal,
      cache,
      key: (row) => row.cell('displayName')?.text || null,
      cell: (row) => row.cell('displayName')?.element ?? null,
      async load(names) {
        const answer = await ask({ type: 'health', names });
        if (!answer.ok) return answer;
        const byName = new Map(answer.data.items.map((item) => [item.displayName.toLowerCase(), item]));
        return { ok: true, values: new Map(names.flatMap((name) => (byName.has(name.toLowerCase()) ? [[name, byName.get(name.toLowerCase())!] as const] : []))) };
      },
      createChip: () =>
        createChip(
          document,
          guard((host: ChipHost) => {
            const name = host.sphubKey ?? '';
            const health = annotator.value(name);
            if (!health) return;
            void ui.openMenu(host, health.displayName, () => <CustomerActions customerId={health.id} name={health.displayName} ask={ask} onChanged={() => annotator.refresh([name])} />);
          }),
          { compact: true },
        ),
      place: placeAfterText,
      paint,
      onReady: guard(() => {
        const values = annotator
          .keys()
          .map((key) => annotator.value(key))
          .filter((v): v is CustomerHealth => !!v);
        bar.set(customersSummary(values, annotator.keys().length));
      }),
      onError: guard((error) => bar.set(error.kind === 'not-configured' ? setupBarView(ask) : { tone: 'bad', text: error.message })),
      onBatch: (info) => report?.('customer-health', info),
    });
    // An import on this page (customer-import) made rows known to the hub: ask again for all of them, in one batch.
    document.addEventListener(
      CUSTOMERS_CHANGED,
      guard(() => annotator.refresh()),
      { signal },
    );
  },
};
