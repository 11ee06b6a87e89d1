import { describe, expect, it } from 'vitest';
import { card, clean, clip, escapeMarkdown, execute, facts, jsonBytes, safeText, teamsWebhookMessage, text } from './kit.js';

describe('card kit', () => {
  it('escapes the markdown Teams would interpret, and nothing a reader would miss', () => {
    expect(escapeMarkdown('**bold** _it_ [a](https://x) `c` ~~s~~ <b> a|b \\')).toBe('\\*\\*bold\\*\\* \\_it\\_ \\[a\\](https://x) \\`c\\` \\~\\~s\\~\\~ \\<b\\> a\\|b \\\\');
    expect(escapeMarkdown('# title')).toBe('\\# title');
    expect(escapeMarkdown('- item')).toBe('\\- item');
    expect(escapeMarkdown('+ item')).toBe('\\+ item');
    expect(escapeMarkdown('1. first')).toBe('1\\. first');
    expect(escapeMarkdown('Contoso Ltd. (UK) - 2.5 points, 100%')).toBe('Contoso Ltd. (UK) - 2.5 points, 100%');
  });

  it('cleans values into one bounded line without control or bidi characters', () => {
    expect(clean('  a\n\tb \u0000c\u202e d\u200b ')).toBe('a b c d');
    expect(clean(undefined)).toBe('');
    expect(clean(42)).toBe('42');
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(Array.from(clip('😀'.repeat(10), 5))).toHaveLength(5);
    expect(safeText('x'.repeat(500)).length).toBe(200);
  });

  it('builds text blocks, fact sets and buttons that carry only escaped text', () => {
    expect(text('*hi*')).toEqual({ type: 'TextBlock', text: '\\*hi\\*', wrap: true });
    expect(
      facts([
        ['Customer', '[x](y)'],
        ['Empty', ''],
        ['None', undefined],
      ]),
    ).toEqual({ type: 'FactSet', facts: [{ title: 'Customer', value: '\\[x\\](y)' }] });
    expect(facts([['a', '']])).toBeNull();
    const b = execute('Retry\n<policy>', { verb: 'policy.retry', policyId: 'pol_1' }, { style: 'positive' });
    expect(b).toMatchObject({ type: 'Action.Execute', title: 'Retry <policy>', verb: 'policy.retry', data: { verb: 'policy.retry', policyId: 'pol_1' }, style: 'positive' });
    expect(b.fallback).toEqual({ type: 'Action.Submit', title: 'Retry <policy>', data: { verb: 'policy.retry', policyId: 'pol_1' }, style: 'positive' });
  });

  it('wraps a card the way a Teams Workflows webhook takes it', () => {
    const c = card([text('x'), null, false], [], { fallbackText: 'Backup failed: <Acme>' });
    expect(c).toEqual({
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.5',
      body: [{ type: 'TextBlock', text: 'x', wrap: true }],
      fallbackText: 'Backup failed: Acme',
      msteams: { width: 'Full' },
    });
    expect(teamsWebhookMessage(c)).toEqual({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: c }] });
    expect(jsonBytes({ a: 'ä' })).toBe(10);
  });
});
