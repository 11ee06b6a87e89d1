import { join } from 'node:path';
import { generateChromeMessages, parseMessagesFile } from '@wxt-dev/i18n/build';
import { fakeBrowser } from 'wxt/testing';

export type Locale = 'en' | 'de';

/**
 * For unit tests: makes the fake browser answer i18n.getMessage from extension/locales/<locale>.yml
 * the way Chrome does from the built _locales/ (positional $1-$9 substitutions, $$ for $).
 */
export async function useLocale(locale: Locale): Promise<void> {
  const messages = generateChromeMessages(await parseMessagesFile(join(import.meta.dirname, '../locales', `${locale}.yml`))) as Record<string, { message: string }>;
  const i18n = fakeBrowser.i18n as unknown as { getMessage: (name: string, subs?: string | string[]) => string; getUILanguage: () => string };
  i18n.getMessage = (name, subs) => {
    const message = messages[name]?.message;
    if (message === undefined) return '';
    const list = subs === undefined ? [] : Array.isArray(subs) ? subs : [subs];
    return message.replace(/\$(\$|[1-9])/g, (_, which: string) => (which === '$' ? '$' : (list[Number(which) - 1] ?? '')));
  };
  i18n.getUILanguage = () => locale;
}
