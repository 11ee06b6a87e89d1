import type { ChipView } from '../lib/health-view.js';

/**
 * A health chip in a table cell: a small shadow host per row, so the page's CSS and the chip's
 * never meet. Built with the DOM and textContent only (no HTML strings), and cheap enough to
 * create for a thousand rows in one go.
 *
 * A compact chip (the portal's tables) takes no room at all: its host is out of the flow
 * (absolutely positioned at the end of the cell's text, zero-sized), and the mark is drawn from
 * there over the gap after the text. So a row keeps its height and a column its width whatever
 * the page's layout (a table, an ARIA grid of flex rows, narrow or wrapping name columns); the
 * words are in the tooltip and the menu. Wider chips (Pulse lines) sit in the flow.
 */
export const CHIP_TAG = 'sphub-chip';
export const OWN_ATTRIBUTE = 'data-sphub';

/** The host's own box, inline so that no page rule on custom elements or cells moves it into the flow. */
const COMPACT_HOST_STYLE =
  'all: initial !important; position: absolute !important; display: inline !important; width: 0 !important; height: 0 !important; ' +
  'overflow: visible !important; contain: size layout style !important; pointer-events: none !important;';

const CHIP_CSS = `
:host { all: initial; display: inline-block; vertical-align: middle; margin-left: 6px; line-height: 1; contain: layout style; }
button { all: unset; box-sizing: border-box; display: inline-flex; align-items: center; gap: 4px; cursor: pointer; pointer-events: auto;
  font: 600 11px/16px system-ui, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; padding: 1px 7px; border-radius: 9px;
  white-space: nowrap; max-width: 260px; overflow: hidden; text-overflow: ellipsis; border: 1px solid transparent; }
button:focus-visible { outline: 2px solid #2563eb; outline-offset: 1px; }
.dot { width: 7px; height: 7px; border-radius: 50%; background: currentColor; flex: none; }
.ring, .mark { display: none; }
.ok { background: #e7f6ec; color: #17692f; border-color: #b9e2c6; }
.warn { background: #fff4e0; color: #8a4b00; border-color: #f3d19b; }
.bad { background: #fde8e8; color: #a61b1b; border-color: #f3b5b5; }
.busy { background: #e6efff; color: #1d4ed8; border-color: #bcd0fb; }
.muted { background: #f1f3f5; color: #555d66; border-color: #dde1e5; }
:host([data-compact]) button { position: absolute; left: 3px; top: -1px; padding: 0; border: 0; background: none; border-radius: 50%; max-width: none; overflow: visible; }
:host([data-compact]) .dot, :host([data-compact]) .label, :host([data-compact]) .license { display: none; }
/* The licence use is a ring around the result mark, drawn only when it asks for attention: two signals, two places.
   Everything a painted chip shows follows from its button's data-tone and data-ring, so painting writes attributes only. */
:host([data-compact]) .ring { display: inline-flex; box-sizing: border-box; width: 19px; height: 19px; padding: 2px; border-radius: 50%; }
:host([data-compact]) [data-ring="warn"] .ring { background: conic-gradient(#d48806 calc(var(--used) * 1%), #eceff2 0); }
:host([data-compact]) [data-ring="bad"] .ring { background: conic-gradient(#c62828 calc(var(--used) * 1%), #eceff2 0); }
:host([data-compact]) .mark { display: inline-flex; align-items: center; justify-content: center; box-sizing: border-box; width: 15px; height: 15px;
  border-radius: 50%; border: 1px solid; font: 700 10px/1 system-ui, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
:host([data-compact]) [data-tone="ok"] .mark { background: #e7f6ec; color: #17692f; border-color: #b9e2c6; }
:host([data-compact]) [data-tone="warn"] .mark { background: #fff4e0; color: #8a4b00; border-color: #f3d19b; }
:host([data-compact]) [data-tone="bad"] .mark { background: #fde8e8; color: #a61b1b; border-color: #f3b5b5; }
:host([data-compact]) [data-tone="busy"] .mark { background: #e6efff; color: #1d4ed8; border-color: #bcd0fb; }
:host([data-compact]) [data-tone="muted"] .mark { background: #f1f3f5; color: #555d66; border-color: #dde1e5; }
/* The mark's symbol per tone: the colour is not the only cue. */
:host([data-compact]) [data-tone="ok"] .mark::before { content: "\\2713"; }
:host([data-compact]) [data-tone="warn"] .mark::before { content: "!"; }
:host([data-compact]) [data-tone="bad"] .mark::before { content: "\\2715"; }
:host([data-compact]) [data-tone="busy"] .mark::before { content: "\\25b8"; }
:host([data-compact]) [data-tone="muted"] .mark::before { content: "\\2013"; }
`;

interface ChipParts {
  button: HTMLButtonElement;
  label: HTMLElement;
  ring: HTMLElement;
  mark: HTMLElement;
  license: HTMLElement;
}

export interface ChipHost extends HTMLElement {
  /** What the chip is about (a customer name, "customer / policy"). */
  sphubKey?: string;
  /** Its elements, kept so painting a thousand chips queries nothing. */
  sphubParts?: ChipParts;
  /** What it shows now, and the tooltip's first line: the tooltip is written when first wanted. */
  sphubView?: { view: ChipView; prefix: string };
}

