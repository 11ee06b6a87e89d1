import { z } from 'zod';
import { CustomerPoliciesAnswer, TenantConnection, TenantConnectionInput } from '../../shared/schemas/backup.js';
import { Id } from '../../shared/schemas/common.js';
import { HealthAnswer, HealthRequest } from '../../shared/schemas/monitoring.js';
import type { Router } from '../http/router.js';
import type { BackupParts } from '../services/backup/parts.js';

const ById = z.object({ id: Id });

/**
 * Mounted at `/customers` beside the customers area: `POST /customers/health` (batch health of
 * up to 1,000 customers by id or name), `POST /customers/policies` (their policies, the same
 * way) and a customer's Microsoft 365 connection state.
 */
export function customerHealthRouter({ health, backup, directory, index }: BackupParts, router: Router): Router {
  return router
    .post(
      '/health',
      {
        summary: 'Health of up to 1,000 customers by id or by name (display name, M365 tenant domain or domain, case-insensitive)',
        permission: 'monitoring',
        body: HealthRequest,
        response: HealthAnswer,
        expensive: true,
        tags: ['health'],
      },
      // Sent as built: the health service keeps each customer's answer serialized.
      ({ body }) => new Response(health.batchBytes(body), { headers: { 'content-type': 'application/json' } }),
    )
    .post(
      '/policies',
      {
        summary: 'Flex backup policies of up to 1,000 customers by id or by name (as batch health), in one request',
        permission: 'monitoring',
        body: HealthRequest,
        response: CustomerPoliciesAnswer,
        tags: ['policies'],
      },
      ({ body }) => {
        const { customers, unmatched } = directory.lookup(body);
        return {
          items: customers.map((customer) => ({ customerId: customer.id, displayName: customer.displayName, policies: index.ofCustomer(customer.id).map((policy) => backup.view(policy)) })),
          unmatched,
        };
      },
    )
    .get(
      '/:id/tenant-connection',
      { summary: "The customer's Microsoft 365 organization connection", permission: 'monitoring', params: ById, response: TenantConnection, tags: ['policies'] },
      ({ params }) => backup.tenantConnection(params.id),
    )
    .put(
      '/:id/tenant-connection',
      {
        summary: 'Mark the connection broken (sessions end Disconnected) or connected again',
        permission: 'customerManagement',
        params: ById,
        body: TenantConnectionInput,
        response: TenantConnection,
        tags: ['policies'],
      },
      ({ principal, params, body }) => backup.setTenantConnection(principal, params.id, body),
    );
}
