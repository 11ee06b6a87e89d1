import type { ListQuery, Page } from '../schemas/common.js';
import type {
  ConnectInputRaw,
  ContractType,
  Customer,
  CustomerAdmin,
  CustomerImportResult,
  CustomerInputRaw,
  CustomerSettings,
  CustomerSort,
  CustomerStatus,
  FlexService,
  Invite,
  InvitesResult,
  IpCheckResult,
  LicensedUser,
  LicensedUserInputRaw,
  LicensedUsersImportResult,
  OffboardingOutcome,
  OffboardingRequest,
  OffboardingRequestInput,
  OnboardingView,
  PolicyChoice,
  ProtectionStatus,
  SourceType,
  StorageRegion,
  TenantAccess,
} from '../schemas/customers.js';
import { seg, type RawRequest, type Request } from './request.js';

export interface CustomerListParams {
  q?: string;
  status?: CustomerStatus[];
  sourceType?: SourceType[];
  contractType?: ContractType[];
  sort?: CustomerSort;
  page?: number;
  pageSize?: number;
}

export interface LicensedUserParams {
  q?: string;
  protectionStatus?: ProtectionStatus[];
  type?: ('User' | 'Shared mailbox')[];
  sort?: string;
  page?: number;
  pageSize?: number;
}

/** Editable fields of a customer; null clears an optional one. */
export interface CustomerPatch {
  displayName?: string;
  domain?: string;
  contact?: Partial<Customer['contact']>;
  externalId?: string | null;
  primaryAdminEmail?: string | null;
  sourceType?: SourceType;
  contractType?: ContractType;
  /** The purchased licence limit (the used count `licenses` comes from VDC). */
  licenseLimit?: number;
  storageQuotaGb?: number | null;
}

export interface SettingsPatch extends Partial<Omit<CustomerSettings, 'ipRanges' | 'customerIpRanges' | 'customerRestrictToIpRanges' | 'effectiveIpAccess'>> {
  ipRanges?: { start: string; end: string; description?: string }[];
}