/** One parsed stylesheet shared by every chip of a document (a <style> per chip where sharing is not possible). */
const sheets = new WeakMap<Document, CSSStyleSheet | null>();
function sharedSheet(document: Document): CSSStyleSheet | null {
  if (!sheets.has(document)) {
    let sheet: CSSStyleSheet | null = null;
    try {
      const Sheet = (document.defaultView?.CSSStyleSheet ?? globalThis.CSSStyleSheet) as typeof CSSStyleSheet | undefined;
      if (Sheet && 'replaceSync' in Sheet.prototype) {
        sheet = new Sheet();
        sheet.replaceSync(CHIP_CSS);
      }
    } catch {
      sheet = null;
    }
    sheets.set(document, sheet);
  }
  return sheets.get(document) ?? null;
}

function style(document: Document, shadow: ShadowRoot): void {
  const sheet = sharedSheet(document);
  if (sheet) {
    try {
      shadow.adoptedStyleSheets = [sheet];
      return;
    } catch {
      // Some content-script worlds refuse adopting; fall back to a <style> element.
    }
  }
  const element = document.createElement('style');
  element.textContent = CHIP_CSS;
  shadow.append(element);
}

export function createChip(document: Document, onActivate?: (host: ChipHost) => void, options: { compact?: boolean } = {}): ChipHost {
  const host = document.createElement(CHIP_TAG) as ChipHost;
  host.setAttribute(OWN_ATTRIBUTE, 'chip');
  if (options.compact) {
    host.setAttribute('data-compact', '');
    host.setAttribute('style', COMPACT_HOST_STYLE);
  }
  const shadow = host.attachShadow({ mode: 'open' });
  const button = document.createElement('button');
  button.type = 'button';
  const dot = document.createElement('span');
  dot.className = 'dot';
  const ring = document.createElement('span');
  ring.className = 'ring';
  ring.setAttribute('aria-hidden', 'true');
  const mark = document.createElement('span');
  mark.className = 'mark';
  ring.append(mark);
  const label = document.createElement('span');
  label.className = 'label';
  const license = document.createElement('span');
  license.className = 'license';
  license.hidden = true;
  button.append(dot, ring, label, license);
  style(document, shadow);
  shadow.append(button);
  host.sphubParts = { button, label, ring, mark, license };
  // The tooltip (the view's details) is written when a pointer or the focus comes to the chip.
  const writeTitle = () => {
    const shown = host.sphubView;
    if (shown) set(button, 'title', [shown.prefix, ...shown.view.details].join('\n'));
  };
  button.addEventListener('pointerenter', writeTitle);
  button.addEventListener('focus', writeTitle);
  if (onActivate) {
    button.addEventListener('click', (event) => {
      event.preventDefault();
      event.stopPropagation();
      onActivate(host);
    });
  }
  return host;
}

function set(element: Element, attribute: string, value: string) {
  if (element.getAttribute(attribute) !== value) element.setAttribute(attribute, value);
}

/**
 * Shows a view on a chip; only touches the DOM when something changed (no flicker on re-renders).
 * `prefix` starts the tooltip and the accessible name.
 */
export function paintChip(host: ChipHost, view: ChipView, prefix = 'SP Hub'): void {
  const parts = host.sphubParts;
  if (!parts) return;
  const { button, label, license } = parts;
  host.sphubView = { view, prefix };
  if (button.hasAttribute('title')) button.removeAttribute('title');
  const compact = host.hasAttribute('data-compact');
  if (label.textContent !== view.label) label.textContent = view.label;
  if (compact) {
    // The ring shows licence use only when it asks for attention; the tooltip always has it.
    const attention = view.license && view.license.tone !== 'muted' ? view.license : null;
    set(button, 'data-ring', attention ? attention.tone : '');
    if (attention) {
      const used = String(Math.min(100, Math.max(0, attention.value ?? 100)));
      if (button.style.getPropertyValue('--used') !== used) button.style.setProperty('--used', used);
    }
  } else {
    if (button.className !== view.tone) button.className = view.tone;
    license.hidden = !view.license;
    if (view.license) {
      if (license.className !== `license pill ${view.license.tone}`) license.className = `license pill ${view.license.tone}`;
      if (license.textContent !== view.license.label) license.textContent = view.license.label;
    }
  }
  set(button, 'aria-label', `${prefix}: ${[view.label, ...(view.license ? [view.license.label] : [])].join(' \u00b7 ')}`);
  set(button, 'data-tone', view.tone);
  set(button, 'data-license', view.license ? `${view.license.tone} ${view.license.label}` : '');
}

/**
 * Puts a compact chip right after the last text of a cell (inside the element holding that text,
 * such as the name's link), so its out-of-flow box starts where the words end, whatever the cell
 * is (a table cell, a flex or grid item). A cell without text gets it at its end.
 */
export function placeAfterText(cell: Element, host: ChipHost): void {
  const document = cell.ownerDocument;
  const walker = document.createTreeWalker(cell, 4 /* NodeFilter.SHOW_TEXT */);
  let last: Text | null = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if ((node.nodeValue ?? '').trim() && !isOwnNode(node)) last = node as Text;
  }
  if (last) last.after(host);
  else cell.append(host);
}

/** The chip already in a cell, wherever in it. */
export function chipIn(cell: Element): ChipHost | null {
  return cell.querySelector(`${CHIP_TAG}[${OWN_ATTRIBUTE}="chip"]`);
}

/** Whether a node is (inside) something the extension inserted. */
export function isOwnNode(node: Node): boolean {
  const element = node.nodeType === 1 ? (node as Element) : node.parentElement;
  return !!element?.closest?.(`[${OWN_ATTRIBUTE}]`);
}
