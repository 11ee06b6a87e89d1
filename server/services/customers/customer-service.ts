import { randomInt, randomUUID } from 'node:crypto';
import { toCsv } from '../../../shared/domain/csv.js';
import { CUSTOMER_CSV_COLUMNS } from '../../../shared/domain/customer-import.js';
import { checkCustomerDomain, isInsideDomain } from '../../../shared/domain/customer-domain.js';
import { checkAdminUpnText, checkInviteEmails } from '../../../shared/domain/customer-emails.js';
import {
  acceptAgreement,
  acceptInvite,
  addInvites,
  applySettings,
  assertActive,
  assertPending,
  assertProvisioned,
  confirmTenant,
  connectFlex,
  CustomerRuleError,
  DEFAULT_SETTINGS,
  finishOnboarding,
  isProvisioningDue,
  markDeletedUpstream,
  markProvisioned,
  onboardingStep,
  recordOffboardingOutcome,
  requestOffboarding,
  requireDomain,
  resendInvites,
  submitOffboarding,
} from '../../../shared/domain/customer-lifecycle.js';
import { ipAccessDecision, mergedIpAccess, parseIp } from '../../../shared/domain/customer-ip-ranges.js';
import { licenseManagementRefusalText } from '../../../shared/domain/usage-calendar.js';
import { listText, say } from '../../../shared/i18n/index.js';
import type { Page } from '../../../shared/schemas/common.js';
import type {
  AdminInput,
  ConnectInput,
  Customer,
  CustomerAdmin,
  CustomerFilters,
  CustomerInput,
  CustomerListQuery,
  CustomerSettings,
  CustomerSettingsRecord,
  CustomerUpdate,
  FlexService,
  InvitesResult,
  IpCheckResult,
  OffboardingOutcomeInput,
  OffboardingRequest,
  OffboardingRequestInput,
  OnboardingView,
  PolicyChoice,
  SettingsUpdate,
  StorageRegion,
  TenantAccess,
} from '../../../shared/schemas/customers.js';
import { systemPrincipal, type Principal } from '../../auth/principal.js';
import type { HubContext } from '../../context.js';
import { businessRule, conflict, localizedError, notFound } from '../../http/errors.js';
import { newId } from '../../ids.js';
import { recordChange, type Change } from '../changes.js';
import { customers } from '../customer-collection.js';
import { CustomerSearchIndex } from './search-index.js';

/** Who did it, as a person reads it: the user's name, else the actor's. */
export function who(principal: Principal): string {
  return principal.user ? `${principal.user.firstName} ${principal.user.lastName}`.trim() : principal.actor.name;
}

/** Turns a broken domain rule into the API's 409 or 422. */
function ruled<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof CustomerRuleError) {
      if (error.text) throw localizedError(error.kind === 'conflict' ? 'conflict' : 'business_rule', error.text, error.details);
      throw error.kind === 'conflict' ? conflict(error.message) : businessRule(error.message, error.details);
    }
    throw error;
  }
}

const DEVICE_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
function newDeviceCode(): string {
  let code = '';
  for (let i = 0; i < 9; i++) code += DEVICE_CODE_ALPHABET[randomInt(DEVICE_CODE_ALPHABET.length)];
  return code;
}

/** Counts VDC reports for a customer; other areas (the runner, usage) keep them current. */
export type CustomerCounts = Partial<Pick<Customer, 'storageConsumedGb' | 'backedUpAccounts' | 'totalActiveAccounts' | 'userChangeThisMonth' | 'userChangeLastMonth'>>;

/**
 * Customers: creation the way Pulse does it, the list with its index, invites, the managed
 * onboarding wizard, settings, admin users, offboarding. Rules live in shared/domain; this
 * class reads and writes the store, keeps the lookups and records every change.
 */
export class CustomerService {
  readonly index = new CustomerSearchIndex();
  private readonly liveByDomain = new Map<string, string>();
  private readonly liveByTenant = new Map<string, string>();
  private readonly byAdminEmail = new Map<string, Set<string>>();
  /** Customers the lifecycle job watches: still provisioning. */
  private readonly watched = new Set<string>();

