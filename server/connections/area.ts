import type { Area } from '../area.js';
import type { PolicyActionsPort } from '../services/backup/policy-actions.js';
import { localizedError } from '../http/errors.js';
import { connectionAlertProvider, upstreamAlarmProvider } from './alerts.js';
import { connections } from './collections.js';
import type { ConnectionKindModule } from './kind.js';
import { customerSourceRouter, connectionsRouter } from './routes.js';
import { SecretBox } from './secrets.js';
import { ConnectionService } from './service.js';
import { SyncEngine } from './sync-engine.js';
import { vdcKind, type VdcKindOptions } from './vdc/index.js';
import { vspcKind, type VspcKindOptions } from './vspc/index.js';

// Augmented through the public area interface, as the bot does: with TypeScript 7, augmenting
// '../context.js' here lost these members once the bot augmented the re-export in server/area.ts.
declare module '../area.js' {
  interface HubServices {
    connections: ConnectionService;
    connectionSync: SyncEngine;
    /** Connection kinds by name; pass your own (a stand-in's faster retries) through createApp({ services }). */
    connectionKinds: ReadonlyMap<string, ConnectionKindModule>;
  }
}

/** The kinds this hub knows; a new kind is a folder under server/connections/ and a line here. */
export function defaultKinds(options: { vspc?: VspcKindOptions; vdc?: VdcKindOptions } = {}): Map<string, ConnectionKindModule> {
  return new Map<string, ConnectionKindModule>([
    ['vspc', vspcKind(options.vspc)],
    ['vdc', vdcKind(options.vdc)],
  ]);
}

/**
 * Connections to the Veeam systems where the real estate lives. Settings (environment):
 * SPHUB_SECRET_KEY (key for connection secrets; else `secret.key` in the data folder),
 * SPHUB_CONNECTION_SYNC ("off": only POST /connections/{id}/sync runs a sync).
 */
export const connectionsArea: Area = {
  name: 'connections',
  async setup(ctx, { router }) {
    const env = ctx.config.env;
    // The key file sits in the data folder even when the records live elsewhere (a database store).
    const { box, origin } = await SecretBox.open(env, ctx.store.dir ?? ctx.config.dataDir);
    const kinds = ctx.services.connectionKinds ?? defaultKinds();
    let engine!: SyncEngine;
    const service = new ConnectionService(ctx, { box, kinds, syncing: (id) => engine.isRunning(id) });
    const alerts = ctx.services.alerts;
    engine = new SyncEngine(ctx, service, { timer: env.SPHUB_CONNECTION_SYNC?.toLowerCase() !== 'off', afterRun: () => alerts.monitor() });
    Object.assign(ctx.services, { connections: service, connectionSync: engine, connectionKinds: kinds });

    alerts.register(connectionAlertProvider(ctx));
    alerts.register(upstreamAlarmProvider(ctx, service));

    // Actions on synced policies go to the kind of their source.
    for (const kind of kinds.values()) {
      const port: PolicyActionsPort = {
        async perform(action, policy) {
          const connection = ctx.store.get(connections, policy.source!.connectionId);
          if (!connection) throw localizedError('conflict', { key: 'api.connection.deleted', params: { policy: policy.name, kind: kind.label } });
          if (!kind.policyAction) throw localizedError('conflict', { key: 'api.connection.noActions', params: { kind: kind.label } });
          return kind.policyAction(connection, service.secretOf(connection), action, policy);
        },
      };
      ctx.services.backup.registerSource(kind.kind, port);
    }

    return {
      routes: [
        { prefix: '/connections', router: connectionsRouter(service, engine, router()) },
        { prefix: '/customers', router: customerSourceRouter(service, router()) },
      ],
      jobs: [engine],
      banner: () => {
        const all = [...ctx.store.all(connections)];
        const insecure = all.filter((c) => c.insecureSkipVerify).map((c) => c.name);
        const failing = all.filter((c) => c.status === 'failing').length;
        return [
          `  Connections ${all.length === 0 ? 'none (POST /api/v1/connections to sync from VSPC or the VDC Public API)' : `${all.length} (${failing} failing); secrets sealed with ${origin === 'SPHUB_SECRET_KEY' ? 'SPHUB_SECRET_KEY' : 'the key in ' + origin}`}`,
          ...(insecure.length > 0 ? [`  WARNING: certificate checks are OFF for ${insecure.map((n) => `"${n}"`).join(', ')} (insecureSkipVerify)`] : []),
        ].join('\n');
      },
    };
  },
};
