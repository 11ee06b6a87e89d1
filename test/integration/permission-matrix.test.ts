import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, type Permission } from '../../shared/schemas/common.js';
import { createTestHub, type TestHub } from '../helpers/hub.js';
import { concretePath, operations, type Operation } from '../helpers/openapi.js';

/**
 * For every route that needs a permission beyond monitoring (read from the OpenAPI document the
 * routes generate), a user holding every other permission is refused with 403 naming it.
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

  it('refuses each route to a user missing its permission, naming it, and changes nothing', async () => {
    for (const op of ops) {
      const before = t.hub.ctx.store.version;
      const res = await t.hub.app.request(`/api/v1${concretePath(op.path)}`, {
        method: op.method,
        headers: { authorization: `Bearer ${keys.get(op.permission as Permission)}`, 'content-type': 'application/json' },
        ...(op.method !== 'GET' && { body: '{}' }),
      });
      const body = (await res.json()) as { error?: { code: string; message: string } };
      expect.soft(res.status, `${op.method} ${op.path}`).toBe(403);
      expect.soft(body.error?.message, `${op.method} ${op.path}`).toContain(`"${op.permission}"`);
      expect.soft(t.hub.ctx.store.version, `${op.method} ${op.path} changed state`).toBe(before);
    }
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