  constructor(private readonly ctx: HubContext) {
    ctx.store.onChange(customers, (before, after) => {
      this.index.update(before, after);
      if (before) {
        if (before.domain && this.liveByDomain.get(before.domain) === before.id) this.liveByDomain.delete(before.domain);
        if (before.tenantDomain && this.liveByTenant.get(before.tenantDomain) === before.id) this.liveByTenant.delete(before.tenantDomain);
        for (const admin of before.admins) this.byAdminEmail.get(admin.email)?.delete(before.id);
        this.watched.delete(before.id);
      }
      if (after && after.status !== 'offboarded') {
        if (after.domain) this.liveByDomain.set(after.domain, after.id);
        if (after.tenantDomain) this.liveByTenant.set(after.tenantDomain, after.id);
        for (const admin of after.admins) {
          let set = this.byAdminEmail.get(admin.email);
          if (!set) this.byAdminEmail.set(admin.email, (set = new Set()));
          set.add(after.id);
        }
        if (after.status === 'provisioning') this.watched.add(after.id);
      }
    });
  }

  // ---- reading ----

  get(id: string): Customer {
    const customer = this.ctx.store.get(customers, id);
    if (!customer) throw notFound('Customer', id);
    return customer;
  }

  /** The customer as JSON text, from the index's cache. */
  getJson(id: string): string {
    const json = this.index.jsonOf(id);
    if (json === undefined) throw notFound('Customer', id);
    return json;
  }

  find(id: string): Customer | undefined {
    return this.ctx.store.get(customers, id);
  }

  list(query: CustomerListQuery): Page<Customer> {
    const { items, total } = this.index.search(query, query.page, query.pageSize);
    return { items, total, page: query.page, pageSize: query.pageSize };
  }

  /** The list page as JSON text, joined from per-customer cached JSON (the list is the hub's hottest read). */
  listJson(query: CustomerListQuery): string {
    return this.index.searchJson(query, query.page, query.pageSize);
  }

  /** Customers matching the filters (all live ones by default) as RFC 4180 CSV. */
  exportCsv(filters: CustomerFilters): string {
    return toCsv(CUSTOMER_CSV_COLUMNS, this.index.searchAll(filters));
  }

  byDomain(domain: string): Customer | undefined {
    const id = this.liveByDomain.get(domain.toLowerCase());
    return id ? this.find(id) : undefined;
  }

  /** The live customer connected to a Microsoft 365 tenant. */
  byTenant(tenantDomain: string): Customer | undefined {
    const id = this.liveByTenant.get(tenantDomain.toLowerCase());
    return id ? this.find(id) : undefined;
  }

  // ---- create and edit ----

  async create(principal: Principal, input: CustomerInput): Promise<Customer> {
    const domain = input.domain === undefined ? undefined : ruledDomain(input.domain);
    if (domain) this.assertDomainFree(domain);
    if (input.primaryAdminEmail) this.assertAdminEmail(input.primaryAdminEmail, domain, 'primaryAdminEmail');
    const now = this.ctx.clock.now();
    const at = now.toISOString();
    const instant = this.ctx.config.provisioningMs === 0;
    const customer: Customer = {
      id: newId('cus'),
      displayName: input.displayName,
      ...(domain && { domain }),
      contact: input.contact,
      ...(input.externalId && { externalId: input.externalId }),
      ...(input.primaryAdminEmail && { primaryAdminEmail: input.primaryAdminEmail }),
      status: instant ? 'pending' : 'provisioning',
      createdAt: at,
      provisionedAt: new Date(now.getTime() + this.ctx.config.provisioningMs).toISOString(),
      subscriptionIds: [],
      contractType: 'Pending',
      licenses: 0,
      licenseLimit: input.licenseLimit,
      licenseModel: 'Variable',
      sourceType: input.sourceType,
      storageConsumedGb: 0,
      ...(input.storageQuotaGb !== undefined && { storageQuotaGb: input.storageQuotaGb }),
      backedUpAccounts: 0,
      totalActiveAccounts: 0,
      userChangeThisMonth: 0,
      userChangeLastMonth: 0,
      invites: [],
      admins: input.primaryAdminEmail ? [this.primaryAdmin(input.primaryAdminEmail, input.contact, principal, at)] : [],
      updatedAt: at,
    };
    await this.ctx.store.write((tx) => {
      // Checked again inside the write: two requests for one domain cannot both pass.
      if (domain) this.assertDomainFree(domain);
      tx.put(customers, customer);
    });
    await this.record(principal, customer, 'customer.created', {
      domain,
      sourceType: customer.sourceType,
      status: customer.status,
      provisionedAt: customer.provisionedAt,
      ...(customer.primaryAdminEmail && { primaryAdminEmail: customer.primaryAdminEmail }),
    });
    if (instant) await this.record(systemPrincipal(), customer, 'customer.provisioned', { domain });
    return customer;
  }

