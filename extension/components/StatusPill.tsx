import type { ChipView } from '../lib/health-view.js';

/** The React twin of the table chip, for the popup and menus. */
export function StatusPill({ view }: { view: ChipView }) {
  return (
    <span className={`pill ${view.tone}`} title={view.details.join('\n')}>
      <span className="dot" />
      {view.label}
    </span>
  );
}
