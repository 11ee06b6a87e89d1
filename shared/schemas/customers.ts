import { z } from 'zod';
import { checkIpRange } from '../domain/customer-ip-ranges.js';
import { checkTenantDomain, normalizeDomain, type DomainCheck } from '../domain/customer-domain.js';
import { storageLocation } from '../domain/storage-regions.js';
import { Email, Id, IsoDate, IsoDateTime, listOf, PageQuery, Text } from './common.js';
import { SourceRef } from './connections.js';

// Core customer record. The customers area owns this file and extends it (settings,
// onboarding, notifications, admins...); other areas rely on the fields below.

export const CustomerStatus = z.enum(['provisioning', 'pending', 'active', 'offboarded']);
export type CustomerStatus = z.infer<typeof CustomerStatus>;
export const ContractType = z.enum(['Pending', 'Month to month', 'Annual', 'Trial', 'Cancelled']);
export type ContractType = z.infer<typeof ContractType>;
export const SourceType = z.enum(['VCSP Pulse', 'Microsoft Marketplace', 'CloudBlue', 'Direct']);
export type SourceType = z.infer<typeof SourceType>;
export const StorageRegion = z.enum(['APJ', 'EMEA', 'AMER']);
export type StorageRegion = z.infer<typeof StorageRegion>;

export const Contact = z.object({
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  phone: z.string().optional(),
  company: z.string().optional(),
  country: z.string().optional(),
  city: z.string().optional(),
  address: z.string().optional(),
  postalCode: z.string().optional(),
});
export type Contact = z.infer<typeof Contact>;

/** What a managed onboarding connects: the Flex backup services of the tenant. */
export const FlexService = z.enum(['Exchange Online', 'OneDrive and SharePoint', 'Teams']);
export type FlexService = z.infer<typeof FlexService>;
/** The wizard's services step is optional and starts with every service selected. */
export const ALL_FLEX_SERVICES: FlexService[] = [...FlexService.options];
/** Years backups are kept (1 to 25), or `unlimited`. */
export const Retention = z.union([z.int().min(1).max(25), z.literal('unlimited')]);
export type Retention = z.infer<typeof Retention>;
export const PolicyChoice = z.enum(['recommended', 'manual']);
export type PolicyChoice = z.infer<typeof PolicyChoice>;

/** One invited address of a self-service onboarding; other areas show "pending invite" from it. */
export const Invite = z.object({
  email: z.string(),
  invitedAt: IsoDateTime,
  lastSentAt: IsoDateTime,
  sendCount: z.int().min(1),
  acceptedAt: IsoDateTime.optional(),
});
export type Invite = z.infer<typeof Invite>;

/** A customer admin user (a UPN); an SP user who is one may switch to the customer's view. */
export const CustomerAdmin = z.object({
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  sendWelcomeEmail: z.boolean(),
  addedAt: IsoDateTime,
  addedBy: z.string(),
});
export type CustomerAdmin = z.infer<typeof CustomerAdmin>;

export const DeviceCode = z.object({
  userCode: z.string(),
  verificationUri: z.string(),
  issuedAt: IsoDateTime,
  expiresAt: IsoDateTime,
});
export type DeviceCode = z.infer<typeof DeviceCode>;

/** Progress of the managed onboarding wizard, kept on the customer. */
export const Onboarding = z.object({
  method: z.enum(['managed', 'self-service']).optional(),
  legalAgreement: z.object({ acceptedAt: IsoDateTime, acceptedBy: z.string() }).optional(),
  connection: z.object({ storageRegion: StorageRegion, storageLocation: z.string().optional(), retention: Retention, services: z.array(FlexService), deviceCode: DeviceCode }).optional(),
  tenantConnectedAt: IsoDateTime.optional(),
  finishedAt: IsoDateTime.optional(),
  policies: PolicyChoice.optional(),
});
export type Onboarding = z.infer<typeof Onboarding>;

export const IpRange = z.object({ start: z.string(), end: z.string(), description: z.string().optional() });
export type IpRange = z.infer<typeof IpRange>;

