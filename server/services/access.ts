import { z } from 'zod';
import { Account, ADMINISTRATOR_ROLE_ID, ApiKeyRecord, Role, User, type ApiKey, type ApiKeyCreated, type BulkRoles, type Me, type RoleInput, type UserInput } from '../../shared/schemas/access.js';
import { pageOf } from '../../shared/domain/paging.js';
import { PERMISSIONS, type Channel, type Page, type Permission } from '../../shared/schemas/common.js';
import { hashSecret, newApiKeySecret } from '../auth/api-key-secret.js';
import { requirePermission, type Principal } from '../auth/principal.js';
import type { HubContext } from '../context.js';
import { notFound, localizedError } from '../http/errors.js';
import { newId } from '../ids.js';
import { defineCollection } from '../store/collection.js';
import { recordChange } from './changes.js';

export const accounts = defineCollection('account', Account.extend({ id: z.literal('account') }));
export const roles = defineCollection('roles', Role);
export const users = defineCollection('users', User);
export const apiKeys = defineCollection('apiKeys', ApiKeyRecord);

const LAST_USED_PERSIST_MS = 60_000;

/** Account, roles, users, API keys and the principal behind a request. */
export class AccessService {
  private readonly byHash = new Map<string, string>();
  private readonly byEmail = new Map<string, string>();
  private readonly byTeamsId = new Map<string, string>();
  /** Internal bearer for the in-process bot; never leaves the process. */
  readonly internalToken = newApiKeySecret();

  constructor(private readonly ctx: HubContext) {
    ctx.store.onChange(apiKeys, (before, after) => {
      if (before) this.byHash.delete(before.hash);
      if (after && !after.revokedAt) this.byHash.set(after.hash, after.id);
    });
    ctx.store.onChange(users, (before, after) => {
      if (before) this.byEmail.delete(before.email);
      if (before?.teamsUserId) this.byTeamsId.delete(before.teamsUserId);
      if (after) this.byEmail.set(after.email, after.id);
      if (after?.teamsUserId) this.byTeamsId.set(after.teamsUserId, after.id);
    });
  }

  // ---- authentication ----

  /** Resolves a bearer secret to a principal, or throws 401. Fast path: one hash, two map lookups. */
  authenticateKey(secret: string | undefined, channel: Channel): Principal {
    if (!secret) throw localizedError('unauthorized', { key: 'api.auth.keyRequired' });
    const id = this.byHash.get(hashSecret(secret));
    const key = id ? this.ctx.store.get(apiKeys, id) : undefined;
    if (!key || key.revokedAt) throw localizedError('unauthorized', { key: 'api.auth.keyInvalid' });
    const user = this.ctx.store.get(users, key.userId);
    if (!user) throw localizedError('unauthorized', { key: 'api.auth.userGone' });
    this.touch(key);
    return {
      actor: { kind: 'apiKey', userId: user.id, apiKeyId: key.id, name: `${user.firstName} ${user.lastName} (key ${key.name})`, channel },
      user,
      permissions: this.permissionsOf(user),
    };
  }

  /** The in-process bot acting for a linked Teams user. */
  authenticateTeams(teamsUserId: string | undefined, teamsName: string | undefined): Principal {
    const userId = teamsUserId ? this.byTeamsId.get(teamsUserId) : undefined;
    const user = userId ? this.ctx.store.get(users, userId) : undefined;
    if (!user) throw localizedError('unauthorized', { key: 'api.auth.teamsNotLinked' });
    return {
      actor: { kind: 'teams', userId: user.id, teamsUserId, name: `${user.firstName} ${user.lastName} (Teams${teamsName ? `: ${teamsName}` : ''})`, channel: 'bot' },
      user,
      permissions: this.permissionsOf(user),
    };
  }

  userByTeamsId(teamsUserId: string): User | undefined {
    const id = this.byTeamsId.get(teamsUserId);
    return id ? this.ctx.store.get(users, id) : undefined;
  }

  permissionsOf(user: User): Set<Permission> {
    const granted = new Set<Permission>(['monitoring']);
    for (const roleId of user.roleIds) for (const p of this.ctx.store.get(roles, roleId)?.permissions ?? []) granted.add(p);
    if (!granted.has('backupManagement')) granted.delete('advancedBackupManagement');
    return granted;
  }

  me(principal: Principal): Me {
    if (!principal.user) throw localizedError('unauthorized', { key: 'api.auth.noUser' });
    return {
      user: principal.user,
      permissions: PERMISSIONS.filter((p) => principal.permissions.has(p)),
      ...(principal.actor.apiKeyId && { apiKeyId: principal.actor.apiKeyId }),
      ...(principal.actor.teamsUserId && { teamsUserId: principal.actor.teamsUserId }),
    };
  }

