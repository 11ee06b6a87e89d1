import { z } from 'zod';
import { PolicyInput, PolicyQuery, PolicyUpdate, PolicyView, ProtectedService, Session, SessionQuery } from '../../shared/schemas/backup.js';
import { Id, Page } from '../../shared/schemas/common.js';
import type { Area } from '../area.js';
import type { Router } from '../http/router.js';
import { HubTimers, type BackupRunner } from '../jobs/runner.js';
import { SimulatedRunner } from '../jobs/runner-simulated.js';
import { BackupScheduler } from '../jobs/scheduler.js';
import { seedBackupDemo } from '../seed/backup.js';
import { AlertService } from '../services/backup/alert-service.js';
import { BackupService } from '../services/backup/backup-service.js';
import { CustomerDirectory } from '../services/backup/customer-directory.js';
import { DashboardService } from '../services/backup/dashboard-service.js';
import { HealthService } from '../services/backup/health-service.js';
import type { BackupParts } from '../services/backup/parts.js';
import { PolicyIndex } from '../services/backup/policy-index.js';
import { RestoreService } from '../services/backup/restore-service.js';
import { SessionHistory } from '../services/backup/session-history.js';
import { alertsRouter, monitoringSettingsRouter } from './alerts.js';
import { dashboardRouter } from './dashboard.js';
import { eventsRouter } from './events.js';
import { customerHealthRouter } from './health.js';
import { restoresRouter } from './restores.js';
import { customerSessionsRouter, sessionsRouter } from './sessions.js';

declare module '../context.js' {
  interface HubServices {
    /** Executes backup sessions; pass your own through createApp({ services: { runner } }). */
    runner: BackupRunner;
    backup: BackupService;
    restores: RestoreService;
    /** The alert registry: `register(provider)` adds an area's alerts. */
    alerts: AlertService;
    customerHealth: HealthService;
    dashboard: DashboardService;
    backupScheduler: BackupScheduler;
  }
}

const ById = z.object({ id: Id });

/** `/policies`: Flex backup policies, their actions and their sessions. */
export function policiesRouter({ backup }: BackupParts, router: Router): Router {
  return router
    .get('/', { summary: 'Flex backup policies (q matches policy and customer names)', permission: 'monitoring', query: PolicyQuery, response: Page(PolicyView) }, ({ query }) => backup.list(query))
    .get('/:id', { summary: 'One policy', permission: 'monitoring', params: ById, response: PolicyView }, ({ params }) => backup.policy(params.id))
    .post(
      '/',
      {
        summary: "Create a policy (a customer's first needs backupManagement, each further one advancedBackupManagement too)",
        permission: 'backupManagement',
        body: PolicyInput,
        response: PolicyView,
        status: 201,
      },
      ({ principal, body }) => backup.create(principal, body),
    )
    .patch(
      '/:id',
      { summary: "Edit a policy's objects (selected and excluded users, groups, sites, teams), name or type", permission: 'backupManagement', params: ById, body: PolicyUpdate, response: PolicyView },
      ({ principal, params, body }) => backup.update(principal, params.id, body),
    )
    .delete('/:id', { summary: 'Delete a policy (its sessions stay in the history)', permission: 'backupManagement', params: ById, status: 204 }, ({ principal, params }) =>
      backup.delete(principal, params.id),
    )
    .post('/:id/start', { summary: 'Start a session now', permission: 'backupManagement', params: ById, response: Session, status: 202 }, ({ principal, params }) =>
      backup.start(principal, params.id, 'manual'),
    )
    .post('/:id/stop', { summary: 'Stop the running session', permission: 'backupManagement', params: ById, response: Session }, ({ principal, params }) => backup.stop(principal, params.id))
    .post('/:id/enable', { summary: 'Let the schedule start the policy again', permission: 'backupManagement', params: ById, response: PolicyView }, ({ principal, params }) =>
      backup.enable(principal, params.id),
    )
    .post('/:id/disable', { summary: 'Keep the schedule from starting the policy', permission: 'backupManagement', params: ById, response: PolicyView }, ({ principal, params }) =>
      backup.disable(principal, params.id),
    )
    .get(
      '/:id/sessions',
      { summary: "A policy's sessions, newest first (status and date filters)", permission: 'monitoring', params: ById, query: SessionQuery, response: Page(Session) },
      ({ params, query }) => backup.sessions(params.id, query),
    );
}