/** Settings of an onboarded customer (the storage region lives on the customer itself). */
export const CustomerSettingsRecord = z.object({
  selfServiceRestore: z.boolean(),
  customerMayCreateDeletePolicies: z.boolean(),
  customerMayEditTriggerPolicies: z.boolean(),
  autoCreatePolicies: z.boolean(),
  multipleRegions: z.boolean(),
  emailPreviews: z.boolean(),
  ipRanges: z.array(IpRange),
  restrictToIpRanges: z.boolean(),
  /** What the customer set in its own portal (synced, or recorded by an operator); merged with the provider's. */
  customerIpRanges: z.array(IpRange).optional(),
  customerRestrictToIpRanges: z.boolean().optional(),
});
export type CustomerSettingsRecord = z.infer<typeof CustomerSettingsRecord>;
export const CustomerSettings = CustomerSettingsRecord.extend({
  storageRegion: StorageRegion,
  customerIpRanges: z.array(IpRange),
  customerRestrictToIpRanges: z.boolean(),
  /** Both sides merged, as enforced: restricted when either restricts, to the ranges of both. */
  effectiveIpAccess: z.object({
    restricted: z.boolean(),
    ranges: z.array(IpRange.extend({ source: z.enum(['provider', 'customer']) })),
  }),
});
export type CustomerSettings = z.infer<typeof CustomerSettings>;

/**
 * The guide: the provider asks Veeam Customer Support (a support case) to delete the customer;
 * "Once your request is approved, the Veeam Customer Support team will delete the customer".
 * requested (case details ready) -> submitted (case opened, its number kept) -> approved or
 * rejected (Veeam's answer) -> deleted (only when Veeam's side says so: the case outcome, or a
 * connection that sees the company gone).
 */
export const OffboardingStatus = z.enum(['requested', 'submitted', 'approved', 'rejected', 'deleted']);
export type OffboardingStatus = z.infer<typeof OffboardingStatus>;
/** What Veeam reported last: the outcome an operator records from the support case. */
export const OffboardingOutcome = z.enum(['approved', 'rejected', 'deleted']);
export type OffboardingOutcome = z.infer<typeof OffboardingOutcome>;

/** The support case as the guide describes it, each field filled in and the whole ready to paste. */
export const OffboardingSupportCase = z.object({
  caseType: z.literal('General Inquiry'),
  product: z.literal('VCSP Pulse'),
  summary: z.literal('Delete Customer in VDC M365'),
  displayName: z.string(),
  subscriptionId: z.string().nullable(),
  deletionDate: IsoDate,
  /** "The number of user licenses that the customer uses". */
  licensesUsed: z.int().min(0),
  /** The deletion month's usage still has to be reported and billed. */
  usageToReport: z.object({ month: z.string(), licensedUsers: z.int().min(0) }),
  /** The request details as one text to paste into the case. */
  text: z.string(),
});
export type OffboardingSupportCase = z.infer<typeof OffboardingSupportCase>;

export const OffboardingRequest = z.object({
  status: OffboardingStatus,
  /** When the service provider wants the customer deleted. */
  date: IsoDate,
  reason: z.string(),
  licenseCount: z.int().min(0),
  requestedAt: IsoDateTime,
  requestedBy: z.string(),
  supportCase: OffboardingSupportCase.optional(),
  /** The Veeam support case number, once the case is opened. */
  caseNumber: z.string().optional(),
  submittedAt: IsoDateTime.optional(),
  submittedBy: z.string().optional(),
  /** Veeam's answer as recorded (by whom, when) and its note or rejection reason. */
  decidedAt: IsoDateTime.optional(),
  decidedBy: z.string().optional(),
  decidedByUserId: z.string().optional(),
  note: z.string().optional(),
  /** When Veeam deleted the customer, and how the hub learned it. */
  deletedAt: IsoDateTime.optional(),
  deletionSource: z.enum(['support-case', 'connection']).optional(),
});
export type OffboardingRequest = z.infer<typeof OffboardingRequest>;