  async update(principal: Principal, id: string, input: CustomerUpdate): Promise<Customer> {
    const { after, before } = await this.mutate(id, (c) => {
      if (c.status === 'offboarded') throw localizedError('conflict', { key: 'api.customer.offboardedNoEdit', params: { customer: c.displayName, date: c.offboardedAt ?? '' } });
      let next: Customer = { ...c, updatedAt: this.ctx.clock.now().toISOString() };
      if (input.displayName !== undefined) next.displayName = input.displayName;
      if (input.contact) next.contact = { ...c.contact, ...definedOnly(input.contact) };
      if (input.externalId !== undefined) next = withOptional(next, 'externalId', input.externalId);
      if (input.sourceType !== undefined) next.sourceType = input.sourceType;
      if (input.licenseLimit !== undefined && input.licenseLimit !== (c.licenseLimit ?? 0)) {
        this.assertLicenseManagement();
        next.licenseLimit = input.licenseLimit;
      }
      if (input.storageQuotaGb !== undefined) next = withOptional(next, 'storageQuotaGb', input.storageQuotaGb);
      if (input.domain !== undefined && input.domain !== c.domain) next = this.changeDomain(next, input.domain);
      if (input.contractType !== undefined && input.contractType !== c.contractType) {
        if (c.status !== 'active') throw localizedError('conflict', { key: 'api.customer.pendingContract', params: { customer: c.displayName } });
        if (input.contractType === 'Pending')
          throw localizedError('business_rule', { key: 'api.customer.noBackToPending' }, [{ field: 'contractType', message: 'cannot be Pending for an onboarded customer' }]);
        next.contractType = input.contractType;
      }
      if (input.primaryAdminEmail !== undefined) {
        next = withOptional(next, 'primaryAdminEmail', input.primaryAdminEmail);
        if (input.primaryAdminEmail) {
          this.assertAdminEmail(input.primaryAdminEmail, next.domain, 'primaryAdminEmail');
          if (!next.admins.some((a) => a.email === input.primaryAdminEmail)) {
            next.admins = [...next.admins, this.primaryAdmin(input.primaryAdminEmail, next.contact, principal, next.updatedAt!)];
          }
        }
      }
      return next;
    });
    await this.record(principal, after, 'customer.updated', { changed: changedFields(before, after), ...input });
    return after;
  }

  private changeDomain(customer: Customer, input: string): Customer {
    if (customer.status === 'active') throw localizedError('conflict', { key: 'api.customer.domainFixed', params: { customer: customer.displayName } });
    const domain = ruledDomain(input);
    this.assertDomainFree(domain, customer.id);
    const outside = [
      ...customer.invites.filter((i) => !isInsideDomain(i.email, domain)).map((i) => i.email),
      ...customer.admins.filter((a) => !isInsideDomain(a.email, domain) && !this.isHubUser(a.email)).map((a) => a.email),
    ];
    if (outside.length > 0) {
      throw localizedError(
        'business_rule',
        { key: 'api.customer.outsideNewDomain', params: { domain, emails: outside.join(', ') } },
        outside.map((email) => ({ field: 'domain', message: `${email} is outside ${domain}` })),
      );
    }
    return { ...customer, domain };
  }

