import { Dashboard, DashboardQuery } from '../../shared/schemas/monitoring.js';
import type { Router } from '../http/router.js';
import type { BackupParts } from '../services/backup/parts.js';

/** `/dashboard`: job results, restore statistics and license usage with their daily history. */
export function dashboardRouter({ dashboard }: BackupParts, router: Router): Router {
  return router.get('/', { summary: 'The dashboard widgets: jobs, restores, licenses', permission: 'monitoring', query: DashboardQuery, response: Dashboard }, ({ query }) =>
    dashboard.dashboard(query.days),
  );
}