export const Customer = z.object({
  id: Id,
  displayName: z.string(),
  /**
   * The customer's own domain; invitations only go to addresses inside it. Pulse asks for it only
   * "if you plan to provide the customer access", so it may be missing until invites or onboarding.
   */
  domain: z.string().optional(),
  contact: Contact,
  externalId: z.string().optional(),
  primaryAdminEmail: z.string().optional(),
  status: CustomerStatus,
  createdAt: IsoDateTime,
  /** When provisioning ends (Pulse takes up to ten minutes). */
  provisionedAt: IsoDateTime,
  /** The Microsoft 365 tenant, such as contoso.onmicrosoft.com, known once connected. */
  tenantDomain: z.string().optional(),
  veeamAccountId: z.string().optional(),
  subscriptionIds: z.array(z.string()),
  contractType: ContractType,
  /**
   * The guide's "Licences" column: "Number of licenses that the customer uses" (its protected
   * users; kept equal to backedUpAccounts). Dashboards and exports count this.
   */
  licenses: z.number().int().min(0),
  /** The purchased licence limit, if one is set (records written before it existed have none: 0). */
  licenseLimit: z.number().int().min(0).optional(),
  licenseModel: z.literal('Variable'),
  sourceType: SourceType,
  activationDate: IsoDate.optional(),
  storageRegion: StorageRegion.optional(),
  /** The wizard's storage region within it, such as germanywestcentral ("(Europe) Germany West Central"). */
  storageLocation: z.string().optional(),
  storageConsumedGb: z.number().min(0),
  /** Storage quota where one is set. */
  storageQuotaGb: z.number().min(0).optional(),
  backedUpAccounts: z.number().int().min(0),
  totalActiveAccounts: z.number().int().min(0),
  userChangeThisMonth: z.number().int(),
  userChangeLastMonth: z.number().int(),
  /** Self-service invites sent so far (pending until accepted). */
  invites: z.array(Invite).default([]),
  admins: z.array(CustomerAdmin).default([]),
  onboarding: Onboarding.optional(),
  /** Present once the customer is onboarded. */
  settings: CustomerSettingsRecord.optional(),
  offboardingRequest: OffboardingRequest.optional(),
  /** Set on the tombstone kept after offboarding, with the month's last counts. */
  offboardedAt: IsoDateTime.optional(),
  updatedAt: IsoDateTime.optional(),
  /** Set on customers synced from a connection (VSPC company...). */
  source: SourceRef.optional(),
});
export type Customer = z.infer<typeof Customer>;

// ---- API inputs and views ----

/** Optional free text: trimmed, and an empty string counts as not given. */
const OptionalInputText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v === '' ? undefined : v));

/** A domain field checked and normalized by `check`; its reason is the field's message. */
const CheckedDomain = (check: (value: string) => DomainCheck) =>
  z
    .string()
    .max(300)
    .transform((value, ctx) => {
      const result = check(value);
      if (!result.ok) {
        ctx.addIssue({ code: 'custom', message: result.reason });
        return z.NEVER;
      }
      return result.domain;
    });

/** A domain as typed; normalized (case, trailing dot, IDN) and syntax-checked. */
export const DomainInput = CheckedDomain(normalizeDomain);

/** A Microsoft 365 tenant domain (something.onmicrosoft.com), normalized. */
export const TenantDomainInput = CheckedDomain(checkTenantDomain);

export const ContactInput = z.strictObject({
  firstName: Text(80),
  lastName: Text(80),
  email: Email,
  phone: OptionalInputText(40).refine((v) => v === undefined || /^\+?[0-9 ()./-]{3,40}$/.test(v), 'must be a phone number (digits, spaces, + ( ) . / -)'),
  company: OptionalInputText(120),
  country: OptionalInputText(80),
  city: OptionalInputText(80),
  address: OptionalInputText(200),
  postalCode: OptionalInputText(20),
});
export type ContactInput = z.infer<typeof ContactInput>;

/** Creating a customer the way Pulse does. */
export const CustomerInput = z.strictObject({
  displayName: Text(120),
  /** Needed only to give the customer access (invites, admin users, onboarding); may come later. */
  domain: DomainInput.optional(),
  contact: ContactInput,
  externalId: OptionalInputText(100),
  /** Added as the first admin user; must be inside the domain (or a hub user's own account). */
  primaryAdminEmail: Email.optional(),
  sourceType: SourceType.default('VCSP Pulse'),
  /** The purchased licence limit (the used count, `licenses`, comes from VDC). */
  licenseLimit: z.int().min(0).max(1_000_000).default(0),
  storageQuotaGb: z.number().min(0).max(100_000_000).optional(),
});
export type CustomerInput = z.infer<typeof CustomerInput>;
export type CustomerInputRaw = z.input<typeof CustomerInput>;

/** Editable fields; null clears an optional one. Counts come from VDC and are not edited here. */
export const CustomerUpdate = z
  .strictObject({
    displayName: Text(120).optional(),
    domain: DomainInput.optional(),
    contact: ContactInput.partial().optional(),
    externalId: Text(100).nullable().optional(),
    primaryAdminEmail: Email.nullable().optional(),
    sourceType: SourceType.optional(),
    contractType: ContractType.optional(),
    /** The purchased licence limit; refused while licence management is suspended. */
    licenseLimit: z.int().min(0).max(1_000_000).optional(),
    storageQuotaGb: z.number().min(0).max(100_000_000).nullable().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'send at least one field to change' });
