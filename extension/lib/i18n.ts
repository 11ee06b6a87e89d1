import { i18n } from '#i18n';

/**
 * The extension's texts, English and German (extension/locales/*.yml), in the browser's
 * language as WXT's i18n (browser.i18n) picks it.
 */
export const t = i18n.t;

/**
 * The language the texts are in ("en", "de"), for dates and numbers: the messages' own
 * `meta.language`, so the two always agree (Chromium can pick German messages from the
 * preferred languages while its own UI, and getUILanguage(), stays English).
 */
export function uiLanguage(): string {
  try {
    const language = i18n.t('meta.language');
    if (language) return language;
  } catch {
    // No extension API here: the page's language.
  }
  return globalThis.navigator?.language || 'en';
}
