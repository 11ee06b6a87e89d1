import { formatBytes, formatDate, formatDateTime, formatDuration, formatMonth, formatNumber, formatPercent, t, tn, tOr, type Language } from '../i18n/index.js';
import { CardAction, type DigestView, type NotificationView } from '../schemas/cards.js';
import { bullets, card, clean, container, execute, facts, heading, openUrl, text, type AdaptiveCard, type CardButton, type ContainerStyle } from './kit.js';

/**
 * Notification cards as pure functions of a view model: failure, completion, restore, license
 * threshold and change, stale protection, usage report due, service status, daily digest, test.
 * Each view is first described as a neutral document (title, facts, sections, next step, links,
 * actions) that the card here and the mail in the server both render, so both say the same.
 */

export interface CardContext {
  language: Language;
  /** Times are shown in this zone (named on the card); UTC by default. */
  timeZone?: string;
  /** Where "open" buttons go; only https links are used. */
  links: { portal?: string | undefined; hub?: string | undefined };
  /** Buttons the bot handles (start, retry, acknowledge). Off for channel webhooks: no bot is behind them. */
  interactive: boolean;
}

export type Tone = 'attention' | 'warning' | 'good' | 'accent' | 'default';

export interface NotificationDocument {
  /** One line: the mail subject, the outbox summary, the card's fallback text. */
  summary: string;
  title: string;
  tone: Tone;
  /** Who or what it is about, under the title (a customer name, a date). */
  subtitle?: string;
  paragraphs: string[];
  facts: [string, string][];
  sections: { title: string; lines: string[]; more: number }[];
  nextStep?: string;
  links: { title: string; url: string }[];
  actions: { title: string; action: CardAction; style?: 'positive' | 'destructive' }[];
}

/** Lines per digest section before "and N more". */
export const DIGEST_LINES = 10;

