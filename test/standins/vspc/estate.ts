import { intBetween, pick, seededRandom } from '../../../shared/domain/random.js';
import type { ActiveAlarm, Company, CompanyMapping, LocationUsage, OrganizationLicenseUsage, Vb365Job } from '../../../server/connections/vspc/client.js';

// A provider's VSPC estate, seeded: companies (with their organization: domain, contact),
// VB365 organization mappings, VB365 jobs with their last run, active alarms and licence usage.
// The stand-in serves it; tests and the bench change it between syncs.

/** The generated types mark server-set fields read-only; the stand-in is the server. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface EstateOptions {
  companies: number;
  jobsPerCompany?: number;
  alarms?: number;
  seed?: number;
  /** The clock the estate's times are relative to. */
  now?: Date;
}

export interface Estate {
  companies: Company[];
  mappings: CompanyMapping[];
  jobs: Vb365Job[];
  alarms: ActiveAlarm[];
  usage: LocationUsage[];
  licenseUsage: OrganizationLicenseUsage[];
  /** Protected users per company uid (behind both usage answers). */
  protectedUsers: Map<string, number>;
  now: Date;
  random: () => number;
  counter: { n: number };
}

/** A UUID whose first group names the kind of record and whose last holds a counter. */
export const uid = (kind: number, n: number): string => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export const KIND = { company: 0xc0, org: 0x0e, job: 0x70, server: 0x5e, repo: 0x2e, agent: 0xa9, alarm: 0xa1, mapping: 0x3a, location: 0x10, template: 0x7e, provider: 0x9a, action: 0xac } as const;

const NAMES = [
  'Contoso',
  'Fabrikam',
  'Northwind',
  'Tailspin',
  'Wingtip',
  'Adatum',
  'Litware',
  'Proseware',
  'Woodgrove',
  'Lucerne',
  'Coho',
  'Alpine',
  'Margie',
  'Humongous',
  'Blue Yonder',
  'Trey',
  'Fourth Coffee',
  'Relecloud',
];
const SUFFIX = ['Ltd', 'GmbH', 'Inc', 'AG', 'BV', 'SA', 'Group', 'Partners'];
const JOB_KINDS = ['Mailboxes', 'OneDrive', 'SharePoint', 'Teams', 'Archive'];
const STATUSES = ['Success', 'Success', 'Success', 'Success', 'Success', 'Warning', 'Failed'] as const;
const SERVER_UID = uid(KIND.server, 1);

function companyName(i: number): string {
  return `${NAMES[i % NAMES.length]} ${SUFFIX[Math.floor(i / NAMES.length) % SUFFIX.length]} ${i + 1}`;
}

export function createEstate(options: EstateOptions): Estate {
  const random = seededRandom(options.seed ?? 7);
  const now = options.now ?? new Date();
  const estate: Estate = { companies: [], mappings: [], jobs: [], alarms: [], usage: [], licenseUsage: [], protectedUsers: new Map(), now, random, counter: { n: 0 } };
  for (let i = 0; i < options.companies; i++) addCompany(estate, options.jobsPerCompany ?? 3, undefined, false);
  rebuildUsage(estate);
  for (let i = 0; i < (options.alarms ?? Math.ceil(options.companies / 10)); i++) addAlarm(estate);
  return estate;
}

