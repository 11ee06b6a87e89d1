import { applyFinish, newPolicy } from '../../../shared/domain/policy-rules.js';
import { dayOf } from '../../../shared/domain/units.js';
import { ALL_SERVICES, type LogRecord, type Policy, type Session } from '../../../shared/schemas/backup.js';
import type { SourceRef, SyncCounts } from '../../../shared/schemas/connections.js';
import type { Customer } from '../../../shared/schemas/customers.js';
import { policies } from '../../services/backup/collections.js';
import { sessionIdFor } from '../../services/backup/session-history.js';
import { SessionHistory } from '../../services/backup/session-history.js';
import { customers } from '../../services/customer-collection.js';
import type { WriteBatch } from '../../store/store.js';
import type { ConnectionRecord } from '../collections.js';
import { syncedAlarms } from '../collections.js';
import { syncedId } from '../ids.js';
import { announceFinishedSessions } from '../synced-sessions.js';
import { emptyCounts, type SyncInput, type SyncPlan } from '../kind.js';
import type { SyncedAlarm } from '../../../shared/schemas/connections.js';
import type { ActiveAlarm, Company, CompanyMapping, LocationUsage, OrganizationLicenseUsage, Vb365Job, VspcClient } from './client.js';
import { domainKey, isClosedAlarm, licensedUnitsByOrganization, logStatusOf, matchCustomer, nameKey, policyStatusOf, protectedUsersByCompany, runOutcomeOf } from './mapping.js';

/**
 * What one VSPC read brings back, before any comparison with the hub. A full read lists
 * everything (and so sees what is gone); an incremental one lists only the jobs whose lastRun
 * moved since the watermark, and the active alarms, so its requests grow with the change, not
 * with the estate. Companies, mappings and usage are null in an incremental read.
 */
export interface VspcSnapshot {
  mode: 'full' | 'incremental';
  companies: Company[] | null;
  mappings: CompanyMapping[] | null;
  jobs: Vb365Job[];
  alarms: ActiveAlarm[];
  usage: LocationUsage[] | null;
  licenses: OrganizationLicenseUsage[] | null;
}

/** Reads everything a run needs; any failure throws before anything is written. */
export async function readVspc(client: VspcClient, incrementalSince: string | null = null): Promise<VspcSnapshot> {
  if (incrementalSince) {
    const filter = JSON.stringify([{ property: 'lastRun', operation: 'greaterThan', value: incrementalSince }]);
    const jobs = await client.list('/infrastructure/vb365Servers/organizations/jobs', { filter });
    const alarms = await client.list('/alarms/active');
    return { mode: 'incremental', companies: null, mappings: null, jobs, alarms, usage: null, licenses: null };
  }
  const companies = await client.list('/organizations/companies', { expand: 'Organization' });
  const mappings = await client.list('/infrastructure/vb365Servers/organizations/companyMappings');
  const jobs = await client.list('/infrastructure/vb365Servers/organizations/jobs');
  const alarms = await client.list('/alarms/active');
  const usage = await client.list('/organizations/companies/usage');
  const licenses = await client.list('/licensing/usage/organizations');
  return { mode: 'full', companies, mappings, jobs, alarms, usage, licenses };
}

/** Where the next incremental read starts: the newest run seen, but never after a run the hub still sees running. */
export function incrementalWatermark(previous: string | null, jobs: readonly Vb365Job[], running: readonly string[]): string | null {
  let newest = previous;
  for (const job of jobs) if (job.lastRun && (!newest || job.lastRun > newest)) newest = job.lastRun;
  for (const started of running) if (newest && started <= newest) newest = new Date(Date.parse(started) - 1).toISOString();
  return newest;
}

const source = (connection: ConnectionRecord, upstreamId: string, upstreamStatus?: string | null): SourceRef => ({
  connectionId: connection.id,
  kind: connection.kind,
  upstreamId,
  goneAt: null,
  ...(upstreamStatus !== undefined && { upstreamStatus }),
});