export function describeNotification(view: NotificationView, ctx: CardContext): NotificationDocument {
  const lang = ctx.language;
  const zone = ctx.timeZone ?? 'UTC';
  const when = (iso: string | undefined | null) => (iso ? formatDateTime(lang, iso, zone) : '');
  const status = (value: string) => tOr(lang, `status.${value}`, value);
  const portal = link(t(lang, 'action.openPortal'), ctx.links.portal);
  const hub = link(t(lang, 'action.openHub'), ctx.links.hub);
  const doc = (partial: Omit<NotificationDocument, 'paragraphs' | 'facts' | 'sections' | 'links' | 'actions'> & Partial<NotificationDocument>): NotificationDocument => ({
    paragraphs: [],
    facts: [],
    sections: [],
    links: [],
    actions: [],
    ...partial,
  });

  switch (view.kind) {
    case 'backupFailed': {
      const disconnected = view.status === 'Disconnected';
      const title = t(lang, disconnected ? 'card.disconnected.title' : 'card.failure.title');
      return doc({
        summary: `${title}: ${clean(view.customer.name, 80)} – ${clean(view.policy.name, 80)}`,
        title,
        tone: 'attention',
        subtitle: view.customer.name,
        paragraphs: [t(lang, 'card.failure.intro', { policy: view.policy.name, customer: view.customer.name }), ...(view.message ? [view.message] : [])],
        facts: rows([
          [t(lang, 'fact.customer'), view.customer.name],
          [t(lang, 'fact.policy'), view.policy.name],
          [t(lang, 'fact.status'), status(view.status)],
          [t(lang, 'fact.started'), when(view.startedAt)],
          [t(lang, 'fact.ended'), when(view.endedAt)],
          [t(lang, 'fact.failingSince'), when(view.failingSince)],
          [t(lang, 'fact.failuresInRow'), view.consecutiveFailures !== undefined && view.consecutiveFailures > 1 ? formatNumber(lang, view.consecutiveFailures) : ''],
        ]),
        nextStep: t(lang, disconnected ? 'card.disconnected.nextStep' : 'card.failure.nextStep'),
        links: compactLinks(portal),
        actions: ctx.interactive
          ? compactActions(
              button(t(lang, 'action.retryPolicy'), { verb: 'policy.retry', policyId: view.policy.id, customerId: view.customer.id, ...(view.sessionId && { sessionId: view.sessionId }) }, 'positive'),
              view.alertId ? button(t(lang, 'action.acknowledge'), { verb: 'alert.acknowledge', alertId: view.alertId, customerId: view.customer.id }) : null,
            )
          : [],
      });
    }
    case 'backupCompleted': {
      const title = t(lang, view.status === 'Warning' ? 'card.completion.titleWarning' : view.status === 'Stopped' ? 'card.completion.titleStopped' : 'card.completion.title');
      const duration = view.startedAt && view.endedAt ? Date.parse(view.endedAt) - Date.parse(view.startedAt) : NaN;
      return doc({
        summary: `${title}: ${clean(view.customer.name, 80)} – ${clean(view.policy.name, 80)}`,
        title,
        tone: view.status === 'Warning' ? 'warning' : view.status === 'Stopped' ? 'default' : 'good',
        subtitle: view.customer.name,
        paragraphs: [t(lang, 'card.completion.intro', { policy: view.policy.name, customer: view.customer.name }), ...(view.message ? [view.message] : [])],
        facts: rows([
          [t(lang, 'fact.customer'), view.customer.name],
          [t(lang, 'fact.policy'), view.policy.name],
          [t(lang, 'fact.status'), status(view.status)],
          [t(lang, 'fact.ended'), when(view.endedAt)],
          [t(lang, 'fact.duration'), Number.isFinite(duration) ? formatDuration(lang, duration) : ''],
          [t(lang, 'fact.processedObjects'), view.processedObjects !== undefined ? formatNumber(lang, view.processedObjects) : ''],
          [t(lang, 'fact.transferred'), view.transferredBytes !== undefined ? formatBytes(lang, view.transferredBytes) : ''],
        ]),
        links: compactLinks(portal),
      });
    }
    case 'restore': {
      const kind = tOr(lang, `restore.kind.${view.restoreKind}`, view.restoreKind);
      const restoreStatus = tOr(lang, `restore.status.${view.status}`, view.status);
      const title = t(lang, 'card.restore.title');
      return doc({
        summary: `${title}: ${clean(view.customer.name, 80)} – ${kind} (${restoreStatus})`,
        title,
        tone: view.status === 'failed' ? 'attention' : view.status === 'completed' ? 'good' : 'accent',
        subtitle: view.customer.name,
        paragraphs: [t(lang, 'card.restore.intro', { customer: view.customer.name, kind, status: restoreStatus }), ...(view.message ? [view.message] : [])],
        facts: rows([
          [t(lang, 'fact.customer'), view.customer.name],
          [t(lang, 'fact.kind'), kind],
          [t(lang, 'fact.item'), view.item ?? ''],
          [t(lang, 'fact.status'), restoreStatus],
          [t(lang, 'fact.requestedBy'), view.requestedBy ?? ''],
          [t(lang, 'fact.items'), view.items !== undefined ? formatNumber(lang, view.items) : ''],
          [t(lang, 'fact.started'), when(view.at)],
        ]),
        links: compactLinks(portal),
      });
    }
    case 'licenseThreshold': {
      const ratio = view.licensed > 0 ? view.used / view.licensed : 1;
      const title = t(lang, 'card.licenseThreshold.title', { percent: formatPercent(lang, ratio) });
      return doc({
        summary: `${title}: ${clean(view.customer.name, 80)}`,
        title,
        tone: ratio >= 1 ? 'attention' : 'warning',
        subtitle: view.customer.name,
        paragraphs: [
          t(lang, 'card.licenseThreshold.intro', { customer: view.customer.name, used: view.used, licensed: view.licensed }),
          ...(ratio > 1 ? [t(lang, 'card.licenseThreshold.over', { customer: view.customer.name })] : []),
        ],
        facts: rows([
          [t(lang, 'fact.customer'), view.customer.name],
          [t(lang, 'fact.licensed'), formatNumber(lang, view.licensed)],
          [t(lang, 'fact.used'), formatNumber(lang, view.used)],
          [t(lang, 'fact.usage'), formatPercent(lang, ratio)],
          [t(lang, 'fact.threshold'), formatPercent(lang, view.thresholdPercent / 100)],
        ]),
        nextStep: t(lang, 'card.licenseThreshold.nextStep'),
        links: compactLinks(portal),
        actions: ctx.interactive && view.alertId ? compactActions(button(t(lang, 'action.acknowledge'), { verb: 'alert.acknowledge', alertId: view.alertId, customerId: view.customer.id })) : [],
      });
    }
    case 'licenseChange': {
      const title = t(lang, 'card.licenseChange.title');
      return doc({
        summary: `${title}: ${clean(view.customer.name, 80)} (${formatNumber(lang, view.previous)} → ${formatNumber(lang, view.current)})`,
        title,
        tone: 'accent',
        subtitle: view.customer.name,
        paragraphs: [t(lang, 'card.licenseChange.intro', { customer: view.customer.name, previous: view.previous, current: view.current })],
        facts: rows([
          [t(lang, 'fact.customer'), view.customer.name],
          [t(lang, 'fact.previous'), formatNumber(lang, view.previous)],
          [t(lang, 'fact.current'), formatNumber(lang, view.current)],
          [t(lang, 'fact.changedBy'), view.changedBy ?? ''],
        ]),
        links: compactLinks(portal),
      });
    }
    case 'staleProtection': {
      const title = t(lang, 'card.stale.title');
      const params = { policy: view.policy.name, customer: view.customer.name, hours: view.thresholdHours };
      return doc({
        summary: `${title}: ${clean(view.customer.name, 80)} – ${clean(view.policy.name, 80)}`,
        title,
        tone: 'warning',
        subtitle: view.customer.name,
        paragraphs: [t(lang, view.lastSuccessAt ? 'card.stale.intro' : 'card.stale.never', params)],
        facts: rows([
          [t(lang, 'fact.customer'), view.customer.name],
          [t(lang, 'fact.policy'), view.policy.name],
          [t(lang, 'fact.lastSuccess'), view.lastSuccessAt ? when(view.lastSuccessAt) : t(lang, 'status.Never')],
          [t(lang, 'fact.threshold'), `${formatNumber(lang, view.thresholdHours)} h`],
        ]),
        nextStep: t(lang, 'card.stale.nextStep'),
        links: compactLinks(portal),
        actions: ctx.interactive
          ? compactActions(
              button(t(lang, 'action.startPolicy'), { verb: 'policy.start', policyId: view.policy.id, customerId: view.customer.id }, 'positive'),
              view.alertId ? button(t(lang, 'action.acknowledge'), { verb: 'alert.acknowledge', alertId: view.alertId, customerId: view.customer.id }) : null,
            )
          : [],
      });
    }
    case 'usageReportDue': {
      const month = formatMonth(lang, view.month);
      const due = formatDate(lang, view.dueDate, zone);
      const title = t(lang, view.overdue ? 'card.usageReport.titleOverdue' : 'card.usageReport.title');
      return doc({
        summary: `${title}: ${month}`,
        title,
        tone: view.overdue ? 'attention' : 'warning',
        subtitle: month,
        paragraphs: [t(lang, view.overdue ? 'card.usageReport.overdue' : 'card.usageReport.intro', { month, due }), ...(view.suspended ? [t(lang, 'card.usageReport.suspended')] : [])],
        facts: rows([
          [t(lang, 'fact.month'), month],
          [t(lang, 'fact.report'), view.number ?? ''],
          [t(lang, 'fact.status'), tOr(lang, `report.status.${view.status}`, view.status)],
          [t(lang, 'fact.dueDate'), due],
        ]),
        nextStep: t(lang, 'card.usageReport.nextStep'),
        links: compactLinks(hub, portal),
      });
    }
    case 'serviceStatus': {
      const state = (value: string) => tOr(lang, `service.status.${value}`, value);
      const regions = [...new Set(view.changes.map((c) => c.region))];
      const first = view.changes[0]!;
      const worst = view.changes.some((c) => c.status === 'outage') ? 'attention' : view.changes.every((c) => c.status === 'operational') ? 'good' : 'warning';
      const title = regions.length === 1 ? t(lang, 'card.serviceStatus.title', { region: regions[0]! }) : t(lang, 'card.serviceStatus.titleMany');
      const lines = view.changes.map((c) => `${t(lang, 'card.serviceStatus.intro', { service: c.service, region: c.region, status: state(c.status) })}${c.message ? ` ${c.message}` : ''}`);
      return doc({
        summary: view.changes.length === 1 ? `${title} – ${clean(first.service, 80)}: ${state(first.status)}` : `${title}: ${regions.join(', ')}`,
        title,
        tone: worst,
        paragraphs: lines.slice(0, DIGEST_LINES),
        facts:
          view.changes.length === 1
            ? rows([
                [t(lang, 'fact.region'), first.region],
                [t(lang, 'fact.service'), first.service],
                [t(lang, 'fact.status'), state(first.status)],
                [t(lang, 'fact.previous'), first.previous ? state(first.previous) : ''],
                [t(lang, 'fact.since'), when(first.since)],
              ])
            : [],
        links: compactLinks(portal),
      });
    }
    case 'connectionFailing': {
      const title = t(lang, 'card.connectionFailing.title');
      return doc({
        summary: `${title}: ${clean(view.connection.name, 80)}`,
        title,
        tone: 'attention',
        subtitle: view.connection.name,
        paragraphs: [t(lang, 'card.connectionFailing.intro', { connection: view.connection.name }), ...(view.reason ? [view.reason] : [])],
        facts: rows([
          [t(lang, 'fact.connection'), view.connection.name],
          [t(lang, 'fact.since'), when(view.since)],
        ]),
        nextStep: t(lang, 'card.connectionFailing.nextStep'),
        links: compactLinks(hub),
        actions: ctx.interactive && view.alertId ? compactActions(button(t(lang, 'action.acknowledge'), { verb: 'alert.acknowledge', alertId: view.alertId })) : [],
      });
    }
    case 'digest':
      return describeDigest(view, ctx, { when, status, portal });
    case 'test': {
      const title = t(lang, 'card.test.title');
      return doc({
        summary: title,
        title,
        tone: 'accent',
        subtitle: view.contact,
        paragraphs: [t(lang, 'card.test.intro'), t(lang, 'card.test.sentBy', { name: view.sentBy })],
        links: compactLinks(portal),
      });
    }
  }
}