  /** Licence changes are refused (409) while Pulse's suspension for two overdue months holds. */
  assertLicenseManagement(): void {
    const state = this.ctx.services.usage?.suspension();
    const refusal = state ? licenseManagementRefusalText(state) : null;
    if (refusal) throw localizedError('license_management_suspended', refusal, [{ field: 'licenseLimit', message: 'licence management is suspended' }]);
  }

  private primaryAdmin(email: string, contact: Customer['contact'], principal: Principal, at: string): CustomerAdmin {
    const user = this.ctx.services.access?.userByEmail(email);
    const sameAsContact = contact.email === email;
    return {
      email,
      firstName: user?.firstName ?? (sameAsContact ? contact.firstName : email.slice(0, email.indexOf('@'))),
      lastName: user?.lastName ?? (sameAsContact ? contact.lastName : ''),
      sendWelcomeEmail: false,
      addedAt: at,
      addedBy: who(principal),
    };
  }

  /** Counts reported by VDC (storage, accounts, user change); no route edits them, other areas call this. */
  async updateCounts(principal: Principal, id: string, counts: CustomerCounts): Promise<Customer> {
    const { after } = await this.mutate(id, (c) => {
      assertProvisioned(c, 'updating counts');
      const next = { ...c, ...definedOnly(counts), updatedAt: this.ctx.clock.now().toISOString() };
      // The licences a customer uses are its protected (backed-up) accounts.
      return { ...next, licenses: next.backedUpAccounts };
    });
    await this.record(principal, after, 'customer.counts-updated', { ...counts });
    return after;
  }

  // ---- self-service invites ----

  invites(id: string) {
    return this.get(id).invites;
  }

  async invite(principal: Principal, id: string, input: string | string[]): Promise<InvitesResult> {
    const current = this.get(id);
    const domain = ruled(() => {
      assertPending(current, 'inviting');
      return requireDomain(current, 'inviting');
    });
    const emails = this.checkEmails(input, domain);
    let invited: string[] = [];
    let resent: string[] = [];
    const { after } = await this.mutate(id, (c) => {
      const result = addInvites(c, emails, this.ctx.clock.now());
      invited = result.invited;
      resent = result.resent;
      return result.customer;
    });
    await this.record(principal, after, 'customer.invited', { emails, invited, resent, domain: after.domain });
    return { invited, resent, invites: after.invites };
  }

  async resendInvites(principal: Principal, id: string, input: string | string[] | undefined): Promise<InvitesResult> {
    const current = this.get(id);
    const domain = ruled(() => {
      assertPending(current, 'resending invites');
      return requireDomain(current, 'resending invites');
    });
    const emails = input === undefined ? undefined : this.checkEmails(input, domain);
    let resent: string[] = [];
    const { after } = await this.mutate(id, (c) => {
      const result = resendInvites(c, emails, this.ctx.clock.now());
      resent = result.resent;
      return result.customer;
    });
    await this.record(principal, after, 'customer.invited', { emails: resent, invited: [], resent, domain: after.domain });
    return { invited: [], resent, invites: after.invites };
  }

  /** Records that an invited person finished self-service onboarding (VDC tells the provider). */
  async acceptInvite(principal: Principal, id: string, input: { email: string; tenantDomain: string; storageRegion: StorageRegion; services: FlexService[] }): Promise<Customer> {
    const { after } = await this.mutate(id, (c) => {
      this.assertTenantFree(input.tenantDomain, c.id);
      return acceptInvite(c, input, newAccountIds(), this.ctx.clock.now());
    });
    const policies: PolicyChoice = after.onboarding?.policies ?? 'recommended';
    await this.record(principal, after, 'customer.onboarded', {
      method: 'self-service',
      email: input.email,
      policies,
      services: input.services,
      storageRegion: input.storageRegion,
      tenantDomain: input.tenantDomain,
    });
    return after;
  }

