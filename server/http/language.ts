import type { Context } from 'hono';
import { languageFromHeader, type Language } from '../../shared/i18n/index.js';

/** The caller's language for the texts of an answer (Accept-Language; English when it names none the hub speaks). */
export function languageOf(c: Context): Language {
  return languageFromHeader(c.req.header('accept-language'));
}
