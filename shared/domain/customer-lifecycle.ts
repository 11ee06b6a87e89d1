import { listText, say, type MessageKey, type Text } from '../i18n/index.js';
import type {
  ConnectInput,
  Customer,
  CustomerSettings,
  CustomerSettingsRecord,
  Invite,
  OffboardingOutcome,
  OffboardingRequestInput,
  OffboardingStatus,
  OffboardingSupportCase,
  OnboardingStep,
  PolicyChoice,
} from '../schemas/customers.js';

/**
 * A customer's life as pure transitions: provisioning -> pending -> (invites | managed
 * onboarding) -> active -> offboarding -> offboarded. Each function takes the current record and
 * returns the next one, or throws a CustomerRuleError saying why the step is not possible now.
 */

export class CustomerRuleError extends Error {
  override name = 'CustomerRuleError';
  constructor(
    /** `conflict`: the customer's state does not allow it now (409); `rule`: the input breaks a business rule (422). */
    readonly kind: 'conflict' | 'rule',
    message: string,
    readonly details?: { field: string; message: string }[],
    /** The message as a catalog text, said in the caller's language. */
    readonly text?: Text,
  ) {
    super(message);
  }
}

const conflict = (message: string | Text) => (typeof message === 'string' ? new CustomerRuleError('conflict', message) : new CustomerRuleError('conflict', say('en', message), undefined, message));
const rule = (message: string | Text, details?: { field: string; message: string }[]) =>
  typeof message === 'string' ? new CustomerRuleError('rule', message, details) : new CustomerRuleError('rule', say('en', message), details, message);

/** What a refusal is about ("inviting"), in the caller's language where the catalog has it. */
const WHAT: Record<string, MessageKey> = {
  inviting: 'api.doing.inviting',
  'resending invites': 'api.doing.resendingInvites',
  onboarding: 'api.doing.onboarding',
  'accepting an invite': 'api.doing.acceptingInvite',
  'changing settings': 'api.doing.changingSettings',
  settings: 'api.doing.settings',
  'updating counts': 'api.doing.updatingCounts',
  "recording the customer's IP ranges": 'api.doing.ipRanges',
  offboarding: 'api.doing.offboarding',
};
const whatText = (what: string | Text): string | Text => (typeof what !== 'string' ? what : WHAT[what] ? { key: WHAT[what] } : what);

export const DEVICE_CODE_TTL_MS = 15 * 60_000;
export const DEVICE_LOGIN_URL = 'https://microsoft.com/devicelogin';

export const DEFAULT_SETTINGS: CustomerSettingsRecord = {
  selfServiceRestore: true,
  customerMayCreateDeletePolicies: false,
  customerMayEditTriggerPolicies: true,
  autoCreatePolicies: true,
  multipleRegions: false,
  emailPreviews: true,
  ipRanges: [],
  restrictToIpRanges: false,
};

const day = (now: Date) => now.toISOString().slice(0, 10);

/** Refuses anything on a customer that Pulse is still creating, or that was offboarded. */
export function assertProvisioned(customer: Customer, what: string | Text): void {
  if (customer.status === 'provisioning') {
    throw conflict({ key: 'api.customer.provisioning', params: { customer: customer.displayName, until: customer.provisionedAt ?? '', what: whatText(what) } });
  }
  if (customer.status === 'offboarded') {
    throw conflict({ key: customer.offboardedAt ? 'api.customer.offboarded' : 'api.customer.offboardedEarlier', params: { customer: customer.displayName, date: customer.offboardedAt ?? '' } });
  }
}

/** Invites, admin users and the wizard are for customers not onboarded yet. */
export function assertPending(customer: Customer, what: string): void {
  assertProvisioned(customer, what);
  if (customer.status === 'active') throw conflict({ key: 'api.customer.alreadyOnboarded', params: { customer: customer.displayName, what: whatText(what) } });
}

export function assertActive(customer: Customer, what: string): void {
  assertProvisioned(customer, what);
  if (customer.status !== 'active') throw conflict({ key: 'api.customer.notOnboarded', params: { customer: customer.displayName, what: whatText(what) } });
}