  /** Each address well-formed (else 400) and inside the domain (else 422), naming every bad one. */
  private checkEmails(input: string | string[], domain: string): string[] {
    const { emails, problems } = checkInviteEmails(input, domain);
    if (problems.length > 0) {
      const details = problems.map((p) => ({ field: 'emails', message: p.message }));
      const text = {
        key: 'api.invite.refused',
        params: {
          domain,
          problems: listText(
            problems.map((p) => p.text),
            'api.list.joined',
          ),
        },
      } as const;
      throw localizedError(problems.some((p) => p.kind === 'malformed') ? 'invalid_input' : 'business_rule', text, details);
    }
    if (emails.length === 0) throw localizedError('invalid_input', { key: 'api.invite.none' }, [{ field: 'emails', message: 'has no email address' }]);
    return emails;
  }

  // ---- managed onboarding ----

  onboarding(id: string): OnboardingView {
    const c = this.get(id);
    const o = c.onboarding;
    const now = this.ctx.clock.now().getTime();
    const code = o?.connection?.deviceCode;
    return {
      customerId: c.id,
      status: c.status,
      step: onboardingStep(c),
      legalAgreement: o?.legalAgreement ?? null,
      connection: o?.connection
        ? {
            ...o.connection,
            deviceCode: {
              ...code!,
              expired: Date.parse(code!.expiresAt) < now,
              instructions: `Ask the customer's Global Administrator to open ${code!.verificationUri}, enter the code ${code!.userCode} and sign in before ${code!.expiresAt}.`,
            },
          }
        : null,
      tenantDomain: c.tenantDomain ?? null,
      tenantConnectedAt: o?.tenantConnectedAt ?? null,
      finishedAt: o?.finishedAt ?? null,
      policies: o?.policies ?? null,
      method: o?.method ?? null,
    };
  }

  async acceptAgreement(principal: Principal, id: string): Promise<OnboardingView> {
    const { before, after } = await this.mutate(id, (c) => acceptAgreement(c, who(principal), this.ctx.clock.now()));
    if (before !== after) await this.record(principal, after, 'customer.onboarding.agreement-accepted', {});
    return this.onboarding(id);
  }

  async connect(principal: Principal, id: string, input: ConnectInput): Promise<OnboardingView> {
    const { after } = await this.mutate(id, (c) => connectFlex(c, input, newDeviceCode(), this.ctx.clock.now()));
    const code = after.onboarding!.connection!.deviceCode;
    await this.record(principal, after, 'customer.onboarding.device-code-issued', {
      storageRegion: input.storageRegion,
      retention: input.retention,
      services: input.services,
      expiresAt: code.expiresAt,
    });
    return this.onboarding(id);
  }

  async confirmTenant(principal: Principal, id: string, tenantDomain: string): Promise<OnboardingView> {
    const { after } = await this.mutate(id, (c) => {
      this.assertTenantFree(tenantDomain, c.id);
      return confirmTenant(c, tenantDomain, this.ctx.clock.now());
    });
    await this.record(principal, after, 'customer.onboarding.tenant-connected', { tenantDomain });
    return this.onboarding(id);
  }

  async finish(principal: Principal, id: string, policies: PolicyChoice): Promise<Customer> {
    const { after } = await this.mutate(id, (c) => finishOnboarding(c, policies, newAccountIds(), this.ctx.clock.now()));
    const connection = after.onboarding!.connection!;
    await this.record(principal, after, 'customer.onboarded', {
      method: 'managed',
      policies,
      services: connection.services,
      storageRegion: connection.storageRegion,
      retention: connection.retention,
      tenantDomain: after.tenantDomain,
      veeamAccountId: after.veeamAccountId,
      subscriptionIds: after.subscriptionIds,
    });
    return after;
  }

  // ---- settings ----

  /** An onboarded customer's settings; a pending one has only Auto Create Backup Policies to set (the rest are defaults). */
  settings(id: string): CustomerSettings {
    const c = this.get(id);
    if (c.status !== 'pending') ruled(() => assertActive(c, 'settings'));
    const record = { ...DEFAULT_SETTINGS, ...c.settings };
    return {
      storageRegion: c.storageRegion ?? 'EMEA',
      ...record,
      customerIpRanges: record.customerIpRanges ?? [],
      customerRestrictToIpRanges: record.customerRestrictToIpRanges ?? false,
      effectiveIpAccess: mergedIpAccess(record),
    };
  }

