import type { BackupRunner, HubTimers } from '../../jobs/runner.js';
import type { BackupScheduler } from '../../jobs/scheduler.js';
import type { AlertService } from './alert-service.js';
import type { BackupService } from './backup-service.js';
import type { CustomerDirectory } from './customer-directory.js';
import type { DashboardService } from './dashboard-service.js';
import type { HealthService } from './health-service.js';
import type { PolicyIndex } from './policy-index.js';
import type { RestoreService } from './restore-service.js';
import type { SessionHistory } from './session-history.js';

/** Everything the backup area builds, handed to its routes and its seed. */
export interface BackupParts {
  runner: BackupRunner;
  timers: HubTimers;
  directory: CustomerDirectory;
  index: PolicyIndex;
  history: SessionHistory;
  backup: BackupService;
  restores: RestoreService;
  alerts: AlertService;
  health: HealthService;
  dashboard: DashboardService;
  scheduler: BackupScheduler;
}
