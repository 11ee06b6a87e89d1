import { createHash } from 'node:crypto';
import { applyFinish, newPolicy } from '../../../shared/domain/policy-rules.js';
import { ALL_SERVICES, type LogRecord, type Policy, type Session, type SessionResult } from '../../../shared/schemas/backup.js';
import type { SourceRef, SyncCounts } from '../../../shared/schemas/connections.js';
import { policies } from '../../services/backup/collections.js';
import { SessionHistory } from '../../services/backup/session-history.js';
import { customers } from '../../services/customer-collection.js';
import type { WriteBatch } from '../../store/store.js';
import { syncedId } from '../ids.js';
import { announceFinishedSessions } from '../synced-sessions.js';
import { emptyCounts, type SyncInput, type SyncPlan } from '../kind.js';
import { UpstreamError } from '../upstream-error.js';
import { policyStatusOf, runOutcomeOf } from '../vspc/mapping.js';
import type { VdcClient, VdcLog, VdcSession } from './client.js';
import { backupTypeOf, parseLogTitle } from './mapping.js';

export interface VdcSyncLimits {
  /** New sessions taken per job per run (the rest come in the next runs). */
  sessionsPerJob: number;
  /** Log listings fetched per run. */
  logFetchesPerRun: number;
}

/** Per job, what the last run saw: sessions created after `after` are new; `pending` ones are read again (running, or logs not fetched yet). */
type JobState = { after: string | null; pending: string[]; finished?: string[] };

/** The hub id of a VDC session: carries its policy id, as session ids must. */
const vdcSessionId = (policyId: string, vdcSessionId: string): string => `ses_${createHash('sha256').update(vdcSessionId).digest('hex').slice(0, 12)}.${policyId}`;

/**
 * Reads a VDC tenancy's backup jobs, and for the jobs that ran since the last run only, their
 * sessions newer than the last seen and the logs of those that ended (bounded per run), and
 * plans the one write that applies them to the connection's customer.
 */
