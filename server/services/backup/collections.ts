import { z } from 'zod';
import { Id, IsoDateTime } from '../../../shared/schemas/common.js';
import { Policy, TenantConnection } from '../../../shared/schemas/backup.js';
import { AlertSeverity, DailyFigures, MonitoringSettings } from '../../../shared/schemas/monitoring.js';
import { defineCollection } from '../../store/collection.js';

// The backup area's collections: small current state only. Sessions, logs and restores only
// grow, so they live in append-only files (session-history.ts, restore-service.ts).

export const policies = defineCollection('policies', Policy);

/** Deleted policies, so a month's export still finds their sessions. */
export const DeletedPolicy = z.object({ id: Id, customerId: Id, name: z.string(), deletedAt: IsoDateTime });
export const deletedPolicies = defineCollection('deletedPolicies', DeletedPolicy);

/** One per customer whose Microsoft 365 connection state was set (id = customer id). */
export const tenantConnections = defineCollection('tenantConnections', TenantConnection);

/** One per UTC day: counters behind the dashboard. */
export const dailyFigures = defineCollection('backupDaily', DailyFigures);

export const MonitoringSettingsRecord = MonitoringSettings.extend({ id: z.literal('monitoring'), updatedAt: IsoDateTime, updatedBy: z.string() });
export const monitoringSettings = defineCollection('monitoringSettings', MonitoringSettingsRecord);

/** An acknowledged occurrence of an alert (id = alert id). */
export const AlertAck = z.object({ id: Id, customerId: Id.nullable(), since: IsoDateTime, severity: AlertSeverity, by: z.string(), at: IsoDateTime, note: z.string().nullable() });
export type AlertAck = z.infer<typeof AlertAck>;
export const alertAcks = defineCollection('alertAcks', AlertAck);

/** Alerts the monitor has seen open, with when it first saw them (id = alert id). */
export const OpenAlert = z.object({ id: Id, kind: z.string(), customerId: Id.nullable(), severity: AlertSeverity, since: IsoDateTime, firstSeenAt: IsoDateTime });
export type OpenAlert = z.infer<typeof OpenAlert>;
export const openAlerts = defineCollection('openAlerts', OpenAlert);