/** Reads the onboarding wizard's service names whatever their spelling ("exchange", "Teams"...). */
export function servicesFrom(raw: unknown): ProtectedService[] {
  if (!Array.isArray(raw)) return [];
  const out = new Set<ProtectedService>();
  for (const item of raw) {
    const text = String(item).toLowerCase();
    if (/exchange|mail|outlook/.test(text)) out.add('Exchange Online');
    if (/onedrive|sharepoint/.test(text)) out.add('OneDrive and SharePoint');
    if (/teams/.test(text)) out.add('Teams');
  }
  return ProtectedService.options.filter((s) => out.has(s));
}

function runnerSpeed(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 30;
  if (/^(instant|infinity)$/i.test(value.trim())) return Infinity;
  const speed = Number(value);
  if (!(speed > 0)) throw new Error(`SPHUB_RUNNER_SPEED must be a number above 0 or "instant", not "${value}"`);
  return speed;
}

/**
 * Backup and monitoring: policies, sessions, runner and scheduler, restores, alerts, dashboard,
 * batch health and the event stream. Settings (environment): SPHUB_RUNNER_SPEED (simulated
 * sessions run this many times faster than real, default 30; "instant"), SPHUB_RUNNER_SEED,
 * SPHUB_SCHEDULER ("off": only tick() starts due policies), SPHUB_SSE_HEARTBEAT_SECONDS (15).
 */
export const backupArea: Area = {
  name: 'backup',
  async setup(ctx, { router }) {
    const env = ctx.config.env;
    const timers = new HubTimers(ctx.clock);
    const runner = ctx.services.runner ?? new SimulatedRunner({ seed: Number(env.SPHUB_RUNNER_SEED ?? 1) || 1, speed: runnerSpeed(env.SPHUB_RUNNER_SPEED) });
    const directory = new CustomerDirectory(ctx);
    const index = new PolicyIndex(ctx);
    const history = new SessionHistory(ctx.logs);
    const alerts = new AlertService(ctx, { index, directory });
    const backup = new BackupService(ctx, { index, directory, history, runner, timers, settings: () => alerts.settings() });
    const restores = new RestoreService(ctx, directory);
    await restores.load();
    const dashboard = new DashboardService(ctx, { index, directory });
    const health = new HealthService(ctx, { directory, alerts });
    const scheduler = new BackupScheduler(ctx.clock, { backup, timers, alerts, dashboard }, { timer: env.SPHUB_SCHEDULER?.toLowerCase() !== 'off' });
    const parts: BackupParts = { runner, timers, directory, index, history, backup, restores, alerts, health, dashboard, scheduler };
    Object.assign(ctx.services, { runner, backup, restores, alerts, customerHealth: health, dashboard, backupScheduler: scheduler });

    directory.onChange((customerId, before, after) => {
      if (before && !after) scheduler.customerRemoved(customerId);
    });
    // Onboarding that chose "apply recommended policies": one whole-organization policy per service.
    ctx.events.subscribe((event) => {
      if (event.type !== 'customer.onboarded' || event.data.policies !== 'recommended') return;
      const customerId = event.customerId ?? (event.subject?.type === 'customer' ? event.subject.id : undefined);
      if (!customerId) return;
      // Fire-and-forget: an event listener cannot wait; backup.settle() and close() wait for it, and a failure is logged here.
      void backup.background(
        backup.createRecommended(customerId, servicesFrom(event.data.services)).catch((error) => console.error(`recommended policies for ${customerId} could not be created:`, error)),
      );
    });

    const heartbeatSeconds = Number(env.SPHUB_SSE_HEARTBEAT_SECONDS ?? 15);
    return {
      routes: [
        { prefix: '/policies', router: policiesRouter(parts, router()) },
        { prefix: '/sessions', router: sessionsRouter(parts, router()) },
        { prefix: '/customers', router: customerSessionsRouter(ctx, parts, router()) },
        { prefix: '/customers', router: customerHealthRouter(parts, router()) },
        { prefix: '/restores', router: restoresRouter(parts, router()) },
        { prefix: '/alerts', router: alertsRouter(parts, router()) },
        { prefix: '/settings/monitoring', router: monitoringSettingsRouter(parts, router()) },
        { prefix: '/dashboard', router: dashboardRouter(parts, router()) },
        { prefix: '/events', router: eventsRouter(ctx, router(), { heartbeatMs: (heartbeatSeconds > 0 ? heartbeatSeconds : 15) * 1000 }) },
      ],
      jobs: [scheduler],
      seed: () => seedBackupDemo(ctx, parts),
      banner: () => `  Backups  runner ${runner.name}${runner instanceof SimulatedRunner ? ' (simulated sessions, no Microsoft 365 data)' : ''}; ${index.count()} policies`,
    };
  },
};
