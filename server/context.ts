import type { Clock } from '../shared/domain/clock.js';
import type { HubConfig } from './config.js';
import type { AuditLog } from './services/audit.js';
import type { EventBus } from './services/events.js';
import type { AppendLog } from './store/append-log.js';
import type { Store } from './store/store.js';

/**
 * The services of each area. Areas add theirs by declaration merging:
 *   declare module '../context.js' { interface HubServices { backup: BackupService } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface HubServices {}

/** The small world every service and route lives in; tests build their own. */
export interface HubContext {
  store: Store;
  logs: AppendLog;
  clock: Clock;
  config: HubConfig;
  events: EventBus;
  audit: AuditLog;
  services: HubServices;
}
