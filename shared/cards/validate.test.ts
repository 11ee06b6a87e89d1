import { describe, expect, it } from 'vitest';
import { card, execute, openUrl, teamsWebhookMessage, text } from './kit.js';
import { validateCard } from './validate.js';

const good = () => card([text('Hello')], [openUrl('Open', 'https://portal.veeamdatacloud.com')]);
const errorsOf = (value: unknown) => validateCard(value).errors;

describe('validateCard', () => {
  it('accepts a well-formed 1.5 card and reports its size', () => {
    const result = validateCard(good(), { measure: teamsWebhookMessage(good()) });
    expect(result).toMatchObject({ ok: true, errors: [] });
    expect(result.bytes).toBeGreaterThan(100);
  });

  it('insists on $schema and version 1.5', () => {
    expect(errorsOf({ ...good(), version: '1.6' })).toContainEqual(expect.stringContaining('version must be "1.5"'));
    const { $schema: _s, ...noSchema } = good();
    expect(errorsOf(noSchema)).toContainEqual(expect.stringContaining('$schema'));
  });

  it('reports what the adaptivecards parser reports', () => {
    expect(errorsOf({ ...good(), body: [{ type: 'TextBlock', text: 'x', color: 'Purple' }] })).toContainEqual(expect.stringMatching(/adaptivecards: InvalidPropertyValue/));
    expect(errorsOf({ ...good(), body: [{ type: 'Carousel' }] })).toContainEqual(expect.stringMatching(/UnknownElementType/));
    expect(errorsOf({ ...good(), actions: [{ type: 'Action.OpenUrl', title: 'x' }] })).toContainEqual(expect.stringMatching(/PropertyCantBeNull/));
  });

  it('finds properties a 1.5 client would silently drop (typos, newer features)', () => {
    expect(errorsOf({ ...good(), body: [{ type: 'TextBlock', text: 'x', wrapp: true }] })).toContainEqual(expect.stringContaining('body[0].wrapp is not understood'));
    expect(errorsOf({ ...good(), body: [{ type: 'Image', url: 'https://x.example/a.png', forceLoad: true }] })).toContainEqual(expect.stringContaining('body[0].forceLoad'));
  });

  it('checks text, links, raw HTML and size', () => {
    expect(errorsOf({ ...good(), body: [{ type: 'TextBlock', text: ' ' }] })).toContainEqual(expect.stringContaining('without text'));
    expect(errorsOf({ ...good(), body: [] })).toContainEqual('the body must not be empty');
    expect(errorsOf(card([text('x')], [openUrl('Open', 'http://portal.example')]))).toContainEqual(expect.stringContaining('not an https URL'));
    expect(errorsOf(card([text('x')], [openUrl('Open', 'javascript:alert(1)')]))).toContainEqual(expect.stringContaining('not an https URL'));
    expect(errorsOf({ ...good(), body: [{ type: 'TextBlock', text: 'hi <b>there</b>' }] })).toContainEqual(expect.stringContaining('raw HTML'));
    expect(errorsOf(card([text('a \\<b\\> escaped')]))).toEqual([]);
    const big = card(Array.from({ length: 200 }, () => text('x'.repeat(190))));
    expect(validateCard(big).errors).toContainEqual(expect.stringMatching(/over the limit of 28672/));
    expect(validateCard(big, { limitBytes: 100_000 }).ok).toBe(true);
  });

  it('checks bot buttons: a verb, data of the CardAction union for that verb, and a matching Action.Submit fallback', () => {
    expect(errorsOf(card([text('x')], [execute('Start', { verb: 'policy.start', policyId: 'pol_1' })]))).toEqual([]);
    const noVerb = { type: 'Action.Execute', title: 'Go', data: { verb: 'policy.start', policyId: 'pol_1' } };
    expect(errorsOf({ ...good(), actions: [noVerb] })).toContainEqual(expect.stringContaining('without a verb'));
    const badData = { type: 'Action.Execute', title: 'Go', verb: 'policy.start', data: { verb: 'policy.start' } };
    expect(errorsOf({ ...good(), actions: [badData] })).toContainEqual(expect.stringContaining('not a card action'));
    const mismatch = { type: 'Action.Execute', title: 'Go', verb: 'policy.stop', data: { verb: 'policy.start', policyId: 'pol_1' } };
    expect(errorsOf({ ...good(), actions: [mismatch] })).toContainEqual(expect.stringContaining('has verb policy.stop but its data says policy.start'));
    const button = execute('Start', { verb: 'policy.start', policyId: 'pol_1' });
    const wrongFallback = { ...button, fallback: { type: 'Action.Submit', title: 'Start', data: { verb: 'policy.start', policyId: 'pol_2' } } };
    expect(errorsOf({ ...good(), actions: [wrongFallback] })).toContainEqual(expect.stringContaining('same data'));
    expect(errorsOf({ ...good(), actions: [{ ...button, fallback: { type: 'Action.Submit', title: 'Start', data: button.data, colour: 'red' } }] })).toContainEqual(expect.stringContaining('colour'));
  });
});
