import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiDe } from '../../shared/i18n/api-de.js';
import { apiEn } from '../../shared/i18n/api-en.js';

// Every sentence the API answers (refusals and alert reasons) comes from the catalog, so it can
// be said in the caller's language (Accept-Language). A refusal made with a plain English
// sentence – conflict(`...`), businessRule('...'), new HubError(code, '...') – has no German text:
// this test finds them in the source and fails for any not listed below.

const ROOT = join(import.meta.dirname, '../..');
const SOURCES = ['server', 'bot', 'shared/domain'];
/** The helpers that make a refusal from an English sentence (a catalog text goes through localizedError). */
const PLAIN_REFUSAL = /(?<![\w.])(?:conflict|businessRule|invalid|forbidden|licenseManagementSuspended|rateLimited|rule)\((?!\s*\{)|new HubError\(/g;

/**
 * Refusals still said in English only, per file, with why. Lower a number when you move one into
 * the catalog; a new English-only refusal anywhere else fails the test.
 */
const ENGLISH_ONLY: Record<string, number> = {
  // Import refusals list per-row problems in English (the CSV's own column names and values).
  'server/services/customers/customer-import.ts': 5,
  // A CustomerRuleError without a catalog text (none left today, kept as the fallback).
  'server/services/customers/customer-service.ts': 2,
  // Field-by-field validation summaries (zod-style details in English) of admin-only settings.
  'server/services/notifications/settings.ts': 1,
  'server/services/portal/status-service.ts': 3,
  'server/services/portal/support-service.ts': 1,
  'server/services/usage/usage-service.ts': 2,
  'server/http/router.ts': 1,
};
/** Not the hub's refusals: the definitions, and the bot's own parser (its texts are bot.* catalog keys). */
const NOT_REFUSALS = new Set(['server/http/errors.ts', 'bot/parse.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('refusals have German text', () => {
  it('no refusal is made from a plain English sentence outside the known list', () => {
    const found: Record<string, number> = {};
    for (const file of SOURCES.flatMap((s) => sourceFiles(join(ROOT, s)))) {
      const name = relative(ROOT, file);
      if (NOT_REFUSALS.has(name)) continue;
      const count = readFileSync(file, 'utf8').match(PLAIN_REFUSAL)?.length ?? 0;
      if (count > 0) found[name] = count;
    }
    expect(found).toEqual(ENGLISH_ONLY);
  });

  it('every API text has a German translation that is not the English one', () => {
    // Texts with no words of their own (joins, a connection name and upstream's message) read the same.
    const sameInBoth = new Set(['api.list.single', 'api.list.joined', 'api.list.comma', 'api.connection.alarm']);
    const untranslated = Object.keys(apiEn).filter((key) => !sameInBoth.has(key) && apiDe[key as keyof typeof apiEn] === apiEn[key as keyof typeof apiEn]);
    expect(untranslated).toEqual([]);
    // The same placeholders in both, so no value is lost in German.
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort((a, b) => a.localeCompare(b));
    for (const key of Object.keys(apiEn) as (keyof typeof apiEn)[]) expect(placeholders(apiDe[key]), key).toEqual(placeholders(apiEn[key]));
  });
});
