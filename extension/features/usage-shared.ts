import type { UsageReport } from '../../shared/schemas/usage.js';
import { createChip, paintChip, type ChipHost } from '../components/chip.js';
import type { FeatureContext } from '../lib/feature-manager.js';
import { errorChip, loadingChip, type ChipView } from '../lib/health-view.js';
import type { HubFailure } from '../lib/result.js';
import { t } from '../lib/i18n.js';
import { createRowAnnotator, type ChipState } from '../lib/row-annotator.js';
import { reportWarnings, type PageLine } from '../lib/usage-compare.js';
import type { FoundTable, TableRow } from '../selectors/table.js';
import { configuredOrSetupBar, deferredBar, setupBarView, type OverlayDeps } from './deps.js';

const SEP = '\u0000';

/**
 * What the two Pulse features share: the hub's report for the page's month, fetched once; a chip
 * per line comparing the page with the hub; the deadline and suspension warnings in the bar.
 */
export async function annotateUsageTable(options: {
  featureId: string;
  table: FoundTable;
  month: string | null;
  context: FeatureContext;
  deps: OverlayDeps;
  readLine(row: TableRow): PageLine | null;
  chipCell: (row: TableRow) => Element | null;
  compare(line: PageLine, report: UsageReport): { view: ChipView; differs: boolean } | null;
  notFound: ChipView;
}) {
  const { table, context, deps } = options;
  const bar = deferredBar(deps.ui.statusBar(table.element, context.signal));
  const ready = configuredOrSetupBar(deps.ask, bar);
  if (ready !== true && (!(await ready) || context.signal.aborted)) return;
  if (!options.month) {
    bar.set({ tone: 'muted', text: t('usage.noMonth') });
    return;
  }
  const month = options.month;
  let report: Promise<{ ok: true; data: UsageReport } | { ok: false; error: HubFailure }> | null = null;
  const loadReport = () => (report ??= deps.ask({ type: 'usage.report', month }) as Promise<{ ok: true; data: UsageReport } | { ok: false; error: HubFailure }>);

  const encode = (line: PageLine) => [line.customer, line.product, line.units ?? '', line.points ?? ''].join(SEP);
  const decode = (key: string): PageLine => {
    const [customer = '', product = '', units = '', points = ''] = key.split(SEP);
    return { customer, product, units: units === '' ? null : Number(units), points: points === '' ? null : Number(points) };
  };

  let lastReport: UsageReport | null = null;
  const annotator = createRowAnnotator<{ view: ChipView; differs: boolean }>({
    table,
    signal: context.signal,
    key: (row) => {
      const line = options.readLine(row);
      return line ? encode(line) : null;
    },
    cell: options.chipCell,
    async load(keys) {
      const answer = await loadReport();
      if (!answer.ok) {
        report = null; // ask again on the next render
        return answer;
      }
      lastReport = answer.data;
      const values = new Map<string, { view: ChipView; differs: boolean }>();
      for (const key of keys) values.set(key, options.compare(decode(key), answer.data) ?? { view: options.notFound, differs: false });
      return { ok: true, values };
    },
    createChip: () => createChip(context.document) as ChipHost,
    paint: (host, state: ChipState<{ view: ChipView; differs: boolean }>) => {
      if (state.kind === 'ready') paintChip(host, state.value.view, 'SP Hub');
      else if (state.kind === 'error') paintChip(host, errorChip(state.error.message));
      else paintChip(host, loadingChip());
    },
    onReady: context.guard(() => {
      if (!lastReport) return;
      const values = annotator.keys().map((key) => annotator.value(key));
      const differing = values.filter((v) => v?.differs).length;
      const compared = values.filter((v) => v && v.view.tone !== 'muted').length;
      const counted = t('usage.linesCompared', compared, [String(compared)]);
      const verdict = differing ? t('usage.linesDiffer', differing, [String(differing)]) : t('usage.allMatch');
      const text = t('usage.barSummary', [lastReport.number ?? t('usage.snapshot'), lastReport.usageMonthText, counted, verdict]);
      bar.set({ tone: differing ? 'bad' : 'ok', text, lines: reportWarnings(lastReport) });
    }),
    onError: context.guard((error) =>
      bar.set(error.kind === 'not-configured' ? setupBarView(deps.ask) : { tone: 'bad', text: error.kind === 'not-found' ? t('usage.noReport', [month]) : error.message }),
    ),
    onBatch: (info) => deps.report?.(options.featureId, info),
  });
  // Typing in a usage field changes no DOM: follow the field's own events.
  table.element.addEventListener('change', () => annotator.sync(), { signal: context.signal });
  table.element.addEventListener('input', () => annotator.sync(), { signal: context.signal });
}

/** A cell's value as the user sees it: an input's value, or the text. */
export function cellValue(cell: { element: Element; text: string } | undefined): string {
  if (!cell) return '';
  const input = cell.element.querySelector('input, select, textarea') as HTMLInputElement | null;
  return input ? input.value.trim() : cell.text;
}