export async function planVdcSync(input: SyncInput, client: VdcClient, limits: VdcSyncLimits): Promise<SyncPlan> {
  const { ctx, connection, now } = input;
  const at = now.toISOString();
  const customerId = connection.customerId;
  const customer = customerId ? ctx.store.get(customers, customerId) : undefined;
  if (!customerId || !customer || customer.status === 'offboarded') {
    throw new UpstreamError('client', `The customer this VDC connection belongs to (${customerId ?? 'none'}) no longer exists in the hub; nothing was read.`, null, null, null);
  }
  const counts: Record<string, SyncCounts> = { policies: emptyCounts(), sessions: emptyCounts(), logs: emptyCounts() };
  const notes: string[] = [];
  const runner = `VDC ${connection.name}`;
  const previous = (connection.state.jobs ?? {}) as Record<string, JobState>;
  const nextState: Record<string, JobState> = {};
  const existing = new Map<string, Policy>();
  for (const p of ctx.store.all(policies)) if (p.source?.connectionId === connection.id) existing.set(p.source.upstreamId, p);

  const jobs = await client.jobs();
  const policyPuts: Policy[] = [];
  const appends = new Map<string, { sessions: Session[]; logs: LogRecord[] }>();
  const finished: Session[] = [];
  let logBudget = limits.logFetchesPerRun;
  let logsDeferred = 0;
  const seen = new Set<string>();

  for (const job of jobs) {
    if (seen.has(job.id)) continue;
    seen.add(job.id);
    const before = existing.get(job.id);
    const state: JobState = previous[job.id] ?? { after: null, pending: [] };
    const id = before?.id ?? syncedId('pol', connection.id, job.id);
    const { type, known: knownType } = backupTypeOf(job.backupType);
    if (!knownType) notes.push(`Job "${job.name}" has backup type "${job.backupType}", which SP Hub does not know; shown as EntireOrganization.`);
    const source: SourceRef = {
      connectionId: connection.id,
      kind: connection.kind,
      upstreamId: job.id,
      goneAt: null,
      upstreamStatus: job.lastStatus ?? null,
      parentId: job.organizationVboInstanceId ?? null,
    };
    let policy: Policy =
      before ??
      newPolicy({
        id,
        customerId,
        name: job.name,
        backupType: type,
        services: [...ALL_SERVICES],
        selected: { users: [], groups: [], sites: [], teams: [] },
        excluded: { users: [], groups: [], sites: [], teams: [] },
        enabled: job.isEnabled ?? false,
        scheduleHours: 24,
        nextRun: null,
        createdAt: at,
        createdBy: runner,
      });
    policy = { ...policy, customerId, name: job.name, backupType: type, enabled: job.isEnabled ?? policy.enabled, nextRun: job.nextRun ?? null, source };

    const ran = (job.lastRun ?? null) !== (before?.lastRun ?? null) || state.pending.length > 0 || !before;
    let nextJobState = state;
    if (job.lastRun && ran) {
      const listed = await client.sessions(job.id);
      const pending = new Set(state.pending);
      // Oldest first, at most sessionsPerJob: the watermark only moves forward, the rest come next run.
      const candidates = listed
        .filter((s) => pending.has(s.id) || !state.after || s.creationTime > state.after)
        .sort((a, b) => (a.creationTime < b.creationTime ? -1 : a.creationTime > b.creationTime ? 1 : 0));
      const taken = candidates.slice(0, limits.sessionsPerJob);
      if (candidates.length > taken.length)
        notes.push(`Job "${job.name}": ${candidates.length - taken.length} more new sessions come with the next runs (at most ${limits.sessionsPerJob} a job a run).`);
      const stillPending: string[] = [];
      for (const s of taken) {
        const outcome = outcomeOf(s);
        const final = outcome !== 'Running';
        let logs: VdcLog[] | null = null;
        if (final) {
          if (logBudget > 0) {
            logBudget -= 1;
            logs = await client.logs(job.id, s.id);
          } else logsDeferred += 1;
        }
        // Read again next run: still running, or its logs not fetched yet.
        if (!final || logs === null) stillPending.push(s.id);
        const sessionId = vdcSessionId(id, s.id);
        const isNew = !pending.has(s.id);
        const parsed = (logs ?? []).map((l) => ({ ...parseLogTitle(l.title), at: l.creationTime ?? s.creationTime }));
        const session = toSession(s, outcome, { id: sessionId, policy, customerId, runner, summary: parsed.at(-1)?.message ?? null });
        const entry = appends.get(id) ?? { sessions: [], logs: [] };
        entry.sessions.push(session);
        entry.logs.push(...parsed.map((l) => ({ sessionId, at: l.at, status: l.status, message: l.message })));
        appends.set(id, entry);
        counts.sessions![isNew ? 'created' : 'updated'] += 1;
        counts.logs!.created += parsed.length;
        if (isNew) policy = { ...policy, runCount: policy.runCount + 1 };
        if (final && (isNew || pending.has(s.id)) && !(pending.has(s.id) && state.finished?.includes(s.id))) {
          policy = applyFinish(
            { ...policy, lastSessionId: sessionId },
            { sessionId, result: outcome, startedAt: session.startedAt, endedAt: session.endedAt ?? session.startedAt, summary: session.summary },
          );
          if (before) finished.push(session);
        }
      }
      const finishedPending = taken.filter((s) => stillPending.includes(s.id) && outcomeOf(s) !== 'Running').map((s) => s.id);
      const newest = taken.at(-1)?.creationTime ?? null;
      nextJobState = { after: newest && (!state.after || newest > state.after) ? newest : state.after, pending: stillPending, finished: finishedPending };
    }
    nextState[job.id] = nextJobState;
    const { status, known } = policyStatusOf(job.lastStatus);
    policy = {
      ...policy,
      lastRun: job.lastRun ?? policy.lastRun,
      lastStatus: status,
      ...(!known && { lastMessage: `VDC status "${job.lastStatus}"` }),
      averageProcessMs: Math.max(0, Math.round((job.avgJobProcessTimeInSeconds ?? policy.averageProcessMs / 1000) * 1000)),
    };
    if (before && JSON.stringify({ ...before, updatedAt: '' }) === JSON.stringify({ ...policy, updatedAt: '' })) counts.policies!.unchanged += 1;
    else {
      counts.policies![before ? 'updated' : 'created'] += 1;
      policyPuts.push({ ...policy, updatedAt: at });
    }
  }
  if (logsDeferred > 0) notes.push(`${logsDeferred} ended sessions wait for their logs (at most ${limits.logFetchesPerRun} log listings a run); the next runs fetch them.`);
  for (const [upstreamId, p] of existing) {
    if (seen.has(upstreamId) || p.source?.goneAt) continue;
    counts.policies!.gone += 1;
    policyPuts.push({ ...p, nextRun: null, source: { ...p.source!, goneAt: at }, updatedAt: at });
  }

  const history = new SessionHistory(ctx.logs);
  return {
    counts,
    notes,
    requests: client.requests,
    state: { jobs: nextState },
    async prepare() {
      for (const [policyId, entry] of appends) await history.append(policyId, entry);
    },
    apply(tx: WriteBatch) {
      for (const p of policyPuts) tx.put(policies, p);
    },
    async after() {
      await announceFinishedSessions(ctx, runner, finished);
    },
  };
}

function outcomeOf(s: VdcSession): SessionResult | 'Running' {
  const outcome = runOutcomeOf(s.status ?? 'Unknown');
  // A session without a known end state: ended if it has an end time, else still running.
  return outcome ?? (s.endTime ? 'Warning' : 'Running');
}

function toSession(s: VdcSession, outcome: SessionResult | 'Running', ctx: { id: string; policy: Policy; customerId: string; runner: string; summary: string | null }): Session {
  const started = s.creationTime;
  const ended = outcome === 'Running' ? null : (s.endTime ?? started);
  const known = policyStatusOf(s.status).known;
  return {
    id: ctx.id,
    policyId: ctx.policy.id,
    policyName: ctx.policy.name,
    customerId: ctx.customerId,
    trigger: 'schedule',
    startedBy: ctx.runner,
    runner: ctx.runner,
    startedAt: started,
    endedAt: ended,
    status: outcome,
    progress: Math.min(100, Math.max(0, s.progress ?? (outcome === 'Running' ? 0 : 100))),
    totalObjects: Math.max(0, s.processedObjects ?? 0),
    excludedObjects: 0,
    processedObjects: Math.max(0, s.processedObjects ?? 0),
    transferredBytes: 0,
    durationMs: ended ? Math.max(0, Date.parse(ended) - Date.parse(started)) : null,
    summary: known ? ctx.summary : `VDC status "${s.status}"${ctx.summary ? `: ${ctx.summary}` : ''}`,
  };
}
