import { localizedError } from '../../http/errors.js';
import type { ConnectionRecord } from '../collections.js';
import { describeUpstreamError } from '../errors-describe.js';
import type { PolicyAction } from '../../services/backup/policy-actions.js';
import type { ConnectionKindModule } from '../kind.js';
import { UpstreamError } from '../upstream-error.js';
import { VdcClient, type VdcClientOptions } from './client.js';
import { planVdcSync, type VdcSyncLimits } from './sync.js';

export interface VdcKindOptions {
  client?: Partial<Pick<VdcClientOptions, 'timeoutMs' | 'attempts' | 'backoffMs' | 'maxRetryAfterMs' | 'sleep'>>;
  limits?: Partial<VdcSyncLimits>;
}

function vdcClient(connection: ConnectionRecord, secret: string, options: VdcKindOptions = {}): VdcClient {
  return new VdcClient({ baseUrl: connection.baseUrl, apiKey: secret, tls: { caCertificatePem: connection.caCertificatePem, insecureSkipVerify: connection.insecureSkipVerify }, ...options.client });
}

/** The sentence every refused action says: the VDC Public API only reports. */
const VDC_READ_ONLY = (policyName: string, action: PolicyAction) =>
  localizedError('conflict', { key: 'api.connection.vdcReadOnly', params: { policy: policyName, action: { key: `api.connection.action.${action}` } } });

/** The Veeam Data Cloud Public API (reports of one VDC tenancy, read-only). */
export function vdcKind(options: VdcKindOptions = {}): ConnectionKindModule {
  return {
    kind: 'vdc',
    label: 'VDC',
    needsCustomer: true,

    async test(connection, secret) {
      const client = vdcClient(connection, secret, { client: { ...options.client, attempts: 1, timeoutMs: options.client?.timeoutMs ?? 10_000 } });
      try {
        const jobs = await client.jobs();
        return { ok: true, stage: 'ok', message: `Connected: VDC accepted the API key and reports ${jobs.length} backup jobs.`, apiVersion: 'v1', requestId: null };
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        const stage =
          error.fault === 'dns' || error.fault === 'tcp' || error.fault === 'tls'
            ? error.fault
            : error.fault === 'timeout'
              ? 'tcp'
              : error.fault === 'auth'
                ? 'auth'
                : error.fault === 'forbidden'
                  ? 'permission'
                  : 'http';
        const message =
          error.fault === 'forbidden'
            ? 'VDC answered 403: the API key may not read reports; make one with report access in the portal (Settings > System > VDC Public API).'
            : error.fault === 'notFound'
              ? `There is no VDC Public API at ${connection.baseUrl} (404 on /v1/reports/backup-jobs); use your region's base URL.`
              : error.message.replace(/^GET \S+: /, '');
        return { ok: false, stage, message, apiVersion: null, requestId: error.requestId };
      }
    },

    async read(input) {
      const client = vdcClient(input.connection, input.secret, options);
      try {
        return await planVdcSync(input, client, { sessionsPerJob: options.limits?.sessionsPerJob ?? 20, logFetchesPerRun: options.limits?.logFetchesPerRun ?? 200 });
      } catch (error) {
        if (error instanceof UpstreamError) Object.assign(error, { requests: client.requests });
        throw error;
      }
    },

    async policyAction(_connection, _secret, action, policy) {
      throw VDC_READ_ONLY(policy.name, action);
    },

    describeError: describeUpstreamError,
  };
}
