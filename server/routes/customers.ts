import { z } from 'zod';
import { pageOf } from '../../shared/domain/paging.js';
import { Id, ListQuery, Page } from '../../shared/schemas/common.js';
import {
  AdminInput,
  AgreementInput,
  ConnectInput,
  Customer,
  CustomerAdmin,
  CustomerFilters,
  CustomerImportResult,
  CustomerInput,
  CustomerIpRangesInput,
  CustomerListQuery,
  CustomerSettings,
  CustomerUpdate,
  FinishInput,
  ImportQuery,
  Invite,
  InviteAcceptedInput,
  InvitesInput,
  InvitesResult,
  IpCheckQuery,
  IpCheckResult,
  LicensedUser,
  LicensedUsersFilters,
  LicensedUsersImportResult,
  LicensedUsersInput,
  LicensedUsersQuery,
  OffboardingOutcomeInput,
  OffboardingRequest,
  OffboardingRequestInput,
  OffboardingSubmitInput,
  OnboardingView,
  ResendInvitesInput,
  SettingsUpdate,
  TenantAccess,
  TenantConnectedInput,
} from '../../shared/schemas/customers.js';
import type { Area } from '../area.js';
import { systemPrincipal } from '../auth/principal.js';
import { localizedError } from '../http/errors.js';
import { seedDemoCustomers } from '../seed/customers.js';
import { customers } from '../services/customer-collection.js';
import { CustomerImportService } from '../services/customers/customer-import.js';
import { CustomerService } from '../services/customers/customer-service.js';
import { LicensedUsersService } from '../services/customers/licensed-users.js';
import { CustomerLifecycleJob } from '../services/customers/lifecycle-job.js';

const ById = z.object({ id: Id });
const ByAdmin = z.object({ id: Id, email: z.string().min(3).max(254) });

/** A CSV download; the file name carries the date so repeated exports do not overwrite each other. */
function csv(text: string, name: string, now: Date): Response {
  return new Response(text, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}-${now.toISOString().slice(0, 10)}.csv"`,
    },
  });
}

/** An answer whose JSON text is already made (the list and detail serve cached text). */
const json = (text: string) => new Response(text, { headers: { 'content-type': 'application/json' } });