/**
 * Pulse asks for the domain only "if you plan to provide the customer access": a customer may be
 * created without one, but invites, admin users and onboarding need it. Returns the domain.
 */
export function requireDomain(customer: Customer, what: string): string {
  if (!customer.domain) {
    throw conflict({ key: 'api.customer.noDomain', params: { customer: customer.displayName, what: whatText(what), id: customer.id } });
  }
  return customer.domain;
}

// ---- provisioning ----

export function isProvisioningDue(customer: Customer, now: Date): boolean {
  return customer.status === 'provisioning' && Date.parse(customer.provisionedAt) <= now.getTime();
}

export function markProvisioned(customer: Customer, now: Date): Customer {
  return { ...customer, status: 'pending', updatedAt: now.toISOString() };
}

// ---- self-service invites ----

export function pendingInvites(customer: Pick<Customer, 'invites'>): Invite[] {
  return customer.invites.filter((i) => !i.acceptedAt);
}

/** Invites new addresses; addresses invited before are sent again. */
export function addInvites(customer: Customer, emails: readonly string[], now: Date): { customer: Customer; invited: string[]; resent: string[] } {
  assertPending(customer, 'inviting');
  requireDomain(customer, 'inviting');
  const at = now.toISOString();
  const invites = [...customer.invites];
  const invited: string[] = [];
  const resent: string[] = [];
  for (const email of emails) {
    const index = invites.findIndex((i) => i.email === email);
    if (index === -1) {
      invites.push({ email, invitedAt: at, lastSentAt: at, sendCount: 1 });
      invited.push(email);
    } else {
      const previous = invites[index]!;
      invites[index] = { ...previous, lastSentAt: at, sendCount: previous.sendCount + 1 };
      resent.push(email);
    }
  }
  return { customer: { ...customer, invites, updatedAt: at }, invited, resent };
}

/** Sends the invite again to the given invited addresses, or to every pending one. */
export function resendInvites(customer: Customer, emails: readonly string[] | undefined, now: Date): { customer: Customer; resent: string[] } {
  assertPending(customer, 'resending invites');
  const pending = pendingInvites(customer);
  if (pending.length === 0) throw conflict({ key: 'api.invite.noneToResend', params: { customer: customer.displayName } });
  const targets = emails ?? pending.map((i) => i.email);
  const unknown = targets.filter((e) => !pending.some((i) => i.email === e));
  if (unknown.length > 0) {
    throw rule(
      { key: 'api.invite.notInvited', params: { emails: unknown.join(', ') } },
      unknown.map((email) => ({ field: 'emails', message: `${email} has no pending invite` })),
    );
  }
  const at = now.toISOString();
  const set = new Set(targets);
  const invites = customer.invites.map((i) => (set.has(i.email) ? { ...i, lastSentAt: at, sendCount: i.sendCount + 1 } : i));
  return { customer: { ...customer, invites, updatedAt: at }, resent: [...set] };
}

// ---- managed onboarding ----

export function onboardingStep(customer: Customer): OnboardingStep {
  if (customer.status === 'active' || customer.onboarding?.finishedAt) return 'done';
  const o = customer.onboarding;
  if (!o?.legalAgreement) return 'legal-agreement';
  if (!o.connection) return 'connect';
  if (!o.tenantConnectedAt) return 'confirm-tenant';
  return 'finish';
}

function assertStep(customer: Customer, allowed: OnboardingStep[], doing: 'connect' | 'confirmTenant' | 'finish'): void {
  assertPending(customer, 'onboarding');
  const step = onboardingStep(customer);
  if (!allowed.includes(step)) {
    throw conflict({ key: 'api.onboarding.wrongStep', params: { doing: { key: `api.onboarding.doing.${doing}` }, customer: customer.displayName, step: { key: `api.onboarding.step.${step}` } } });
  }
}

/** Step 1; repeating it before finishing changes nothing. */
export function acceptAgreement(customer: Customer, actor: string, now: Date): Customer {
  assertPending(customer, 'onboarding');
  requireDomain(customer, 'onboarding');
  if (customer.onboarding?.legalAgreement) return customer;
  const at = now.toISOString();
  return { ...customer, onboarding: { ...customer.onboarding, method: 'managed', legalAgreement: { acceptedAt: at, acceptedBy: actor } }, updatedAt: at };
}