export function addCompany(estate: Estate, jobs = 3, name?: string, usage = true): Company {
  const i = estate.counter.n++;
  const display = name ?? companyName(i);
  const slug = display.toLowerCase().replace(/[^a-z0-9]+/g, '');
  const company: Company = {
    instanceUid: uid(KIND.company, i + 1),
    name: display,
    status: 'Active',
    resellerUid: null as unknown as string,
    subscriptionPlanUid: null as unknown as string,
    isRestAccessEnabled: false,
    isAlarmDetectEnabled: true,
    loginUrl: null as unknown as string,
    ownerCredentials: { userName: `${slug}-owner`, password: null as unknown as string },
    _embedded: {
      organization: {
        instanceUid: uid(KIND.company, i + 1),
        name: display,
        alias: null as unknown as string,
        type: 'Company',
        taxId: null as unknown as string,
        legalName: display,
        email: `it@${slug}.test`,
        phone: '+44 20 7946 0000',
        country: null as unknown as number,
        state: null as unknown as number,
        countryName: 'United Kingdom',
        regionName: null as unknown as string,
        city: 'London',
        street: null as unknown as string,
        locationAdmin0Code: null as unknown as string,
        locationAdmin1Code: null as unknown as string,
        locationAdmin2Code: null as unknown as string,
        notes: null as unknown as string,
        zipCode: null as unknown as string,
        domain: `${slug}.test`,
        website: null as unknown as string,
        veeamTenantId: null as unknown as string,
        companyId: null as unknown as string,
      },
    },
  };
  estate.companies.push(company);
  const orgUid = uid(KIND.org, i + 1);
  estate.mappings.push({
    instanceUid: uid(KIND.mapping, i + 1),
    vb365OrganizationUid: orgUid,
    vb365OrganizationName: `${slug}.onmicrosoft.com`,
    vb365ServerUid: SERVER_UID,
    vb365ServerName: 'vb365-01',
    companyUid: company.instanceUid!,
    companyName: display,
  });
  for (let j = 0; j < jobs; j++) addJob(estate, company, orgUid, j);
  const users = intBetween(estate.random, 5, 400);
  estate.protectedUsers.set(company.instanceUid!, users);
  if (usage) rebuildUsage(estate);
  return company;
}

function addJob(estate: Estate, company: Company, orgUid: string, j: number): Vb365Job {
  const n = estate.jobs.length + 1;
  const lastRun = new Date(estate.now.getTime() - intBetween(estate.random, 1, 20) * 3_600_000);
  const status = pick(estate.random, STATUSES);
  const job: Vb365Job = {
    instanceUid: uid(KIND.job, n),
    name: `${company.name} - ${JOB_KINDS[j % JOB_KINDS.length]}`,
    jobType: 'BackupJob',
    repositoryUid: uid(KIND.repo, 1),
    repositoryName: 'Object storage EMEA',
    vb365OrganizationUid: orgUid,
    vspcOrganizationUid: company.instanceUid!,
    vspcOrganizationName: company.name!,
    scheduleEditingAvailable: true,
    vb365ServerUid: SERVER_UID,
    vb365ServerName: 'vb365-01',
    managementAgentUid: uid(KIND.agent, 1),
    lastRun: lastRun.toISOString(),
    nextRun: new Date(lastRun.getTime() + 24 * 3_600_000).toISOString(),
    isEnabled: true,
    isCopyJobAvailable: false,
    lastStatus: status,
    lastStatusDetails: status === 'Success' ? 'Processed all objects' : status === 'Warning' ? '2 items were skipped' : 'Failed to connect to Exchange Online: the organization revoked consent',
    siteName: null as unknown as string,
    locationName: null as unknown as string,
    lastErrorLogRecords:
      status === 'Success'
        ? []
        : [{ message: status === 'Warning' ? 'Item skipped: the mailbox is on hold' : 'Failed to connect to Exchange Online', logType: status === 'Warning' ? 'Warning' : 'Error' }],
  };
  estate.jobs.push(job);
  return job;
}