  private readonly lastUsedPersisted = new Map<string, number>();
  /** Last-used time is exact in memory and persisted at most once a minute per key, so reads stay reads. */
  private touch(key: ApiKeyRecord): void {
    const now = this.ctx.clock.now();
    const last = this.lastUsedPersisted.get(key.id) ?? (key.lastUsedAt ? Date.parse(key.lastUsedAt) : 0);
    if (now.getTime() - last < LAST_USED_PERSIST_MS) return;
    this.lastUsedPersisted.set(key.id, now.getTime());
    void this.ctx.store
      .write((tx) => {
        const current = tx.get(apiKeys, key.id);
        if (current && !current.revokedAt) tx.put(apiKeys, { ...current, lastUsedAt: now.toISOString() });
      })
      .catch(() => undefined);
  }

  // ---- account ----

  account(): Account {
    const { id: _id, ...account } = this.ctx.store.get(accounts, 'account')!;
    return account;
  }

  async updateAccount(principal: Principal, displayName: string): Promise<Account> {
    const current = this.ctx.store.get(accounts, 'account')!;
    await this.ctx.store.write((tx) => tx.put(accounts, { ...current, displayName }));
    await recordChange(this.ctx, principal, { action: 'account.updated', target: { type: 'account', name: displayName }, details: { displayName } });
    return this.account();
  }

  // ---- roles ----

  listRoles(): Role[] {
    return [...this.ctx.store.all(roles)].sort((a, b) => Number(b.builtIn) - Number(a.builtIn) || a.name.localeCompare(b.name));
  }

  pageRoles(query: { q?: string | undefined; page: number; pageSize: number }): Page<Role> {
    const q = query.q?.toLowerCase();
    return pageOf(q ? this.listRoles().filter((r) => r.name.toLowerCase().includes(q)) : this.listRoles(), query);
  }

  role(id: string): Role {
    const role = this.ctx.store.get(roles, id);
    if (!role) throw notFound('Role', id);
    return role;
  }

  async createRole(principal: Principal, input: RoleInput): Promise<Role> {
    this.assertRoleNameFree(input.name);
    const role: Role = { id: newId('role'), name: input.name, permissions: input.permissions, builtIn: false, createdAt: this.ctx.clock.now().toISOString() };
    await this.ctx.store.write((tx) => tx.put(roles, role));
    await recordChange(this.ctx, principal, { action: 'role.created', target: { type: 'role', id: role.id, name: role.name }, details: { permissions: role.permissions } });
    return role;
  }

  async updateRole(principal: Principal, id: string, input: Partial<RoleInput>): Promise<Role> {
    const role = this.role(id);
    if (role.builtIn && ((input.name !== undefined && input.name !== role.name) || (input.permissions !== undefined && input.permissions.length < PERMISSIONS.length))) {
      throw localizedError('business_rule', { key: 'api.access.adminRoleFixed' });
    }
    if (input.name !== undefined && input.name.toLowerCase() !== role.name.toLowerCase()) this.assertRoleNameFree(input.name);
    const updated: Role = { ...role, ...(input.name !== undefined && { name: input.name }), ...(input.permissions !== undefined && { permissions: input.permissions }) };
    await this.ctx.store.write((tx) => tx.put(roles, updated));
    await recordChange(this.ctx, principal, { action: 'role.updated', target: { type: 'role', id, name: updated.name }, details: { ...input } });
    return updated;
  }

  async deleteRole(principal: Principal, id: string): Promise<void> {
    const role = this.role(id);
    if (role.builtIn) throw localizedError('business_rule', { key: 'api.access.adminRoleKept' });
    const holders = [...this.ctx.store.all(users)].filter((u) => u.roleIds.includes(id));
    await this.ctx.store.write((tx) => {
      tx.delete(roles, id);
      for (const user of holders) tx.put(users, { ...user, roleIds: user.roleIds.filter((r) => r !== id) });
    });
    await recordChange(this.ctx, principal, { action: 'role.deleted', target: { type: 'role', id, name: role.name }, details: { removedFromUsers: holders.length } });
  }

  private assertRoleNameFree(name: string): void {
    if (this.listRoles().some((r) => r.name.toLowerCase() === name.toLowerCase())) throw localizedError('conflict', { key: 'api.access.roleTaken', params: { name } });
  }

  // ---- users ----