/** Step 2: Flex options and a device code; may be repeated (a new code) until the tenant is confirmed. */
export function connectFlex(customer: Customer, input: ConnectInput, userCode: string, now: Date): Customer {
  assertStep(customer, ['connect', 'confirm-tenant'], 'connect');
  const at = now.toISOString();
  const deviceCode = { userCode, verificationUri: DEVICE_LOGIN_URL, issuedAt: at, expiresAt: new Date(now.getTime() + DEVICE_CODE_TTL_MS).toISOString() };
  return {
    ...customer,
    onboarding: {
      ...customer.onboarding,
      connection: { storageRegion: input.storageRegion, ...(input.storageLocation && { storageLocation: input.storageLocation }), retention: input.retention, services: input.services, deviceCode },
    },
    updatedAt: at,
  };
}

/** Step 3: the Global Administrator signed in with the device code; the tenant is connected. */
export function confirmTenant(customer: Customer, tenantDomain: string, now: Date): Customer {
  assertStep(customer, ['confirm-tenant'], 'confirmTenant');
  const code = customer.onboarding!.connection!.deviceCode;
  if (Date.parse(code.expiresAt) < now.getTime()) {
    throw conflict({ key: 'api.onboarding.deviceCodeExpired', params: { code: code.userCode, at: code.expiresAt } });
  }
  const at = now.toISOString();
  return { ...customer, tenantDomain, onboarding: { ...customer.onboarding, tenantConnectedAt: at }, updatedAt: at };
}

/** Step 4: the customer becomes active on a month-to-month contract from today. */
export function finishOnboarding(customer: Customer, policies: PolicyChoice, ids: { veeamAccountId: string; subscriptionId: string }, now: Date): Customer {
  assertStep(customer, ['finish'], 'finish');
  const connection = customer.onboarding!.connection!;
  const located = connection.storageLocation ? { ...customer, storageLocation: connection.storageLocation } : customer;
  return activate({ ...located, onboarding: { ...customer.onboarding, policies } }, connection.storageRegion, ids, now);
}

/** Self-service: the invited person signed up and connected the tenant themselves. */
export function acceptInvite(
  customer: Customer,
  input: { email: string; tenantDomain: string; storageRegion: Customer['storageRegion'] & string; services: ConnectInput['services'] },
  ids: { veeamAccountId: string; subscriptionId: string },
  now: Date,
): Customer {
  assertPending(customer, 'accepting an invite');
  const invite = pendingInvites(customer).find((i) => i.email === input.email);
  if (!invite) throw rule({ key: 'api.invite.noPending', params: { email: input.email, customer: customer.displayName } }, [{ field: 'email', message: 'has no pending invite' }]);
  const at = now.toISOString();
  const invites = customer.invites.map((i) => (i.email === input.email ? { ...i, acceptedAt: at } : i));
  // "Auto Create Backup Policies": the recommended policies are made only while it is on.
  const policies: PolicyChoice = (customer.settings?.autoCreatePolicies ?? DEFAULT_SETTINGS.autoCreatePolicies) ? 'recommended' : 'manual';
  return activate(
    {
      ...customer,
      invites,
      tenantDomain: input.tenantDomain,
      onboarding: { method: 'self-service', tenantConnectedAt: at, policies, connection: undefined },
    },
    input.storageRegion,
    ids,
    now,
  );
}

function activate(customer: Customer, storageRegion: NonNullable<Customer['storageRegion']>, ids: { veeamAccountId: string; subscriptionId: string }, now: Date): Customer {
  const at = now.toISOString();
  return {
    ...customer,
    status: 'active',
    contractType: 'Month to month',
    activationDate: day(now),
    storageRegion,
    veeamAccountId: customer.veeamAccountId ?? ids.veeamAccountId,
    subscriptionIds: customer.subscriptionIds.length > 0 ? customer.subscriptionIds : [ids.subscriptionId],
    settings: customer.settings ?? DEFAULT_SETTINGS,
    onboarding: { ...customer.onboarding, finishedAt: at },
    updatedAt: at,
  };
}

