import { DAY } from '../../../shared/domain/clock.js';
import type { DigestView } from '../../../shared/schemas/cards.js';
import type { DomainEvent } from '../../../shared/schemas/events.js';
import type { DigestSection, DigestSettings, Topic } from '../../../shared/schemas/notifications.js';
import type { HubContext } from '../../context.js';
import { collectionNamed } from '../../store/collection.js';
import { customers } from '../customer-collection.js';

/**
 * The daily summary's content: what needs attention now (open, unacknowledged alerts for failed,
 * warning and stale policies and license usage; invitations pending too long; usage reports to
 * submit) and what happened in the last 24 hours. Collected once per run for the whole partner,
 * then cut per recipient: a customer's contacts see only their customer, and every contact only
 * the sections its topics cover.
 */
export interface DigestFacts {
  failed: DigestView['failed'];
  warning: DigestView['warning'];
  stale: DigestView['stale'];
  license: DigestView['license'];
  invites: DigestView['invites'];
  reports: DigestView['reports'];
  /** Last-24-hour counts per customer id ('' sums everything). */
  activity: Map<string, { completed: number; failed: number; restores: number }>;
  staleHours: number;
  licensePercent: number;
}

/** Which topics a section needs (any of them); partner-only sections are not for customers' contacts. */
const SECTION_TOPICS: Record<DigestSection, { topics: readonly Topic[]; partnerOnly: boolean }> = {
  failed: { topics: ['backupFailed'], partnerOnly: false },
  warning: { topics: ['backupFailed', 'backupComplete'], partnerOnly: false },
  stale: { topics: ['staleProtection'], partnerOnly: false },
  license: { topics: ['licenseThreshold', 'licenseChange'], partnerOnly: false },
  invites: { topics: [], partnerOnly: true },
  reportDue: { topics: ['usageReportDue'], partnerOnly: true },
  activity: { topics: ['backupComplete', 'backupFailed', 'restoreActivity'], partnerOnly: false },
};

/** The sections a recipient gets: enabled in the settings and covered by its topics (all for channel subscribers of `digest`). */
export function sectionsFor(settings: DigestSettings, topics: readonly Topic[] | 'all', scope: 'partner' | 'customer'): DigestSection[] {
  return settings.sections.filter((section) => {
    const rule = SECTION_TOPICS[section];
    if (rule.partnerOnly && scope === 'customer') return false;
    if (topics === 'all' || rule.topics.length === 0) return true;
    return rule.topics.some((t) => topics.includes(t));
  });
}

export async function collectDigestFacts(ctx: HubContext, now: Date, settings: DigestSettings): Promise<DigestFacts> {
  const alertService = ctx.services.alerts as HubContext['services']['alerts'] | undefined;
  const thresholds = alertService?.settings() ?? { staleAfterHours: 24, licenseThresholdPercent: 80 };
  const facts: DigestFacts = {
    failed: [],
    warning: [],
    stale: [],
    license: [],
    invites: [],
    reports: [],
    activity: new Map(),
    staleHours: thresholds.staleAfterHours,
    licensePercent: thresholds.licenseThresholdPercent,
  };
  const policies = collectionNamed('policies');
  const lastSuccess = (policyId: string): string | null => {
    const policy = policies ? (ctx.store.get(policies, policyId) as { lastSuccessAt?: string | null } | undefined) : undefined;
    return policy?.lastSuccessAt ?? null;
  };

  for (const alert of alertService?.all() ?? []) {
    if (alert.acknowledged || !alert.customerId) continue;
    const customer = { id: alert.customerId, name: alert.customerName ?? alert.customerId };
    const policy = alert.subject.type === 'policy' ? { id: alert.subject.id, name: alert.subject.name } : undefined;
    switch (alert.kind) {
      case 'backupFailed':
        facts.failed.push({ customer, ...(policy && { policy }), status: 'Failed', at: alert.since });
        break;
      case 'tenantDisconnected':
        facts.failed.push({ customer, status: 'Disconnected', at: alert.since });
        break;
      case 'backupWarning':
        facts.warning.push({ customer, ...(policy && { policy }), status: 'Warning', at: alert.since });
        break;
      case 'staleProtection':
        if (policy) facts.stale.push({ customer, policy, lastSuccessAt: lastSuccess(policy.id) });
        break;
      case 'licenseThreshold': {
        const c = ctx.store.get(customers, alert.customerId);
        if (c) facts.license.push({ customer: { id: c.id, name: c.displayName }, used: c.backedUpAccounts, licensed: c.licenseLimit ?? 0 });
        break;
      }
    }
  }

  const inviteCutoff = now.getTime() - settings.invitePendingDays * DAY;
  for (const c of ctx.store.all(customers)) {
    if (c.status !== 'pending') continue;
    for (const invite of c.invites ?? []) {
      if (!invite.acceptedAt && Date.parse(invite.invitedAt) <= inviteCutoff) facts.invites.push({ customer: { id: c.id, name: c.displayName }, email: invite.email, invitedAt: invite.invitedAt });
    }
  }
  facts.invites.sort((a, b) => a.invitedAt.localeCompare(b.invitedAt));

  const usage = ctx.services.usage as HubContext['services']['usage'] | undefined;
  if (usage) {
    const open = usage.list({ status: ['Pending Service Provider Review', 'Saved', 'Rejected'], sort: '-month', page: 1, pageSize: 24 });
    for (const report of open.items) {
      if (report.snapshot) continue;
      facts.reports.push({ month: report.usageMonth, status: report.status ?? 'Pending Service Provider Review', dueDate: report.dueDate, overdue: report.overdue });
    }
  }

  facts.activity = activityOf(await ctx.events.since(0), now);
  return facts;
}

