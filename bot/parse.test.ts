import { describe, expect, it } from 'vitest';
import { TOPICS } from '../shared/schemas/notifications.js';
import { commandSyntax } from './commands/registry.js';
import { cleanText, matchTopics, normalizeMonth, parseCommand, tokenize, type Parsed } from './parse.js';

const parse = (text: string) => parseCommand(text, commandSyntax);
const ok = (name: string, args: Record<string, unknown> = {}): Parsed => ({ kind: 'command', name, args });

describe('cleanText', () => {
  it.each([
    ['<at>SP Hub</at> status contoso', 'status contoso'],
    ['<p><at>SP&nbsp;Hub</at>&nbsp;failed</p>', 'failed'],
    ['status <a href="mailto:x@y.com">x@y.com</a>', 'status x@y.com'],
    ['status Fabrikam &amp; Sons', 'status Fabrikam & Sons'],
    ['  status\u00a0\u00a0 “Contoso Ltd” ', 'status "Contoso Ltd"'],
    ['line one<br>line two', 'line one line two'],
  ])('%j -> %j', (raw, clean) => {
    expect(cleanText(raw)).toBe(clean);
  });
});

describe('tokenize', () => {
  it('keeps quoted names together and O’Brien one word', () => {
    expect(tokenize(`start policy "All users" for O'Brien Ltd`).map((t) => t.text)).toEqual(['start', 'policy', 'All users', 'for', "O'Brien", 'Ltd']);
    expect(tokenize(`status 'Contoso Pharma'`)).toEqual([
      { text: 'status', quoted: false },
      { text: 'Contoso Pharma', quoted: true },
    ]);
  });

  it('runs an unclosed quote to the end', () => {
    expect(tokenize('status "Contoso Pharma').map((t) => t.text)).toEqual(['status', 'Contoso Pharma']);
  });
});

