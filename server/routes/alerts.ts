import { languageOf } from '../http/language.js';
import { z } from 'zod';
import { Id, Page } from '../../shared/schemas/common.js';
import { Alert, AlertAcknowledgeInput, AlertQuery, MonitoringSettings, MonitoringSettingsUpdate } from '../../shared/schemas/monitoring.js';
import type { Router } from '../http/router.js';
import type { BackupParts } from '../services/backup/parts.js';

const ById = z.object({ id: Id });
/** The note is optional, and so is the whole body. */
const AcknowledgeBody = z.preprocess((v) => (v === undefined ? {} : v), AlertAcknowledgeInput);

/** `/alerts`: what needs attention, with the action that fixes it. */
export function alertsRouter({ alerts }: BackupParts, router: Router): Router {
  return router
    .get(
      '/',
      {
        summary: 'Open alerts (failed/warning policies, stale protection, licenses, storage quota, and those of other areas), worst and oldest first',
        permission: 'monitoring',
        query: AlertQuery,
        response: Page(Alert),
      },
      ({ c, query }) => alerts.list(query, languageOf(c)),
    )
    .post(
      '/:id/acknowledge',
      { summary: 'Acknowledge an open alert (until its condition clears or worsens)', permission: 'backupManagement', params: ById, body: AcknowledgeBody, response: Alert },
      ({ principal, params, body }) => alerts.acknowledge(principal, params.id, body.note),
    )
    .post(
      '/:id/resolve',
      {
        summary: "Resolve an alert mirrored from another system (a VSPC alarm): forwarded there first; the hub's own alerts clear by themselves (409)",
        permission: 'backupManagement',
        params: ById,
        body: AcknowledgeBody,
        status: 204,
      },
      ({ principal, params, body }) => alerts.resolve(principal, params.id, body.note),
    );
}

/** `/settings/monitoring`: the thresholds behind the alerts. */
export function monitoringSettingsRouter({ alerts }: BackupParts, router: Router): Router {
  return router
    .get('/', { summary: 'Monitoring thresholds', permission: 'monitoring', response: MonitoringSettings, tags: ['settings'] }, () => alerts.settings())
    .put('/', { summary: 'Change monitoring thresholds', permission: 'siteSettings', body: MonitoringSettingsUpdate, response: MonitoringSettings, tags: ['settings'] }, ({ principal, body }) =>
      alerts.updateSettings(principal, body),
    );
}