// ---- settings ----

/**
 * Settings are for onboarded customers, except "Auto Create Backup Policies": it decides what
 * happens "when the customer onboards", so it is also set on a pending customer, before that.
 */
export function applySettings(customer: Customer, update: Partial<CustomerSettings>, now: Date): Customer {
  const onlyAutoCreate = Object.entries(update).every(([key, value]) => key === 'autoCreatePolicies' || value === undefined);
  if (customer.status === 'pending' && onlyAutoCreate) assertPending(customer, 'changing settings');
  else assertActive(customer, 'changing settings');
  const { storageRegion, ...rest } = update;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<CustomerSettingsRecord>;
  const settings: CustomerSettingsRecord = { ...DEFAULT_SETTINGS, ...customer.settings, ...defined };
  const seen = new Set<string>();
  for (const [index, range] of settings.ipRanges.entries()) {
    const key = `${range.start.toLowerCase()}-${range.end.toLowerCase()}`;
    if (seen.has(key)) throw rule({ key: 'api.settings.ipRangeTwice', params: { start: range.start, end: range.end } }, [{ field: `ipRanges.${index}`, message: 'is listed twice' }]);
    seen.add(key);
  }
  if (settings.restrictToIpRanges && settings.ipRanges.length === 0) {
    throw rule({ key: 'api.settings.ipRangeNeeded' }, [{ field: 'restrictToIpRanges', message: 'needs at least one IP range' }]);
  }
  return { ...customer, settings, ...(storageRegion && { storageRegion }), updatedAt: now.toISOString() };
}

/**
 * "Enable self service" lets the tenant's users restore their own mail and OneDrive files; with
 * it off there is no self-service restore to record. Returns why a self-service restore is refused, or null.
 */
export function selfServiceRestoreRefusalText(customer: Pick<Customer, 'displayName' | 'settings'>): Text | null {
  const enabled = customer.settings?.selfServiceRestore ?? DEFAULT_SETTINGS.selfServiceRestore;
  if (enabled) return null;
  return { key: 'api.restore.selfServiceOff', params: { customer: customer.displayName } };
}

// ---- offboarding ----

/** Facts the support case needs that the customer record does not hold. */
export interface OffboardingFacts {
  /** The month whose usage must still be reported, and its licensed users so far (highest daily count). */
  usageMonth: string;
  usageToReport: number;
}

/** The guide's support case for deleting a customer: the four request details and the month's usage. */
export function offboardingSupportCase(customer: Customer, date: string, licensesUsed: number, facts: OffboardingFacts): OffboardingSupportCase {
  const subscriptionId = customer.subscriptionIds[0] ?? null;
  const text = [
    'Case type: General Inquiry',
    'I have problems with: VCSP Pulse',
    'Request summary: Delete Customer in VDC M365',
    `Customer display name: ${customer.displayName}`,
    `Customer subscription ID: ${subscriptionId ?? 'not available'}`,
    `Date to delete the customer: ${date}`,
    `Number of user licenses the customer uses: ${licensesUsed}`,
    `Usage to report for ${facts.usageMonth}: ${facts.usageToReport} licensed users`,
  ].join('\n');
  return {
    caseType: 'General Inquiry',
    product: 'VCSP Pulse',
    summary: 'Delete Customer in VDC M365',
    displayName: customer.displayName,
    subscriptionId,
    deletionDate: date,
    licensesUsed,
    usageToReport: { month: facts.usageMonth, licensedUsers: facts.usageToReport },
    text,
  };
}

const OPEN: readonly OffboardingStatus[] = ['requested', 'submitted', 'approved'];

