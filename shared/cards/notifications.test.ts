import { describe, expect, it } from 'vitest';
import { CardAction, NotificationView, type DigestView } from '../schemas/cards.js';
import { LANGUAGES } from '../i18n/index.js';
import { jsonBytes, teamsWebhookMessage, TEAMS_WEBHOOK_LIMIT_BYTES, type AdaptiveCard } from './kit.js';
import {
  completionCard,
  describeNotification,
  digestCard,
  failureCard,
  licenseThresholdCard,
  notificationCard,
  restoreCard,
  serviceStatusCard,
  staleProtectionCard,
  usageReportDueCard,
  type CardContext,
} from './notifications.js';
import { validateCard } from './validate.js';

const customer = { id: 'cus_fabrikam', name: 'Fabrikam Legal LLP' };
const policy = { id: 'pol_fabrikam_mail', name: 'Exchange Online – all mailboxes' };
const links = { portal: 'https://portal.veeamdatacloud.com', hub: 'https://hub.northwind-msp.com' };

const VIEWS: NotificationView[] = [
  {
    kind: 'backupFailed',
    customer,
    policy,
    status: 'Failed',
    sessionId: 'ses_1',
    startedAt: '2026-11-24T01:00:00Z',
    endedAt: '2026-11-24T01:20:00Z',
    message: 'Mailbox anna@fabrikam-legal.com: access denied',
    failingSince: '2026-11-22T01:00:00Z',
    consecutiveFailures: 3,
    alertId: 'backupFailed.pol_fabrikam_mail',
  },
  { kind: 'backupFailed', customer, policy, status: 'Disconnected', alertId: 'tenantDisconnected.cus_fabrikam' },
  { kind: 'backupCompleted', customer, policy, status: 'Success', startedAt: '2026-11-24T01:00:00Z', endedAt: '2026-11-24T02:03:05Z', processedObjects: 1234, transferredBytes: 5_368_709_120 },
  { kind: 'backupCompleted', customer, policy, status: 'Warning', message: '2 items skipped' },
  { kind: 'backupCompleted', customer, policy, status: 'Stopped' },
  {
    kind: 'restore',
    customer,
    restoreId: 'rst_1',
    restoreKind: 'oneDriveFile',
    item: '/Documents/Contract.docx',
    status: 'completed',
    requestedBy: 'Anna Smith',
    items: 1,
    at: '2026-11-24T10:00:00Z',
  },
  { kind: 'restore', customer, restoreId: 'rst_2', restoreKind: 'mailItem', status: 'failed', message: 'The mailbox no longer exists' },
  { kind: 'licenseThreshold', customer, used: 87, licensed: 100, thresholdPercent: 80, alertId: 'licenseThreshold.cus_fabrikam' },
  { kind: 'licenseThreshold', customer, used: 130, licensed: 100, thresholdPercent: 80 },
  { kind: 'licenseChange', customer, previous: 100, current: 150, changedBy: 'Hub Administrator' },
  { kind: 'staleProtection', customer, policy, lastSuccessAt: '2026-11-22T03:00:00Z', thresholdHours: 24, alertId: 'staleProtection.pol_fabrikam_mail' },
  { kind: 'staleProtection', customer, policy, lastSuccessAt: null, thresholdHours: 48 },
  { kind: 'usageReportDue', month: '2026-10', number: 'MU-1001', dueDate: '2026-11-03', status: 'Pending Service Provider Review', overdue: false, suspended: false },
  { kind: 'usageReportDue', month: '2026-10', dueDate: '2026-11-03', status: 'Saved', overdue: true, suspended: true },
  {
    kind: 'serviceStatus',
    changes: [{ region: 'EMEA', service: 'Exchange Online backup', status: 'degraded', previous: 'operational', since: '2026-11-24T08:00:00Z', message: 'Backups are slower than usual' }],
  },
  {
    kind: 'serviceStatus',
    changes: [
      { region: 'EMEA', service: 'Exchange Online backup', status: 'outage' },
      { region: 'APJ', service: 'Teams backup', status: 'operational' },
    ],
  },
  digest(),
  { kind: 'test', sentBy: 'Hub Administrator', contact: 'noc@northwind-msp.com' },
  {
    kind: 'connectionFailing',
    connection: { id: 'con_1', name: 'Provider VSPC' },
    reason: 'VSPC refused the credentials (401 on /organizations/companies)',
    since: '2026-11-24T08:00:00Z',
    alertId: 'connectionFailing.con_1',
  },
  { kind: 'connectionFailing', connection: { id: 'con_2', name: 'VDC EMEA' }, reason: '' },
];