  listUsers(query: { q?: string; roleId?: string; page: number; pageSize: number }): Page<User> {
    const q = query.q?.toLowerCase();
    const items = [...this.ctx.store.all(users)]
      .filter((u) => (!q || `${u.email} ${u.firstName} ${u.lastName}`.toLowerCase().includes(q)) && (!query.roleId || u.roleIds.includes(query.roleId)))
      .sort((a, b) => a.email.localeCompare(b.email));
    const start = (query.page - 1) * query.pageSize;
    return { items: items.slice(start, start + query.pageSize), total: items.length, page: query.page, pageSize: query.pageSize };
  }

  user(id: string): User {
    const user = this.ctx.store.get(users, id);
    if (!user) throw notFound('User', id);
    return user;
  }

  userByEmail(email: string): User | undefined {
    const id = this.byEmail.get(email.toLowerCase());
    return id ? this.ctx.store.get(users, id) : undefined;
  }

  async createUser(principal: Principal, input: UserInput): Promise<User> {
    if (this.byEmail.has(input.email)) throw localizedError('conflict', { key: 'api.access.userTaken', params: { email: input.email } });
    this.assertRolesExist(input.roleIds);
    const user: User = {
      id: newId('usr'),
      email: input.email,
      firstName: input.firstName,
      lastName: input.lastName,
      roleIds: [...new Set(input.roleIds)],
      createdAt: this.ctx.clock.now().toISOString(),
    };
    await this.ctx.store.write((tx) => tx.put(users, user));
    await recordChange(this.ctx, principal, { action: 'user.created', target: { type: 'user', id: user.id, name: user.email }, details: { roleIds: user.roleIds } });
    return user;
  }

  async updateUser(principal: Principal, id: string, input: { firstName?: string; lastName?: string; roleIds?: string[] }): Promise<User> {
    const user = this.user(id);
    if (input.roleIds) this.assertRolesExist(input.roleIds);
    const updated: User = { ...user, ...input, ...(input.roleIds && { roleIds: [...new Set(input.roleIds)] }) };
    this.assertAdministratorRemains([updated]);
    await this.ctx.store.write((tx) => tx.put(users, updated));
    await recordChange(this.ctx, principal, { action: 'user.updated', target: { type: 'user', id, name: user.email }, details: { ...input } });
    return updated;
  }

  async deleteUser(principal: Principal, id: string): Promise<void> {
    const user = this.user(id);
    if (principal.user?.id === id) throw localizedError('business_rule', { key: 'api.access.ownUser' });
    this.assertAdministratorRemains([{ ...user, roleIds: [] }]);
    const keys = [...this.ctx.store.all(apiKeys)].filter((k) => k.userId === id);
    await this.ctx.store.write((tx) => {
      tx.delete(users, id);
      for (const key of keys) tx.delete(apiKeys, key.id);
    });
    await recordChange(this.ctx, principal, { action: 'user.deleted', target: { type: 'user', id, name: user.email }, details: { apiKeysRemoved: keys.length } });
  }

  async bulkRoles(principal: Principal, input: BulkRoles): Promise<User[]> {
    this.assertRolesExist([...input.add, ...input.remove]);
    const updated = input.userIds.map((id) => {
      const user = this.user(id);
      const set = new Set(user.roleIds);
      for (const r of input.add) set.add(r);
      for (const r of input.remove) set.delete(r);
      return { ...user, roleIds: [...set] };
    });
    this.assertAdministratorRemains(updated);
    await this.ctx.store.write((tx) => updated.forEach((u) => tx.put(users, u)));
    await recordChange(this.ctx, principal, { action: 'user.roles-changed', target: { type: 'user', name: `${updated.length} users` }, details: { ...input } });
    return updated;
  }

  async linkTeamsUser(principal: Principal, userId: string, teamsUserId: string): Promise<User> {
    const user = this.user(userId);
    const previous = this.userByTeamsId(teamsUserId);
    const updated = { ...user, teamsUserId };
    await this.ctx.store.write((tx) => {
      if (previous && previous.id !== userId) {
        const { teamsUserId: _drop, ...rest } = previous;
        tx.put(users, rest);
      }
      tx.put(users, updated);
    });
    await recordChange(this.ctx, principal, { action: 'user.teams-linked', target: { type: 'user', id: userId, name: user.email }, details: { teamsUserId } });
    return updated;
  }

  private assertRolesExist(ids: string[]): void {
    for (const id of ids)
      if (!this.ctx.store.get(roles, id)) throw localizedError('business_rule', { key: 'api.access.noRole', params: { id } }, [{ field: 'roleIds', message: `role ${id} does not exist` }]);
  }

