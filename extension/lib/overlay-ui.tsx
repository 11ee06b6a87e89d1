import type { ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi, type ShadowRootContentScriptUi } from 'wxt/utils/content-script-ui/shadow-root';
import { OWN_ATTRIBUTE } from '../components/chip.js';
import { Popover } from '../components/Popover.js';

/**
 * The overlay's React UI, each piece in its own shadow root made by WXT (the content script's
 * CSS is injected into it, cssInjectionMode 'ui'): one menu layer per page, and a one-line status
 * bar above each annotated table.
 */
export interface StatusBarView {
  tone: 'ok' | 'warn' | 'bad' | 'muted';
  text: string;
  /** Extra plain-text lines (a deadline, a suspension warning). */
  lines?: { tone: 'ok' | 'warn' | 'bad' | 'muted'; text: string }[];
  /** A link-like button at the end (the setup bar's "Open SP Hub options"). */
  action?: { label: string; id: string; run: () => void };
}

export interface StatusBar {
  set(view: StatusBarView): void;
}

export interface OverlayUi {
  openMenu(anchor: Element, title: string, render: (close: () => void) => ReactNode): Promise<void>;
  closeMenu(): void;
  statusBar(table: Element, signal: AbortSignal): Promise<StatusBar>;
}

function Bar({ view }: { view: StatusBarView }) {
  return (
    <div className={`sphub-bar ${view.tone}`} role="status">
      <span className="sphub-brand">SP Hub</span>
      <span className="sphub-bar-text">{view.text}</span>
      {view.lines?.map((line) => (
        <span key={line.text} className={`sphub-bar-line ${line.tone}`}>
          {line.text}
        </span>
      ))}
      {view.action && (
        <button type="button" className="sphub-bar-action" data-action={view.action.id} onClick={view.action.run}>
          {view.action.label}
        </button>
      )}
    </div>
  );
}

export function createOverlayUi(ctx: ContentScriptContext): OverlayUi {
  let menu: ShadowRootContentScriptUi<Root> | null = null;
  let creating: Promise<ShadowRootContentScriptUi<Root>> | null = null;

  async function menuUi() {
    if (menu) return menu;
    creating ??= createShadowRootUi<Root>(ctx, {
      name: 'sphub-menu',
      position: 'modal',
      zIndex: 2147483600,
      isolateEvents: true,
      onMount: (container) => createRoot(container),
      onRemove: (root) => root?.unmount(),
    }).then((ui) => {
      ui.shadowHost.setAttribute(OWN_ATTRIBUTE, 'menu');
      menu = ui;
      return ui;
    });
    return creating;
  }

  const closeMenu = () => menu?.remove();

  return {
    async openMenu(anchor, title, render) {
      const ui = await menuUi();
      const r = anchor.getBoundingClientRect();
      ui.remove();
      ui.mount();
      ui.mounted?.render(
        <Popover rect={{ top: r.top, left: r.left, bottom: r.bottom, right: r.right }} title={title} onClose={closeMenu}>
          {render(closeMenu)}
        </Popover>,
      );
    },
    closeMenu,
    async statusBar(table, signal) {
      const ui = await createShadowRootUi<Root>(ctx, {
        name: 'sphub-bar',
        position: 'inline',
        anchor: table,
        append: 'before',
        onMount: (container) => createRoot(container),
        onRemove: (root) => root?.unmount(),
      });
      ui.shadowHost.setAttribute(OWN_ATTRIBUTE, 'bar');
      let last: StatusBarView | null = null;
      const bar: StatusBar = {
        set(view) {
          if (signal.aborted) return;
          if (last && JSON.stringify(last) === JSON.stringify(view) && last.action?.run === view.action?.run && ui.shadowHost.isConnected) return;
          last = view;
          if (!ui.shadowHost.isConnected) {
            ui.remove();
            if (!table.isConnected) return;
            ui.mount();
          }
          ui.mounted?.render(<Bar view={view} />);
        },
      };
      if (!signal.aborted) ui.mount();
      signal.addEventListener('abort', () => ui.remove(), { once: true });
      return bar;
    },
  };
}
