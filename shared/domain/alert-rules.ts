import { say, type Text } from '../i18n/index.js';
import type { Policy } from '../schemas/backup.js';
import type { Alert, AlertSeverity, MonitoringSettings } from '../schemas/monitoring.js';
import { HOUR } from './clock.js';
import { isStale, licensePercent, staleAt, storagePercent } from './health.js';
import { compareText } from './units.js';

// The conditions an SP checks each morning, as pure rules. Each yields at most one alert per
// subject, with an id that stays the same while the condition holds.

/**
 * An alert before the monitor adds its source, acknowledgement and (when unknown) its since.
 * `reasonText` is the reason as a catalog text, so the API can say it in the caller's language
 * (`reason` is its English); it is not part of the answer itself.
 */
export type AlertDraft = Omit<Alert, 'source' | 'acknowledged' | 'since'> & { since: string | null; reasonText?: Text };

/** An alert's reason in English and as a catalog text, said in the caller's language by the alerts route. */
export const because = (text: Text) => ({ reason: say('en', text), reasonText: text });

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
  // "ended Warning: 2 warnings" read badly: a warning is a session that completed, with warnings.
  const key = failed ? (policy.lastMessage ? 'api.alert.failed' : 'api.alert.failedBare') : policy.lastMessage ? 'api.alert.warning' : 'api.alert.warningBare';
  const reason = because({ key, params: { policy: policy.name, ...(policy.lastMessage && { message: policy.lastMessage }) } });
  return {
    id: alertId(kind, policy.id),
    kind,
    severity: failed ? 'critical' : 'warning',
    customerId: customer.id,
    customerName: customer.displayName,
    subject: { type: 'policy', id: policy.id, name: policy.name },
    ...reason,
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
    ...because(
      disconnected.length === 1
        ? { key: 'api.alert.tenantOne', params: { policy: disconnected[0]!.name, tenant } }
        : { key: 'api.alert.tenantMany', params: { count: String(disconnected.length), tenant } },
    ),
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
  const reason = because({ key: policy.lastSuccessAt ? 'api.alert.stale' : 'api.alert.staleNever', params: { policy: policy.name, hours: String(settings.staleAfterHours) } });
  return {
    id: alertId('staleProtection', policy.id),
    kind: 'staleProtection',
    severity: 'warning',
    customerId: customer.id,
    customerName: customer.displayName,
    subject: { type: 'policy', id: policy.id, name: policy.name },
    ...reason,
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
    ...because({
      key: 'api.alert.license',
      params: { used: String(customer.backedUpAccounts), licenses: String(customer.licenseLimit ?? 0), percent: String(percent), threshold: String(settings.licenseThresholdPercent) },
    }),
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
    ...because({
      key: 'api.alert.storage',
      params: { used: String(customer.storageConsumedGb), quota: String(customer.storageQuotaGb), percent: String(percent), threshold: String(settings.storageThresholdPercent) },
    }),
    since: null,
    action: { type: 'increaseStorageQuota', label: 'Increase the storage quota', customerId: customer.id },
  };
}