function digest(overrides: Partial<DigestView> = {}): DigestView {
  return {
    kind: 'digest',
    date: '2026-11-24',
    accountName: 'Northwind Cloud Services',
    sections: ['failed', 'warning', 'stale', 'license', 'invites', 'reportDue', 'activity'],
    staleHours: 24,
    licensePercent: 80,
    invitePendingDays: 7,
    failed: [
      { customer, policy, status: 'Failed', at: '2026-11-23T02:00:00Z' },
      { customer: { id: 'cus_2', name: 'Contoso' }, status: 'Disconnected' },
    ],
    warning: [{ customer, policy: { id: 'pol_2', name: 'OneDrive' }, status: 'Warning' }],
    stale: [{ customer, policy, lastSuccessAt: null }],
    license: [{ customer, used: 90, licensed: 100 }],
    invites: [{ customer: { id: 'cus_3', name: 'Tailspin' }, email: 'it@tailspin.com', invitedAt: '2026-11-10T09:00:00Z' }],
    reports: [{ month: '2026-10', status: 'Saved', dueDate: '2026-11-03', overdue: true }],
    activity: { completed: 41, failed: 2, restores: 1 },
    ...overrides,
  };
}

const ctx = (language: CardContext['language'], interactive: boolean): CardContext => ({ language, links, interactive, timeZone: 'Europe/Berlin' });

function expectValid(card: AdaptiveCard, interactive: boolean) {
  const result = validateCard(card, interactive ? {} : { measure: teamsWebhookMessage(card) });
  expect(result.errors).toEqual([]);
  expect(result.bytes).toBeLessThan(TEAMS_WEBHOOK_LIMIT_BYTES);
  expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json' });
}

function texts(card: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.text === 'string') out.push(o.text);
      if (typeof o.title === 'string') out.push(o.title);
      if (typeof o.value === 'string') out.push(o.value);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out.join('\n');
}

function buttons(card: AdaptiveCard) {
  return card.actions ?? [];
}