export const customersArea: Area = {
  name: 'customers',
  setup(ctx, { router }) {
    const service = new CustomerService(ctx);
    const licensedUsers = new LicensedUsersService(ctx);
    const lifecycle = new CustomerLifecycleJob(service);
    const imports = new CustomerImportService(ctx, service);
    ctx.services.customers = service;
    ctx.services.customerImport = imports;
    ctx.services.licensedUsers = licensedUsers;
    ctx.services.customerLifecycle = lifecycle;

    const r = router()
      .get('/', { summary: 'List customers: search (q), filters, sort, pages', permission: 'monitoring', query: CustomerListQuery, response: Page(Customer) }, ({ query }) =>
        json(service.listJson(query)),
      )
      .post('/', { summary: 'Create a customer (provisioning, then pending)', permission: 'customerManagement', body: CustomerInput, response: Customer, status: 201 }, ({ principal, body }) =>
        service.create(principal, body),
      )
      .post(
        '/import',
        {
          summary: "Import customers from CSV in the export's format: dryRun=true says what would be created, updated or refused (line and column per problem); otherwise all or nothing",
          permission: 'customerManagement',
          query: ImportQuery,
          consumes: 'text/csv',
          response: CustomerImportResult,
        },
        async ({ principal, query, c }) => imports.importCsv(principal, await c.req.text(), query.dryRun),
      )
      .get(
        '/export.csv',
        { summary: 'Export customers as CSV (all live customers, or those matching the filters)', permission: 'monitoring', query: CustomerFilters, produces: 'text/csv' },
        ({ query }) => csv(service.exportCsv(query), 'customers', ctx.clock.now()),
      )
      .get('/:id', { summary: 'One customer', permission: 'monitoring', params: ById, response: Customer }, ({ params }) => json(service.getJson(params.id)))
      .patch(
        '/:id',
        { summary: 'Change a customer (display name, contact, external id, licenses, quota, contract...)', permission: 'customerManagement', params: ById, body: CustomerUpdate, response: Customer },
        ({ principal, params, body }) => service.update(principal, params.id, body),
      )
      .delete('/:id', { summary: 'Customers are deleted only through offboarding (always 409)', permission: 'customerManagement', params: ById }, ({ params }) => {
        const c = service.get(params.id);
        throw localizedError('conflict', { key: 'api.customer.deleteByOffboarding', params: { customer: c.displayName, id: c.id } });
      })

      // self-service invites
      .get('/:id/invites', { summary: 'Invited emails of a customer', permission: 'monitoring', params: ById, query: ListQuery, response: Page(Invite) }, ({ params, query }) =>
        pageOf(service.invites(params.id), query),
      )
      .post(
        '/:id/invites',
        {
          summary: 'Invite emails (comma or space separated, inside the customer domain) to self-onboard',
          permission: 'customerManagement',
          params: ById,
          body: InvitesInput,
          response: InvitesResult,
        },
        ({ principal, params, body }) => service.invite(principal, params.id, body.emails),
      )
      .post(
        '/:id/invites/resend',
        { summary: 'Resend the invite to every pending address, or to the given ones', permission: 'customerManagement', params: ById, body: ResendInvitesInput, response: InvitesResult },
        ({ principal, params, body }) => service.resendInvites(principal, params.id, body?.emails),
      )
      .post(
        '/:id/invites/accept',
        { summary: 'Record that an invited person finished self-service onboarding', permission: 'customerManagement', params: ById, body: InviteAcceptedInput, response: Customer },
        ({ principal, params, body }) => service.acceptInvite(principal, params.id, body),
      )

      // managed onboarding wizard
      .get('/:id/onboarding', { summary: 'State of the managed onboarding wizard', permission: 'monitoring', params: ById, response: OnboardingView }, ({ params }) => service.onboarding(params.id))
      .post(
        '/:id/onboarding/legal-agreement',
        { summary: 'Step 1: confirm the legal agreement', permission: 'customerManagement', params: ById, body: AgreementInput, response: OnboardingView },
        ({ principal, params }) => service.acceptAgreement(principal, params.id),
      )
      .post(
        '/:id/onboarding/connect',
        { summary: 'Step 2: connect to Flex (region, retention, services) and get a device code', permission: 'customerManagement', params: ById, body: ConnectInput, response: OnboardingView },
        ({ principal, params, body }) => service.connect(principal, params.id, body),
      )
      .post(
        '/:id/onboarding/confirm-tenant',
        { summary: 'Step 3: the Global Administrator signed in; record the connected tenant', permission: 'customerManagement', params: ById, body: TenantConnectedInput, response: OnboardingView },
        ({ principal, params, body }) => service.confirmTenant(principal, params.id, body.tenantDomain),
      )
      .post(
        '/:id/onboarding/finish',
        { summary: 'Step 4: finish with recommended or manual policies; the customer becomes active', permission: 'customerManagement', params: ById, body: FinishInput, response: Customer },
        ({ principal, params, body }) => service.finish(principal, params.id, body.policies),
      )

      // settings of an onboarded customer
      .get('/:id/settings', { summary: 'Settings of an onboarded customer', permission: 'monitoring', params: ById, response: CustomerSettings }, ({ params }) => service.settings(params.id))
      .put(
        '/:id/settings',
        { summary: 'Change settings (fields left out keep their value)', permission: 'customerManagement', params: ById, body: SettingsUpdate, response: CustomerSettings },
        ({ principal, params, body }) => service.updateSettings(principal, params.id, body),
      )
      .put(
        '/:id/settings/customer-ip-ranges',
        {
          summary: 'Record the IP ranges the customer added in its own portal (merged with yours for enforcement, shown apart)',
          permission: 'customerManagement',
          params: ById,
          body: CustomerIpRangesInput,
          response: CustomerSettings,
        },
        ({ principal, params, body }) => service.setCustomerIpRanges(principal, params.id, body),
      )
      .get(
        '/:id/settings/ip-check',
        { summary: "Whether an address may reach the customer's portal under both sides' IP ranges merged", permission: 'monitoring', params: ById, query: IpCheckQuery, response: IpCheckResult },
        ({ params, query }) => service.ipCheck(params.id, query.address),
      )

      // admin users
      .get('/:id/admins', { summary: 'Admin users of a customer', permission: 'monitoring', params: ById, query: ListQuery, response: Page(CustomerAdmin) }, ({ params, query }) =>
        pageOf(service.admins(params.id), query),
      )
      .post(
        '/:id/admins',
        {
          summary: 'Add an admin user (UPN inside the customer domain, or your own hub account) to a pending customer',
          permission: 'customerManagement',
          params: ById,
          body: AdminInput,
          response: CustomerAdmin,
          status: 201,
        },
        ({ principal, params, body }) => service.addAdmin(principal, params.id, body),
      )
      .delete('/:id/admins/:email', { summary: 'Remove an admin user of a pending customer', permission: 'customerManagement', params: ByAdmin, status: 204 }, ({ principal, params }) =>
        service.removeAdmin(principal, params.id, params.email),
      )

      // licensed users
      .get(
        '/:id/licensed-users',
        {
          summary: 'Protected accounts with their protection status',
          permission: 'monitoring',
          params: ById,
          query: LicensedUsersQuery,
          response: Page(LicensedUser).extend({ syncedAt: z.string().nullable() }),
        },
        ({ params, query }) => {
          service.get(params.id);
          return licensedUsers.list(params.id, query);
        },
      )
      .get('/:id/licensed-users.csv', { summary: 'Protected accounts as CSV', permission: 'monitoring', params: ById, query: LicensedUsersFilters, produces: 'text/csv' }, ({ params, query }) => {
        const c = service.get(params.id);
        return csv(licensedUsers.csv(c.id, query), `licensed-users-${c.domain ?? c.id}`, ctx.clock.now());
      })

      .put(
        '/:id/licensed-users',
        {
          summary: "Replace the protected accounts (a provider without VDC API access) and record today's licensed-user count",
          permission: 'customerManagement',
          params: ById,
          body: LicensedUsersInput,
          response: LicensedUsersImportResult,
        },
        async ({ principal, params, body }) => {
          service.get(params.id);
          const set = await licensedUsers.set(principal, params.id, body.users);
          return { dryRun: false, applied: true, customerId: params.id, ...set, problems: [] };
        },
      )
      .post(
        '/:id/licensed-users/import',
        {
          summary: "Replace the protected accounts from CSV in the format of licensed-users.csv and record today's licensed-user count; dryRun=true only checks",
          permission: 'customerManagement',
          params: ById,
          query: ImportQuery,
          consumes: 'text/csv',
          response: LicensedUsersImportResult,
        },
        async ({ principal, params, query, c }) => {
          service.get(params.id);
          return licensedUsers.importCsv(principal, params.id, await c.req.text(), query.dryRun);
        },
      )

      // offboarding
      .get('/:id/offboarding-request', { summary: 'The offboarding request of a customer', permission: 'monitoring', params: ById, response: OffboardingRequest }, ({ params }) =>
        service.offboardingRequest(params.id),
      )
      .post(
        '/:id/offboarding-request',
        {
          summary: "Ask Veeam Customer Support to delete the customer: the support case (display name, subscription ID, date, licences used, the month's usage) is made ready to paste",
          permission: 'customerManagement',
          params: ById,
          body: OffboardingRequestInput,
          response: OffboardingRequest,
          status: 201,
        },
        ({ principal, params, body }) => service.requestOffboarding(principal, params.id, body),
      )
      .post(
        '/:id/offboarding-request/submit',
        {
          summary: 'The support case was opened with Veeam: record its number (requested -> submitted)',
          permission: 'customerManagement',
          params: ById,
          body: OffboardingSubmitInput,
          response: OffboardingRequest,
        },
        ({ principal, params, body }) => service.submitOffboarding(principal, params.id, body.caseNumber),
      )
      .post(
        '/:id/offboarding-request/outcome',
        {
          summary: 'Record Veeam\'s answer on the case (approved, rejected with a reason, or deleted); the customer is deleted only on "deleted"',
          permission: 'customerManagement',
          params: ById,
          body: OffboardingOutcomeInput,
          response: Customer,
        },
        ({ principal, params, body }) => service.recordOffboardingOutcome(principal, params.id, body),
      );

    const me = router().get(
      '/tenants',
      { summary: 'Customers you are an admin user of (switch to their view)', permission: 'monitoring', query: ListQuery, response: Page(TenantAccess), tags: ['me'] },
      ({ principal, query }) => pageOf(service.tenantsOf(principal), query),
    );

    return {
      routes: [
        { prefix: '/customers', router: r },
        { prefix: '/me', router: me },
      ],
      jobs: [lifecycle],
      async seed() {
        if (ctx.store.count(customers) > 0) return;
        await seedDemoCustomers(ctx, systemPrincipal('SP Hub demo data'));
      },
      banner: (base) => {
        let active = 0;
        let pending = 0;
        for (const c of ctx.store.all(customers)) {
          if (c.status === 'active') active++;
          else if (c.status === 'pending' || c.status === 'provisioning') pending++;
        }
        return `  Customers ${base}/api/v1/customers   (${active} active, ${pending} pending or provisioning)`;
      },
    };
  },
};

declare module '../context.js' {
  interface HubServices {
    customerLifecycle: CustomerLifecycleJob;
  }
}
