import { describe, expect, test } from 'vitest';
import type { Customer } from '../schemas/customers.js';
import {
  acceptAgreement,
  acceptInvite,
  addInvites,
  applySettings,
  confirmTenant,
  connectFlex,
  CustomerRuleError,
  DEVICE_CODE_TTL_MS,
  finishOnboarding,
  isProvisioningDue,
  markProvisioned,
  onboardingStep,
  markDeletedUpstream,
  recordOffboardingOutcome,
  requestOffboarding,
  submitOffboarding,
  resendInvites,
} from './customer-lifecycle.js';

const NOW = new Date('2026-11-24T09:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);
const ids = { veeamAccountId: 'va-1', subscriptionId: 'sub-1' };
const connect = { storageRegion: 'EMEA' as const, retention: 7 as const, services: ['Exchange Online' as const, 'Teams' as const] };

function customer(overrides: Partial<Customer> = {}): Customer {
  return {
    id: 'cus_1',
    displayName: 'Fabrikam Legal',
    domain: 'fabrikam-legal.com',
    contact: { firstName: 'Anna', lastName: 'Smith', email: 'anna@fabrikam-legal.com' },
    status: 'pending',
    createdAt: '2026-11-24T08:00:00.000Z',
    provisionedAt: '2026-11-24T08:10:00.000Z',
    subscriptionIds: [],
    contractType: 'Pending',
    licenses: 0,
    licenseModel: 'Variable',
    sourceType: 'VCSP Pulse',
    storageConsumedGb: 0,
    backedUpAccounts: 0,
    totalActiveAccounts: 0,
    userChangeThisMonth: 0,
    userChangeLastMonth: 0,
    invites: [],
    admins: [],
    ...overrides,
  };
}

function refusal(fn: () => unknown): { kind: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof CustomerRuleError) return { kind: error.kind, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('provisioning', () => {
  test('is due once provisionedAt has passed, then the customer is pending', () => {
    const c = customer({ status: 'provisioning', provisionedAt: later(60_000).toISOString() });
    expect(isProvisioningDue(c, NOW)).toBe(false);
    expect(isProvisioningDue(c, later(59_999))).toBe(false);
    expect(isProvisioningDue(c, later(60_000))).toBe(true);
    expect(markProvisioned(c, later(60_000)).status).toBe('pending');
    expect(isProvisioningDue(customer(), later(60_000))).toBe(false);
  });
});

describe('managed onboarding wizard', () => {
  const steps = {
    agreement: (c: Customer) => acceptAgreement(c, 'Hub Admin', NOW),
    connect: (c: Customer) => connectFlex(c, connect, 'ABCD23456', NOW),
    tenant: (c: Customer) => confirmTenant(c, 'fabrikam.onmicrosoft.com', NOW),
    finish: (c: Customer) => finishOnboarding(c, 'recommended', ids, NOW),
  };

  test('runs legal agreement -> connect -> tenant -> finish and activates the customer', () => {
    let c = customer();
    expect(onboardingStep(c)).toBe('legal-agreement');
    c = steps.agreement(c);
    expect(onboardingStep(c)).toBe('connect');
    c = steps.connect(c);
    expect(onboardingStep(c)).toBe('confirm-tenant');
    expect(c.onboarding?.connection?.deviceCode).toMatchObject({ userCode: 'ABCD23456', verificationUri: 'https://microsoft.com/devicelogin', expiresAt: later(DEVICE_CODE_TTL_MS).toISOString() });
    c = steps.tenant(c);
    expect(onboardingStep(c)).toBe('finish');
    c = steps.finish(c);
    expect(onboardingStep(c)).toBe('done');
    expect(c).toMatchObject({
      status: 'active',
      contractType: 'Month to month',
      activationDate: '2026-11-24',
      storageRegion: 'EMEA',
      tenantDomain: 'fabrikam.onmicrosoft.com',
      veeamAccountId: 'va-1',
      subscriptionIds: ['sub-1'],
      onboarding: { policies: 'recommended', method: 'managed', finishedAt: NOW.toISOString() },
    });
    expect(c.settings?.autoCreatePolicies).toBe(true);
  });

  // Every step tried from every earlier state: only the next step (or repeating connect) is allowed.
  test.each([
    ['connect', 0, 'confirm the legal agreement'],
    ['tenant', 0, 'confirm the legal agreement'],
    ['finish', 0, 'confirm the legal agreement'],
    ['tenant', 1, 'connect to Flex'],
    ['finish', 1, 'connect to Flex'],
    ['finish', 2, 'confirm the tenant'],
  ] as const)('%s after %d steps is a conflict naming the next step', (step, done, next) => {
    let c = customer();
    for (const s of (['agreement', 'connect', 'tenant'] as const).slice(0, done)) c = steps[s](c);
    const error = refusal(() => steps[step](c));
    expect(error.kind).toBe('conflict');
    expect(error.message).toContain(next);
  });

  test('repeating the agreement changes nothing; connecting again issues a new code until the tenant is confirmed', () => {
    const agreed = steps.agreement(customer());
    expect(steps.agreement(agreed)).toBe(agreed);
    const first = steps.connect(agreed);
    const again = connectFlex(first, { ...connect, storageRegion: 'APJ' }, 'ZZZZ99999', later(1000));
    expect(again.onboarding?.connection).toMatchObject({ storageRegion: 'APJ', deviceCode: { userCode: 'ZZZZ99999' } });
    const confirmed = steps.tenant(again);
    expect(refusal(() => steps.connect(confirmed)).message).toContain('finish');
  });

  test('an expired device code cannot confirm the tenant', () => {
    const c = steps.connect(steps.agreement(customer()));
    const error = refusal(() => confirmTenant(c, 'fabrikam.onmicrosoft.com', later(DEVICE_CODE_TTL_MS + 1)));
    expect(error).toMatchObject({ kind: 'conflict' });
    expect(error.message).toContain('expired');
    expect(confirmTenant(c, 'fabrikam.onmicrosoft.com', later(DEVICE_CODE_TTL_MS)).onboarding?.tenantConnectedAt).toBeDefined();
  });

  test.each([
    ['provisioning', 'still being provisioned'],
    ['active', 'already onboarded'],
    ['offboarded', 'offboarded'],
  ] as const)('a %s customer cannot be onboarded', (status, message) => {
    expect(refusal(() => steps.agreement(customer({ status })))).toMatchObject({ kind: 'conflict', message: expect.stringContaining(message) });
  });
});

describe('invites', () => {
  test('new addresses are invited, known ones resent with a higher count', () => {
    const first = addInvites(customer(), ['a@fabrikam-legal.com', 'b@fabrikam-legal.com'], NOW);
    expect(first.invited).toEqual(['a@fabrikam-legal.com', 'b@fabrikam-legal.com']);
    const second = addInvites(first.customer, ['b@fabrikam-legal.com', 'c@fabrikam-legal.com'], later(1000));
    expect(second).toMatchObject({ invited: ['c@fabrikam-legal.com'], resent: ['b@fabrikam-legal.com'] });
    expect(second.customer.invites).toEqual([
      { email: 'a@fabrikam-legal.com', invitedAt: NOW.toISOString(), lastSentAt: NOW.toISOString(), sendCount: 1 },
      { email: 'b@fabrikam-legal.com', invitedAt: NOW.toISOString(), lastSentAt: later(1000).toISOString(), sendCount: 2 },
      { email: 'c@fabrikam-legal.com', invitedAt: later(1000).toISOString(), lastSentAt: later(1000).toISOString(), sendCount: 1 },
    ]);
  });

  test('resend goes to all pending invites or only the named ones; unknown ones are named', () => {
    const { customer: c } = addInvites(customer(), ['a@fabrikam-legal.com', 'b@fabrikam-legal.com'], NOW);
    expect(resendInvites(c, undefined, later(5)).resent).toEqual(['a@fabrikam-legal.com', 'b@fabrikam-legal.com']);
    const one = resendInvites(c, ['b@fabrikam-legal.com'], later(5));
    expect(one.customer.invites.map((i) => i.sendCount)).toEqual([1, 2]);
    expect(refusal(() => resendInvites(c, ['x@fabrikam-legal.com'], NOW))).toMatchObject({ kind: 'rule', message: expect.stringContaining('x@fabrikam-legal.com') });
    expect(refusal(() => resendInvites(customer(), undefined, NOW))).toMatchObject({ kind: 'conflict', message: expect.stringContaining('no pending invites') });
  });

  test('invites wait until provisioning is over', () => {
    expect(refusal(() => addInvites(customer({ status: 'provisioning' }), ['a@fabrikam-legal.com'], NOW)).kind).toBe('conflict');
  });

  test('an accepted invite onboards the customer by self-service', () => {
    const { customer: c } = addInvites(customer(), ['a@fabrikam-legal.com'], NOW);
    const active = acceptInvite(c, { email: 'a@fabrikam-legal.com', tenantDomain: 'fabrikam.onmicrosoft.com', storageRegion: 'AMER', services: ['Teams'] }, ids, later(10));
    expect(active).toMatchObject({ status: 'active', contractType: 'Month to month', storageRegion: 'AMER', onboarding: { method: 'self-service' } });
    expect(active.invites[0]!.acceptedAt).toBe(later(10).toISOString());
    expect(refusal(() => acceptInvite(c, { email: 'z@fabrikam-legal.com', tenantDomain: 'f.onmicrosoft.com', storageRegion: 'AMER', services: ['Teams'] }, ids, NOW)).kind).toBe('rule');
  });
});

describe('settings', () => {
  const active = customer({ status: 'active', contractType: 'Month to month', storageRegion: 'EMEA' });

  test('merges changes over the defaults', () => {
    const c = applySettings(active, { emailPreviews: false, storageRegion: 'APJ' }, NOW);
    expect(c.storageRegion).toBe('APJ');
    expect(c.settings).toMatchObject({ emailPreviews: false, selfServiceRestore: true, ipRanges: [], restrictToIpRanges: false });
  });

  test.each([
    [{ restrictToIpRanges: true }, 'at least one IP range'],
    [
      {
        ipRanges: [
          { start: '1.1.1.1', end: '1.1.1.9' },
          { start: '1.1.1.1', end: '1.1.1.9' },
        ],
      },
      'listed twice',
    ],
  ])('%j is refused (%s)', (update, message) => {
    expect(refusal(() => applySettings(active, update, NOW))).toMatchObject({ kind: 'rule', message: expect.stringContaining(message) });
  });

  test('restricting works once a range exists, and removing the last range while restricted is refused', () => {
    const c = applySettings(active, { ipRanges: [{ start: '1.1.1.1', end: '1.1.1.9' }], restrictToIpRanges: true }, NOW);
    expect(c.settings?.restrictToIpRanges).toBe(true);
    expect(refusal(() => applySettings(c, { ipRanges: [] }, NOW)).kind).toBe('rule');
  });

  test('a pending customer has no settings yet', () => {
    expect(refusal(() => applySettings(customer(), { emailPreviews: false }, NOW)).kind).toBe('conflict');
  });
});

describe('offboarding', () => {
  const active = customer({
    status: 'active',
    contractType: 'Annual',
    licenses: 42,
    licenseLimit: 50,
    backedUpAccounts: 42,
    subscriptionIds: ['sub-1'],
    admins: [{ email: 'a@fabrikam-legal.com', firstName: 'A', lastName: 'B', sendWelcomeEmail: false, addedAt: NOW.toISOString(), addedBy: 'x' }],
  });
  const request = { date: '2026-11-24', reason: 'Leaving', licenseCount: 42 };
  const facts = { usageMonth: '2026-11', usageToReport: 44 };

  // Guide: "you can request that the Veeam Customer Support team delete the customer"; the case
  // names the display name, subscription ID, date and "the number of user licenses that the customer uses".
  test("a request holds the support case ready to paste, with the month's usage to report", () => {
    const requested = requestOffboarding(active, { date: request.date, reason: 'Leaving' }, 'Ops', facts, NOW);
    const req = requested.offboardingRequest!;
    expect(req).toMatchObject({ status: 'requested', requestedBy: 'Ops', licenseCount: 42 });
    expect(req.supportCase).toMatchObject({
      summary: 'Delete Customer in VDC M365',
      subscriptionId: 'sub-1',
      deletionDate: '2026-11-24',
      licensesUsed: 42,
      usageToReport: { month: '2026-11', licensedUsers: 44 },
    });
    expect(req.supportCase!.text).toContain('Customer display name: Fabrikam Legal');
    expect(req.supportCase!.text).toContain('Number of user licenses the customer uses: 42');
  });

  // Guide: "Once your request is approved, the Veeam Customer Support team will delete the customer."
  test('requested -> submitted -> approved -> deleted, and only "deleted" makes the tombstone', () => {
    const submitted = submitOffboarding(requestOffboarding(active, request, 'Ops', facts, NOW), '07123456', 'Ops', later(1));
    expect(submitted.offboardingRequest).toMatchObject({ status: 'submitted', caseNumber: '07123456', submittedBy: 'Ops' });
    const approved = recordOffboardingOutcome(submitted, { caseNumber: '07123456', outcome: 'approved' }, { name: 'Ops' }, later(2));
    expect(approved.status).toBe('active');
    expect(approved.offboardingRequest?.status).toBe('approved');
    const done = recordOffboardingOutcome(approved, { caseNumber: '07123456', outcome: 'deleted', note: 'done' }, { name: 'Ops', userId: 'usr_1' }, later(1000));
    expect(done).toMatchObject({ status: 'offboarded', offboardedAt: later(1000).toISOString(), licenses: 42, backedUpAccounts: 42, admins: [], invites: [] });
    expect(done.offboardingRequest).toMatchObject({ status: 'deleted', deletionSource: 'support-case', decidedByUserId: 'usr_1', note: 'done', deletedAt: later(1000).toISOString() });
  });

  test('rejection keeps the customer and allows a new request', () => {
    const submitted = submitOffboarding(requestOffboarding(active, request, 'Ops', facts, NOW), '07123456', 'Ops', NOW);
    const rejected = recordOffboardingOutcome(submitted, { caseNumber: '07123456', outcome: 'rejected', note: 'Customer still has an annual contract' }, { name: 'Ops' }, NOW);
    expect(rejected.status).toBe('active');
    expect(rejected.offboardingRequest).toMatchObject({ status: 'rejected', note: 'Customer still has an annual contract' });
    expect(requestOffboarding(rejected, request, 'Ops', facts, NOW).offboardingRequest?.status).toBe('requested');
  });

  test('a connection seeing the company gone records the deletion, whatever the request', () => {
    const gone = markDeletedUpstream(requestOffboarding(active, request, 'Ops', facts, NOW), later(5));
    expect(gone).toMatchObject({ status: 'offboarded', offboardingRequest: { status: 'deleted', deletionSource: 'connection' } });
    expect(markDeletedUpstream(gone, later(10))).toBe(gone);
    expect(markDeletedUpstream(active, later(5))).toMatchObject({ status: 'offboarded', offboardedAt: later(5).toISOString() });
  });

  const submitted = (c: Customer) => submitOffboarding(requestOffboarding(c, request, 'Ops', facts, NOW), '07123456', 'Ops', NOW);
  test.each([
    ['a second request while one is open', (c: Customer) => requestOffboarding(requestOffboarding(c, request, 'Ops', facts, NOW), request, 'Ops', facts, NOW), 'conflict'],
    [
      'recording an outcome before the case is submitted',
      (c: Customer) => recordOffboardingOutcome(requestOffboarding(c, request, 'Ops', facts, NOW), { caseNumber: 'x', outcome: 'deleted' }, { name: 'S' }, NOW),
      'conflict',
    ],
    ['an outcome with another case number', (c: Customer) => recordOffboardingOutcome(submitted(c), { caseNumber: '0999', outcome: 'approved' }, { name: 'S' }, NOW), 'rule'],
    ['submitting without a request', (c: Customer) => submitOffboarding(c, '07123456', 'Ops', NOW), 'conflict'],
    ['a date in the past', (c: Customer) => requestOffboarding(c, { ...request, date: '2026-11-23' }, 'Ops', facts, NOW), 'rule'],
    ['a provisioning customer', (c: Customer) => requestOffboarding({ ...c, status: 'provisioning' }, request, 'Ops', facts, NOW), 'conflict'],
  ] as const)('%s is refused', (_name, fn, kind) => {
    expect(refusal(() => fn(active)).kind).toBe(kind);
  });
});
