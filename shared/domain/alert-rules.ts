import type { Policy } from '../schemas/backup.js';
import type { Alert, AlertSeverity, MonitoringSettings } from '../schemas/monitoring.js';
import { HOUR } from './clock.js';
import { isStale, licensePercent, staleAt, storagePercent } from './health.js';
import { compareText } from './units.js';

// The conditions an SP checks each morning, as pure rules. Each yields at most one alert per
// subject, with an id that stays the same while the condition holds.

/** An alert before the monitor adds its source, acknowledgement and (when unknown) its since. */
export type AlertDraft = Omit<Alert, 'source' | 'acknowledged' | 'since'> & { since: string | null };

export interface CustomerFacts {
  id: string;
  displayName: string;
  status: string;
  /** The purchased licence limit (the threshold is a share of it). */
  licenseLimit?: number | undefined;
  backedUpAccounts: number;
  storageConsumedGb: number;
  storageQuotaGb?: number | undefined;
  tenantDomain?: string | undefined;
}

/** Ids are the kind and the subject: the same condition keeps its id (and its acknowledgement). */
export const alertId = (kind: string, subjectId: string): string => `${kind}.${subjectId}`;

const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };
export const severityRank = (s: AlertSeverity): number => SEVERITY_RANK[s];

/** List order: worst first, then oldest, then by id. */
export function compareAlerts(a: Pick<Alert, 'severity' | 'since' | 'id'>, b: Pick<Alert, 'severity' | 'since' | 'id'>): number {
  return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || compareText(a.since, b.since) || compareText(a.id, b.id);
}

/** An acknowledgement covers the occurrence it was given for: same start, no worse severity. */
export function acknowledgementCovers(ack: { since: string; severity: AlertSeverity }, alert: { since: string; severity: AlertSeverity }): boolean {
  return ack.since === alert.since && SEVERITY_RANK[alert.severity] <= SEVERITY_RANK[ack.severity];
}

/** A policy whose last finished session ended Failed or Warning. Disconnected is a tenant matter (see tenantAlert). */
export function policyResultAlert(policy: Policy, customer: CustomerFacts): AlertDraft | null {
  if (policy.lastResult !== 'Failed' && policy.lastResult !== 'Warning') return null;
  const failed = policy.lastResult === 'Failed';
  const kind = failed ? 'backupFailed' : 'backupWarning';
  const detail = policy.lastMessage ? `: ${policy.lastMessage}` : '.';
  return {
    id: alertId(kind, policy.id),
    kind,
    severity: failed ? 'critical' : 'warning',
    customerId: customer.id,
    customerName: customer.displayName,
    subject: { type: 'policy', id: policy.id, name: policy.name },
    reason: `The last session of policy "${policy.name}" ended ${policy.lastResult}${detail}`,
    since: policy.failingSince ?? policy.lastRun,
    action: policy.enabled
      ? { type: 'startPolicy', label: failed ? 'Retry the policy' : 'Run the policy again', policyId: policy.id }
      : { type: 'enablePolicy', label: 'Enable the policy', policyId: policy.id },
  };
}

/** The customer's Microsoft 365 organization cannot be reached: its policies end Disconnected. */
export function tenantAlert(customer: CustomerFacts, policies: readonly Policy[]): AlertDraft | null {
  const disconnected = policies.filter((p) => p.lastResult === 'Disconnected');
  if (disconnected.length === 0) return null;
  const since = disconnected.map((p) => p.failingSince ?? p.lastRun ?? p.updatedAt).sort()[0] ?? null;
  const tenant = customer.tenantDomain ?? customer.displayName;
  return {
    id: alertId('tenantDisconnected', customer.id),
    kind: 'tenantDisconnected',
    severity: 'critical',
    customerId: customer.id,
    customerName: customer.displayName,
    subject: { type: 'customer', id: customer.id, name: customer.displayName },
    reason: `${disconnected.length === 1 ? `Policy "${disconnected[0]!.name}" cannot` : `${disconnected.length} policies cannot`} connect to the Microsoft 365 organization ${tenant}.`,
    since,
    action: { type: 'reconnectTenant', label: 'Reconnect the Microsoft 365 organization', customerId: customer.id },
  };
}

/** An enabled policy of an active customer without a protecting session within the threshold. */
export function staleAlert(policy: Policy, customer: CustomerFacts, settings: MonitoringSettings, now: Date): AlertDraft | null {
  if (customer.status !== 'active') return null;
  const staleAfterMs = settings.staleAfterHours * HOUR;
  if (!isStale(policy, now, staleAfterMs)) return null;
  // No moment in the text: `since` carries it, and each reader formats it in their language and zone.
  const reason = policy.lastSuccessAt
    ? `Policy "${policy.name}" has had no successful session for more than ${settings.staleAfterHours} h.`
    : `Policy "${policy.name}" has never completed a successful session (created more than ${settings.staleAfterHours} h ago).`;
  return {
    id: alertId('staleProtection', policy.id),
    kind: 'staleProtection',
    severity: 'warning',
    customerId: customer.id,
    customerName: customer.displayName,
    subject: { type: 'policy', id: policy.id, name: policy.name },
    reason,
    since: new Date(staleAt(policy, staleAfterMs)!).toISOString(),
    action: policy.runningSessionId ? null : { type: 'startPolicy', label: 'Start the policy now', policyId: policy.id },
  };
}

/** License usage at or above the threshold (critical at or above the limit). */
export function licenseAlert(customer: CustomerFacts, settings: MonitoringSettings): AlertDraft | null {
  if (customer.status === 'offboarded') return null;
  const percent = licensePercent(customer);
  if (percent === null || percent < settings.licenseThresholdPercent) return null;
  return {
    id: alertId('licenseThreshold', customer.id),
    kind: 'licenseThreshold',
    severity: percent >= 100 ? 'critical' : 'warning',
    customerId: customer.id,
    customerName: customer.displayName,
    subject: { type: 'customer', id: customer.id, name: customer.displayName },
    reason: `${customer.backedUpAccounts} of ${customer.licenseLimit ?? 0} licenses in use (${percent} %, threshold ${settings.licenseThresholdPercent} %).`,
    since: null,
    action: { type: 'increaseLicenses', label: 'Raise the licensed limit', customerId: customer.id },
  };
}

/** Storage consumed at or above the threshold of a quota, where one is set. */
export function storageAlert(customer: CustomerFacts, settings: MonitoringSettings): AlertDraft | null {
  if (customer.status === 'offboarded') return null;
  const percent = storagePercent(customer);
  if (percent === null || percent < settings.storageThresholdPercent) return null;
  return {
    id: alertId('storageQuota', customer.id),
    kind: 'storageQuota',
    severity: percent >= 100 ? 'critical' : 'warning',
    customerId: customer.id,
    customerName: customer.displayName,
    subject: { type: 'customer', id: customer.id, name: customer.displayName },
    reason: `${customer.storageConsumedGb} GB of the ${customer.storageQuotaGb} GB storage quota used (${percent} %, threshold ${settings.storageThresholdPercent} %).`,
    since: null,
    action: { type: 'increaseStorageQuota', label: 'Increase the storage quota', customerId: customer.id },
  };
}