  /** There is always at least one Administrator, so nobody locks the partner out. */
  private assertAdministratorRemains(changed: User[]): void {
    const changedIds = new Set(changed.map((u) => u.id));
    const remaining = [...this.ctx.store.all(users)].filter((u) => !changedIds.has(u.id)).concat(changed);
    if (!remaining.some((u) => u.roleIds.includes(ADMINISTRATOR_ROLE_ID))) {
      throw localizedError('business_rule', { key: 'api.access.lastAdmin' });
    }
  }

  // ---- API keys ----

  listApiKeys(principal: Principal): ApiKey[] {
    const all = principal.permissions.has('userManagement');
    return [...this.ctx.store.all(apiKeys)]
      .filter((k) => all || k.userId === principal.user?.id)
      .map(publicKey)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  pageApiKeys(principal: Principal, query: { q?: string | undefined; page: number; pageSize: number }): Page<ApiKey> {
    const q = query.q?.toLowerCase();
    const keys = this.listApiKeys(principal);
    return pageOf(q ? keys.filter((k) => `${k.name} ${k.prefix}`.toLowerCase().includes(q)) : keys, query);
  }

  async createApiKey(principal: Principal, input: { name: string; userId?: string | undefined }): Promise<ApiKeyCreated> {
    const userId = input.userId ?? principal.user?.id;
    if (!userId) throw localizedError('business_rule', { key: 'api.access.keyUser' }, [{ field: 'userId', message: 'is required here' }]);
    if (userId !== principal.user?.id) requirePermission(principal, 'userManagement', { key: 'api.forbidden.why.keyForOther' });
    const user = this.user(userId);
    const secret = newApiKeySecret();
    const record: ApiKeyRecord = {
      id: newId('key'),
      name: input.name,
      userId: user.id,
      prefix: secret.slice(0, 10),
      hash: hashSecret(secret),
      createdAt: this.ctx.clock.now().toISOString(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.ctx.store.write((tx) => tx.put(apiKeys, record));
    await recordChange(this.ctx, principal, { action: 'api-key.created', target: { type: 'apiKey', id: record.id, name: record.name }, details: { userId } });
    return { ...publicKey(record), secret };
  }

  async revokeApiKey(principal: Principal, id: string): Promise<ApiKey> {
    const key = this.ctx.store.get(apiKeys, id);
    if (!key || (key.userId !== principal.user?.id && !principal.permissions.has('userManagement'))) throw notFound('API key', id);
    if (key.revokedAt) return publicKey(key);
    const revoked = { ...key, revokedAt: this.ctx.clock.now().toISOString() };
    await this.ctx.store.write((tx) => tx.put(apiKeys, revoked));
    await recordChange(this.ctx, principal, { action: 'api-key.revoked', target: { type: 'apiKey', id, name: key.name } });
    return publicKey(revoked);
  }

  // ---- bootstrap ----

  /**
   * A new store gets the account, the built-in Administrator role, one administrator and
   * a key for them. Returns the key's secret (shown once) or null when the store already had data.
   */
  async bootstrap(options: { adminEmail: string; adminKey?: string | undefined; accountName: string; proPartnerId: string }): Promise<string | null> {
    if (this.ctx.store.get(accounts, 'account')) return null;
    const now = this.ctx.clock.now().toISOString();
    const secret = options.adminKey ?? newApiKeySecret();
    const admin: User = { id: 'usr_admin', email: options.adminEmail.toLowerCase(), firstName: 'Hub', lastName: 'Administrator', roleIds: [ADMINISTRATOR_ROLE_ID], createdAt: now };
    await this.ctx.store.write((tx) => {
      tx.put(accounts, { id: 'account', displayName: options.accountName, proPartnerId: options.proPartnerId });
      tx.put(roles, { id: ADMINISTRATOR_ROLE_ID, name: 'Administrator', permissions: [...PERMISSIONS], builtIn: true, createdAt: now });
      tx.put(users, admin);
      tx.put(apiKeys, { id: 'key_bootstrap', name: 'bootstrap', userId: admin.id, prefix: secret.slice(0, 10), hash: hashSecret(secret), createdAt: now, lastUsedAt: null, revokedAt: null });
    });
    return secret;
  }
}

function publicKey({ hash: _hash, ...key }: ApiKeyRecord): ApiKey {
  return key;
}

declare module '../context.js' {
  interface HubServices {
    access: AccessService;
  }
}