export const customersApi = (request: Request, raw: RawRequest) => ({
  customers: (params: CustomerListParams = {}) => request<Page<Customer>>('GET', '/customers', { query: { ...params } }),
  customer: (id: string) => request<Customer>('GET', `/customers/${seg(id)}`),
  createCustomer: (input: CustomerInputRaw) => request<Customer>('POST', '/customers', { body: input }),
  updateCustomer: (id: string, input: CustomerPatch) => request<Customer>('PATCH', `/customers/${seg(id)}`, { body: input }),
  /** All live customers (or those matching the filters) as CSV text. */
  exportCustomersCsv: async (params: Omit<CustomerListParams, 'page' | 'pageSize'> = {}) =>
    (await raw('GET', '/customers/export.csv', { query: { ...params }, headers: { accept: 'text/csv' } })).text(),
  /**
   * Imports customers from CSV in the export's format. `dryRun` only reports what would be created,
   * updated or refused; otherwise all rows are applied, or none when any has a problem (422).
   */
  importCustomersCsv: (csv: string, options: { dryRun?: boolean; idempotencyKey?: string } = {}) =>
    request<CustomerImportResult>('POST', '/customers/import', {
      query: { dryRun: options.dryRun ? 'true' : undefined },
      text: { content: csv, contentType: 'text/csv; charset=utf-8' },
      ...(options.idempotencyKey && { idempotencyKey: options.idempotencyKey }),
    }),

  invites: (id: string, params: Partial<ListQuery> = {}) => request<Page<Invite>>('GET', `/customers/${seg(id)}/invites`, { query: { ...params } }),
  /** Emails as "a@x.com, b@x.com" or a list; each must be inside the customer's domain. */
  sendInvites: (id: string, emails: string | string[]) => request<InvitesResult>('POST', `/customers/${seg(id)}/invites`, { body: { emails } }),
  /** Resends to every pending invite, or only to the given addresses. */
  resendInvites: (id: string, emails?: string | string[]) => request<InvitesResult>('POST', `/customers/${seg(id)}/invites/resend`, { body: emails === undefined ? {} : { emails } }),
  acceptInvite: (id: string, input: { email: string; tenantDomain: string; storageRegion?: StorageRegion; services?: FlexService[] }) =>
    request<Customer>('POST', `/customers/${seg(id)}/invites/accept`, { body: input }),

  onboarding: (id: string) => request<OnboardingView>('GET', `/customers/${seg(id)}/onboarding`),
  acceptAgreement: (id: string) => request<OnboardingView>('POST', `/customers/${seg(id)}/onboarding/legal-agreement`, { body: { accepted: true } }),
  /** `services` may be left out: all three are then backed up. */
  connectFlex: (id: string, input: ConnectInputRaw) => request<OnboardingView>('POST', `/customers/${seg(id)}/onboarding/connect`, { body: input }),
  confirmTenant: (id: string, tenantDomain: string) => request<OnboardingView>('POST', `/customers/${seg(id)}/onboarding/confirm-tenant`, { body: { tenantDomain } }),
  finishOnboarding: (id: string, policies: PolicyChoice) => request<Customer>('POST', `/customers/${seg(id)}/onboarding/finish`, { body: { policies } }),

  customerSettings: (id: string) => request<CustomerSettings>('GET', `/customers/${seg(id)}/settings`),
  updateCustomerSettings: (id: string, input: SettingsPatch) => request<CustomerSettings>('PUT', `/customers/${seg(id)}/settings`, { body: input }),
  /** The ranges the customer added in its portal; shown beside yours and merged for enforcement. */
  setCustomerIpRanges: (id: string, input: { ipRanges: { start: string; end: string; description?: string }[]; restrictToIpRanges?: boolean }) =>
    request<CustomerSettings>('PUT', `/customers/${seg(id)}/settings/customer-ip-ranges`, { body: input }),
  ipCheck: (id: string, address: string) => request<IpCheckResult>('GET', `/customers/${seg(id)}/settings/ip-check`, { query: { address } }),

  customerAdmins: (id: string, params: Partial<ListQuery> = {}) => request<Page<CustomerAdmin>>('GET', `/customers/${seg(id)}/admins`, { query: { ...params } }),
  addCustomerAdmin: (id: string, input: { email: string; firstName: string; lastName: string; sendWelcomeEmail?: boolean }) =>
    request<CustomerAdmin>('POST', `/customers/${seg(id)}/admins`, { body: input }),
  removeCustomerAdmin: (id: string, email: string) => request<void>('DELETE', `/customers/${seg(id)}/admins/${seg(email)}`),
  myTenants: (params: Partial<ListQuery> = {}) => request<Page<TenantAccess>>('GET', '/me/tenants', { query: { ...params } }),

  licensedUsers: (id: string, params: LicensedUserParams = {}) => request<Page<LicensedUser> & { syncedAt: string | null }>('GET', `/customers/${seg(id)}/licensed-users`, { query: { ...params } }),
  licensedUsersCsv: async (id: string, params: Omit<LicensedUserParams, 'page' | 'pageSize'> = {}) =>
    (await raw('GET', `/customers/${seg(id)}/licensed-users.csv`, { query: { ...params }, headers: { accept: 'text/csv' } })).text(),
  /** Replaces the customer's protected accounts and records today's licensed-user count for usage reports. */
  setLicensedUsers: (id: string, users: LicensedUserInputRaw[]) => request<LicensedUsersImportResult>('PUT', `/customers/${seg(id)}/licensed-users`, { body: { users } }),
  /** The same from CSV in the format of `licensedUsersCsv`. */
  importLicensedUsersCsv: (id: string, csv: string, options: { dryRun?: boolean } = {}) =>
    request<LicensedUsersImportResult>('POST', `/customers/${seg(id)}/licensed-users/import`, {
      query: { dryRun: options.dryRun ? 'true' : undefined },
      text: { content: csv, contentType: 'text/csv; charset=utf-8' },
    }),

  offboardingRequest: (id: string) => request<OffboardingRequest>('GET', `/customers/${seg(id)}/offboarding-request`),
  requestOffboarding: (id: string, input: OffboardingRequestInput) => request<OffboardingRequest>('POST', `/customers/${seg(id)}/offboarding-request`, { body: input }),
  /** The support case was opened with Veeam. */
  submitOffboarding: (id: string, caseNumber: string) => request<OffboardingRequest>('POST', `/customers/${seg(id)}/offboarding-request/submit`, { body: { caseNumber } }),
  /** Veeam's answer on the case; "deleted" makes the tombstone. */
  recordOffboardingOutcome: (id: string, input: { caseNumber: string; outcome: OffboardingOutcome; note?: string }) =>
    request<Customer>('POST', `/customers/${seg(id)}/offboarding-request/outcome`, { body: input }),
});
