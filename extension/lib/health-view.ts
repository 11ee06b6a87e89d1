import type { PolicyStatus, PolicyView } from '../../shared/schemas/backup.js';
import type { CustomerStatus } from '../../shared/schemas/customers.js';
import type { CustomerHealth } from '../../shared/schemas/monitoring.js';
import { t, uiLanguage } from './i18n.js';

/** How a health chip looks: a tone, a short label and the lines of its tooltip. Plain text only. */
export type Tone = 'ok' | 'warn' | 'bad' | 'muted' | 'busy';

export interface Signal {
  tone: Tone;
  label: string;
  /** The number behind the label, when there is one (licence use in percent). */
  value?: number;
}

export interface ChipView extends Signal {
  /**
   * A second signal read on its own (licence use beside the last result): its own mark and
   * colour, never mixed into the first one's.
   */
  license?: Signal | null;
  /** One line per fact, for the tooltip and the menu. */
  details: string[];
}

/** License use that earns a warning colour (the hub raises its own alert at its configured threshold). */
export const LICENSE_WARN_PERCENT = 80;

// Formatters and fixed words are made once: a 1,000-row table paints a chip per row at once.
let formatters: { language: string; number: Intl.NumberFormat; date: Intl.DateTimeFormat; words: Map<string, string> } | null = null;
function format() {
  const language = uiLanguage();
  if (formatters?.language !== language) {
    formatters = {
      language,
      number: new Intl.NumberFormat(language, { maximumFractionDigits: 1 }),
      date: new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }),
      words: new Map(),
    };
  }
  return formatters;
}

export function formatPercent(value: number): string {
  return t('chip.percent', [format().number.format(value)]);
}

const when = (iso: string) => format().date.format(new Date(iso));

/** A word without substitutions, looked up once per language. */
function word(key: `status.${PolicyStatus}` | `customerStatus.${CustomerStatus}`): string {
  const words = format().words;
  let text = words.get(key);
  if (text === undefined) words.set(key, (text = t(key)));
  return text;
}

/** A policy status in the user's language ("Success", "Erfolgreich"). */
export function statusText(status: PolicyStatus): string {
  return word(`status.${status}`);
}

function customerStatusText(status: CustomerStatus): string {
  return word(`customerStatus.${status}`);
}

const ORDER: Tone[] = ['muted', 'ok', 'busy', 'warn', 'bad'];
const worse = (a: Tone, b: Tone): Tone => (ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a);

/** Licence use as its own signal: grey below the warning level, amber from it, red at or over the limit. */
export function licenseSignal(percent: number | null): Signal | null {
  if (percent === null) return null;
  return { tone: percent >= 100 ? 'bad' : percent >= LICENSE_WARN_PERCENT ? 'warn' : 'muted', label: formatPercent(percent), value: percent };
}

/**
 * A customer's chip: the last result of its backups (with stale protection and running
 * sessions) as the first signal, licence use as a second one with its own colour.
 */
export function customerChip(health: CustomerHealth): ChipView {
  let tone: Tone;
  let label: string;
  if (health.policies === 0) {
    tone = 'muted';
    label = health.status === 'active' ? t('chip.noPolicy') : customerStatusText(health.status);
  } else {
    label = statusText(health.lastResult);
    tone =
      health.lastResult === 'Failed' || health.lastResult === 'Disconnected'
        ? 'bad'
        : health.lastResult === 'Warning' || health.lastResult === 'Stopped'
          ? 'warn'
          : health.lastResult === 'Never'
            ? 'muted'
            : 'ok';
    if (health.running > 0) tone = worse(tone, 'busy');
  }
  if (health.stale) {
    tone = worse(tone, 'warn');
    label = t('chip.withStale', [label]);
  }
  const license = licenseSignal(health.licensePercent);
  let details: string[] | null = null;
  // The details are for the tooltip and the menu: made when first read, not for every row painted.
  return {
    tone,
    label,
    license,
    get details() {
      return (details ??= customerDetails(health, license));
    },
  };
}

function customerDetails(health: CustomerHealth, license: Signal | null): string[] {
  const details: string[] = [];
  if (health.policies === 0) {
    details.push(health.status === 'active' ? t('chip.noPolicyYet') : t('chip.customerIs', [customerStatusText(health.status)]));
  } else {
    const result = statusText(health.lastResult);
    details.push(
      health.running
        ? t('chip.lastResultRunning', health.policies, [result, String(health.policies), String(health.running)])
        : t('chip.lastResult', health.policies, [result, String(health.policies)]),
    );
  }
  if (health.stale) details.push(health.staleSince ? t('chip.staleSince', [when(health.staleSince)]) : t('chip.stale'));
  details.push(license ? t('chip.licensesUsed', [license.label]) : t('chip.noLicenseLimit'));
  if (health.pendingInvite) details.push(t('chip.invitePending'));
  if (health.alerts > 0) details.push(t('chip.openAlerts', health.alerts));
  return details;
}

export function policyChip(policy: PolicyView): ChipView {
  const details = [t('chip.lastStatus', [statusText(policy.lastStatus)])];
  let tone: Tone = 'ok';
  if (policy.lastStatus === 'Failed' || policy.lastStatus === 'Disconnected') tone = 'bad';
  else if (policy.lastStatus === 'Warning' || policy.lastStatus === 'Stopped') tone = 'warn';
  else if (policy.lastStatus === 'Running') tone = 'busy';
  else if (policy.lastStatus === 'Never') tone = 'muted';
  let label = statusText(policy.lastStatus);
  if (policy.running) {
    tone = 'busy';
    label = t('chip.runningPercent', [String(Math.round(policy.running.progress))]);
    details.push(t('chip.runningSince', [when(policy.running.startedAt), String(policy.running.processedObjects)]));
  }
  if (!policy.enabled) {
    label = t('chip.withDisabled', [label]);
    details.push(t('chip.scheduleDisabled'));
    if (tone === 'ok') tone = 'muted';
  }
  if (policy.stale) {
    label = t('chip.withStale', [label]);
    details.push(policy.lastSuccessAt ? t('chip.staleSince', [when(policy.lastSuccessAt)]) : t('chip.stale'));
    if (tone === 'ok' || tone === 'muted') tone = 'warn';
  }
  if (policy.lastRun) details.push(t('chip.lastRun', [when(policy.lastRun)]));
  if (policy.nextRun) details.push(t('chip.nextRun', [when(policy.nextRun)]));
  return { tone, label, details };
}

export const loadingChip = (): ChipView => ({ tone: 'muted', label: '\u2026', details: [t('chip.asking')] });
export const unknownChip = (what: 'customer' | 'policy'): ChipView => ({ tone: 'muted', label: t('chip.notInHub'), details: [t(what === 'customer' ? 'chip.unknownCustomer' : 'chip.unknownPolicy')] });
export const errorChip = (message: string): ChipView => ({ tone: 'muted', label: t('chip.unavailable'), details: [message] });
