import type { ChipView } from '../lib/health-view.js';
import { t } from '../lib/i18n.js';

/** The React twin of the table chip, for the popup and menus: the last result, and licence use as its own pill. */
export function StatusPill({ view }: { view: ChipView }) {
  return (
    <span className="pills" title={view.details.join('\n')}>
      <span className={`pill ${view.tone}`} data-signal="result">
        <span className="dot" />
        {view.label}
      </span>
      {view.license && (
        <span className={`pill ${view.license.tone}`} data-signal="license" aria-label={t('chip.licensesUsed', [view.license.label])}>
          {t('chip.licenseShort', [view.license.label])}
        </span>
      )}
    </span>
  );
}
