import type { ConnectionTestResult } from '../../../shared/schemas/connections.js';
import { localizedError } from '../../http/errors.js';
import type { ConnectionRecord } from '../collections.js';
import { hubErrorFromUpstream } from '../errors.js';
import { describeUpstreamError } from '../errors-describe.js';
import type { ConnectionKindModule } from '../kind.js';
import { UpstreamError } from '../upstream-error.js';
import { CLIENT_VERSION, VspcClient, type VspcClientOptions } from './client.js';
import { planVspcSync, readVspc } from './sync.js';

/** Tuning of the client; tests shorten the waits. */
export interface VspcKindOptions {
  client?: Partial<Pick<VspcClientOptions, 'timeoutMs' | 'attempts' | 'backoffMs' | 'maxRetryAfterMs' | 'pageSize' | 'sleep'>>;
  /** Between checks of an async action. */
  pollMs?: number;
  /** A full read at least this often (default 60 minutes); runs in between read only jobs that ran and the active alarms. */
  fullSyncMinutes?: number;
}

function vspcClient(connection: ConnectionRecord, secret: string, options: VspcKindOptions = {}): VspcClient {
  return new VspcClient({
    baseUrl: connection.baseUrl,
    auth: connection.authType === 'apiKey' ? { type: 'apiKey', apiKey: secret } : { type: 'password', username: connection.username ?? '', password: secret },
    tls: { caCertificatePem: connection.caCertificatePem, insecureSkipVerify: connection.insecureSkipVerify },
    ...options.client,
  });
}

const ACTION_WORDS = { start: 'started', stop: 'stopped', enable: 'enabled', disable: 'disabled' } as const;