  /** The IP ranges the customer added in its own portal (for a sync, or an operator recording them); kept apart from the provider's. */
  async setCustomerIpRanges(principal: Principal, id: string, input: { ipRanges: CustomerSettingsRecord['ipRanges']; restrictToIpRanges: boolean }): Promise<CustomerSettings> {
    const { after } = await this.mutate(id, (c) => {
      assertActive(c, "recording the customer's IP ranges");
      const settings = { ...DEFAULT_SETTINGS, ...c.settings, customerIpRanges: input.ipRanges, customerRestrictToIpRanges: input.restrictToIpRanges };
      return { ...c, settings, updatedAt: this.ctx.clock.now().toISOString() };
    });
    await this.record(principal, after, 'customer.customer-ip-ranges-updated', { ipRanges: input.ipRanges.length, restrictToIpRanges: input.restrictToIpRanges });
    return this.settings(id);
  }

  /** Whether an address may reach the customer's portal under the provider's and the customer's ranges merged. */
  ipCheck(id: string, address: string): IpCheckResult {
    if (!parseIp(address)) throw localizedError('invalid_input', { key: 'api.customer.badIp', params: { address } }, [{ field: 'query.address', message: 'is not an IPv4 or IPv6 address' }]);
    return { address, ...ipAccessDecision(this.settings(id), address) };
  }

  async updateSettings(principal: Principal, id: string, update: SettingsUpdate): Promise<CustomerSettings> {
    const { after } = await this.mutate(id, (c) => applySettings(c, update, this.ctx.clock.now()));
    await this.record(principal, after, 'customer.settings-updated', { ...update });
    return this.settings(id);
  }

  // ---- admin users ----

  admins(id: string): CustomerAdmin[] {
    return this.get(id).admins;
  }

  async addAdmin(principal: Principal, id: string, input: AdminInput): Promise<CustomerAdmin> {
    const current = this.get(id);
    ruled(() => assertPending(current, 'adding admin users'));
    this.assertAdminEmail(input.email, current.domain, 'email');
    const admin: CustomerAdmin = { ...input, addedAt: this.ctx.clock.now().toISOString(), addedBy: who(principal) };
    const { after } = await this.mutate(id, (c) => {
      assertPending(c, 'adding admin users');
      if (c.admins.some((a) => a.email === input.email)) throw localizedError('conflict', { key: 'api.customer.adminExists', params: { email: input.email, customer: c.displayName } });
      return { ...c, admins: [...c.admins, admin], updatedAt: admin.addedAt };
    });
    await this.record(principal, after, 'customer.admin-added', {
      email: admin.email,
      firstName: admin.firstName,
      lastName: admin.lastName,
      sendWelcomeEmail: admin.sendWelcomeEmail,
    });
    return admin;
  }

  async removeAdmin(principal: Principal, id: string, email: string): Promise<void> {
    const address = email.trim().toLowerCase();
    const { after } = await this.mutate(id, (c) => {
      assertPending(c, 'removing admin users');
      if (!c.admins.some((a) => a.email === address)) throw notFound(`Admin user ${address} of ${c.displayName}`);
      return {
        ...c,
        admins: c.admins.filter((a) => a.email !== address),
        ...(c.primaryAdminEmail === address && { primaryAdminEmail: undefined }),
        updatedAt: this.ctx.clock.now().toISOString(),
      };
    });
    await this.record(principal, after, 'customer.admin-removed', { email: address });
  }

