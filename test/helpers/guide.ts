import { ApiError, type ApiClient } from '../../shared/api/client.js';
import type { Customer, CustomerInputRaw } from '../../shared/schemas/customers.js';
import type { TestHub } from './hub.js';

/** Small steps the guide-conformance tests share: a customer in a given state, an expected failure. */

export const customerInput = (overrides: Partial<CustomerInputRaw> = {}): CustomerInputRaw => ({
  displayName: 'Fabrikam Legal LLP',
  domain: 'fabrikam-legal.com',
  contact: { firstName: 'Anna', lastName: 'Smith', email: 'anna.smith@fabrikam-legal.com' },
  ...overrides,
});

/** The error an API call answers with (fails the test if it succeeds). */
export async function failure(call: Promise<unknown>): Promise<ApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

export async function pendingCustomer(t: TestHub, overrides: Partial<CustomerInputRaw> = {}, client: ApiClient = t.admin): Promise<Customer> {
  const c = await client.createCustomer(customerInput(overrides));
  t.clock.advance(1000);
  await t.hub.ctx.services.customerLifecycle.tick();
  return t.admin.customer(c.id);
}

export async function activeCustomer(
  t: TestHub,
  overrides: Partial<CustomerInputRaw> = {},
  tenant = 'fabrikamlegal.onmicrosoft.com',
  policies: 'recommended' | 'manual' = 'manual',
): Promise<Customer> {
  const c = await pendingCustomer(t, overrides);
  await t.admin.acceptAgreement(c.id);
  await t.admin.connectFlex(c.id, { storageRegion: 'EMEA', retention: 7 });
  await t.admin.confirmTenant(c.id, tenant);
  return t.admin.finishOnboarding(c.id, policies);
}
