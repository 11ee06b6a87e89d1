import { describe, expect, it } from 'vitest';
import { editDistance, exactKey, normalizeName, resolveName, similarity } from './similarity.js';

describe('normalizeName', () => {
  it('folds case, accents and punctuation', () => {
    expect(normalizeName('  Müller & Söhne GmbH ')).toBe('muller sohne gmbh');
    expect(normalizeName('Straße-Werke')).toBe('strasse werke');
    expect(normalizeName('contoso.onmicrosoft.com')).toBe('contoso.onmicrosoft.com');
  });
});

describe('editDistance', () => {
  it.each([
    ['acme', 'acme', 0],
    ['acme', 'acne', 1],
    ['acme', 'amce', 1],
    ['acme', 'acmee', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%s -> %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it('stops early past the limit', () => {
    expect(editDistance('aaaaaaaa', 'bbbbbbbb', 2)).toBe(3);
  });
});

describe('similarity', () => {
  it('ranks the intended name above others', () => {
    const names = ['Contoso Ltd', 'Fabrikam Inc', 'Northwind Traders', 'Adventure Works'];
    const best = (q: string) => [...names].sort((a, b) => similarity(q, b) - similarity(q, a))[0];
    expect(best('contso')).toBe('Contoso Ltd');
    expect(best('fabrikan')).toBe('Fabrikam Inc');
    expect(best('adventure')).toBe('Adventure Works');
    expect(best('traders northwind')).toBe('Northwind Traders');
  });

  it('is 1 for equal names and low for unrelated ones', () => {
    expect(similarity('ACME corp', 'acme  Corp')).toBe(1);
    expect(similarity('zzz', 'Contoso')).toBeLessThan(0.4);
  });
});

describe('resolveName', () => {
  const customers = [
    { name: 'Contoso Ltd', domain: 'contoso.com' },
    { name: 'Contoso Pharma', domain: 'contosopharma.com' },
    { name: 'Fabrikam Inc', domain: 'fabrikam.com' },
    { name: 'Acme', domain: 'acme.io' },
    { name: 'Acme Logistics', domain: 'acmelogistics.com' },
  ];
  const names = (c: (typeof customers)[number]) => [c.name, c.domain];

  it('takes an exact name even when it is part of others', () => {
    expect(resolveName('acme', customers, names)).toEqual({ kind: 'match', item: customers[3] });
    expect(resolveName('"Fabrikam inc"', customers, names)).toEqual({ kind: 'match', item: customers[2] });
  });

  it('takes another exact name such as the domain', () => {
    expect(resolveName('contosopharma.com', customers, names)).toEqual({ kind: 'match', item: customers[1] });
  });

  it('takes a unique partial name', () => {
    expect(resolveName('fabrikam', customers, names)).toEqual({ kind: 'match', item: customers[2] });
    expect(resolveName('logistics', customers, names)).toEqual({ kind: 'match', item: customers[4] });
  });

  it('asks which one when a partial name fits several', () => {
    const result = resolveName('contoso', customers, names);
    expect(result.kind).toBe('ambiguous');
    expect(result.kind === 'ambiguous' && result.candidates.map((c) => c.name)).toEqual(['Contoso Ltd', 'Contoso Pharma']);
  });

  it('suggests close names for a typo and never picks one by itself', () => {
    const result = resolveName('fabrikan', customers, names);
    expect(result).toEqual({ kind: 'none', suggestions: [customers[2]] });
  });

  it('has no suggestions for something unrelated', () => {
    expect(resolveName('globex', customers, names)).toEqual({ kind: 'none', suggestions: [] });
    expect(resolveName('   ', customers, names)).toEqual({ kind: 'none', suggestions: [] });
  });
});

describe('exactKey', () => {
  it('sets case, spacing and quotes aside, nothing else', () => {
    expect(exactKey('"Mailboxes"')).toBe(exactKey('  mailboxes '));
    expect(exactKey('„MAILBOXES“')).toBe('mailboxes');
    expect(exactKey('Margie’s   Travel Inc.')).toBe(exactKey("margie's travel inc."));
    expect(exactKey('mailbox')).not.toBe(exactKey('Mailboxes'));
    expect(exactKey('Mailboxes (daily)')).not.toBe(exactKey('mailboxes daily'));
  });
});
