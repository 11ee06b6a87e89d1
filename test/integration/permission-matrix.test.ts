import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, type Permission } from '../../shared/schemas/common.js';
import { createTestHub, type TestHub } from '../helpers/hub.js';
import { concretePath, operations, type Operation } from '../helpers/openapi.js';

/**
 * For every route that needs a permission beyond monitoring (read from the OpenAPI document the
 * routes generate), a user holding every other permission is refused with 403 naming it. Routes
 * that need several together (changing users and roles: siteSettings and userManagement, as the
 * guide's Settings section works) are refused to a user missing any one of them.
 */
let t: TestHub;
let ops: Operation[];
const keys = new Map<Permission, string>();

beforeAll(async () => {
  t = await createTestHub();
  const spec = await (await t.hub.app.request('/api/v1/openapi.json')).json();
  ops = operations(spec).filter((op) => op.permission && op.permission !== 'monitoring');
  for (const missing of PERMISSIONS.filter((p) => p !== 'monitoring')) {
    // advancedBackupManagement cannot be held without backupManagement, so drop both when testing the latter.
    const granted = PERMISSIONS.filter((p) => p !== missing && !(missing === 'backupManagement' && p === 'advancedBackupManagement'));
    const { apiKey, client } = await t.userWith(granted);
    keys.set(missing, apiKey);
    await client.me(); // first use records last-used time, a write of its own
  }
});
afterAll(() => t.close());

describe('permission matrix', () => {
  it('covers the routes that need a permission', () => {
    expect(ops.length).toBeGreaterThan(5);
  });

  it('refuses each route to a user missing any of its permissions, naming it, and changes nothing', async () => {
    for (const op of ops) {
      for (const permission of op.permissions.filter((p) => p !== 'monitoring')) {
        const before = t.hub.ctx.store.version;
        const res = await t.hub.app.request(`/api/v1${concretePath(op.path)}`, {
          method: op.method,
          headers: { authorization: `Bearer ${keys.get(permission as Permission)}`, 'content-type': 'application/json' },
          ...(op.method !== 'GET' && { body: '{}' }),
        });
        const body = (await res.json()) as { error?: { code: string; message: string } };
        expect.soft(res.status, `${op.method} ${op.path} without ${permission}`).toBe(403);
        expect.soft(body.error?.message, `${op.method} ${op.path}`).toContain(`"${permission}"`);
        expect.soft(t.hub.ctx.store.version, `${op.method} ${op.path} changed state`).toBe(before);
      }
    }
  });

  // Guide: portal settings "are available only for users with the Site Settings permission".
  it('keeps the Settings section (account, roles, users, system notifications, support) behind siteSettings', async () => {
    const spec = await (await t.hub.app.request('/api/v1/openapi.json')).json();
    const settings = operations(spec).filter((o) => /^\/(account|roles|users|settings\/(notifications|support))(\/|$)/.test(o.path) && !/\/(customer-view|help-links)$/.test(o.path)); // what customers and every user see, not settings
    expect(settings.length).toBeGreaterThanOrEqual(15);
    for (const op of settings) expect.soft(op.permissions, `${op.method} ${op.path}`).toContain('siteSettings');
    // User Management lets a role "manage users and user roles": every change there needs it too.
    for (const op of settings.filter((o) => /^\/(roles|users)/.test(o.path) && o.method !== 'GET')) {
      expect.soft(op.permissions, `${op.method} ${op.path}`).toEqual(['siteSettings', 'userManagement']);
    }
  });

  it('a user with only userManagement can neither read nor change users (no Settings section)', async () => {
    const { client } = await t.userWith(['userManagement']);
    await expect(client.users()).rejects.toMatchObject({ status: 403, message: expect.stringContaining('"siteSettings"') });
    await expect(client.createRole({ name: 'sneaky', permissions: [] })).rejects.toMatchObject({ status: 403 });
    const reader = await t.userWith(['siteSettings']);
    expect((await reader.client.users()).total).toBeGreaterThan(0);
    await expect(reader.client.createRole({ name: 'sneaky', permissions: [] })).rejects.toMatchObject({ status: 403, message: expect.stringContaining('"userManagement"') });
  });

  it('lets read-only users read: every GET needing only monitoring answers a user with no role', async () => {
    const { apiKey } = await t.userWith([]);
    const spec = await (await t.hub.app.request('/api/v1/openapi.json')).json();
    for (const op of operations(spec).filter((o) => o.method === 'GET' && o.permission === 'monitoring' && !o.path.includes('{') && !o.path.endsWith('/events'))) {
      const res = await t.hub.app.request(`/api/v1${op.path}`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect.soft(res.status, `GET ${op.path}`).not.toBe(403);
      expect.soft(res.status, `GET ${op.path}`).toBeLessThan(500);
    }
  });
});