function describeDigest(
  view: DigestView,
  ctx: CardContext,
  helpers: { when: (iso: string | null | undefined) => string; status: (s: string) => string; portal: { title: string; url: string } | null },
): NotificationDocument {
  const lang = ctx.language;
  const zone = ctx.timeZone ?? 'UTC';
  const day = formatDate(lang, view.date, zone);
  const sections: NotificationDocument['sections'] = [];
  const add = (title: string, lines: string[]) => {
    if (lines.length === 0) return;
    sections.push({ title, lines: lines.slice(0, DIGEST_LINES), more: Math.max(0, lines.length - DIGEST_LINES) });
  };
  const on = new Set(view.sections);
  const who = (customer: { name: string }, policy?: { name: string }) => (view.customer ? (policy?.name ?? customer.name) : policy ? `${customer.name} – ${policy.name}` : customer.name);
  if (on.has('failed'))
    add(
      t(lang, 'digest.section.failed'),
      view.failed.map((l) => `${who(l.customer, l.policy)} (${helpers.when(l.at) || helpers.status(l.status)})`),
    );
  if (on.has('warning'))
    add(
      t(lang, 'digest.section.warning'),
      view.warning.map((l) => `${who(l.customer, l.policy)} (${helpers.when(l.at) || helpers.status(l.status)})`),
    );
  if (on.has('stale')) {
    add(
      t(lang, 'digest.section.stale', { hours: view.staleHours }),
      view.stale.map((l) => `${who(l.customer, l.policy)} (${l.lastSuccessAt ? t(lang, 'digest.lastSuccessOn', { date: helpers.when(l.lastSuccessAt) }) : t(lang, 'digest.lastSuccessNever')})`),
    );
  }
  if (on.has('license')) {
    add(
      t(lang, 'digest.section.license', { percent: formatPercent(lang, view.licensePercent / 100) }),
      view.license.map((l) => `${l.customer.name}: ${formatNumber(lang, l.used)} / ${formatNumber(lang, l.licensed)} (${formatPercent(lang, l.licensed > 0 ? l.used / l.licensed : 1)})`),
    );
  }
  if (on.has('invites')) {
    add(
      t(lang, 'digest.section.invites', { days: view.invitePendingDays }),
      view.invites.map((l) => `${l.customer.name}: ${l.email} (${t(lang, 'digest.invitedOn', { date: formatDate(lang, l.invitedAt, zone) })})`),
    );
  }
  if (on.has('reportDue')) {
    add(
      t(lang, 'digest.section.reportDue'),
      view.reports.map((r) =>
        t(lang, 'digest.reportLine', {
          month: formatMonth(lang, r.month),
          status: r.overdue ? t(lang, 'report.status.Overdue') : tOr(lang, `report.status.${r.status}`, r.status),
          due: formatDate(lang, r.dueDate, zone),
        }),
      ),
    );
  }
  const attention = sections.length > 0;
  if (on.has('activity') && view.activity) {
    const a = view.activity;
    add(t(lang, 'digest.section.activity'), [
      ...(a.completed !== null ? [tn(lang, 'digest.activity.completed', a.completed)] : []),
      ...(a.failed !== null ? [tn(lang, 'digest.activity.failed', a.failed)] : []),
      ...(a.restores !== null ? [tn(lang, 'digest.activity.restores', a.restores)] : []),
    ]);
  }
  const title = t(lang, 'digest.title', { date: day });
  const counts = [
    view.failed.length && on.has('failed') ? t(lang, 'digest.count.failed', { count: view.failed.length }) : '',
    view.warning.length && on.has('warning') ? t(lang, 'digest.count.warning', { count: view.warning.length }) : '',
    view.stale.length && on.has('stale') ? t(lang, 'digest.count.stale', { count: view.stale.length }) : '',
  ].filter(Boolean);
  const scope = view.customer?.name ?? view.accountName;
  return {
    summary: `${title} – ${clean(scope, 80)}${counts.length ? `: ${counts.join(', ')}` : ''}`,
    title,
    tone: view.failed.length > 0 && on.has('failed') ? 'attention' : attention ? 'warning' : 'good',
    subtitle: scope,
    paragraphs: [attention ? t(lang, 'digest.intro', { account: scope }) : t(lang, 'digest.allClear')],
    facts: [],
    sections,
    links: compactLinks(helpers.portal),
    actions: [],
  };
}

