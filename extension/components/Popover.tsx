import { useEffect, useRef, type ReactNode } from 'react';
import { t } from '../lib/i18n.js';

export interface AnchorRect {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * A menu panel next to the element it was opened from, over a transparent backdrop that closes
 * it; Escape closes it too. It flips above or to the left when the viewport is too small.
 */
export function Popover(props: { rect: AnchorRect; title: string; onClose: () => void; children: ReactNode }) {
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') props.onClose();
    };
    const view = panel.current?.ownerDocument.defaultView ?? window;
    view.addEventListener('keydown', onKey);
    panel.current?.focus();
    return () => view.removeEventListener('keydown', onKey);
  }, [props]);

  useEffect(() => {
    const element = panel.current;
    if (!element) return;
    const view = element.ownerDocument.defaultView ?? window;
    const width = element.offsetWidth;
    const height = element.offsetHeight;
    let left = Math.min(props.rect.left, view.innerWidth - width - 8);
    let top = props.rect.bottom + 4;
    if (top + height > view.innerHeight - 8) top = Math.max(8, props.rect.top - height - 4);
    left = Math.max(8, left);
    element.style.left = `${left}px`;
    element.style.top = `${top}px`;
    element.style.visibility = 'visible';
  });

  return (
    <div className="sphub-popover-layer">
      <div className="sphub-backdrop" onClick={props.onClose} />
      <div className="sphub-panel" ref={panel} role="dialog" aria-label={props.title} tabIndex={-1} style={{ visibility: 'hidden' }}>
        <div className="sphub-panel-head">
          <strong className="sphub-panel-title">{props.title}</strong>
          <button type="button" className="close" aria-label={t('menu.close')} onClick={props.onClose}>
            ×
          </button>
        </div>
        <div className="sphub-panel-body">{props.children}</div>
      </div>
    </div>
  );
}