/** Veeam Service Provider Console, REST API v3. */
export function vspcKind(options: VspcKindOptions = {}): ConnectionKindModule {
  return {
    kind: 'vspc',
    label: 'VSPC',

    async test(connection, secret) {
      const client = vspcClient(connection, secret, { client: { ...options.client, attempts: 1, timeoutMs: options.client?.timeoutMs ?? 10_000 } });
      try {
        const { headers, requestId, body } = await client.probe<{ data?: unknown }>('/organizations/companies', { limit: '1' });
        const version = headerText(headers['x-api-version']);
        if (!body || !Array.isArray((body as { data?: unknown }).data)) {
          return result(
            false,
            'http',
            `The answer of ${connection.baseUrl}/organizations/companies is JSON but not VSPC's envelope (no data list); is the base URL the REST API v3 root?`,
            version,
            requestId,
          );
        }
        if (version && compareVersions(version, CLIENT_VERSION) < 0) {
          return result(false, 'version', `VSPC answers with API version ${version}; SP Hub needs ${CLIENT_VERSION} or later (sent as X-Client-Version).`, version, requestId);
        }
        return result(
          true,
          'ok',
          `Connected: VSPC accepted the ${connection.authType === 'apiKey' ? 'API key' : `user ${connection.username}`} and lists companies${version ? ` (API ${version})` : ''}.`,
          version,
          requestId,
        );
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        const id = error.requestId;
        switch (error.fault) {
          case 'dns':
          case 'tcp':
          case 'tls':
            return result(false, error.fault, error.message.replace(/^GET \S+: |^POST \/token: /, ''), null, id);
          case 'timeout':
            return result(false, 'tcp', `No answer: ${error.message.replace(/^GET \S+: /, '')}`, null, id);
          case 'auth':
            return result(false, 'auth', error.message, null, id);
          case 'forbidden':
            return result(
              false,
              'permission',
              `VSPC answered 403 Forbidden: the account behind these credentials lacks the role SP Hub needs. Give it the Portal Administrator role (or Portal Operator: reading companies, jobs, alarms and usage, and starting jobs).`,
              null,
              id,
            );
          case 'notFound':
            return result(false, 'http', `There is no VSPC REST API v3 at ${connection.baseUrl} (404 on /organizations/companies); the base URL usually ends in :1280/api/v3.`, null, id);
          case 'client':
            return /version/i.test(error.message)
              ? result(false, 'version', `VSPC refused API version ${CLIENT_VERSION} (X-Client-Version): ${error.message}`, null, id)
              : result(false, 'http', error.message, null, id);
          case 'malformed':
            return result(false, 'http', `${connection.baseUrl} answered something that is not VSPC's JSON: is the base URL the REST API v3 root?`, null, id);
          default:
            return result(false, 'http', error.message, null, id);
        }
      }
    },

    async read(input) {
      const client = vspcClient(input.connection, input.secret, options);
      try {
        const state = input.connection.state;
        const lastFull = typeof state.lastFullSyncAt === 'string' ? Date.parse(state.lastFullSyncAt) : NaN;
        const watermark = typeof state.jobsWatermark === 'string' ? state.jobsWatermark : null;
        // A full read every fullSyncMinutes sees what is gone, renamed or re-enabled; in between only what ran.
        const incremental = watermark !== null && input.now.getTime() - lastFull < (options.fullSyncMinutes ?? 60) * 60_000;
        const snapshot = await readVspc(client, incremental ? watermark : null);
        const plan = planVspcSync(input, snapshot, client.requests);
        plan.notes.unshift(
          incremental
            ? `Incremental read: VB365 jobs that ran after ${watermark} and the active alarms (a full read follows within ${options.fullSyncMinutes ?? 60} minutes of the last).`
            : 'Full read.',
        );
        return plan;
      } catch (error) {
        if (error instanceof UpstreamError) Object.assign(error, { requests: client.requests });
        throw error;
      }
    },

    async policyAction(connection, secret, action, policy) {
      const source = policy.source!;
      if (!source.parentId) throw localizedError('conflict', { key: 'api.connection.noServer', params: { policy: policy.name, connection: connection.name } });
      const client = vspcClient(connection, secret, options);
      const path = `/infrastructure/vb365Servers/${encodeURIComponent(source.parentId)}/organizations/jobs/${encodeURIComponent(source.upstreamId)}/${action}`;
      try {
        const outcome = await client.action(path, {}, { ...(options.pollMs !== undefined && { pollMs: options.pollMs }) });
        return {
          message: `VSPC ${ACTION_WORDS[action]} the job${outcome.async ? ' (its async action succeeded)' : ''}; X-Request-id ${outcome.requestId}.`,
          requestId: outcome.requestId,
          runner: `VSPC ${connection.name}`,
          patch: action === 'enable' ? { enabled: true } : action === 'disable' ? { enabled: false, nextRun: null } : action === 'start' ? { lastStatus: 'Running' } : {},
        };
      } catch (error) {
        throw hubErrorFromUpstream(`VSPC (${connection.name})`, error, { key: `api.upstream.job.${action}`, params: { name: policy.name } });
      }
    },

    async alarmAction(connection, secret, action, alert, upstreamId, note) {
      const client = vspcClient(connection, secret, options);
      try {
        await client.action(`/alarms/active/${encodeURIComponent(upstreamId)}/${action}`, note ? { comment: note } : {}, { ...(options.pollMs !== undefined && { pollMs: options.pollMs }) });
      } catch (error) {
        throw hubErrorFromUpstream(`VSPC (${connection.name})`, error, { key: `api.upstream.alarm.${action}`, params: { name: alert.subject.name } });
      }
    },

    describeError: describeUpstreamError,
  };
}

function result(ok: boolean, stage: ConnectionTestResult['stage'], message: string, apiVersion: string | null, requestId: string | null): ConnectionTestResult {
  return { ok, stage, message, apiVersion, requestId };
}

function headerText(value: string | string[] | undefined): string | null {
  const text = Array.isArray(value) ? value[0] : value;
  return text?.trim() || null;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
