import type { CustomerHealth } from '../../shared/schemas/monitoring.js';
import type { PolicyView } from '../../shared/schemas/backup.js';

/** How a health chip looks: a tone, a short label and the lines of its tooltip. Plain text only. */
export type Tone = 'ok' | 'warn' | 'bad' | 'muted' | 'busy';

export interface ChipView {
  tone: Tone;
  label: string;
  /** One line per fact, for the tooltip and the menu. */
  details: string[];
}

/** License use that earns a warning colour (the hub raises its own alert at its configured threshold). */
export const LICENSE_WARN_PERCENT = 80;

export function formatPercent(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}

export function customerChip(health: CustomerHealth): ChipView {
  const details: string[] = [];
  let tone: Tone = 'ok';
  const raise = (to: Tone) => {
    const order: Tone[] = ['muted', 'ok', 'busy', 'warn', 'bad'];
    if (order.indexOf(to) > order.indexOf(tone)) tone = to;
  };
  let label: string;
  if (health.policies === 0) {
    label = health.status === 'active' ? 'No policy' : capitalise(health.status);
    tone = 'muted';
    details.push(health.status === 'active' ? 'No backup policy yet.' : `Customer is ${health.status}.`);
  } else {
    label = health.lastResult === 'Never' ? 'Not run yet' : health.lastResult;
    details.push(`Last result: ${health.lastResult} (${health.policies} ${health.policies === 1 ? 'policy' : 'policies'}${health.running ? `, ${health.running} running` : ''}).`);
    if (health.lastResult === 'Failed' || health.lastResult === 'Disconnected') raise('bad');
    else if (health.lastResult === 'Warning' || health.lastResult === 'Stopped') raise('warn');
    else if (health.lastResult === 'Never') raise('muted');
    if (health.running > 0) raise('busy');
  }
  if (health.stale) {
    raise('warn');
    label += ' \u00b7 stale';
    details.push(`Stale: no successful backup${health.staleSince ? ` since ${new Date(health.staleSince).toLocaleString()}` : ''}.`);
  }
  if (health.licensePercent !== null) {
    label += ` \u00b7 ${formatPercent(health.licensePercent)}`;
    details.push(`Licenses used: ${formatPercent(health.licensePercent)}.`);
    if (health.licensePercent >= 100) raise('bad');
    else if (health.licensePercent >= LICENSE_WARN_PERCENT) raise('warn');
  }
  if (health.pendingInvite) details.push('Invitation sent, not accepted yet.');
  if (health.alerts > 0) details.push(`${health.alerts} open ${health.alerts === 1 ? 'alert' : 'alerts'}.`);
  return { tone, label, details };
}

export function policyChip(policy: PolicyView): ChipView {
  const details = [`Last status: ${policy.lastStatus}.`];
  let tone: Tone = 'ok';
  if (policy.lastStatus === 'Failed' || policy.lastStatus === 'Disconnected') tone = 'bad';
  else if (policy.lastStatus === 'Warning' || policy.lastStatus === 'Stopped') tone = 'warn';
  else if (policy.lastStatus === 'Running') tone = 'busy';
  else if (policy.lastStatus === 'Never') tone = 'muted';
  let label: string = policy.lastStatus;
  if (policy.running) {
    label = `Running ${Math.round(policy.running.progress)}%`;
    details.push(`Running since ${new Date(policy.running.startedAt).toLocaleString()}, ${policy.running.processedObjects} objects processed.`);
  }
  if (!policy.enabled) {
    label += ' \u00b7 disabled';
    details.push('Schedule disabled.');
    if (tone === 'ok') tone = 'muted';
  }
  if (policy.stale) {
    label += ' \u00b7 stale';
    details.push(`Stale: no successful session${policy.lastSuccessAt ? ` since ${new Date(policy.lastSuccessAt).toLocaleString()}` : ''}.`);
    if (tone === 'ok' || tone === 'muted') tone = 'warn';
  }
  if (policy.lastRun) details.push(`Last run: ${new Date(policy.lastRun).toLocaleString()}.`);
  if (policy.nextRun) details.push(`Next run: ${new Date(policy.nextRun).toLocaleString()}.`);
  return { tone, label, details };
}

export const loadingChip: ChipView = { tone: 'muted', label: '\u2026', details: ['Asking SP Hub\u2026'] };
export const unknownChip = (what: string): ChipView => ({ tone: 'muted', label: 'Not in hub', details: [`SP Hub has no ${what} by this name.`] });
export const errorChip = (message: string): ChipView => ({ tone: 'muted', label: 'SP Hub ?', details: [message] });

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
