import type { PolicyView } from '../../shared/schemas/backup.js';
import { createChip, paintChip, placeAfterText, type ChipHost } from '../components/chip.js';
import { PolicyActions } from '../components/PolicyActions.js';
import type { Feature } from '../lib/feature-manager.js';
import { errorChip, loadingChip, policyChip, unknownChip } from '../lib/health-view.js';
import { t } from '../lib/i18n.js';
import { createRowAnnotator, createRowCache, type ChipState } from '../lib/row-annotator.js';
import { findTable, type FoundTable } from '../selectors/table.js';
import { vdcPoliciesTable } from '../selectors/vdc.js';
import { configuredOrSetupBar, deferredBar, setupBarView, type OverlayDeps } from './deps.js';

/** Kept across restarts of the feature (the portal re-mounts its grid on navigation). */
const cache = createRowCache<PolicyView>();

const SEPARATOR = '\u0000';
const keyOf = (customer: string, policy: string) => `${customer}${SEPARATOR}${policy}`;

/**
 * VDC portal, Flex Backup Policies list: the hub's last result as a compact chip after each
 * policy's Last Status, opening start / stop / enable / disable. One batch request per render.
 */
export const policyActions: Feature<FoundTable, OverlayDeps> = {
  id: 'policy-actions',
  detect: (document) => findTable(document, vdcPoliciesTable),
  async init(table, { signal, document, guard }, { ask, ui, report }) {
    const bar = deferredBar(ui.statusBar(table.element, signal));
    const ready = configuredOrSetupBar(ask, bar);
    if (ready !== true && (!(await ready) || signal.aborted)) return;
    const paint = (host: ChipHost, state: ChipState<PolicyView>) => {
      if (state.kind === 'ready') paintChip(host, policyChip(state.value));
      else if (state.kind === 'unknown') paintChip(host, unknownChip('policy'));
      else if (state.kind === 'error') paintChip(host, errorChip(state.error.message));
      else paintChip(host, loadingChip());
    };
    const annotator = createRowAnnotator<PolicyView>({
      table,
      signal,
      cache,
      key: (row) => {
        const name = row.cell('name')?.text;
        const customer = row.cell('customer')?.text;
        return name && customer ? keyOf(customer, name) : null;
      },
      cell: (row) => row.cell('lastStatus')?.element ?? null,
      async load(keys) {
        const rows = keys.map((key) => {
          const [customer = '', policy = ''] = key.split(SEPARATOR);
          return { customer, policy };
        });
        const answer = await ask({ type: 'policies.lookup', rows });
        if (!answer.ok) return answer;
        const values = new Map<string, PolicyView>();
        for (const match of answer.data) if (match.match) values.set(keyOf(match.customer, match.policy), match.match);
        return { ok: true, values };
      },
      createChip: () =>
        createChip(
          document,
          guard((host: ChipHost) => {
            const key = host.sphubKey ?? '';
            const policy = annotator.value(key);
            if (!policy) return;
            void ui.openMenu(host, `${policy.name} · ${policy.customerName}`, () => <PolicyActions policy={policy} ask={ask} onChanged={() => annotator.refresh([key])} />);
          }),
          { compact: true },
        ),
      place: placeAfterText,
      paint,
      onReady: guard(() => {
        const values = annotator
          .keys()
          .map((key) => annotator.value(key))
          .filter((v): v is PolicyView => !!v);
        const failed = values.filter((p) => p.lastStatus === 'Failed' || p.lastStatus === 'Disconnected').length;
        const stale = values.filter((p) => p.stale).length;
        const running = values.filter((p) => p.lastStatus === 'Running').length;
        const parts = [t('bar.policiesInHub', annotator.keys().length, [String(values.length), String(annotator.keys().length)])];
        if (running) parts.push(t('bar.running', [String(running)]));
        if (failed) parts.push(t('bar.failed', [String(failed)]));
        if (stale) parts.push(t('bar.stale', [String(stale)]));
        bar.set({ tone: failed ? 'bad' : stale ? 'warn' : 'ok', text: parts.join(' · ') });
      }),
      onError: guard((error) => bar.set(error.kind === 'not-configured' ? setupBarView(ask) : { tone: 'bad', text: error.message })),
      onBatch: (info) => report?.('policy-actions', info),
    });
  },
};
