import { DAY, HOUR } from '../../../shared/domain/clock.js';
import { systemPrincipal } from '../../auth/principal.js';
import type { HubContext } from '../../context.js';
import { supportSettings } from './support-service.js';
import { statusIncidents } from './status-service.js';

const principal = () => systemPrincipal('SP Hub demo seed');

/** Demo support button: the SP's own support page. */
export async function seedSupport(ctx: HubContext): Promise<void> {
  if (ctx.store.get(supportSettings, 'support')) return;
  await ctx.services.support.update(principal(), { showSupportButton: true, link: 'https://support.northwind-msp.com/vdc', buttonText: 'Contact Northwind support' });
}

/** Demo status: a backup storage maintenance window in EMEA next Saturday night (UTC). */
export async function seedStatus(ctx: HubContext): Promise<void> {
  if (ctx.store.count(statusIncidents) > 0) return;
  const now = ctx.clock.now();
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const daysToSaturday = (6 - now.getUTCDay() + 7) % 7 || 7;
  const start = new Date(midnight + daysToSaturday * DAY + 22 * HOUR);
  await ctx.services.status.createIncident(principal(), {
    kind: 'maintenance',
    title: 'Backup storage upgrade in EMEA',
    description: 'Backups and restores in EMEA may be slower while storage nodes are upgraded one at a time.',
    regions: ['EMEA'],
    services: ['backupStorage', 'restores'],
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 4 * HOUR).toISOString(),
  });
}
