import { z } from 'zod';
import { Id, ListQuery, Page } from '../../shared/schemas/common.js';
import { ConnectionInput, ConnectionTestResult, ConnectionUpdate, ConnectionView, CustomerSourceInput, RunsQuery, SyncRun } from '../../shared/schemas/connections.js';
import { Customer } from '../../shared/schemas/customers.js';
import type { Router } from '../http/router.js';
import type { ConnectionService } from './service.js';
import type { SyncEngine } from './sync-engine.js';

const ById = z.object({ id: Id });
/** `{"wait": true}` answers once the run has ended; the body is optional. */
const SyncBody = z.preprocess((v) => (v === undefined ? {} : v), z.strictObject({ wait: z.boolean().default(false) }));

/** `/connections`: links to Veeam systems, their test, syncs and runs. */
export function connectionsRouter(service: ConnectionService, engine: SyncEngine, router: Router): Router {
  return router
    .get('/', { summary: 'Connections (secrets are never answered)', permission: 'siteSettings', query: ListQuery, response: Page(ConnectionView) }, ({ query }) => service.list(query))
    .post(
      '/',
      { summary: 'Add a connection (VSPC REST API v3); its secret is stored encrypted and never answered', permission: 'siteSettings', body: ConnectionInput, response: ConnectionView, status: 201 },
      ({ principal, body }) => service.create(principal, body),
    )
    .get('/:id', { summary: 'One connection with its last run', permission: 'siteSettings', params: ById, response: ConnectionView }, ({ params }) => service.get(params.id))
    .patch(
      '/:id',
      { summary: 'Change a connection (new credentials replace the old ones)', permission: 'siteSettings', params: ById, body: ConnectionUpdate, response: ConnectionView },
      ({ principal, params, body }) => service.update(principal, params.id, body),
    )
    .delete('/:id', { summary: 'Delete a connection (synced customers and policies are kept)', permission: 'siteSettings', params: ById, status: 204 }, ({ principal, params }) =>
      service.delete(principal, params.id),
    )
    .post(
      '/:id/test',
      { summary: 'Test a connection: says what is wrong (DNS, TCP, TLS, 401, 403 and the role, API version)', permission: 'siteSettings', params: ById, response: ConnectionTestResult },
      ({ principal, params }) => service.test(principal, params.id),
    )
    .post(
      '/:id/sync',
      {
        summary: 'Sync now (409 while a sync of the connection runs); {"wait":true} answers when it has ended',
        permission: 'siteSettings',
        params: ById,
        body: SyncBody,
        response: SyncRun,
        status: 202,
      },
      async ({ principal, params, body }) => {
        const { run, done } = await engine.begin(params.id, 'manual');
        const record = service.record(params.id);
        await service.audit(principal, record, run.id);
        if (body.wait) return done;
        return run;
      },
    )
    .get(
      '/:id/runs',
      {
        summary: "A connection's sync runs, newest first: counts per kind, requests, errors with the upstream request id",
        permission: 'siteSettings',
        params: ById,
        query: RunsQuery,
        response: Page(SyncRun),
      },
      ({ params, query }) => service.runs(params.id, query.page, query.pageSize),
    );
}

/** `/customers/{id}/source`: link a hub customer to an upstream record explicitly (before a sync matches by name or domain). */
export function customerSourceRouter(service: ConnectionService, router: Router): Router {
  return router
    .put(
      '/:id/source',
      {
        summary: 'Link a customer to an upstream record (a VSPC company UID); the next sync keeps it in step',
        permission: 'customerManagement',
        params: ById,
        body: CustomerSourceInput,
        response: Customer,
      },
      ({ principal, params, body }) => service.linkCustomer(principal, params.id, body),
    )
    .delete('/:id/source', { summary: 'Unlink a customer from its upstream record', permission: 'customerManagement', params: ById, status: 204 }, ({ principal, params }) =>
      service.unlinkCustomer(principal, params.id),
    );
}
