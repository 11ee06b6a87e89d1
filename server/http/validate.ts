import type { z } from 'zod';
import { invalid, type FieldError } from './errors.js';

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
  throw invalid(`Invalid ${root}: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`.slice(0, 500), details);
}