function addAlarm(estate: Estate, company?: Company): ActiveAlarm {
  const n = estate.alarms.length + 1;
  const target = company ?? estate.companies[intBetween(estate.random, 0, Math.max(0, estate.companies.length - 1))];
  const alarm: ActiveAlarm = {
    instanceUid: uid(KIND.alarm, n),
    alarmTemplateUid: uid(KIND.template, 1),
    repeatCount: intBetween(estate.random, 1, 5),
    object: {
      instanceUid: uid(KIND.alarm, 100_000 + n),
      type: 'Company',
      organizationUid: target?.instanceUid ?? uid(KIND.provider, 1),
      locationUid: null as unknown as string,
      managementAgentUid: null as unknown as string,
      computerName: 'vb365-01',
      objectUid: target?.instanceUid ?? (null as unknown as string),
      objectName: target?.name ?? 'Provider',
    },
    lastActivation: {
      instanceUid: uid(KIND.alarm, 200_000 + n),
      time: new Date(estate.now.getTime() - intBetween(estate.random, 1, 48) * 3_600_000).toISOString(),
      status: pick(estate.random, ['Warning', 'Error'] as const),
      message: 'Job has not completed successfully for 24 hours',
      remark: null as unknown as string,
    },
    area: 'vspc',
  };
  estate.alarms.push(alarm);
  return alarm;
}

/** The two usage answers follow protectedUsers. */
function rebuildUsage(estate: Estate): void {
  const day = estate.now.toISOString().slice(0, 10);
  estate.usage = estate.companies.map((c, i) => ({
    companyUid: c.instanceUid!,
    resellerUid: null as unknown as string,
    locationUid: uid(KIND.location, i + 1),
    date: day,
    counters: [
      { value: estate.protectedUsers.get(c.instanceUid!) ?? 0, type: 'Vb365ProtectedUsers' },
      { value: Math.round((estate.protectedUsers.get(c.instanceUid!) ?? 0) * 2.5e9), type: 'Vb365BackupSize' },
    ],
  }));
  estate.licenseUsage = estate.companies.map((c) => {
    const users = estate.protectedUsers.get(c.instanceUid!) ?? 0;
    return {
      organizationUid: c.instanceUid!,
      organizationType: 'Company',
      providerUid: uid(KIND.provider, 1),
      servers: [
        {
          serverUid: SERVER_UID,
          serverType: 'VB365',
          workloads: [
            {
              id: uid(KIND.template, 2),
              description: 'Microsoft 365 users',
              unitType: 'Instances',
              rentalUnits: Math.ceil(users * 1.25),
              newUnits: 0,
              usedUnits: users,
              rentalCount: Math.ceil(users * 1.25),
              newCount: 0,
              usedCount: users,
              workloadsByPlatform: [],
            },
          ],
        },
      ],
    };
  });
}

/**
 * Moves time on and gives `fraction` of the jobs a new run (new lastRun, a status), as a day of
 * backups would; returns the jobs changed.
 */
export function advance(estate: Estate, fraction: number, hours = 1): Vb365Job[] {
  estate.now = new Date(estate.now.getTime() + hours * 3_600_000);
  const count = Math.max(1, Math.round(estate.jobs.length * fraction));
  const changed: Vb365Job[] = [];
  const step = Math.max(1, Math.floor(estate.jobs.length / count));
  for (let i = 0; i < estate.jobs.length && changed.length < count; i += step) {
    const job = estate.jobs[i] as Mutable<Vb365Job>;
    const status = pick(estate.random, STATUSES);
    job.lastRun = estate.now.toISOString();
    job.nextRun = new Date(estate.now.getTime() + 24 * 3_600_000).toISOString();
    job.lastStatus = status;
    job.lastStatusDetails = status === 'Success' ? 'Processed all objects' : status === 'Warning' ? '1 item was skipped' : 'Failed to process 3 mailboxes';
    job.lastErrorLogRecords = status === 'Success' ? [] : [{ message: job.lastStatusDetails, logType: status === 'Warning' ? 'Warning' : 'Error' }];
    changed.push(job);
  }
  return changed;
}

export function removeCompany(estate: Estate, companyUid: string): void {
  estate.companies = estate.companies.filter((c) => c.instanceUid !== companyUid);
  estate.mappings = estate.mappings.filter((m) => m.companyUid !== companyUid);
  estate.jobs = estate.jobs.filter((j) => j.vspcOrganizationUid !== companyUid);
  estate.alarms = estate.alarms.filter((a) => a.object?.organizationUid !== companyUid);
  estate.protectedUsers.delete(companyUid);
  rebuildUsage(estate);
}