export function requestOffboarding(customer: Customer, input: OffboardingRequestInput, actor: string, facts: OffboardingFacts, now: Date): Customer {
  assertProvisioned(customer, 'offboarding');
  const open = customer.offboardingRequest;
  if (open && OPEN.includes(open.status)) {
    throw conflict({ key: 'api.offboarding.alreadyOpen', params: { customer: customer.displayName, status: open.status, requested: open.requestedAt.slice(0, 10), date: open.date } });
  }
  if (input.date < day(now)) throw rule({ key: 'api.offboarding.datePast', params: { date: input.date } }, [{ field: 'date', message: 'must be today or later' }]);
  const at = now.toISOString();
  const licenseCount = input.licenseCount ?? customer.licenses;
  return {
    ...customer,
    offboardingRequest: {
      status: 'requested',
      date: input.date,
      reason: input.reason,
      licenseCount,
      requestedAt: at,
      requestedBy: actor,
      supportCase: offboardingSupportCase(customer, input.date, licenseCount, facts),
    },
    updatedAt: at,
  };
}

function requestIn(customer: Customer, allowed: readonly OffboardingStatus[], doing: Text) {
  assertProvisioned(customer, doing);
  const request = customer.offboardingRequest;
  if (!request || !allowed.includes(request.status)) {
    const state: Text = request ? { key: 'api.offboarding.state', params: { status: request.status } } : { key: 'api.offboarding.none' };
    throw conflict({ key: 'api.offboarding.wrongState', params: { doing, customer: customer.displayName, state, allowed: listText(allowed, 'api.list.or') } });
  }
  return request;
}

/** The provider opened the support case with Veeam: requested -> submitted, with the case number. */
export function submitOffboarding(customer: Customer, caseNumber: string, actor: string, now: Date): Customer {
  const request = requestIn(customer, ['requested'], { key: 'api.offboarding.doing.recordCase' });
  const at = now.toISOString();
  return { ...customer, offboardingRequest: { ...request, status: 'submitted', caseNumber, submittedAt: at, submittedBy: actor }, updatedAt: at };
}

/**
 * Veeam's answer on the case, recorded by an operator with the case number: approved, rejected
 * (with the reason), or deleted (the customer is gone at Veeam: the tombstone is made).
 */
export function recordOffboardingOutcome(
  customer: Customer,
  input: { caseNumber: string; outcome: OffboardingOutcome; note?: string | undefined },
  recorder: { name: string; userId?: string | null | undefined },
  now: Date,
): Customer {
  const allowed: readonly OffboardingStatus[] = input.outcome === 'approved' ? ['submitted'] : ['submitted', 'approved'];
  const request = requestIn(customer, allowed, { key: 'api.offboarding.doing.recordOutcome', params: { outcome: input.outcome } });
  if (request.caseNumber !== input.caseNumber) {
    throw rule({ key: 'api.offboarding.wrongCase', params: { customer: customer.displayName, case: request.caseNumber ?? '', given: input.caseNumber } }, [
      { field: 'caseNumber', message: `must be ${request.caseNumber}` },
    ]);
  }
  const at = now.toISOString();
  const decided = {
    ...request,
    decidedAt: at,
    decidedBy: recorder.name,
    ...(recorder.userId && { decidedByUserId: recorder.userId }),
    ...(input.note && { note: input.note }),
  };
  if (input.outcome === 'deleted') return completeOffboarding({ ...customer, offboardingRequest: { ...decided, status: 'approved' } }, 'support-case', now);
  return { ...customer, offboardingRequest: { ...decided, status: input.outcome }, updatedAt: at };
}

/**
 * A connection sees the customer's company gone upstream: Veeam deleted it. Recorded whatever the
 * request's state (even without one); a customer already offboarded is left as it is.
 */
export function markDeletedUpstream(customer: Customer, now: Date): Customer {
  if (customer.status === 'offboarded') return customer;
  return completeOffboarding(customer, 'connection', now);
}

/** The tombstone: no access any more (admins and invites gone), the month's counts kept for usage reporting. */
export function completeOffboarding(customer: Customer, source: 'support-case' | 'connection', now: Date): Customer {
  const at = now.toISOString();
  return {
    ...customer,
    status: 'offboarded',
    offboardedAt: at,
    ...(customer.offboardingRequest && { offboardingRequest: { ...customer.offboardingRequest, status: 'deleted' as const, deletedAt: at, deletionSource: source } }),
    invites: [],
    admins: [],
    updatedAt: at,
  };
}