/** Compares two records as JSON, ignoring `updatedAt`. */
const same = (a: object, b: object): boolean => {
  const { updatedAt: _a, ...ra } = a as { updatedAt?: string };
  const { updatedAt: _b, ...rb } = b as { updatedAt?: string };
  return JSON.stringify(ra) === JSON.stringify(rb);
};

/**
 * The plan of one run: customers from companies (linked explicitly, else by exact name or
 * domain, ambiguous ones reported), tenants from the organization mappings, policies and their
 * new sessions from jobs, alarms, and licence usage.
 */
export function planVspcSync(input: SyncInput, snapshot: VspcSnapshot, requests: number): SyncPlan {
  const { ctx, connection, now } = input;
  const at = now.toISOString();
  const counts: Record<string, SyncCounts> = { customers: emptyCounts(), tenants: emptyCounts(), policies: emptyCounts(), sessions: emptyCounts(), alarms: emptyCounts(), usage: emptyCounts() };
  const notes: string[] = [];
  const customerPuts = new Map<string, Customer>();
  const policyPuts = new Map<string, Policy>();
  const alarmPuts: SyncedAlarm[] = [];
  const alarmDeletes: string[] = [];
  const sessionAppends = new Map<string, { sessions: Session[]; logs: LogRecord[] }>();
  const finished: Session[] = [];
  const runner = `VSPC ${connection.name}`;

  // ---- customers ----
  const linked = new Map<string, Customer>();
  const byName = new Map<string, Customer[]>();
  const byDomain = new Map<string, Customer[]>();
  for (const c of ctx.store.all(customers)) {
    if (c.status === 'offboarded') continue;
    if (c.source?.connectionId === connection.id) {
      linked.set(c.source.upstreamId, c);
      continue;
    }
    if (c.source) continue;
    const n = nameKey(c.displayName);
    byName.set(n, [...(byName.get(n) ?? []), c]);
    const d = domainKey(c.domain);
    if (d) byDomain.set(d, [...(byDomain.get(d) ?? []), c]);
  }
  const usageByCompany = protectedUsersByCompany(snapshot.usage ?? []);
  const licensedByCompany = licensedUnitsByOrganization(snapshot.licenses ?? []);
  const tenantOf = new Map<string, string>();
  for (const m of snapshot.mappings ?? []) if (m.companyUid && m.vb365OrganizationName) tenantOf.set(m.companyUid, m.vb365OrganizationName);

  const customerOf = new Map<string, string>(); // company uid -> hub customer id
  const claimed = new Set<string>();
  const seenCompanies = new Set<string>();
  let ambiguous = 0;
  // An incremental read knows the companies linked so far.
  if (!snapshot.companies) for (const [uid, c] of linked) customerOf.set(uid, c.id);
  for (const company of snapshot.companies ?? []) {
    const uid = company.instanceUid;
    if (!uid || seenCompanies.has(uid)) continue;
    seenCompanies.add(uid);
    const name = company.name ?? uid;
    const org = company._embedded?.organization;
    const usage = usageByCompany.get(uid);
    let current = linked.get(uid);
    let linkedBy: string | null = null;
    if (!current) {
      const match = matchCustomer({ name, domain: org?.domain ?? null }, byName, byDomain);
      if (match.kind === 'ambiguous' || (match.kind === 'one' && claimed.has(match.match.id))) {
        ambiguous += 1;
        const candidates = match.kind === 'ambiguous' ? match.candidates : [match.match];
        if (ambiguous <= 50)
          notes.push(`Company "${name}" (${uid}) matches ${candidates.map((c) => `"${c.displayName}" (${c.id})`).join(' and ')} in the hub; left unlinked. Link it with PUT /customers/{id}/source.`);
        continue;
      }
      if (match.kind === 'one') {
        current = match.match;
        linkedBy = match.by;
      }
    }
    const upstreamStatus = (company.status as string | undefined) ?? null;
    const fields: Partial<Customer> = {
      displayName: name,
      ...(tenantOf.has(uid) && { tenantDomain: tenantOf.get(uid)! }),
      ...(usage && { backedUpAccounts: usage.users, totalActiveAccounts: Math.max(usage.users, current?.totalActiveAccounts ?? 0), storageConsumedGb: Math.round(usage.backupBytes / 1e7) / 100 }),
      ...(licensedByCompany.has(uid) && { licenses: licensedByCompany.get(uid)! }),
    };
    if (current) {
      claimed.add(current.id);
      customerOf.set(uid, current.id);
      const next: Customer = { ...current, ...fields, source: source(connection, uid, upstreamStatus) };
      if (current.tenantDomain !== next.tenantDomain) counts.tenants![next.tenantDomain ? (current.tenantDomain ? 'updated' : 'created') : 'gone'] += 1;
      if (same(current, next)) counts.customers!.unchanged += 1;
      else {
        counts.customers!.updated += 1;
        customerPuts.set(next.id, { ...next, updatedAt: at });
        if (linkedBy) notes.push(`Company "${name}" linked to hub customer "${current.displayName}" by ${linkedBy}.`);
      }
      continue;
    }
    const id = syncedId('cus', connection.id, uid);
    customerOf.set(uid, id);
    claimed.add(id);
    const created: Customer = {
      id,
      displayName: name,
      domain: domainKey(org?.domain) ?? '',
      contact: {
        firstName: '',
        lastName: '',
        email: org?.email ?? '',
        ...(org?.phone && { phone: org.phone }),
        ...(org?.city && { city: org.city }),
        ...(org?.countryName && { country: org.countryName }),
      },
      status: 'active',
      createdAt: at,
      provisionedAt: at,
      subscriptionIds: [],
      contractType: 'Month to month',
      licenses: 0,
      licenseModel: 'Variable',
      sourceType: 'Direct',
      activationDate: dayOf(now),
      storageConsumedGb: 0,
      backedUpAccounts: 0,
      totalActiveAccounts: 0,
      userChangeThisMonth: 0,
      userChangeLastMonth: 0,
      invites: [],
      admins: [],
      ...fields,
      source: source(connection, uid, upstreamStatus),
      updatedAt: at,
    } as Customer;
    if (created.tenantDomain) counts.tenants!.created += 1;
    counts.customers!.created += 1;
    customerPuts.set(id, created);
  }
  if (ambiguous > 50) notes.push(`…and ${ambiguous - 50} more ambiguous companies left unlinked.`);
  for (const [uid, c] of linked) {
    if (!snapshot.companies || seenCompanies.has(uid) || c.source?.goneAt) continue;
    counts.customers!.gone += 1;
    customerPuts.set(c.id, { ...c, source: { ...c.source!, goneAt: at }, updatedAt: at });
  }

  // ---- policies and sessions ----
  const existing = new Map<string, Policy>();
  for (const p of ctx.store.all(policies)) if (p.source?.connectionId === connection.id) existing.set(p.source.upstreamId, p);
  const seenJobs = new Set<string>();
  let orphanJobs = 0;
  for (const job of snapshot.jobs) {
    const uid = job.instanceUid;
    if (!uid || seenJobs.has(uid)) continue;
    seenJobs.add(uid);
    const before = existing.get(uid);
    const customerId = (job.vspcOrganizationUid && customerOf.get(job.vspcOrganizationUid)) ?? before?.customerId;
    if (!customerId) {
      orphanJobs += 1;
      continue;
    }
    const raw = (job.lastStatus as string | null | undefined) ?? null;
    const { status, known } = policyStatusOf(raw);
    const detail = job.lastStatusDetails || null;
    const message = known ? detail : `VSPC status "${raw}"${detail ? `: ${detail}` : ''}`;
    const jobSource: SourceRef = { ...source(connection, uid, raw), parentId: job.vb365ServerUid ?? null };
    let policy: Policy =
      before ??
      newPolicy({
        id: syncedId('pol', connection.id, uid),
        customerId,
        name: job.name ?? uid,
        backupType: 'EntireOrganization',
        services: [...ALL_SERVICES],
        selected: { users: [], groups: [], sites: [], teams: [] },
        excluded: { users: [], groups: [], sites: [], teams: [] },
        enabled: job.isEnabled ?? false,
        scheduleHours: 24,
        nextRun: null,
        createdAt: at,
        createdBy: `VSPC ${connection.name}`,
      });
    policy = { ...policy, customerId, name: job.name ?? policy.name, enabled: job.isEnabled ?? policy.enabled, nextRun: job.nextRun ?? null, source: jobSource };
    const outcome = runOutcomeOf(raw);
    const lastRun = job.lastRun ?? null;
    if (lastRun && outcome) {
      const isNewRun = policy.lastRun !== lastRun;
      const changedOutcome = !isNewRun && policy.lastStatus !== status;
      if (isNewRun || changedOutcome) {
        const run = isNewRun ? policy.runCount + 1 : policy.runCount;
        const sessionId = isNewRun || !policy.lastSessionId ? sessionIdFor(policy.id, run) : policy.lastSessionId;
        const final = outcome !== 'Running';
        const session: Session = {
          id: sessionId,
          policyId: policy.id,
          policyName: policy.name,
          customerId,
          trigger: 'schedule',
          startedBy: `VSPC ${connection.name}`,
          runner,
          startedAt: lastRun,
          // VSPC reports when a run started, not when it ended.
          endedAt: final ? lastRun : null,
          status: outcome,
          progress: final && (outcome === 'Success' || outcome === 'Warning') ? 100 : 0,
          totalObjects: 0,
          excludedObjects: 0,
          processedObjects: 0,
          transferredBytes: 0,
          durationMs: null,
          summary: message,
        };
        const logs: LogRecord[] = [
          { sessionId, at: lastRun, status: 'Info', message: `Run reported by VSPC (job ${uid}), status ${raw ?? 'none'}` },
          ...(job.lastErrorLogRecords ?? []).map((r) => ({ sessionId, at: lastRun, status: logStatusOf(r.logType as string | null | undefined), message: r.message ?? '' })),
        ];
        const entry = sessionAppends.get(policy.id) ?? { sessions: [], logs: [] };
        entry.sessions.push(session);
        entry.logs.push(...logs);
        sessionAppends.set(policy.id, entry);
        counts.sessions![isNewRun ? 'created' : 'updated'] += 1;
        policy = { ...policy, lastRun, runCount: run, lastSessionId: sessionId };
        if (final) {
          policy = applyFinish(policy, { sessionId, result: outcome, startedAt: lastRun, endedAt: lastRun, summary: message });
          // The first sight of a job imports its history; only later runs are news.
          if (before) finished.push(session);
        } else policy = { ...policy, lastStatus: 'Running' };
      } else counts.sessions!.unchanged += 1;
    }
    policy = { ...policy, lastMessage: message, ...((!lastRun || outcome === null) && { lastStatus: status }) };
    if (before && same(before, policy)) counts.policies!.unchanged += 1;
    else {
      counts.policies![before ? 'updated' : 'created'] += 1;
      policyPuts.set(policy.id, { ...policy, updatedAt: at });
    }
  }
  if (orphanJobs > 0) notes.push(`${orphanJobs} VB365 jobs belong to companies not linked to a hub customer; they were left out.`);
  for (const [uid, p] of existing) {
    if (snapshot.mode !== 'full' || seenJobs.has(uid) || p.source?.goneAt) continue;
    counts.policies!.gone += 1;
    policyPuts.set(p.id, { ...p, nextRun: null, source: { ...p.source!, goneAt: at }, updatedAt: at });
  }

  // ---- alarms ----
  const alarmsBefore = new Map<string, SyncedAlarm>();
  for (const a of ctx.store.all(syncedAlarms)) if (a.connectionId === connection.id) alarmsBefore.set(a.id, a);
  const seenAlarms = new Set<string>();
  for (const alarm of snapshot.alarms) {
    const uid = alarm.instanceUid;
    const activation = alarm.lastActivation;
    const status = (activation?.status as string | undefined) ?? 'Unknown';
    if (!uid || isClosedAlarm(status)) continue;
    const id = `vspc.${uid}`.slice(0, 64);
    if (seenAlarms.has(id)) continue;
    seenAlarms.add(id);
    const record: SyncedAlarm = {
      id,
      connectionId: connection.id,
      upstreamId: uid,
      customerId: (alarm.object?.organizationUid && customerOf.get(alarm.object.organizationUid)) || null,
      status,
      message: activation?.message ?? 'VSPC alarm',
      objectName: alarm.object?.objectName ?? alarm.object?.computerName ?? '',
      objectType: (alarm.object?.type as string | undefined) ?? 'Unknown',
      since: activation?.time ?? at,
      repeatCount: alarm.repeatCount ?? 0,
    };
    const before = alarmsBefore.get(id);
    if (before && same(before, record)) counts.alarms!.unchanged += 1;
    else {
      counts.alarms![before ? 'updated' : 'created'] += 1;
      alarmPuts.push(record);
    }
  }
  for (const id of alarmsBefore.keys()) {
    if (seenAlarms.has(id)) continue;
    counts.alarms!.gone += 1;
    alarmDeletes.push(id);
  }

  // ---- usage: today's licensed users of each synced customer ----
  const day = dayOf(now);
  const usageCounts: { customerId: string; customerName: string; externalId: string | null; licensedUsers: number; licenses: number }[] = [];
  for (const [uid, customerId] of customerOf) {
    const usage = usageByCompany.get(uid);
    if (!usage) continue;
    const c = customerPuts.get(customerId) ?? ctx.store.get(customers, customerId);
    if (!c) continue;
    usageCounts.push({ customerId, customerName: c.displayName, externalId: c.externalId ?? null, licensedUsers: usage.users, licenses: c.licenses });
  }

  const history = new SessionHistory(ctx.logs);
  return {
    counts,
    notes,
    requests,
    state: {
      ...(snapshot.mode === 'full' && { lastFullSyncAt: at }),
      jobsWatermark: incrementalWatermark(
        snapshot.mode === 'full' ? null : ((connection.state.jobsWatermark as string | null | undefined) ?? null),
        snapshot.jobs,
        [...policyPuts.values(), ...existing.values()].filter((p) => p.lastStatus === 'Running' && p.lastRun && !p.source?.goneAt).map((p) => p.lastRun!),
      ),
    },
    async prepare() {
      // One file per policy, each append fsynced: many at once, so a first sync of 30,000 jobs does not wait on them one by one.
      const queue = [...sessionAppends];
      const worker = async () => {
        for (let next = queue.pop(); next; next = queue.pop()) await history.append(next[0], next[1]);
      };
      await Promise.all(Array.from({ length: Math.min(64, queue.length) }, worker));
      // Daily counts only grow (a day keeps its highest count): recording them again is harmless.
      const usage = ctx.services.usage;
      if (usage && usageCounts.length > 0) counts.usage!.created += await usage.daily.record(day, usageCounts, now);
      counts.usage!.unchanged += usageCounts.length - counts.usage!.created;
    },
    apply(tx: WriteBatch) {
      for (const c of customerPuts.values()) {
        const current = tx.get(customers, c.id);
        // A customer offboarded meanwhile stays offboarded.
        if (current?.status === 'offboarded') continue;
        tx.put(customers, current ? { ...current, ...pickSynced(c) } : c);
      }
      for (const p of policyPuts.values()) tx.put(policies, p);
      for (const a of alarmPuts) tx.put(syncedAlarms, a);
      for (const id of alarmDeletes) tx.delete(syncedAlarms, id);
    },
    async after() {
      await announceFinishedSessions(ctx, runner, finished);
    },
  };
}

/** The fields a sync owns on a customer; everything else (settings, invites, admins...) stays as the hub has it. */
function pickSynced(c: Customer): Partial<Customer> {
  return {
    displayName: c.displayName,
    ...(c.tenantDomain !== undefined && { tenantDomain: c.tenantDomain }),
    backedUpAccounts: c.backedUpAccounts,
    totalActiveAccounts: c.totalActiveAccounts,
    storageConsumedGb: c.storageConsumedGb,
    licenses: c.licenses,
    source: c.source!,
    ...(c.updatedAt !== undefined && { updatedAt: c.updatedAt }),
  };
}
