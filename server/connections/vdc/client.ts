import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { httpCall, retryAfterMs, TransportError, type HttpAnswer, type TlsOptions } from '../http.js';
import { UpstreamError } from '../upstream-error.js';

// A client of the VDC Public API (technical preview, October 2024): read-only reports of one
// VDC tenancy, an API key made in the portal (Settings > System > VDC Public API), a base URL
// per region. No published OpenAPI document was available, so the answers are checked with the
// loose schemas below (as the announcement lists the fields): unknown fields are ignored, a
// missing required one is a malformed answer, never a crash.

const Time = z.string().nullable().optional();

export const VdcJob = z.looseObject({
  id: z.string(),
  name: z.string(),
  backupType: z.string().nullable().optional(),
  jobType: z.string().nullable().optional(),
  isEnabled: z.boolean().optional(),
  lastRun: Time,
  lastStatus: z.string().nullable().optional(),
  nextRun: Time,
  avgJobProcessTimeInSeconds: z.number().nullable().optional(),
  organizationVboInstanceId: z.string().nullable().optional(),
});
export type VdcJob = z.infer<typeof VdcJob>;

export const VdcSession = z.looseObject({
  id: z.string(),
  creationTime: z.string(),
  endTime: Time,
  progress: z.number().nullable().optional(),
  status: z.string().nullable().optional(),
  processedObjects: z.number().nullable().optional(),
  jobId: z.string().nullable().optional(),
  copyJobId: z.string().nullable().optional(),
  jobType: z.string().nullable().optional(),
});
export type VdcSession = z.infer<typeof VdcSession>;

export const VdcLog = z.looseObject({ id: z.string(), title: z.string(), creationTime: Time, endTime: Time });
export type VdcLog = z.infer<typeof VdcLog>;

export interface VdcClientOptions {
  baseUrl: string;
  apiKey: string;
  tls?: TlsOptions;
  timeoutMs?: number;
  attempts?: number;
  backoffMs?: number;
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export class VdcClient {
  requests = 0;
  private readonly base: string;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: VdcClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  jobs(): Promise<VdcJob[]> {
    return this.list('/v1/reports/backup-jobs', VdcJob);
  }

  /** Newest first. */
  sessions(jobId: string): Promise<VdcSession[]> {
    return this.list(`/v1/reports/backup-jobs/${encodeURIComponent(jobId)}/job-sessions`, VdcSession);
  }

  logs(jobId: string, sessionId: string): Promise<VdcLog[]> {
    return this.list(`/v1/reports/backup-jobs/${encodeURIComponent(jobId)}/job-sessions/${encodeURIComponent(sessionId)}/logs`, VdcLog);
  }

  private async list<T>(path: string, item: z.ZodType<T>): Promise<T[]> {
    const { answer, requestId } = await this.send(path);
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      throw new UpstreamError('malformed', `VDC answered ${path} with a body that is not JSON`, path, answer.status, requestId);
    }
    // Some previews wrap lists as {data: [...]} or {items: [...]}; accept both and a bare array.
    const list = Array.isArray(body) ? body : ((body as { data?: unknown; items?: unknown })?.data ?? (body as { items?: unknown })?.items);
    if (!Array.isArray(list)) throw new UpstreamError('malformed', `VDC answered ${path} without a list`, path, answer.status, requestId);
    const parsed = z.array(item).safeParse(list);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UpstreamError('malformed', `VDC answered ${path} with an item lacking ${issue.path.join('.') || 'its fields'} (${issue.message})`, path, answer.status, requestId);
    }
    return parsed.data;
  }

  private async send(path: string): Promise<{ answer: HttpAnswer; requestId: string }> {
    const attempts = this.options.attempts ?? 4;
    const requestId = randomUUID();
    for (let attempt = 1; ; attempt++) {
      let answer: HttpAnswer;
      try {
        this.requests += 1;
        answer = await httpCall({
          url: new URL(this.base + path),
          method: 'GET',
          headers: { accept: 'application/json', authorization: `Bearer ${this.options.apiKey}`, 'x-request-id': requestId },
          timeoutMs: this.options.timeoutMs ?? 30_000,
          ...(this.options.tls && { tls: this.options.tls }),
        });
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
        if (error.stage === 'timeout' && attempt < attempts) {
          await this.sleep(this.backoff(attempt));
          continue;
        }
        throw new UpstreamError(error.stage, `GET ${path}: ${error.message}`, path, null, requestId);
      }
      const { status } = answer;
      if (status >= 200 && status < 300) return { answer, requestId };
      if (status === 401)
        throw new UpstreamError(
          'auth',
          `VDC refused the API key (401 on ${path}): it is wrong, expired or revoked; make a new one in the portal under Settings > System > VDC Public API`,
          path,
          401,
          requestId,
        );
      if (status === 429 || status === 503) {
        const wait = retryAfterMs(answer.headers['retry-after'], Date.now()) ?? this.backoff(attempt);
        if (attempt < attempts && wait <= (this.options.maxRetryAfterMs ?? 120_000)) {
          await this.sleep(wait);
          continue;
        }
        throw new UpstreamError('rateLimited', `VDC is ${status === 429 ? 'throttling requests' : 'unavailable'} (${status} on ${path})`, path, status, requestId);
      }
      if (status >= 500) {
        if (attempt < attempts) {
          await this.sleep(this.backoff(attempt));
          continue;
        }
        throw new UpstreamError('server', `VDC failed ${attempts} times on ${path} (${status})`, path, status, requestId);
      }
      throw new UpstreamError(status === 403 ? 'forbidden' : status === 404 ? 'notFound' : 'client', `VDC answered ${status} on ${path}`, path, status, requestId);
    }
  }

  private backoff(attempt: number): number {
    return (this.options.backoffMs ?? 500) * 2 ** (attempt - 1);
  }
}
