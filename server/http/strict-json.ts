/**
 * The hub reads request bodies strictly: JSON.parse alone lets a repeated key win silently and a
 * lenient decoder turns broken bytes into U+FFFD that would then be stored. Plain functions, no
 * HTTP here; the router turns the failures into 400 / 415 answers.
 */

export type StrictJsonResult = { ok: true; value: unknown } | { ok: false; problem: string; field: string };

/** `application/json` or `application/<something>+json`, with no charset or a UTF-8 one. */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const [type, ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type ?? '')) return false;
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 bytes and parses them as JSON, refusing invalid UTF-8 and repeated keys. */
export function parseStrictJson(bytes: Uint8Array): StrictJsonResult {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, field: 'body', problem: `is not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8(bytes)})` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, field: 'body', problem: 'is not valid JSON' };
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate) return { ok: false, field: duplicate.path, problem: `appears twice in one object ("${duplicate.key}")` };
  return { ok: true, value };
}

type Frame = { kind: 'object'; keys: Set<string>; key: string | null; expectKey: boolean } | { kind: 'array'; index: number };

/**
 * The first key repeated within one object of a JSON text already known to be valid, with its
 * path (`body.a.b[2].c`); null when every object's keys are distinct. Keys are compared as
 * decoded, so "a" and "\u0061" are the same key.
 */
export function findDuplicateKey(text: string): { key: string; path: string } | null {
  if (!text.includes('{')) return null;
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x7b /* { */) stack.push({ kind: 'object', keys: new Set(), key: null, expectKey: true });
    else if (ch === 0x5b /* [ */) stack.push({ kind: 'array', index: 0 });
    else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) stack.pop();
    else if (ch === 0x2c /* , */) {
      const top = stack.at(-1);
      if (top?.kind === 'object') top.expectKey = true;
      else if (top?.kind === 'array') top.index += 1;
    } else if (ch === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      for (i += 1; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x5c /* \ */) {
          escaped = true;
          i += 1;
        } else if (c === 0x22) break;
      }
      const top = stack.at(-1);
      if (top?.kind === 'object' && top.expectKey) {
        const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
        if (top.keys.has(key)) return { key, path: pathOf(stack, key) };
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
    }
  }
  return null;
}

function pathOf(stack: Frame[], last: string): string {
  let path = 'body';
  for (const frame of stack.slice(0, -1)) path += frame.kind === 'array' ? `[${frame.index}]` : `.${frame.key}`;
  return `${path}.${last}`;
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  // Decoding ever shorter prefixes would be quadratic; walk the sequences instead.
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    try {
      utf8.decode(bytes.subarray(i, i + need + 1));
    } catch {
      return i; // overlong, surrogate or above U+10FFFF
    }
    i += need + 1;
  }
  return bytes.length;
}
