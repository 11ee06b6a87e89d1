import { i18n } from '#i18n';

/**
 * The extension's texts, English and German (extension/locales/*.yml), in the browser's
 * language as WXT's i18n (browser.i18n) picks it.
 */
export const t = i18n.t;

/** The browser's UI language, for dates and numbers ("de", "en-US"). */
export function uiLanguage(): string {
  try {
    return (globalThis as { browser?: { i18n?: { getUILanguage?: () => string } } }).browser?.i18n?.getUILanguage?.() || globalThis.navigator?.language || 'en';
  } catch {
    return globalThis.navigator?.language || 'en';
  }
}
