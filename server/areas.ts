import type { Area } from './area.js';
import { accessArea } from './routes/access.js';
import { customersArea } from './routes/customers.js';
import { backupArea } from './routes/policies.js';
import { usageArea } from './routes/usage-reports.js';
import { supportArea } from './routes/support.js';
import { statusArea } from './routes/status.js';
import { demoPagesArea } from './routes/demo-pages.js';
import { notificationsArea } from './routes/notifications.js';
import { botArea } from '../bot/area.js';
import { connectionsArea } from './connections/area.js';

/** The domain's areas in set-up order: each may use the services of those before it. */
export const areas: Area[] = [accessArea, customersArea, backupArea, usageArea, supportArea, statusArea, notificationsArea, connectionsArea, botArea, demoPagesArea];