describe('notification cards', () => {
  it('every view is valid schema 1.5 for the adaptivecards parser, in every language, for webhooks and the bot', () => {
    for (const view of VIEWS) {
      expect(NotificationView.safeParse(view).success, view.kind).toBe(true);
      for (const language of LANGUAGES) {
        for (const interactive of [false, true]) expectValid(notificationCard(view, ctx(language, interactive)), interactive);
      }
    }
  });

  it('speaks the contact language: English and German from the one catalog', () => {
    const en = texts(failureCard(VIEWS[0] as never, ctx('en', false)));
    const de = texts(failureCard(VIEWS[0] as never, ctx('de', false)));
    expect(en).toContain('Backup failed');
    expect(en).toContain('Failures in a row');
    expect(de).toContain('Sicherung fehlgeschlagen');
    expect(de).toContain('Fehler in Folge');
    expect(de).not.toContain('Richtlinie wiederholen'); // webhook cards have no bot buttons
    expect(texts(failureCard(VIEWS[0] as never, ctx('de', true)))).toContain('Richtlinie wiederholen');
    expect(de).not.toContain('Backup failed');
    // Times in the contact's zone, named
    expect(de).toMatch(/24\.11\.2026, 02:20 Europe\/Berlin/);
    expect(texts(digestCard(digest(), ctx('de', false)))).toContain('Tägliche Zusammenfassung vom 24.11.2026');
    expect(texts(licenseThresholdCard(VIEWS[7] as never, ctx('de', false)))).toContain('87 %');
    expect(texts(licenseThresholdCard(VIEWS[7] as never, ctx('en', false)))).toContain('87%');
  });

  it('gives bot cards Action.Execute buttons with typed data and an Action.Submit fallback; webhook cards only links', () => {
    const bot = failureCard(VIEWS[0] as never, ctx('en', true));
    const executes = buttons(bot).filter((b) => b.type === 'Action.Execute');
    expect(executes.map((b) => b.verb)).toEqual(['policy.retry', 'alert.acknowledge']);
    for (const b of executes) {
      const data = CardAction.parse(b.data);
      expect(data.verb).toBe(b.verb);
      expect(b.fallback).toEqual({ type: 'Action.Submit', title: b.title, data: b.data, ...(b.style ? { style: b.style } : {}) });
    }
    expect(CardAction.parse(executes[0]!.data)).toEqual({ verb: 'policy.retry', policyId: 'pol_fabrikam_mail', customerId: 'cus_fabrikam', sessionId: 'ses_1' });
    expect(buttons(bot).some((b) => b.type === 'Action.OpenUrl' && b.url === links.portal)).toBe(true);

    const stale = staleProtectionCard(VIEWS[10] as never, ctx('en', true));
    expect(
      buttons(stale)
        .filter((b) => b.type === 'Action.Execute')
        .map((b) => b.data),
    ).toEqual([
      { verb: 'policy.start', policyId: 'pol_fabrikam_mail', customerId: 'cus_fabrikam' },
      { verb: 'alert.acknowledge', alertId: 'staleProtection.pol_fabrikam_mail', customerId: 'cus_fabrikam' },
    ]);

    for (const view of VIEWS) {
      const webhook = notificationCard(view, ctx('en', false));
      expect(
        buttons(webhook).every((b) => b.type === 'Action.OpenUrl'),
        view.kind,
      ).toBe(true);
    }
  });

  it('leaves out buttons whose ids are not valid action data, and links that are not https', () => {
    const odd = failureCard({ ...(VIEWS[0] as object), policy: { id: 'pol with spaces/../x', name: 'x' }, alertId: undefined } as never, {
      ...ctx('en', true),
      links: { portal: 'http://portal.local' },
    });
    expect(buttons(odd)).toEqual([]);
    expectValid(odd, true);
  });

  it('escapes user text: markdown, links and HTML in names arrive as literal text', () => {
    const evil = { id: 'cus_evil', name: '**Acme** _x_ [click](https://evil.example) <b>bold</b> `code` ~~gone~~\n# heading\u202e' };
    for (const view of [
      { ...VIEWS[0], customer: evil, policy: { id: 'pol_1', name: '- [ ] list *item*' }, message: '1. first <script>alert(1)</script>' },
      { ...VIEWS[5], customer: evil, requestedBy: '[me](https://evil.example)' },
      digest({ failed: [{ customer: evil, policy: { id: 'p', name: '*p*' }, status: 'Failed' }], invites: [{ customer: evil, email: 'a_b@x.com', invitedAt: '2026-11-01T00:00:00Z' }] }),
    ] as NotificationView[]) {
      const card = notificationCard(view, ctx('en', true));
      expectValid(card, true);
      const all = texts(card);
      expect(all).toContain('\\*\\*Acme\\*\\*');
      expect(all).toContain('\\[click\\](https://evil.example)');
      expect(all).toContain('\\<b\\>bold\\</b\\>');
      expect(all).not.toMatch(/(^|[^\\])\[click\]/);
      expect(all).not.toMatch(/(^|[^\\])<b>/);
      expect(all).not.toContain('\u202e');
      expect(all).not.toMatch(/\n# heading/);
    }
  });

  it('stays under 28 KB with very long names and huge digests, saying how many lines it left out', () => {
    const long = 'Ünïcödé-Kunde '.repeat(2000);
    const big = { id: 'cus_big', name: long };
    for (const view of VIEWS) {
      const stretched = JSON.parse(JSON.stringify(view).replaceAll('Fabrikam Legal LLP', long)) as NotificationView;
      for (const interactive of [false, true]) expectValid(notificationCard(stretched, ctx('de', interactive)), interactive);
    }
    const many = Array.from({ length: 3000 }, (_, i) => ({ customer: { ...big, id: `cus_${i}` }, policy: { id: `pol_${i}`, name: long }, status: 'Failed' }));
    const huge = digest({ failed: many, warning: many, stale: many.map((l) => ({ ...l, lastSuccessAt: null })), license: many.map((l) => ({ customer: l.customer, used: 99, licensed: 100 })) });
    const card = digestCard(huge, ctx('en', false));
    expectValid(card, false);
    expect(texts(card)).toContain('and 2,990 more');
    expect(jsonBytes(teamsWebhookMessage(card))).toBeLessThan(TEAMS_WEBHOOK_LIMIT_BYTES);
  });

  it('describes each card with the facts a reader needs', () => {
    const done = describeNotification(VIEWS[2]!, ctx('en', false));
    expect(done.title).toBe('Backup complete');
    expect(Object.fromEntries(done.facts)).toMatchObject({ Duration: '1 h 3 min', 'Processed objects': '1,234', Transferred: '5 GB' });
    expect(describeNotification(VIEWS[3]!, ctx('en', false)).title).toBe('Backup complete with warnings');
    expect(describeNotification(VIEWS[1]!, ctx('en', false)).nextStep).toMatch(/Global Administrator/);
    const report = describeNotification(VIEWS[13]!, ctx('en', false));
    expect(report.title).toBe('Usage report overdue');
    expect(report.paragraphs.join(' ')).toMatch(/license management is suspended/);
    expect(describeNotification(VIEWS[11]!, ctx('en', false)).paragraphs[0]).toMatch(/never completed successfully/);
    const status = describeNotification(VIEWS[15]!, ctx('en', false));
    expect(status.title).toBe('Service status changed');
    expect(status.tone).toBe('attention');
    expect(describeNotification(VIEWS[14]!, ctx('de', false)).paragraphs[0]).toBe('Exchange Online backup in EMEA ist jetzt: Eingeschränkt. Backups are slower than usual');
    const empty = describeNotification(digest({ failed: [], warning: [], stale: [], license: [], invites: [], reports: [], activity: null }), ctx('en', false));
    expect(empty.paragraphs).toEqual(['Nothing needs attention today.']);
    expect(empty.tone).toBe('good');
  });

  it('gives each card kind its own named builder', () => {
    expect(texts(completionCard(VIEWS[2] as never, ctx('en', false)))).toContain('Backup complete');
    expect(texts(restoreCard(VIEWS[5] as never, ctx('en', false)))).toContain('OneDrive file');
    expect(texts(usageReportDueCard(VIEWS[12] as never, ctx('en', false)))).toContain('MU-1001');
    expect(texts(serviceStatusCard(VIEWS[14] as never, ctx('en', false)))).toContain('Service status: EMEA');
  });
});
