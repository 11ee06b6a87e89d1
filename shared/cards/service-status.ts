import { formatDateTime, tOr, type Language } from '../i18n/index.js';
import type { ServiceStatusView } from '../schemas/portal.js';
import { banner, commandButton, translator, type Tone } from './common.js';
import { bullets, card, container, facts, text, type AdaptiveCard } from './kit.js';

const TONE: Record<string, Tone> = { operational: 'good', degraded: 'warning', maintenance: 'accent', outage: 'attention', unknown: 'default' };

/** The VDC services per region (APJ, EMEA, AMER), what is not operational, and maintenance. */
export function serviceStatusCard(lang: Language, status: ServiceStatusView): AdaptiveCard {
  const tr = translator(lang);
  const state = (s: string) => tOr(lang, `service.status.${s}`, s);
  const problems = status.regions.flatMap((r) =>
    r.services
      .filter((s) => s.state !== 'operational')
      .map((s) => `${r.region}: ${s.name}: ${state(s.state)}${s.since ? ` (${tr('bot.status.since', { time: formatDateTime(lang, s.since) })})` : ''}${s.message ? `: ${s.message}` : ''}`),
  );
  return card(
    [
      banner(tr('bot.status.title', { state: state(status.overall) }), formatDateTime(lang, status.at), TONE[status.overall] ?? 'default'),
      status.stale ? text(tr('bot.status.stale'), { color: 'Warning', max: 400 }) : null,
      facts(status.regions.map((r) => [r.region, state(r.state)] as const)),
      problems.length
        ? container([text(tr('bot.status.problems'), { weight: 'Bolder' }), ...bullets(problems.slice(0, 12), { max: 300 })], { spacing: 'Medium' })
        : text(tr('bot.status.allOperational'), { spacing: 'Medium' }),
      status.maintenance.length
        ? container(
            [
              text(tr('bot.status.maintenance'), { weight: 'Bolder' }),
              ...bullets(
                status.maintenance
                  .slice(0, 5)
                  .map((m) => `${maintenanceName(m)}: ${formatDateTime(lang, m.startsAt)} – ${formatDateTime(lang, m.endsAt)}${m.active ? `, ${tr('bot.status.now')}` : ''}`),
                { max: 300 },
              ),
            ],
            { spacing: 'Medium' },
          )
        : null,
    ],
    [commandButton(tr('bot.button.refresh'), 'status')],
    { fallbackText: tr('bot.status.title', { state: state(status.overall) }) },
  );
}

/** A maintenance's title with the regions it does not already name ("Storage upgrade in EMEA", not "… in EMEA (EMEA)"). */
export function maintenanceName(m: { title: string; regions: readonly string[] }): string {
  const unnamed = m.regions.filter((r) => !new RegExp(`\\b${r.replace(/[^A-Za-z0-9]/g, '')}\\b`, 'i').test(m.title));
  return unnamed.length ? `${m.title} (${unnamed.join(', ')})` : m.title;
}