  /** Customers the caller is an admin user of (to switch to their view). */
  tenantsOf(principal: Principal): TenantAccess[] {
    const email = principal.user?.email;
    if (!email) return [];
    const portal = this.ctx.config.portalUrl.replace(/\/+$/, '');
    return [...(this.byAdminEmail.get(email) ?? [])]
      .map((id) => this.find(id))
      .filter((c): c is Customer => c !== undefined && c.status !== 'offboarded')
      .sort((a, b) => a.displayName.localeCompare(b.displayName))
      .map((c) => ({
        customerId: c.id,
        displayName: c.displayName,
        domain: c.domain ?? null,
        tenantDomain: c.tenantDomain ?? null,
        status: c.status,
        switchUrl: `${portal}/switch?tenant=${encodeURIComponent(c.tenantDomain ?? c.domain ?? c.id)}`,
      }));
  }

  /** Without a domain only a hub user's own account can be an admin user (the guide's "VDC Primary Administrator"). */
  private assertAdminEmail(email: string, domain: string | undefined, field: string): void {
    const problem = checkAdminUpnText(email, { domain, isHubUser: (e) => this.isHubUser(e) });
    if (problem) throw localizedError('business_rule', problem, [{ field, message: say('en', problem) }]);
  }

  private isHubUser(email: string): boolean {
    return this.ctx.services.access?.userByEmail(email) !== undefined;
  }

  // ---- offboarding ----

  offboardingRequest(id: string): OffboardingRequest {
    const c = this.get(id);
    if (!c.offboardingRequest) throw notFound(`An offboarding request for ${c.displayName}`);
    return c.offboardingRequest;
  }

  /** Asks for the deletion: the support case Veeam needs is made ready to paste, with the month's usage to report. */
  async requestOffboarding(principal: Principal, id: string, input: OffboardingRequestInput): Promise<OffboardingRequest> {
    const now = this.ctx.clock.now();
    const current = this.get(id);
    const month = now.toISOString().slice(0, 7);
    const recorded = (await this.ctx.services.usage?.daily.usage(month))?.find((u) => u.customerId === id)?.highest ?? 0;
    const facts = { usageMonth: month, usageToReport: Math.max(recorded, current.licenses) };
    const { after } = await this.mutate(id, (c) => requestOffboarding(c, input, who(principal), facts, now));
    const request = after.offboardingRequest!;
    await this.record(principal, after, 'customer.offboarding-requested', { date: request.date, reason: request.reason, licenseCount: request.licenseCount, status: request.status });
    return request;
  }

  /** The support case was opened with Veeam (requested -> submitted). */
  async submitOffboarding(principal: Principal, id: string, caseNumber: string): Promise<OffboardingRequest> {
    const { after } = await this.mutate(id, (c) => submitOffboarding(c, caseNumber, who(principal), this.ctx.clock.now()));
    await this.record(principal, after, 'customer.offboarding-submitted', { caseNumber, status: 'submitted' });
    return after.offboardingRequest!;
  }

  /** Veeam's answer on the case, with its number: approved, rejected, or deleted (then the tombstone). */
  async recordOffboardingOutcome(principal: Principal, id: string, input: OffboardingOutcomeInput): Promise<Customer> {
    const { after } = await this.mutate(id, (c) => recordOffboardingOutcome(c, input, { name: who(principal), userId: principal.user?.id }, this.ctx.clock.now()));
    const request = after.offboardingRequest!;
    await this.record(principal, after, `customer.offboarding-${input.outcome}`, { caseNumber: input.caseNumber, status: request.status, ...(input.note && { note: input.note }) });
    if (after.status === 'offboarded') await this.afterOffboarded(principal, after);
    return after;
  }

  /**
   * For a connection's sync: the customer's company is gone upstream, so Veeam deleted it. Records
   * the deletion (tombstone, usage of the month kept); calling it again changes nothing.
   */
  async markDeletedUpstream(principal: Principal, id: string): Promise<Customer> {
    const { before, after } = await this.mutate(id, (c) => markDeletedUpstream(c, this.ctx.clock.now()));
    if (before !== after) await this.afterOffboarded(principal, after);
    return after;
  }

