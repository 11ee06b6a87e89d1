import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ADMIN_KEY, createTestHub } from '../../test/helpers/hub.js';
import { HubError } from './errors.js';
import { parseOrThrow } from './validate.js';

const refused = (schema: z.ZodType, value: unknown, root = 'query'): HubError => {
  try {
    parseOrThrow(schema, value, root);
  } catch (error) {
    if (error instanceof HubError) return error;
    throw error;
  }
  throw new Error('parsed');
};

describe('validation answers', () => {
  it('say the first problem as a sentence, in English and German, and keep every field in the details', () => {
    const error = refused(z.strictObject({ q: z.string().max(200), page: z.coerce.number().int().min(1) }), { q: 'x'.repeat(201), page: '0' });
    expect(error.status).toBe(400);
    expect(error.message).toBe('The search text is too long (at most 200 characters). 1 more problems are listed in the details.');
    expect(error.messageIn('de')).toBe('Zu lang: Suchtext (höchstens 200 Zeichen). 1 weitere Probleme stehen in den Details.');
    expect(error.details?.map((d) => d.field)).toEqual(['query.q', 'query.page']);
  });

  it('names unknown and missing fields, and fields without a label by their path', () => {
    expect(refused(z.strictObject({ a: z.string().optional() }), { b: 1 }).message).toBe('The field “query.b” is not a known field.');
    expect(refused(z.object({ name: z.string() }), {}, 'body').messageIn('de')).toBe('Es fehlt: Name.');
    expect(refused(z.object({ emails: z.array(z.string()).max(2) }), { emails: ['a', 'b', 'c'] }, 'body').message).toBe('The list of email addresses has too many entries (at most 2).');
    expect(refused(z.object({ kind: z.enum(['a', 'b']) }), { kind: 'c' }, 'body').messageIn('de')).toBe('Ungültig: Feld „body.kind“.');
    // A refinement keeps its own words.
    expect(
      refused(
        z.object({ ids: z.array(z.string()) }).refine((v) => v.ids.length > 0, { message: 'give at least one id' }),
        { ids: [] },
        'body',
      ).message,
    ).toBe('The request is not valid: give at least one id.');
  });

  it('answer in the caller’s language through Accept-Language, changing nothing', async () => {
    const hub = await createTestHub();
    try {
      const ask = (language?: string) =>
        hub.fetch(`http://hub.test/api/v1/customers?q=${'x'.repeat(201)}`, { headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(language && { 'accept-language': language }) } });
      const german = await ask('de-DE,de;q=0.9');
      expect(german.status).toBe(400);
      const body = (await german.json()) as { error: { code: string; message: string; details: { field: string }[] } };
      expect(body.error).toMatchObject({ code: 'invalid_input', message: 'Zu lang: Suchtext (höchstens 200 Zeichen).' });
      expect(body.error.details.map((d) => d.field)).toEqual(['query.q']);
      expect(((await (await ask()).json()) as { error: { message: string } }).error.message).toBe('The search text is too long (at most 200 characters).');
      const missing = await hub.fetch('http://hub.test/api/v1/policies/pol_nope', { headers: { authorization: `Bearer ${ADMIN_KEY}`, 'accept-language': 'de' } });
      expect(((await missing.json()) as { error: { message: string } }).error.message).toBe('Richtlinie pol_nope wurde nicht gefunden.');
    } finally {
      await hub.close();
    }
  });
});
