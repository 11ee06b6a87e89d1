import type { ChipView } from '../lib/health-view.js';

/**
 * A health chip in a table cell: a small shadow host per row, so the page's CSS and the chip's
 * never meet. Built with the DOM and textContent only (no HTML strings), and cheap enough to
 * create for a thousand rows in one go.
 */
export const CHIP_TAG = 'sphub-chip';
export const OWN_ATTRIBUTE = 'data-sphub';

const CHIP_CSS = `
:host { all: initial; display: inline-block; vertical-align: middle; margin-left: 6px; line-height: 1; contain: layout style; }
button { all: unset; box-sizing: border-box; display: inline-flex; align-items: center; gap: 4px; cursor: pointer;
  font: 600 11px/16px system-ui, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; padding: 1px 7px; border-radius: 9px;
  white-space: nowrap; max-width: 260px; overflow: hidden; text-overflow: ellipsis; border: 1px solid transparent; }
button:focus-visible { outline: 2px solid #2563eb; outline-offset: 1px; }
.dot { width: 7px; height: 7px; border-radius: 50%; background: currentColor; flex: none; }
.ok { background: #e7f6ec; color: #17692f; border-color: #b9e2c6; }
.warn { background: #fff4e0; color: #8a4b00; border-color: #f3d19b; }
.bad { background: #fde8e8; color: #a61b1b; border-color: #f3b5b5; }
.busy { background: #e6efff; color: #1d4ed8; border-color: #bcd0fb; }
.muted { background: #f1f3f5; color: #555d66; border-color: #dde1e5; }
`;

export interface ChipHost extends HTMLElement {
  /** What the chip is about (a customer name, "customer / policy"). */
  sphubKey?: string;
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

export function createChip(document: Document, onActivate?: (host: ChipHost) => void): ChipHost {
  const host = document.createElement(CHIP_TAG) as ChipHost;
  host.setAttribute(OWN_ATTRIBUTE, 'chip');
  const shadow = host.attachShadow({ mode: 'open' });
  const button = document.createElement('button');
  button.type = 'button';
  const dot = document.createElement('span');
  dot.className = 'dot';
  const label = document.createElement('span');
  label.className = 'label';
  button.append(dot, label);
  style(document, shadow);
  shadow.append(button);
  if (onActivate) {
    button.addEventListener('click', (event) => {
      event.preventDefault();
      event.stopPropagation();
      onActivate(host);
    });
  }
  return host;
}

/** Shows a view on a chip; only touches the DOM when something changed (no flicker on re-renders). */
export function paintChip(host: ChipHost, view: ChipView, prefix = 'SP Hub'): void {
  const button = host.shadowRoot?.querySelector('button');
  const label = host.shadowRoot?.querySelector('.label');
  if (!button || !label) return;
  const title = [`${prefix}`, ...view.details].join('\n');
  if (button.className !== view.tone) button.className = view.tone;
  if (label.textContent !== view.label) label.textContent = view.label;
  if (button.title !== title) button.title = title;
  const aria = `${prefix}: ${view.label}`;
  if (button.getAttribute('aria-label') !== aria) button.setAttribute('aria-label', aria);
}

/** Whether a node is (inside) something the extension inserted. */
export function isOwnNode(node: Node): boolean {
  const element = node.nodeType === 1 ? (node as Element) : node.parentElement;
  return !!element?.closest?.(`[${OWN_ATTRIBUTE}]`);
}
