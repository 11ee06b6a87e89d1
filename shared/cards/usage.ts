import { formatDate, formatMonth, formatNumber, t, tOr, type Language, type MessageKey } from '../i18n/index.js';
import type { UsageReport } from '../schemas/usage.js';
import { banner, commandButton, outcome, translator, type Tone } from './common.js';
import { bullets, card, compact, container, facts, text, type AdaptiveCard } from './kit.js';

const LINES = 8;

/** Exact decimal points ("1234.5") in the language's notation, without going through floats. */
export function formatPoints(lang: Language, points: string): string {
  const [whole = '0', fraction] = points.split('.');
  const grouped = new Intl.NumberFormat(lang === 'de' ? 'de-DE' : 'en-GB').format(BigInt(whole));
  return fraction && /[1-9]/.test(fraction) ? `${grouped}${lang === 'de' ? ',' : '.'}${fraction.replace(/0+$/, '')}` : grouped;
}

export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** A month's usage report (or the running month's snapshot) as Pulse would show it, in short. */
export function usageCard(lang: Language, report: UsageReport, options: { currentMonth: string }): AdaptiveCard {
  const tr = translator(lang);
  const month = formatMonth(lang, report.usageMonth);
  const status = report.snapshot ? tr('bot.usage.snapshot') : report.status ? tOr(lang, `report.status.${report.status}`, report.status) : tr('bot.usage.notGenerated');
  const tone: Tone = report.licenseManagementSuspended || report.overdue ? 'attention' : report.status === 'Submitted' ? 'good' : report.status === 'Rejected' ? 'warning' : 'default';
  const top = [...report.lines].sort((a, b) => Number(b.points) - Number(a.points) || a.customer.localeCompare(b.customer));
  const lines = top.slice(0, LINES).map((line) => tr('bot.usage.line', { customer: line.customer, units: formatNumber(lang, line.currentMonthUsage), points: formatPoints(lang, line.points) }));
  // Suspension has its own block below; the rest are listed.
  const warnings = compact([report.overdue ? tr('bot.usage.overdue') : null]);
  const previous = shiftMonth(report.usageMonth, -1);
  const next = shiftMonth(report.usageMonth, 1);
  return card(
    [
      banner(tr('bot.usage.title', { month }), compact([report.number, status]).join(' · '), tone),
      // Said from the report's state in the user's language: the hub's ready-made warnings are
      // English and repeat the due date in another format.
      report.licenseManagementSuspended
        ? container([text(tr('licenseManagement.suspended.title'), { weight: 'Bolder' }), text(tr('licenseManagement.suspended.message'), { max: 400 })], { style: 'attention', spacing: 'Medium' })
        : null,
      warnings.length
        ? container(
            warnings.map((w) => text(w, { max: 400 })),
            { style: 'attention', spacing: 'Medium' },
          )
        : null,
      report.rejectionReason ? outcome(tr('bot.usage.rejected', { reason: report.rejectionReason }), 'warning') : null,
      facts([
        [tr('fact.status'), status],
        [tr('fact.dueDate'), tr('bot.usage.dueBy', { date: formatDate(lang, report.dueDate) })],
        [tr('bot.fact.customers'), formatNumber(lang, report.customers)],
        [tr('bot.fact.totalPoints'), formatPoints(lang, report.totalPoints)],
        [tr('bot.fact.saasPoints'), formatPoints(lang, report.totals.subtotal.saas)],
        [tr('bot.fact.minimumCommit'), formatPoints(lang, report.totals.minimumCommit)],
        [tr('bot.fact.overage'), formatPoints(lang, report.totals.overage)],
        [tr('bot.fact.nextStep'), t(lang, `bot.usage.next.${report.nextStep}` as MessageKey)],
      ]),
      lines.length
        ? container(
            [
              text(tr('bot.usage.topLines'), { weight: 'Bolder' }),
              ...bullets(lines),
              top.length > LINES ? text(tr('bot.more', { count: top.length - LINES }), { isSubtle: true, spacing: 'None' }) : null,
            ],
            { spacing: 'Medium' },
          )
        : text(tr('bot.usage.noLines'), { isSubtle: true }),
    ],
    compact([commandButton(formatMonth(lang, previous), `usage ${previous}`), next <= options.currentMonth ? commandButton(formatMonth(lang, next), `usage ${next}`) : null]),
    { fallbackText: tr('bot.usage.title', { month }) },
  );
}