export type CustomerUpdate = z.infer<typeof CustomerUpdate>;

/** Columns a customer list can be sorted by (`sort=licenses`, `sort=-storageConsumedGb`). */
export const CUSTOMER_SORT_KEYS = [
  'displayName',
  'domain',
  'tenantDomain',
  'externalId',
  'veeamAccountId',
  'status',
  'contractType',
  'licenses',
  'licenseLimit',
  'licenseModel',
  'sourceType',
  'activationDate',
  'storageRegion',
  'storageConsumedGb',
  'storageQuotaGb',
  'backedUpAccounts',
  'totalActiveAccounts',
  'userChangeThisMonth',
  'userChangeLastMonth',
  'createdAt',
] as const;
export const CustomerSortKey = z.enum(CUSTOMER_SORT_KEYS);
export type CustomerSortKey = z.infer<typeof CustomerSortKey>;
export const CustomerSort = z.enum([...CUSTOMER_SORT_KEYS, ...CUSTOMER_SORT_KEYS.map((k) => `-${k}` as const)]);
export type CustomerSort = z.infer<typeof CustomerSort>;

export const CustomerFilters = z.object({
  q: z.string().trim().max(200).optional(),
  /** One or more (comma separated or repeated); offboarded customers are left out unless asked for. */
  status: listOf(CustomerStatus).optional(),
  sourceType: listOf(SourceType).optional(),
  contractType: listOf(ContractType).optional(),
  sort: CustomerSort.default('displayName'),
});
export type CustomerFilters = z.infer<typeof CustomerFilters>;
export const CustomerListQuery = PageQuery.extend(CustomerFilters.shape);
export type CustomerListQuery = z.infer<typeof CustomerListQuery>;

const EmailList = z.union([z.string().max(20_000), z.array(z.string().max(254)).min(1).max(200)]);
export const InvitesInput = z.strictObject({ emails: EmailList });
export type InvitesInput = z.infer<typeof InvitesInput>;
export const ResendInvitesInput = z.strictObject({ emails: EmailList.optional() }).optional();
export const InvitesResult = z.object({
  /** Addresses invited for the first time by this request. */
  invited: z.array(z.string()),
  /** Addresses that had been invited before and were sent the invite again. */
  resent: z.array(z.string()),
  invites: z.array(Invite),
});
export type InvitesResult = z.infer<typeof InvitesResult>;

export const AdminInput = z.strictObject({
  email: Email,
  firstName: Text(80),
  lastName: Text(80),
  sendWelcomeEmail: z.boolean().default(true),
});
export type AdminInput = z.infer<typeof AdminInput>;

export const AgreementInput = z.strictObject({
  accepted: z.literal(true, 'must be true: confirm the legal agreement with the customer'),
});
export const ConnectInput = z
  .strictObject({
    storageRegion: StorageRegion,
    /** One of the wizard's regions (GET /status/regions), inside storageRegion. */
    storageLocation: z.string().trim().max(60).optional(),
    retention: Retention,
    /** Optional: left out, all three services are backed up (the wizard preselects them). */
    services: z
      .array(FlexService)
      .min(1, 'select at least one service')
      .max(3)
      .transform((list) => [...new Set(list)])
      .default(ALL_FLEX_SERVICES),
  })
  .transform((input, ctx) => {
    if (input.storageLocation === undefined) return input;
    const location = storageLocation(input.storageLocation);
    if (!location) ctx.addIssue({ code: 'custom', path: ['storageLocation'], message: 'is not a storage region the wizard offers (see GET /status/regions)' });
    else if (location.region !== input.storageRegion) ctx.addIssue({ code: 'custom', path: ['storageLocation'], message: `${location.label} is in ${location.region}, not ${input.storageRegion}` });
    else return { ...input, storageLocation: location.id };
    return z.NEVER;
  });
export type ConnectInput = z.infer<typeof ConnectInput>;
export type ConnectInputRaw = z.input<typeof ConnectInput>;
export const TenantConnectedInput = z.strictObject({ tenantDomain: TenantDomainInput });
export const FinishInput = z.strictObject({ policies: PolicyChoice });

