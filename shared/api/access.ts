import type { Account, ApiKey, ApiKeyCreated, AuditEntry, BulkRoles, Me, Role, RoleInput, User, UserInput } from '../schemas/access.js';
import type { Page } from '../schemas/common.js';
import { seg, type Request } from './request.js';

export const accessApi = (request: Request) => ({
  account: () => request<Account>('GET', '/account'),
  updateAccount: (displayName: string) => request<Account>('PUT', '/account', { body: { displayName } }),
  me: () => request<Me>('GET', '/me'),
  roles: (query: { q?: string; page?: number; pageSize?: number } = {}) => request<Page<Role>>('GET', '/roles', { query }),
  createRole: (input: RoleInput) => request<Role>('POST', '/roles', { body: input }),
  updateRole: (id: string, input: Partial<RoleInput>) => request<Role>('PATCH', `/roles/${seg(id)}`, { body: input }),
  deleteRole: (id: string) => request<void>('DELETE', `/roles/${seg(id)}`),
  users: (query: { q?: string; roleId?: string; page?: number; pageSize?: number } = {}) => request<Page<User>>('GET', '/users', { query }),
  user: (id: string) => request<User>('GET', `/users/${seg(id)}`),
  createUser: (input: Omit<UserInput, 'roleIds'> & { roleIds?: string[] }) => request<User>('POST', '/users', { body: input }),
  updateUser: (id: string, input: { firstName?: string; lastName?: string; roleIds?: string[] }) => request<User>('PATCH', `/users/${seg(id)}`, { body: input }),
  deleteUser: (id: string) => request<void>('DELETE', `/users/${seg(id)}`),
  bulkRoles: (input: Partial<BulkRoles> & { userIds: string[] }) => request<User[]>('POST', '/users/bulk-roles', { body: input }),
  apiKeys: (query: { q?: string; page?: number; pageSize?: number } = {}) => request<Page<ApiKey>>('GET', '/api-keys', { query }),
  createApiKey: (input: { name: string; userId?: string }) => request<ApiKeyCreated>('POST', '/api-keys', { body: input }),
  revokeApiKey: (id: string) => request<ApiKey>('POST', `/api-keys/${seg(id)}/revoke`),
  audit: (query: { q?: string; action?: string; targetType?: string; targetId?: string; channel?: string; page?: number; pageSize?: number } = {}) =>
    request<Page<AuditEntry>>('GET', '/audit', { query }),
});