describe('parseCommand', () => {
  it.each<[string, Parsed]>([
    ['help', ok('help')],
    ['HELP', ok('help')],
    ['/help', ok('help')],
    ['help?', ok('help')],
    ['hilfe', ok('help')],
    ['<at>SP Hub</at>', { kind: 'empty' }],
    ['', { kind: 'empty' }],
    ['status', ok('status')],
    ['status contoso', ok('status', { customer: 'contoso' })],
    ['<at>SP Hub</at>   Status    CONTOSO   pharma ', ok('status', { customer: 'CONTOSO pharma' })],
    ['status "Contoso Pharmaceuticals AG"', ok('status', { customer: 'Contoso Pharmaceuticals AG' })],
    ['status “Contoso Pharmaceuticals AG”', ok('status', { customer: 'Contoso Pharmaceuticals AG' })],
    ['customers', ok('customers')],
    ['customers pharma', ok('customers', { text: 'pharma' })],
    ['kunden pharma', ok('customers', { text: 'pharma' })],
    ['failed', ok('failed')],
    ['Failed!', ok('failed')],
    ['stale', ok('stale')],
    ['start policy Executives', ok('start policy', { policy: 'Executives' })],
    ['start policy Executives for Contoso', ok('start policy', { policy: 'Executives', customer: 'Contoso' })],
    ['Start Policy executives FOR contoso pharma', ok('start policy', { policy: 'executives', customer: 'contoso pharma' })],
    ['start Executives for Contoso', ok('start policy', { policy: 'Executives', customer: 'Contoso' })],
    ['start policy "Mail for execs" for Contoso', ok('start policy', { policy: 'Mail for execs', customer: 'Contoso' })],
    ['start policy Mail for execs for Contoso', ok('start policy', { policy: 'Mail for execs', customer: 'Contoso' })],
    ['stop policy Executives', ok('stop policy', { policy: 'Executives' })],
    ['enable policy "Teams - Entire organization" for "Bluewater Realty AB"', ok('enable policy', { policy: 'Teams - Entire organization', customer: 'Bluewater Realty AB' })],
    ['disable policy Executives für Contoso', ok('disable policy', { policy: 'Executives', customer: 'Contoso' })],
    ['start policy', { kind: 'invalid', name: 'start policy', problem: 'needsPolicy', args: {} }],
    ['send invite contoso it@contoso.com', ok('send invite', { customer: 'contoso', emails: ['it@contoso.com'] })],
    [
      'send invite "Coho Winery" a@cohowinery.co.uk, B@CohoWinery.co.uk; c@cohowinery.co.uk',
      ok('send invite', { customer: 'Coho Winery', emails: ['a@cohowinery.co.uk', 'b@cohowinery.co.uk', 'c@cohowinery.co.uk'] }),
    ],
    ['send invite Coho Winery <a href="mailto:a@cohowinery.co.uk">a@cohowinery.co.uk</a>', ok('send invite', { customer: 'Coho Winery', emails: ['a@cohowinery.co.uk'] })],
    ['send invite coho', { kind: 'invalid', name: 'send invite', problem: 'needsEmails', args: { customer: 'coho' } }],
    ['send invite a@cohowinery.co.uk', { kind: 'invalid', name: 'send invite', problem: 'needsCustomer', args: { emails: ['a@cohowinery.co.uk'] } }],
    ['send invite coho a@b', { kind: 'invalid', name: 'send invite', problem: 'badEmail', args: { customer: 'coho', emails: ['a@b'] } }],
    ['resend invite coho winery', ok('resend invite', { customer: 'coho winery' })],
    ['resend invite', { kind: 'invalid', name: 'resend invite', problem: 'needsCustomer', args: {} }],
    ['usage', ok('usage')],
    ['usage 2026-10', ok('usage', { month: '2026-10' })],
    ['usage 10/2026', ok('usage', { month: '2026-10' })],
    ['usage 2026-13', { kind: 'invalid', name: 'usage', problem: 'badMonth', args: { text: '2026-13' } }],
    ['usage october', { kind: 'invalid', name: 'usage', problem: 'badMonth', args: { text: 'october' } }],
    ['subscribe backupFailed staleProtection', ok('subscribe', { topics: ['backupFailed', 'staleProtection'] })],
    ['subscribe backupFailed, staleProtection', ok('subscribe', { topics: ['backupFailed', 'staleProtection'] })],
    ['subscribe', { kind: 'invalid', name: 'subscribe', problem: 'needsTopics', args: {} }],
    ['unsubscribe', ok('unsubscribe')],
    ['unsubscribe backupComplete', ok('unsubscribe', { text: 'backupComplete' })],
    ['link', ok('link')],
    ['link abcd-2345', ok('link', { code: 'ABCD-2345' })],
    ['link ABCD 2345', ok('link', { code: 'ABCD2345' })],
  ])('%j', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  it('prefers the longest command phrase', () => {
    expect(parse('resend invite contoso')).toMatchObject({ name: 'resend invite' });
    expect(parse('send invite contoso a@contoso.com')).toMatchObject({ name: 'send invite' });
  });

  it('suggests the closest command for a typo, keeping the rest', () => {
    expect(parse('stauts contoso')).toEqual({ kind: 'unknown', word: 'stauts', suggestion: { name: 'status', text: 'status contoso' } });
    expect(parse('faild')).toEqual({ kind: 'unknown', word: 'faild', suggestion: { name: 'failed', text: 'failed' } });
    expect(parse('stats "Contoso Pharma"')).toEqual({ kind: 'unknown', word: 'stats', suggestion: { name: 'status', text: 'status "Contoso Pharma"' } });
  });

  it('has no suggestion for something unrelated', () => {
    expect(parse('weather tomorrow')).toEqual({ kind: 'unknown', word: 'weather' });
  });
});

describe('normalizeMonth', () => {
  it.each([
    ['2026-10', '2026-10'],
    ['2026-1', '2026-01'],
    ['2026/10', '2026-10'],
    ['10.2026', '2026-10'],
    ['2026-00', null],
    ['2026-13', null],
    ['Oct 2026', null],
  ])('%s -> %s', (value, month) => {
    expect(normalizeMonth(value)).toBe(month);
  });
});

describe('matchTopics', () => {
  it('matches ids in any case, words, and all', () => {
    expect(matchTopics(['BackupFailed', 'stale', 'protection'], TOPICS)).toEqual({ topics: ['backupFailed', 'staleProtection'], unknown: [] });
    expect(matchTopics(['backup failed, usage report due'], TOPICS)).toEqual({ topics: ['backupFailed', 'usageReportDue'], unknown: [] });
    expect(matchTopics(['all'], TOPICS).topics).toEqual([...TOPICS]);
  });

  it('reports unknown words with a close topic', () => {
    expect(matchTopics(['backupFaild', 'weather'], TOPICS)).toEqual({ topics: [], unknown: [{ word: 'backupFaild', suggestion: 'backupFailed' }, { word: 'weather' }] });
  });
});
