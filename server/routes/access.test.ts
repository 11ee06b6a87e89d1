import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMINISTRATOR_ROLE_ID } from '../../shared/schemas/access.js';
import { ApiError } from '../../shared/api/client.js';
import { createTestHub, type TestHub } from '../../test/helpers/hub.js';

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

describe('access: account, roles, users, API keys, audit', () => {
  let t: TestHub;
  beforeEach(async () => {
    t = await createTestHub();
  });
  afterEach(() => t.close());

  it('shows the account and lets siteSettings rename it; the ProPartner ID is read-only', async () => {
    expect(await t.admin.account()).toEqual({ displayName: 'Northwind Cloud Services', proPartnerId: 'PRA-1048576' });
    expect((await t.admin.updateAccount('Northwind MSP')).displayName).toBe('Northwind MSP');
    const res = await t.admin.raw('PUT', '/account', { body: { displayName: 'x', proPartnerId: 'PRA-1' } }).catch((e: ApiError) => e);
    expect((res as ApiError).status).toBe(400);
    expect((res as ApiError).details).toContainEqual({ field: 'body.proPartnerId', message: 'is not a known field' });
  });

  it('keeps the Administrator role whole: not deletable, not weakened, not renamed', async () => {
    expect((await rejection(t.admin.deleteRole(ADMINISTRATOR_ROLE_ID))).status).toBe(422);
    expect((await rejection(t.admin.updateRole(ADMINISTRATOR_ROLE_ID, { permissions: ['monitoring'] }))).status).toBe(422);
    expect((await rejection(t.admin.updateRole(ADMINISTRATOR_ROLE_ID, { name: 'Boss' }))).status).toBe(422);
    const [admin] = (await t.admin.roles()).items;
    expect(admin).toMatchObject({ id: ADMINISTRATOR_ROLE_ID, builtIn: true });
    expect(admin!.permissions).toHaveLength(6);
  });

  it('creates roles with unique names, always with monitoring, advanced only with backupManagement', async () => {
    const role = await t.admin.createRole({ name: 'Backup operators', permissions: ['backupManagement', 'advancedBackupManagement'] });
    expect(role.permissions).toEqual(['monitoring', 'backupManagement', 'advancedBackupManagement']);
    expect((await rejection(t.admin.createRole({ name: 'backup OPERATORS', permissions: [] }))).status).toBe(409);
    const bad = await rejection(t.admin.createRole({ name: 'Advanced only', permissions: ['advancedBackupManagement'] }));
    expect(bad.status).toBe(400);
    expect(bad.details[0]?.field).toBe('body.permissions');
  });

  it('removes a deleted role from its users', async () => {
    const role = await t.admin.createRole({ name: 'Support', permissions: ['customerManagement'] });
    const user = await t.admin.createUser({ email: 'Ana.Lopez@Northwind-MSP.com', firstName: 'Ana', lastName: 'Lopez', roleIds: [role.id] });
    expect(user.email).toBe('ana.lopez@northwind-msp.com');
    await t.admin.deleteRole(role.id);
    expect((await t.admin.user(user.id)).roleIds).toEqual([]);
  });

  it('treats emails case-insensitively and unique', async () => {
    await t.admin.createUser({ email: 'sam@northwind-msp.com', firstName: 'Sam', lastName: 'Lee' });
    expect((await rejection(t.admin.createUser({ email: 'SAM@northwind-msp.com', firstName: 'S', lastName: 'L' }))).status).toBe(409);
  });

  it('assigns roles in bulk and never leaves the partner without an administrator', async () => {
    const role = await t.admin.createRole({ name: 'Viewers', permissions: [] });
    const a = await t.admin.createUser({ email: 'a@northwind-msp.com', firstName: 'A', lastName: 'A' });
    const b = await t.admin.createUser({ email: 'b@northwind-msp.com', firstName: 'B', lastName: 'B' });
    const updated = await t.admin.bulkRoles({ userIds: [a.id, b.id], add: [role.id] });
    expect(updated.map((u) => u.roleIds)).toEqual([[role.id], [role.id]]);
    const lockout = await rejection(t.admin.bulkRoles({ userIds: ['usr_admin'], remove: [ADMINISTRATOR_ROLE_ID] }));
    expect(lockout.status).toBe(422);
    expect((await rejection(t.admin.bulkRoles({ userIds: [a.id, 'usr_missing'], add: [role.id] }))).status).toBe(404);
    expect((await t.admin.user(a.id)).roleIds).toEqual([role.id]);
  });

  it('shows a key secret once, stores only a hash, tracks last use and revokes', async () => {
    const { client, apiKey, userId } = await t.userWith([]);
    const me = await client.me();
    expect(me.user.id).toBe(userId);
    expect(me.permissions).toEqual(['monitoring']);
    const keys = (await t.admin.apiKeys()).items;
    const key = keys.find((k) => k.userId === userId)!;
    expect(key).not.toHaveProperty('secret');
    expect(key).not.toHaveProperty('hash');
    expect(key.lastUsedAt).not.toBeNull();
    expect(JSON.stringify([...t.hub.ctx.store.all({ name: 'apiKeys' } as never)])).not.toContain(apiKey);
    await t.admin.revokeApiKey(key.id);
    const revoked = await rejection(client.me());
    expect(revoked.status).toBe(401);
    expect(revoked.message).toMatch(/revoked/);
  });

  it('lets a user without userManagement manage only their own keys', async () => {
    const { client, userId } = await t.userWith(['customerManagement']);
    const own = await client.createApiKey({ name: 'laptop' });
    expect(own.userId).toBe(userId);
    expect((await client.apiKeys()).items.every((k) => k.userId === userId)).toBe(true);
    const other = await rejection(client.createApiKey({ name: 'sneaky', userId: 'usr_admin' }));
    expect(other.status).toBe(403);
    expect(other.message).toContain('userManagement');
    expect((await rejection(client.revokeApiKey('key_bootstrap'))).status).toBe(404);
  });

  it('answers 401 without a key or with a bad one', async () => {
    for (const key of [undefined, 'sph_nope']) {
      const error = await rejection(t.client(key).me());
      expect(error.status).toBe(401);
      expect(error.code).toBe('unauthorized');
    }
  });

  it('records every change in the audit log with actor and channel', async () => {
    await t.admin.createRole({ name: 'Audited', permissions: [] });
    await t
      .client(undefined)
      .me()
      .catch(() => undefined);
    const ext = t.client((await t.admin.createApiKey({ name: 'extension' })).secret, { 'x-sphub-channel': 'extension' });
    await ext.createRole({ name: 'From the extension', permissions: [] });
    const audit = await t.admin.audit({ action: 'role.created' });
    expect(audit.items.map((e) => [e.target.name, e.actor.channel, e.actor.userId])).toEqual([
      ['From the extension', 'extension', 'usr_admin'],
      ['Audited', 'api', 'usr_admin'],
    ]);
  });

  it('repeats the first answer for a repeated Idempotency-Key and changes nothing', async () => {
    const send = () => t.admin.raw('POST', '/roles', { body: { name: 'Once', permissions: [] }, idempotencyKey: 'k-1' });
    const [first, second] = await Promise.all([send(), send()]);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(await second.json()).toEqual(await first.json());
    expect((await t.admin.roles({ q: 'Once' })).items.filter((r) => r.name === 'Once')).toHaveLength(1);
    const reused = await t.admin.raw('POST', '/roles', { body: { name: 'Other', permissions: [] }, idempotencyKey: 'k-1' }).catch((e: ApiError) => e);
    expect((reused as ApiError).status).toBe(409);
  });
});