  private async afterOffboarded(principal: Principal, customer: Customer): Promise<void> {
    await this.ctx.services.licensedUsers?.removeAll(customer.id);
    await this.record(principal, customer, 'customer.offboarded', {
      offboardedAt: customer.offboardedAt,
      licenses: customer.licenses,
      licenseLimit: customer.licenseLimit ?? 0,
      backedUpAccounts: customer.backedUpAccounts,
      licenseCount: customer.offboardingRequest?.licenseCount,
      deletionSource: customer.offboardingRequest?.deletionSource ?? 'connection',
      ...(customer.offboardingRequest?.caseNumber && { caseNumber: customer.offboardingRequest.caseNumber }),
    });
  }

  // ---- the lifecycle job's work ----

  /**
   * Moves every due customer on: provisioning -> pending. (A deletion is never due by date: it is
   * recorded only when Veeam says so.)
   */
  async advanceDue(): Promise<{ provisioned: string[] }> {
    const now = this.ctx.clock.now();
    const dueIds = [...this.watched].filter((id) => {
      const c = this.find(id);
      return c !== undefined && isProvisioningDue(c, now);
    });
    if (dueIds.length === 0) return { provisioned: [] };
    const changed = await this.ctx.store.write((tx) => {
      const out: Customer[] = [];
      for (const id of dueIds) {
        const c = tx.get(customers, id);
        if (!c || !isProvisioningDue(c, now)) continue;
        const next = markProvisioned(c, now);
        tx.put(customers, next);
        out.push(next);
      }
      return out;
    });
    const system = systemPrincipal('SP Hub customer lifecycle');
    for (const c of changed) await this.record(system, c, 'customer.provisioned', { domain: c.domain });
    return { provisioned: changed.map((c) => c.id) };
  }

  // ---- helpers ----

  /**
   * Reads, changes and writes one customer in a single step, so concurrent requests never lose
   * each other's updates; a thrown rule changes nothing.
   */
  private async mutate(id: string, change: (c: Customer) => Customer): Promise<{ before: Customer; after: Customer }> {
    return this.ctx.store.write((tx) => {
      const before = tx.get(customers, id);
      if (!before) throw notFound('Customer', id);
      const after = ruled(() => change(before));
      if (after !== before) tx.put(customers, after);
      return { before, after };
    });
  }

  private record(principal: Principal, customer: Customer, action: string, details: Record<string, unknown>): Promise<void> {
    const change: Change = {
      action,
      target: { type: 'customer', id: customer.id, name: customer.displayName },
      customerId: customer.id,
      details,
    };
    return recordChange(this.ctx, principal, change);
  }

  private assertDomainFree(domain: string, except?: string): void {
    const owner = this.liveByDomain.get(domain);
    if (owner && owner !== except) {
      const other = this.find(owner);
      throw localizedError('conflict', { key: 'api.customer.domainTaken', params: { domain, customer: other?.displayName ?? owner } });
    }
  }

  private assertTenantFree(tenantDomain: string, except: string): void {
    const owner = this.liveByTenant.get(tenantDomain);
    if (owner && owner !== except) {
      throw localizedError('conflict', { key: 'api.customer.tenantTaken', params: { tenant: tenantDomain, customer: this.find(owner)?.displayName ?? owner } });
    }
  }
}

function ruledDomain(input: string): string {
  const check = checkCustomerDomain(input);
  if (!check.ok) throw localizedError('business_rule', { key: 'api.domain.refused', params: { domain: input, reason: check.text } }, [{ field: 'domain', message: check.reason }]);
  return check.domain;
}

function newAccountIds() {
  return { veeamAccountId: randomUUID(), subscriptionId: randomUUID() };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Sets an optional field, or removes it when the value is null. */
function withOptional<K extends 'externalId' | 'storageQuotaGb' | 'primaryAdminEmail'>(c: Customer, key: K, value: Customer[K] | null): Customer {
  const next = { ...c };
  if (value === null || value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

function changedFields(before: Customer, after: Customer): string[] {
  return (Object.keys({ ...before, ...after }) as (keyof Customer)[]).filter((k) => k !== 'updatedAt' && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

declare module '../../context.js' {
  interface HubServices {
    customers: CustomerService;
  }
}