/** Sessions that ended and restores asked for in the 24 hours before `now`, per customer. */
export function activityOf(events: readonly DomainEvent[], now: Date): DigestFacts['activity'] {
  const since = new Date(now.getTime() - DAY).toISOString();
  const until = now.toISOString();
  const out: DigestFacts['activity'] = new Map([['', { completed: 0, failed: 0, restores: 0 }]]);
  const bump = (customerId: string | undefined, key: 'completed' | 'failed' | 'restores') => {
    for (const id of customerId ? ['', customerId] : ['']) {
      const counts = out.get(id) ?? { completed: 0, failed: 0, restores: 0 };
      counts[key] += 1;
      out.set(id, counts);
    }
  };
  for (const e of events) {
    if (e.at < since || e.at > until) continue;
    if (e.type === 'session.finished') {
      const status = e.data.status;
      if (status === 'Success' || status === 'Warning') bump(e.customerId, 'completed');
      else if (status === 'Failed' || status === 'Disconnected') bump(e.customerId, 'failed');
    } else if (e.type === 'restore.requested') {
      bump(e.customerId, 'restores');
    }
  }
  return out;
}

/** One recipient's summary: its sections, and for a customer's contact only that customer. */
export function digestView(
  facts: DigestFacts,
  input: { date: string; accountName: string; settings: DigestSettings; sections: DigestSection[]; customer?: { id: string; name: string } | undefined; topics: readonly Topic[] | 'all' },
): DigestView {
  const mine = <T extends { customer: { id: string } }>(lines: T[]) => (input.customer ? lines.filter((l) => l.customer.id === input.customer!.id) : lines);
  const counts = facts.activity.get(input.customer?.id ?? '') ?? { completed: 0, failed: 0, restores: 0 };
  const wants = (topic: Topic) => input.topics === 'all' || input.topics.includes(topic);
  return {
    kind: 'digest',
    date: input.date,
    accountName: input.accountName,
    ...(input.customer && { customer: input.customer }),
    sections: input.sections,
    staleHours: facts.staleHours,
    licensePercent: facts.licensePercent,
    invitePendingDays: input.settings.invitePendingDays,
    failed: mine(facts.failed),
    warning: mine(facts.warning),
    stale: mine(facts.stale),
    license: mine(facts.license),
    invites: input.customer ? [] : facts.invites,
    reports: input.customer ? [] : facts.reports,
    activity: input.sections.includes('activity')
      ? { completed: wants('backupComplete') ? counts.completed : null, failed: wants('backupFailed') ? counts.failed : null, restores: wants('restoreActivity') ? counts.restores : null }
      : null,
  };
}

/** The local calendar day and hour of `now` in a time zone. */
export function localDayAndHour(now: Date, timeZone: string): { date: string; hour: number } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) % 24 };
}
