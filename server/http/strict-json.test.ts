import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findDuplicateKey, isJsonContentType, parseStrictJson } from './strict-json.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('strict JSON bodies', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['Application/JSON;charset="UTF-8"', true],
    ['application/merge-patch+json', true],
    ['application/json; charset=latin1', false],
    ['text/plain', false],
    ['text/plain; charset=utf-8', false],
    ['application/x-www-form-urlencoded', false],
    ['multipart/form-data; boundary=x', false],
    ['', false],
  ])('content type %s -> %s', (header, ok) => {
    expect(isJsonContentType(header || undefined)).toBe(ok);
  });

  it('refuses invalid UTF-8 and says where it is', () => {
    const body = new Uint8Array([...bytes('{"name":"Caf'), 0xe9, ...bytes('"}')]);
    expect(parseStrictJson(body)).toEqual({ ok: false, field: 'body', problem: 'is not valid UTF-8 (first bad byte at offset 12)' });
    expect(parseStrictJson(new Uint8Array([...bytes('{"a":"'), 0xed, 0xa0, 0x80, ...bytes('"}')])).ok).toBe(false); // a lone surrogate
    expect(parseStrictJson(bytes('{"name":"Café ✓ 😀"}'))).toEqual({ ok: true, value: { name: 'Café ✓ 😀' } });
  });

  it('refuses a key repeated in one object, naming it and where', () => {
    expect(parseStrictJson(bytes('{"name":"a","name":"b"}'))).toEqual({ ok: false, field: 'body.name', problem: 'appears twice in one object ("name")' });
    expect(findDuplicateKey('{"a":{"x":1},"list":[{"k":1},{"k":2,"k":3}]}')).toEqual({ key: 'k', path: 'body.list[1].k' });
    expect(findDuplicateKey('{"a":1,"\\u0061":2}')).toEqual({ key: 'a', path: 'body.a' });
  });

  it('accepts the same key in different objects and keys that look like JSON inside strings', () => {
    expect(findDuplicateKey('{"a":{"a":1},"b":[{"a":1},{"a":2}],"s":"{\\"a\\":1,\\"a\\":2}"}')).toBeNull();
    expect(findDuplicateKey('{"x":"\\\\","y":"}{","x2":[]}')).toBeNull();
  });

  it('agrees with JSON.parse on any value without repeated keys', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const parsed = parseStrictJson(bytes(text));
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(parsed.value).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });
});
