import { randomBytes } from 'node:crypto';

/** Short, sortable-enough, URL-safe ids with a readable prefix (`cus_…`, `pol_…`). */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
}
