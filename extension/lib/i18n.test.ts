import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseMessagesFile } from '@wxt-dev/i18n/build';
import { describe, expect, it } from 'vitest';
import { t } from './i18n.js';
import { useLocale } from './i18n-testing.js';

const file = (locale: string) => join(import.meta.dirname, '../locales', `${locale}.yml`);

describe('texts in English and German', () => {
  it('every English text has a German one with the same substitutions, and the other way round', async () => {
    const shape = async (locale: string) =>
      new Map((await parseMessagesFile(file(locale))).map((m) => [m.key.join('.'), `${m.type}:${m.substitutions}:${[...m.namedSubstitutions].sort().join(',')}`]));
    const en = await shape('en');
    const de = await shape('de');
    expect([...de.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [key, value] of en) expect(de.get(key), key).toBe(value);
    expect(await readFile(file('de'), 'utf8')).not.toMatch(/\t/);
  });

  it('follows the language the browser gives', async () => {
    await useLocale('en');
    expect(t('manifest.summary')).toMatch(/^Customer health/);
    await useLocale('de');
    expect(t('manifest.summary')).toMatch(/^Kundenstatus/);
  });
});