// ---- rendering the document as a card ----

const TONE_STYLE: Record<Tone, ContainerStyle> = { attention: 'attention', warning: 'warning', good: 'good', accent: 'accent', default: 'emphasis' };

export function documentCard(doc: NotificationDocument, ctx: CardContext): AdaptiveCard {
  const lang = ctx.language;
  const buttons: CardButton[] = [...doc.actions.map((a) => execute(a.title, a.action, a.style ? { style: a.style } : {})), ...doc.links.map((l) => openUrl(l.title, l.url))];
  return card(
    [
      container([heading(doc.title, { size: 'Medium' }), doc.subtitle ? text(doc.subtitle, { isSubtle: true, spacing: 'None' }) : null], { style: TONE_STYLE[doc.tone], bleed: true }),
      ...doc.paragraphs.map((p) => text(p, { max: 600 })),
      facts(doc.facts),
      ...doc.sections.map((s) =>
        container([text(s.title, { weight: 'Bolder' }), ...bullets(s.lines), s.more > 0 ? text(tn(lang, 'digest.more', s.more), { isSubtle: true, spacing: 'None' }) : null], { spacing: 'Medium' }),
      ),
      doc.nextStep ? text(doc.nextStep, { isSubtle: true, spacing: 'Medium', max: 400 }) : null,
    ],
    buttons,
    { fallbackText: doc.summary },
  );
}

