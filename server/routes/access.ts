import { z } from 'zod';
import {
  Account,
  AccountUpdate,
  ApiKey,
  ApiKeyCreated,
  ApiKeyInput,
  AuditEntry,
  AuditQuery,
  BulkRoles,
  Me,
  Role,
  RoleInput,
  RoleUpdate,
  User,
  UserInput,
  UserUpdate,
} from '../../shared/schemas/access.js';
import { Id, Page, PageQuery } from '../../shared/schemas/common.js';
import type { Area } from '../area.js';
import { AccessService } from '../services/access.js';

const ById = z.object({ id: Id });

/**
 * The guide: portal settings (account, roles, users, system notifications, support) "are available
 * only for users with the Site Settings permission"; User Management lets a role "manage users and
 * user roles" in that section. So reading users and roles needs siteSettings, changing them both.
 */
const MANAGE_USERS = ['siteSettings', 'userManagement'] as const;

export const accessArea: Area = {
  name: 'access',
  setup(ctx, { router }) {
    const access = new AccessService(ctx);
    ctx.services.access = access;

    const account = router()
      .get('/', { summary: "The partner account (the Settings section's General page)", permission: 'siteSettings', response: Account }, () => access.account())
      .put('/', { summary: 'Rename the partner account', permission: 'siteSettings', body: AccountUpdate, response: Account }, ({ principal, body }) =>
        access.updateAccount(principal, body.displayName),
      );

    const me = router().get('/', { summary: 'The caller: user and effective permissions', permission: 'monitoring', response: Me }, ({ principal }) => access.me(principal));

    const roles = router()
      .get('/', { summary: 'List roles (built-in first, then by name)', permission: 'siteSettings', query: PageQuery, response: Page(Role) }, ({ query }) => access.pageRoles(query))
      .get('/:id', { summary: 'One role', permission: 'siteSettings', params: ById, response: Role }, ({ params }) => access.role(params.id))
      .post('/', { summary: 'Create a role', permission: MANAGE_USERS, body: RoleInput, response: Role, status: 201 }, ({ principal, body }) => access.createRole(principal, body))
      .patch('/:id', { summary: 'Rename a role or change its permissions', permission: MANAGE_USERS, params: ById, body: RoleUpdate, response: Role }, ({ principal, params, body }) =>
        access.updateRole(principal, params.id, body),
      )
      .delete('/:id', { summary: 'Delete a role (removes it from its users)', permission: MANAGE_USERS, params: ById, status: 204 }, ({ principal, params }) =>
        access.deleteRole(principal, params.id),
      );

    const users = router()
      .get('/', { summary: 'List users', permission: 'siteSettings', query: PageQuery.extend({ roleId: Id.optional() }), response: Page(User) }, ({ query }) => access.listUsers(query))
      .get('/:id', { summary: 'One user', permission: 'siteSettings', params: ById, response: User }, ({ params }) => access.user(params.id))
      .post('/', { summary: 'Add a user', permission: MANAGE_USERS, body: UserInput, response: User, status: 201 }, ({ principal, body }) => access.createUser(principal, body))
      .post('/bulk-roles', { summary: 'Add or remove roles for many users at once', permission: MANAGE_USERS, body: BulkRoles, response: z.array(User) }, ({ principal, body }) =>
        access.bulkRoles(principal, body),
      )
      .patch('/:id', { summary: 'Change a user', permission: MANAGE_USERS, params: ById, body: UserUpdate, response: User }, ({ principal, params, body }) =>
        access.updateUser(principal, params.id, body),
      )
      .delete('/:id', { summary: 'Remove a user and their API keys', permission: MANAGE_USERS, params: ById, status: 204 }, ({ principal, params }) => access.deleteUser(principal, params.id));

    const apiKeys = router()
      .get('/', { summary: 'Your API keys (all keys with userManagement), newest first', permission: 'monitoring', query: PageQuery, response: Page(ApiKey) }, ({ principal, query }) =>
        access.pageApiKeys(principal, query),
      )
      .post('/', { summary: 'Create an API key; the secret is in this answer only', permission: 'monitoring', body: ApiKeyInput, response: ApiKeyCreated, status: 201 }, ({ principal, body }) =>
        access.createApiKey(principal, body),
      )
      .post('/:id/revoke', { summary: 'Revoke an API key', permission: 'monitoring', params: ById, response: ApiKey }, ({ principal, params }) => access.revokeApiKey(principal, params.id));

    const audit = router().get('/', { summary: 'Audit log, newest first', permission: 'monitoring', query: AuditQuery, response: Page(AuditEntry) }, ({ query }) => ctx.audit.list(query));

    return {
      routes: [
        { prefix: '/account', router: account },
        { prefix: '/me', router: me },
        { prefix: '/roles', router: roles },
        { prefix: '/users', router: users },
        { prefix: '/api-keys', router: apiKeys },
        { prefix: '/audit', router: audit },
      ],
    };
  },
};
