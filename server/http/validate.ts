import type { z } from 'zod';
import { isMessageKey, type MessageKey } from '../../shared/i18n/index.js';
import { localizedError, type FieldError, type LocalizedText } from './errors.js';

/** Turns zod issues into `{ field, message }` pairs that name every failing field. */
export function fieldErrors(error: z.ZodError, root: string): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const base = [root, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ field: base ? `${base}.${key}` : key, message: 'is not a known field' });
    } else {
      out.push({ field: base || root, message: issue.message });
    }
  }
  return out;
}

export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, root: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = fieldErrors(result.error, root);
  const [first, ...rest] = result.error.issues;
  const text = issueText(first!, root);
  throw localizedError('invalid_input', rest.length ? { ...text, more: [{ key: 'api.invalid.more', params: { count: rest.length } }] } : text, details);
}

/**
 * A zod issue as a sentence a person reads ("The search text is too long (at most 200
 * characters)."), in any language of the catalog; the details keep zod's own words per field.
 */
export function issueText(issue: z.core.$ZodIssue, root: string): LocalizedText {
  const path = issue.path.map(String);
  const name = issue.code === 'unrecognized_keys' ? (issue.keys[0] ?? '') : (path.at(-1) ?? root);
  const label = `api.field.${name}`;
  const field = isMessageKey(label) ? { key: label } : { key: 'api.field.generic' as MessageKey, params: { name: [root, ...path, ...(issue.code === 'unrecognized_keys' ? [name] : [])].join('.') } };
  const say = (key: MessageKey, extra: Record<string, number> = {}): LocalizedText => ({ key, params: { field, ...extra } });
  switch (issue.code) {
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return say('api.invalid.tooLong', { max });
      if (issue.origin === 'array' || issue.origin === 'set') return say('api.invalid.tooMany', { max });
      return say('api.invalid.tooLarge', { max });
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return say('api.invalid.tooShort', { min });
      if (issue.origin === 'array' || issue.origin === 'set') return say('api.invalid.tooFew', { min });
      return say('api.invalid.tooSmall', { min });
    }
    case 'invalid_type':
      return say(issue.message.endsWith('received undefined') ? 'api.invalid.missing' : 'api.invalid.other');
    case 'unrecognized_keys':
      return say('api.invalid.unknown');
    case 'custom':
      // A rule of the schema (a refinement) says what is wrong in its own words.
      return { key: 'api.invalid.rule', params: { message: issue.message } };
    default:
      return say('api.invalid.other');
  }
}