export function notificationCard(view: NotificationView, ctx: CardContext): AdaptiveCard {
  return documentCard(describeNotification(view, ctx), ctx);
}

// Named builders, one per card, for callers that hold one kind of view.
type ViewOf<K extends NotificationView['kind']> = Extract<NotificationView, { kind: K }>;
export const failureCard = (view: ViewOf<'backupFailed'>, ctx: CardContext) => notificationCard(view, ctx);
export const completionCard = (view: ViewOf<'backupCompleted'>, ctx: CardContext) => notificationCard(view, ctx);
export const restoreCard = (view: ViewOf<'restore'>, ctx: CardContext) => notificationCard(view, ctx);
export const licenseThresholdCard = (view: ViewOf<'licenseThreshold'>, ctx: CardContext) => notificationCard(view, ctx);
export const staleProtectionCard = (view: ViewOf<'staleProtection'>, ctx: CardContext) => notificationCard(view, ctx);
export const usageReportDueCard = (view: ViewOf<'usageReportDue'>, ctx: CardContext) => notificationCard(view, ctx);
export const serviceStatusCard = (view: ViewOf<'serviceStatus'>, ctx: CardContext) => notificationCard(view, ctx);
export const digestCard = (view: ViewOf<'digest'>, ctx: CardContext) => notificationCard(view, ctx);

// ---- helpers ----

function rows(pairs: [string, string][]): [string, string][] {
  return pairs.filter(([, value]) => value !== '');
}

function link(title: string, url: string | undefined): { title: string; url: string } | null {
  return url && /^https:\/\/[^\s]+$/.test(url) ? { title, url } : null;
}

function compactLinks(...links: ({ title: string; url: string } | null)[]): { title: string; url: string }[] {
  return links.filter((l): l is { title: string; url: string } => l !== null);
}

/** A button only when its data is a valid action (ids from data may not be). */
function button(title: string, action: unknown, style?: 'positive' | 'destructive'): NotificationDocument['actions'][number] | null {
  const parsed = CardAction.safeParse(action);
  return parsed.success ? { title, action: parsed.data, ...(style && { style }) } : null;
}

function compactActions(...actions: (NotificationDocument['actions'][number] | null)[]): NotificationDocument['actions'] {
  return actions.filter((a): a is NotificationDocument['actions'][number] => a !== null);
}