export const OnboardingStep = z.enum(['legal-agreement', 'connect', 'confirm-tenant', 'finish', 'done']);
export type OnboardingStep = z.infer<typeof OnboardingStep>;
export const OnboardingView = z.object({
  customerId: Id,
  status: CustomerStatus,
  /** The step to do next; `done` once onboarded. */
  step: OnboardingStep,
  legalAgreement: z.object({ acceptedAt: IsoDateTime, acceptedBy: z.string() }).nullable(),
  connection: z
    .object({
      storageRegion: StorageRegion,
      storageLocation: z.string().optional(),
      retention: Retention,
      services: z.array(FlexService),
      deviceCode: DeviceCode.extend({ expired: z.boolean(), instructions: z.string() }),
    })
    .nullable(),
  tenantDomain: z.string().nullable(),
  tenantConnectedAt: IsoDateTime.nullable(),
  finishedAt: IsoDateTime.nullable(),
  policies: PolicyChoice.nullable(),
  method: z.enum(['managed', 'self-service']).nullable(),
});
export type OnboardingView = z.infer<typeof OnboardingView>;

/** Records that the customer finished self-service onboarding from an invite. */
export const InviteAcceptedInput = z.strictObject({
  email: Email,
  tenantDomain: TenantDomainInput,
  storageRegion: StorageRegion.default('EMEA'),
  services: z
    .array(FlexService)
    .min(1)
    .max(3)
    .default(ALL_FLEX_SERVICES)
    .transform((list) => [...new Set(list)]),
});

export const IpRangeInput = z
  .strictObject({
    start: z.string().trim().min(1).max(45),
    end: z.string().trim().min(1).max(45),
    description: OptionalInputText(100),
  })
  .superRefine((range, ctx) => {
    const problem = checkIpRange(range.start, range.end);
    if (problem) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
  });
/** The ranges the customer added in its portal (a sync or an operator records them). */
export const CustomerIpRangesInput = z.strictObject({
  ipRanges: z.array(IpRangeInput).max(50),
  restrictToIpRanges: z.boolean().default(false),
});
export const IpCheckQuery = z.object({ address: z.string().trim().min(2).max(45) });
export const IpCheckResult = z.object({
  address: z.string(),
  allowed: z.boolean(),
  restricted: z.boolean(),
  range: IpRange.extend({ source: z.enum(['provider', 'customer']) }).nullable(),
  reason: z.string(),
});
export type IpCheckResult = z.infer<typeof IpCheckResult>;

export const SettingsUpdate = z
  .strictObject({
    storageRegion: StorageRegion,
    selfServiceRestore: z.boolean(),
    customerMayCreateDeletePolicies: z.boolean(),
    customerMayEditTriggerPolicies: z.boolean(),
    autoCreatePolicies: z.boolean(),
    multipleRegions: z.boolean(),
    emailPreviews: z.boolean(),
    ipRanges: z.array(IpRangeInput).max(50),
    restrictToIpRanges: z.boolean(),
  })
  .partial()
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'send at least one setting to change' });
export type SettingsUpdate = z.infer<typeof SettingsUpdate>;

export const OffboardingRequestInput = z.strictObject({
  date: IsoDate,
  reason: Text(1000),
  /** Licences the customer uses; left out, the hub's used count. */
  licenseCount: z.int().min(0).max(1_000_000).optional(),
});
export type OffboardingRequestInput = z.infer<typeof OffboardingRequestInput>;
const CaseNumber = z
  .string()
  .trim()
  .min(3, 'the Veeam support case number')
  .max(40)
  .regex(/^[A-Za-z0-9#-]+$/, 'letters, digits, # and - only');
/** The support case was opened with Veeam: its number. */
export const OffboardingSubmitInput = z.strictObject({ caseNumber: CaseNumber });
/** What Veeam answered on the case; a rejection needs its reason. */
export const OffboardingOutcomeInput = z
  .strictObject({ caseNumber: CaseNumber, outcome: OffboardingOutcome, note: OptionalInputText(1000) })
  .refine((v) => v.outcome !== 'rejected' || v.note !== undefined, { path: ['note'], message: 'say why Veeam rejected the request' });
export type OffboardingOutcomeInput = z.infer<typeof OffboardingOutcomeInput>;

/** A customer the caller administers, for switching to that customer's view. */
export const TenantAccess = z.object({
  customerId: Id,
  displayName: z.string(),
  domain: z.string().nullable(),
  tenantDomain: z.string().nullable(),
  status: CustomerStatus,
  /** Where the customer's portal opens for this admin. */
  switchUrl: z.string(),
});
export type TenantAccess = z.infer<typeof TenantAccess>;

// ---- licensed users ----

export const LicensedUserType = z.enum(['User', 'Shared mailbox']);
export const ProtectionStatus = z.enum(['Protected', 'Unprotected', 'Excluded']);
export type ProtectionStatus = z.infer<typeof ProtectionStatus>;
export const LicensedUser = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  type: LicensedUserType,
  protectionStatus: ProtectionStatus,
  lastBackupAt: IsoDateTime.nullable(),
});
export type LicensedUser = z.infer<typeof LicensedUser>;
/** Stored form: one record per customer with its protected accounts (kept out of the customer record). */
export const LicensedUserList = z.object({
  id: Id,
  customerId: Id,
  syncedAt: IsoDateTime,
  users: z.array(LicensedUser),
});
export type LicensedUserList = z.infer<typeof LicensedUserList>;

