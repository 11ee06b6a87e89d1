import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { createChip, paintChip, type ChipHost } from '../components/chip.js';
import { findTable } from '../selectors/table.js';
import { vdcCustomersTable } from '../selectors/vdc.js';
import { createRowAnnotator, createRowCache, type ChipState } from './row-annotator.js';

const HEAD = '<thead><tr><th>Display Name</th><th>M365 Account</th><th>Contract Type</th><th>Licences</th></tr></thead>';
const row = (name: string) => `<tr><td class="name"><a href="#">${name}</a></td><td>x.onmicrosoft.com</td><td>Annual</td><td>5</td></tr>`;

function page(names: string[]) {
  const { document, window } = parseHTML(`<!doctype html><html><body><table>${HEAD}<tbody>${names.map(row).join('')}</tbody></table></body></html>`);
  // The annotator uses the global MutationObserver, as in a content script.
  (globalThis as unknown as { MutationObserver: unknown }).MutationObserver = window.MutationObserver;
  return document as unknown as Document;
}

const tick = (ms = 60) => new Promise((resolve) => setTimeout(resolve, ms));
const labels = (document: Document) => [...document.querySelectorAll('sphub-chip')].map((h) => h.shadowRoot?.querySelector('.label')?.textContent);

function annotate(document: Document, loads: string[][], options: { cache?: ReturnType<typeof createRowCache<number>>; fail?: boolean; notConfigured?: boolean; errors?: string[] } = {}) {
  const controller = new AbortController();
  const table = findTable(document, vdcCustomersTable)!;
  const paint = (host: ChipHost, state: ChipState<number>) => paintChip(host, { tone: 'ok', label: state.kind === 'ready' ? `#${state.value}` : state.kind, details: [] });
  const annotator = createRowAnnotator<number>({
    table,
    signal: controller.signal,
    ...(options.cache && { cache: options.cache }),
    key: (r) => r.cell('displayName')?.text ?? null,
    cell: (r) => r.cell('displayName')?.element ?? null,
    async load(keys) {
      loads.push(keys);
      if (options.notConfigured) return { ok: false, error: { kind: 'not-configured', message: 'not set up' } };
      if (options.fail) return { ok: false, error: { kind: 'unreachable', message: 'down' } };
      return { ok: true, values: new Map(keys.filter((k) => k !== 'Unknown Ltd').map((k) => [k, k.length])) };
    },
    createChip: () => createChip(document),
    paint,
    debounceMs: 5,
    onError: (error) => options.errors?.push(error.kind),
  });
  return { controller, annotator, table };
}

describe('annotating table rows', () => {
  it('takes every chip away, and adds none on later renders, when the extension is not set up', async () => {
    const document = page(['Contoso', 'Fabrikam']);
    const loads: string[][] = [];
    const errors: string[] = [];
    annotate(document, loads, { notConfigured: true, errors });
    await tick();
    expect(errors).toEqual(['not-configured']);
    expect(document.querySelectorAll('sphub-chip')).toHaveLength(0);
    document.querySelector('tbody')!.innerHTML = row('Contoso') + row('Northwind');
    await tick();
    expect(document.querySelectorAll('sphub-chip')).toHaveLength(0);
    expect(loads).toHaveLength(1);
  });

  it('puts a chip in every row and fills them from ONE batch request', async () => {
    const document = page(['Contoso', 'Fabrikam', 'Unknown Ltd']);
    const loads: string[][] = [];
    annotate(document, loads);
    expect(labels(document)).toEqual(['loading', 'loading', 'loading']);
    await tick();
    expect(loads).toEqual([['Contoso', 'Fabrikam', 'Unknown Ltd']]);
    expect(labels(document)).toEqual(['#7', '#8', 'unknown']);
  });

  it('after a re-render, rows get their chips back at once from the cache, with no request', async () => {
    const document = page(['Contoso', 'Fabrikam']);
    const loads: string[][] = [];
    annotate(document, loads);
    await tick();
    const tbody = document.querySelector('tbody')!;
    tbody.innerHTML = ['Fabrikam', 'Contoso'].map(row).join('');
    await tick(0); // the observer's callback
    expect(labels(document)).toEqual(['#8', '#7']);
    await tick();
    expect(loads).toHaveLength(1);
  });

  it('a new page of rows asks only for the names it has not seen', async () => {
    const document = page(['Contoso', 'Fabrikam']);
    const loads: string[][] = [];
    annotate(document, loads);
    await tick();
    document.querySelector('tbody')!.innerHTML = ['Fabrikam', 'Litware', 'Northwind'].map(row).join('');
    await tick();
    expect(loads).toEqual([
      ['Contoso', 'Fabrikam'],
      ['Litware', 'Northwind'],
    ]);
    expect(labels(document)).toEqual(['#8', '#7', '#9']);
  });

  it('a cache kept by the feature serves a table the page replaced whole', async () => {
    const cache = createRowCache<number>();
    const first = page(['Contoso']);
    const loads: string[][] = [];
    const { controller } = annotate(first, loads, { cache });
    await tick();
    controller.abort();
    const second = page(['Contoso']);
    annotate(second, loads, { cache });
    expect(labels(second)).toEqual(['#7']);
    await tick();
    expect(loads).toHaveLength(1);
  });

  it('shows the failure on the chips and asks again on the next render', async () => {
    const document = page(['Contoso']);
    const loads: string[][] = [];
    const { annotator } = annotate(document, loads, { fail: true });
    await tick();
    expect(labels(document)).toEqual(['error']);
    annotator.sync();
    await tick();
    expect(loads).toHaveLength(2);
  });

  it('removes every chip when the feature stops', async () => {
    const document = page(['Contoso', 'Fabrikam']);
    const { controller } = annotate(document, []);
    await tick();
    controller.abort();
    expect(document.querySelectorAll('sphub-chip')).toHaveLength(0);
    expect(document.querySelector('td.name')!.innerHTML).toBe('<a href="#">Contoso</a>');
  });
});
