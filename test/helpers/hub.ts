import { createApiClient, type ApiClient } from '../../shared/api/client.js';
import { FakeClock } from '../../shared/domain/clock.js';
import type { Permission } from '../../shared/schemas/common.js';
import { createApp, type CreateAppOptions, type HubApp } from '../../server/app.js';
import { openTestDatabaseStore, testsRunOnPostgres } from './postgres-store.js';

export const ADMIN_KEY = 'sph_test_administrator_key_0000000000000';

export interface TestHub {
  hub: HubApp;
  clock: FakeClock;
  /** A client acting as the built-in administrator, calling the app in process. */
  admin: ApiClient;
  /** A client with the given key, in process. */
  client(apiKey?: string, headers?: Record<string, string>): ApiClient;
  /** A new user holding exactly these permissions (plus monitoring) and a client for them. */
  userWith(permissions: Permission[]): Promise<{ client: ApiClient; userId: string; apiKey: string }>;
  fetch: typeof fetch;
  close(): Promise<void>;
}

/** A small in-memory world: the real app, a fake clock, no listening socket. */
export async function createTestHub(options: CreateAppOptions & { seed?: boolean } = {}): Promise<TestHub> {
  const clock = (options.clock as FakeClock | undefined) ?? new FakeClock();
  // The hub-postgres project runs the same tests with each in-memory hub on its own PostgreSQL database.
  const database = !options.store && options.config?.dataDir === undefined && testsRunOnPostgres() ? await openTestDatabaseStore() : null;
  const hub = await createApp({
    ...options,
    ...(database && { store: database.store }),
    clock,
    config: { dataDir: null, demo: false, provisioningMs: 1000, adminKey: ADMIN_KEY, allowedHosts: ['hub.test'], ...options.config },
  });
  if (options.seed) await hub.seedDemo();
  const fetchInProcess = ((input: string | URL | Request, init?: RequestInit) => hub.app.request(input as string, init)) as typeof fetch;
  const client = (apiKey?: string, headers?: Record<string, string>) => createApiClient({ baseUrl: 'http://hub.test', fetch: fetchInProcess, ...(apiKey && { apiKey }), ...(headers && { headers }) });
  const admin = client(ADMIN_KEY);
  let n = 0;
  return {
    hub,
    clock,
    admin,
    client,
    fetch: fetchInProcess,
    async userWith(permissions) {
      n += 1;
      const role = await admin.createRole({ name: `test role ${n} ${permissions.join('+') || 'read-only'}`.slice(0, 80), permissions });
      const user = await admin.createUser({ email: `user${n}@northwind-msp.com`, firstName: 'Test', lastName: `User ${n}`, roleIds: [role.id] });
      const key = await admin.createApiKey({ name: `test ${n}`, userId: user.id });
      return { client: client(key.secret), userId: user.id, apiKey: key.secret };
    },
    async close() {
      await hub.close();
      await database?.drop();
    },
  };
}