export const LICENSED_USER_SORT_KEYS = ['name', 'email', 'type', 'protectionStatus', 'lastBackupAt'] as const;
export const LicensedUserSort = z.enum([...LICENSED_USER_SORT_KEYS, ...LICENSED_USER_SORT_KEYS.map((k) => `-${k}` as const)]);
export const LicensedUsersFilters = z.object({
  q: z.string().trim().max(200).optional(),
  protectionStatus: listOf(ProtectionStatus).optional(),
  type: listOf(LicensedUserType).optional(),
  sort: LicensedUserSort.default('name'),
});
export const LicensedUsersQuery = PageQuery.extend(LicensedUsersFilters.shape);
export type LicensedUsersQuery = z.infer<typeof LicensedUsersQuery>;

/** Replacing a customer's licensed users (a provider without VDC API access types or exports them). */
export const LicensedUserInput = z.strictObject({
  name: Text(200),
  email: Email,
  type: LicensedUserType.default('User'),
  protectionStatus: ProtectionStatus.default('Protected'),
  lastBackupAt: IsoDateTime.nullable().default(null),
});
export type LicensedUserInput = z.infer<typeof LicensedUserInput>;
export type LicensedUserInputRaw = z.input<typeof LicensedUserInput>;
export const LicensedUsersInput = z.strictObject({ users: z.array(LicensedUserInput).max(100_000) });
export type LicensedUsersInput = z.infer<typeof LicensedUsersInput>;

// ---- imports (CSV in the format of the hub's own exports) ----

export const ImportQuery = z.object({
  /** `true`: only say what would happen; nothing is written. */
  dryRun: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
});

/** One problem of an imported file, where a spreadsheet shows it: line (1 = header) and column (1 = first). */
export const ImportProblem = z.object({
  line: z.int().min(1),
  column: z.int().min(1),
  /** The column's header text, when the column has one. */
  header: z.string().nullable(),
  message: z.string(),
});
export type ImportProblem = z.infer<typeof ImportProblem>;

export const CustomerImportAction = z.enum(['create', 'update', 'unchanged', 'refused']);
export type CustomerImportAction = z.infer<typeof CustomerImportAction>;
export const CustomerImportRow = z.object({
  line: z.int().min(2),
  action: CustomerImportAction,
  displayName: z.string(),
  domain: z.string().nullable(),
  /** The existing customer updated or left unchanged; null for a new one. */
  customerId: Id.nullable(),
  /** Fields an update changes. */
  changes: z.array(z.string()),
});
export type CustomerImportRow = z.infer<typeof CustomerImportRow>;

export const CustomerImportResult = z.object({
  dryRun: z.boolean(),
  /** True when the import was carried out (never with a problem, never on a dry run); false = nothing changed. */
  applied: z.boolean(),
  created: z.int().min(0),
  updated: z.int().min(0),
  unchanged: z.int().min(0),
  refused: z.int().min(0),
  rows: z.array(CustomerImportRow),
  problems: z.array(ImportProblem),
});
export type CustomerImportResult = z.infer<typeof CustomerImportResult>;

export const LicensedUsersImportResult = z.object({
  dryRun: z.boolean(),
  applied: z.boolean(),
  customerId: Id,
  /** Accounts in the list after the import, and how many of them are protected (the day's licensed-user count). */
  accounts: z.int().min(0),
  protected: z.int().min(0),
  /** The day whose licensed-user count was recorded for usage reports, when applied. */
  countedDay: IsoDate.nullable(),
  problems: z.array(ImportProblem),
});
export type LicensedUsersImportResult = z.infer<typeof LicensedUsersImportResult>;
