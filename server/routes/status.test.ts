import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/client.js';
import { FakeClock, HOUR, MINUTE } from '../../shared/domain/clock.js';
import type { ServiceStatusView, StatusChange } from '../../shared/schemas/portal.js';
import { createTestHub, type TestHub } from '../../test/helpers/hub.js';
import { FileStatusSource } from '../services/portal/status-source.js';

const hubs: TestHub[] = [];
const servers: Server[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.close();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function hub(options: Parameters<typeof createTestHub>[0] = {}): Promise<TestHub> {
  const t = await createTestHub({ clock: new FakeClock('2026-11-24T09:00:00Z'), ...options });
  hubs.push(t);
  return t;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sphub-status-'));
  dirs.push(dir);
  return dir;
}

const stateOf = (view: ServiceStatusView, region: string, service: string) => view.regions.find((r) => r.region === region)!.services.find((s) => s.service === service)!;

const changesOf = async (t: TestHub) =>
  (await t.hub.ctx.events.since(0)).filter((e) => e.type === 'status.changed').map((e) => (e.data.changes as StatusChange[]).map((c) => `${c.region}.${c.service}:${c.from}->${c.to}`));

async function errorOf(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => new Error('expected an error'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

const doc = (overrides: Record<string, unknown> = {}) => ({
  updatedAt: '2026-11-24T08:55:00Z',
  regions: {
    EMEA: { exchangeBackup: { state: 'degraded', since: '2026-11-24T08:30:00Z', message: 'Exchange Online throttling slows backups' } },
    AMER: { vaultBackup: { state: 'outage' } },
    MARS: { restores: { state: 'outage' } },
  },
  maintenance: [{ id: 'mw-1', title: 'Storage upgrade', regions: ['APJ'], services: ['backupStorage'], startsAt: '2026-11-28T22:00:00Z', endsAt: '2026-11-29T02:00:00Z' }],
  ...overrides,
});

describe('service status without a source', () => {
  it('shows every service of every region operational, from the default', async () => {
    const t = await hub();
    const view = await t.admin.serviceStatus();
    expect(view).toMatchObject({ overall: 'operational', stale: false, source: { kind: 'none', state: 'none' }, maintenance: [], incidents: [] });
    expect(view.regions.map((r) => r.region)).toEqual(['APJ', 'EMEA', 'AMER']);
    expect(view.regions.every((r) => r.services.length === 7 && r.services.every((s) => s.state === 'operational' && s.origin === 'default'))).toBe(true);
    expect(view.regions[0]!.services.map((s) => s.service)).toEqual(['authentication', 'exchangeBackup', 'sharePointBackup', 'oneDriveBackup', 'teamsBackup', 'backupStorage', 'restores']);
    expect(await changesOf(t)).toEqual([]);
  });

  it('an operator incident overlays the status, announces the change, and resolving it restores operational', async () => {
    const t = await hub();
    await t.admin.serviceStatus();
    const incident = await t.admin.createStatusIncident({ kind: 'incident', title: 'Teams backups failing', state: 'outage', regions: ['AMER'], services: ['teamsBackup'] });
    expect(incident).toMatchObject({ kind: 'incident', state: 'outage', startsAt: '2026-11-24T09:00:00.000Z', endsAt: null, resolvedAt: null });
    let view = await t.admin.serviceStatus();
    expect(stateOf(view, 'AMER', 'teamsBackup')).toMatchObject({ state: 'outage', origin: 'operator', message: 'Teams backups failing', since: incident.startsAt, incidentIds: [incident.id] });
    expect(view.regions.find((r) => r.region === 'AMER')!.state).toBe('outage');
    expect(view.overall).toBe('outage');
    expect(view.incidents.map((i) => i.id)).toEqual([incident.id]);
    expect(await changesOf(t)).toEqual([['AMER.teamsBackup:operational->outage']]);
    const event = (await t.hub.ctx.events.since(0)).find((e) => e.type === 'status.changed')!;
    expect(event.data).toMatchObject({ overall: 'outage', topic: 'serviceStatus' });

    t.clock.advance(30 * MINUTE);
    const resolved = await t.admin.updateStatusIncident(incident.id, { resolved: true });
    expect(resolved.resolvedAt).toBe('2026-11-24T09:30:00.000Z');
    view = await t.admin.serviceStatus();
    expect(view.overall).toBe('operational');
    expect(await changesOf(t)).toEqual([['AMER.teamsBackup:operational->outage'], ['AMER.teamsBackup:outage->operational']]);
    expect((await errorOf(t.admin.updateStatusIncident(incident.id, { resolved: true }))).status).toBe(409);
    expect((await t.admin.statusIncidents('ended')).items.map((i) => i.id)).toEqual([incident.id]);
    expect((await t.admin.audit({ action: 'status.incident.resolved' })).total).toBe(1);
  });

  it('a maintenance window is listed ahead, turns services to maintenance while it runs, and ends by itself', async () => {
    const t = await hub();
    const window = await t.admin.createStatusIncident({
      kind: 'maintenance',
      title: 'Backup storage upgrade in EMEA',
      regions: ['EMEA'],
      services: ['backupStorage', 'restores'],
      startsAt: '2026-11-28T22:00:00Z',
      endsAt: '2026-11-29T02:00:00Z',
    });
    expect(window.state).toBe('maintenance');
    let view = await t.admin.serviceStatus();
    expect(view.overall).toBe('operational');
    expect(view.maintenance).toEqual([expect.objectContaining({ id: window.id, active: false, origin: 'operator', regions: ['EMEA'], startsAt: '2026-11-28T22:00:00.000Z' })]);
    expect((await t.admin.statusIncidents('upcoming')).items).toHaveLength(1);

    t.clock.set('2026-11-28T23:00:00Z');
    await t.hub.ctx.services.statusPoller.tick();
    view = await t.admin.serviceStatus();
    expect(stateOf(view, 'EMEA', 'backupStorage')).toMatchObject({ state: 'maintenance', origin: 'operator' });
    expect(stateOf(view, 'EMEA', 'exchangeBackup').state).toBe('operational');
    expect(view.maintenance[0]!.active).toBe(true);
    expect(await changesOf(t)).toEqual([['EMEA.backupStorage:operational->maintenance', 'EMEA.restores:operational->maintenance']]);

    t.clock.set('2026-11-29T02:00:00Z');
    await t.hub.ctx.services.statusPoller.tick();
    view = await t.admin.serviceStatus();
    expect(view.overall).toBe('operational');
    expect(view.maintenance).toEqual([]);
    expect(await changesOf(t)).toHaveLength(2);
  });

  it('edits and deletes incidents; validates them', async () => {
    const t = await hub();
    const incident = await t.admin.createStatusIncident({ kind: 'incident', title: 'Slow restores', state: 'degraded', regions: ['APJ', 'APJ'] });
    expect(incident.regions).toEqual(['APJ']);
    expect(incident.services).toHaveLength(7);
    const edited = await t.admin.updateStatusIncident(incident.id, { state: 'outage', services: ['restores'], description: 'Investigating' });
    expect(edited).toMatchObject({ state: 'outage', services: ['restores'], description: 'Investigating' });
    expect(await t.admin.statusIncident(incident.id)).toEqual(edited);
    await t.admin.deleteStatusIncident(incident.id);
    expect((await errorOf(t.admin.statusIncident(incident.id))).status).toBe(404);
    expect((await errorOf(t.admin.deleteStatusIncident(incident.id))).status).toBe(404);

    const bad: [Record<string, unknown>, string][] = [
      [{ kind: 'maintenance', title: 'x', regions: ['EMEA'], startsAt: '2026-11-28T22:00:00Z' }, 'body.endsAt'],
      [{ kind: 'maintenance', title: 'x', regions: ['EMEA'], startsAt: '2026-11-28T22:00:00Z', endsAt: '2026-11-28T21:00:00Z' }, 'body.endsAt'],
      [{ kind: 'maintenance', title: 'x', regions: ['EMEA'], startsAt: '2026-11-28T22:00:00Z', endsAt: '2026-12-28T21:00:00Z' }, 'body.endsAt'],
      [{ kind: 'maintenance', title: 'x', regions: ['EMEA'], state: 'outage', startsAt: '2026-11-28T22:00:00Z', endsAt: '2026-11-28T23:00:00Z' }, 'body.state'],
      [{ kind: 'incident', title: 'x', regions: ['EMEA'] }, 'body.state'],
      [{ kind: 'incident', title: 'x', regions: ['EMEA'], state: 'maintenance' }, 'body.state'],
      [{ kind: 'incident', title: 'x', regions: ['MARS'], state: 'outage' }, 'body.regions.0'],
      [{ kind: 'incident', title: 'x', regions: [], state: 'outage' }, 'body.regions'],
      [{ kind: 'incident', title: 'x', regions: ['EMEA'], services: ['vault'], state: 'outage' }, 'body.services.0'],
      [{ kind: 'incident', title: ' ', regions: ['EMEA'], state: 'outage' }, 'body.title'],
      [{ kind: 'incident', title: 'x', regions: ['EMEA'], state: 'outage', startsAt: 'yesterday' }, 'body.startsAt'],
      [{ kind: 'incident', title: 'x', regions: ['EMEA'], state: 'outage', startsAt: '2028-01-01T00:00:00Z' }, 'body.startsAt'],
      [{ kind: 'outage', title: 'x', regions: ['EMEA'] }, 'body.kind'],
      [{ kind: 'incident', title: 'x', regions: ['EMEA'], state: 'outage', severity: 1 }, 'body.severity'],
    ];
    for (const [body, field] of bad) {
      const error = await errorOf(t.admin.raw('POST', '/status/incidents', { body }));
      expect(error.status, JSON.stringify(body)).toBe(400);
      expect(
        error.details.map((d) => d.field),
        JSON.stringify(body),
      ).toContain(field);
    }
    const kept = await t.admin.createStatusIncident({ kind: 'incident', title: 'x', regions: ['EMEA'], state: 'degraded' });
    const patchError = await errorOf(t.admin.updateStatusIncident(kept.id, { endsAt: '2026-11-24T08:00:00Z' }));
    expect(patchError.details.map((d) => d.field)).toContain('body.endsAt');
    expect((await errorOf(t.admin.updateStatusIncident(kept.id, {}))).status).toBe(400);
    expect((await t.admin.statusIncidents()).items).toEqual([kept]);
  });

  it('reading needs monitoring; recording incidents needs siteSettings', async () => {
    const t = await hub();
    const reader = await t.userWith(['backupManagement']);
    expect((await reader.client.serviceStatus()).regions).toHaveLength(3);
    expect((await reader.client.statusIncidents()).items).toEqual([]);
    const refused = await errorOf(reader.client.createStatusIncident({ kind: 'incident', title: 'x', regions: ['EMEA'], state: 'outage' }));
    expect(refused.status).toBe(403);
    expect(refused.message).toContain('siteSettings');
    expect((await errorOf(reader.client.refreshServiceStatus())).status).toBe(403);
    const operator = await t.userWith(['siteSettings']);
    const incident = await operator.client.createStatusIncident({ kind: 'incident', title: 'x', regions: ['EMEA'], state: 'outage' });
    expect((await errorOf(reader.client.deleteStatusIncident(incident.id))).status).toBe(403);
    expect((await errorOf(reader.client.updateStatusIncident(incident.id, { title: 'y' }))).status).toBe(403);
    expect((await errorOf(t.client().serviceStatus())).status).toBe(401);
  });
});

describe('status from a file', () => {
  it('reads the document, ignores unknown regions and services, caches it for the TTL, and keeps the last state when the file goes bad', async () => {
    const dir = await tempDir();
    const file = join(dir, 'status.json');
    await writeFile(file, JSON.stringify(doc()));
    const t = await hub({ config: { env: { SPHUB_STATUS_FILE: file, SPHUB_STATUS_TTL_SECONDS: '60' } } });

    let view = await t.admin.serviceStatus();
    expect(view.source).toMatchObject({ kind: 'file', location: file, state: 'fresh', lastError: null, documentUpdatedAt: '2026-11-24T08:55:00Z', ttlSeconds: 60 });
    expect(view.stale).toBe(false);
    expect(stateOf(view, 'EMEA', 'exchangeBackup')).toMatchObject({ state: 'degraded', since: '2026-11-24T08:30:00Z', message: 'Exchange Online throttling slows backups', origin: 'source' });
    expect(view.regions.find((r) => r.region === 'AMER')!.state).toBe('operational');
    expect(view.maintenance).toEqual([expect.objectContaining({ id: 'source:mw-1', origin: 'source', regions: ['APJ'], active: false })]);
    expect(await changesOf(t)).toEqual([['EMEA.exchangeBackup:operational->degraded']]);

    // Within the TTL the cached document is used.
    await writeFile(file, JSON.stringify(doc({ regions: {} })));
    t.clock.advance(30_000);
    expect(stateOf(await t.admin.serviceStatus(), 'EMEA', 'exchangeBackup').state).toBe('degraded');
    t.clock.advance(31_000);
    view = await t.admin.serviceStatus();
    expect(stateOf(view, 'EMEA', 'exchangeBackup').state).toBe('operational');
    expect(await changesOf(t)).toEqual([['EMEA.exchangeBackup:operational->degraded'], ['EMEA.exchangeBackup:degraded->operational']]);

    // Broken JSON: last known state, marked stale, with the reason.
    await writeFile(file, JSON.stringify(doc()));
    t.clock.advance(61_000);
    await t.admin.serviceStatus();
    await writeFile(file, '{"regions": {');
    t.clock.advance(61_000);
    view = await t.admin.serviceStatus();
    expect(view.stale).toBe(true);
    expect(view.source).toMatchObject({ state: 'stale', lastError: 'the status document is not valid JSON' });
    expect(stateOf(view, 'EMEA', 'exchangeBackup').state).toBe('degraded');

    // A document of the wrong shape is refused the same way.
    await writeFile(file, JSON.stringify({ regions: { EMEA: { exchangeBackup: { state: 'on fire' } } } }));
    t.clock.advance(61_000);
    view = await t.admin.serviceStatus();
    expect(view.source.lastError).toMatch(/not valid: regions\.EMEA\.exchangeBackup\.state/);
    expect(stateOf(view, 'EMEA', 'exchangeBackup').state).toBe('degraded');

    // The file disappears.
    await unlink(file);
    t.clock.advance(61_000);
    view = await t.admin.serviceStatus();
    expect(view).toMatchObject({ stale: true, source: { state: 'stale' } });
    expect(view.source.lastError).toMatch(/ENOENT|no such file/);
    expect(stateOf(view, 'EMEA', 'exchangeBackup').state).toBe('degraded');

    // Back again: fresh.
    await writeFile(file, JSON.stringify(doc({ regions: {} })));
    t.clock.advance(61_000);
    view = await t.admin.serviceStatus();
    expect(view).toMatchObject({ stale: false, overall: 'operational', source: { state: 'fresh', lastError: null } });
  });

  it('with no answer ever, shows unknown (not operational), stale, and still overlays operator incidents', async () => {
    const dir = await tempDir();
    const t = await hub({ services: { statusSource: new FileStatusSource(join(dir, 'missing.json')) } });
    await t.admin.createStatusIncident({ kind: 'incident', title: 'Sign-in failures', state: 'outage', regions: ['EMEA'], services: ['authentication'] });
    const view = await t.admin.serviceStatus();
    expect(view).toMatchObject({ stale: true, overall: 'outage', source: { kind: 'file', state: 'unavailable', lastSuccessAt: null } });
    expect(stateOf(view, 'APJ', 'restores')).toMatchObject({ state: 'unknown', origin: 'source' });
    expect(stateOf(view, 'EMEA', 'authentication')).toMatchObject({ state: 'outage', origin: 'operator' });
    expect(await changesOf(t)).toEqual([['EMEA.authentication:operational->outage']]);
  });

  it('keeps the last good document across a restart and serves it stale while the source is down', async () => {
    const dir = await tempDir();
    const file = join(dir, 'status.json');
    await writeFile(file, JSON.stringify(doc()));
    const clock = new FakeClock('2026-11-24T09:00:00Z');
    const first = await createTestHub({ clock, config: { dataDir: join(dir, 'data'), env: { SPHUB_STATUS_FILE: file } } });
    expect((await first.admin.serviceStatus()).source.state).toBe('fresh');
    await first.close();
    await unlink(file);
    clock.advance(HOUR);
    const second = await hub({ clock, config: { dataDir: join(dir, 'data'), env: { SPHUB_STATUS_FILE: file } } });
    const lastEvent = second.hub.ctx.events.lastId;
    const view = await second.admin.serviceStatus();
    expect(view).toMatchObject({ stale: true, source: { state: 'stale', lastSuccessAt: '2026-11-24T09:00:00.000Z' } });
    expect(stateOf(view, 'EMEA', 'exchangeBackup').state).toBe('degraded');
    // Nothing new to announce after the restart.
    expect((await second.hub.ctx.events.since(lastEvent)).filter((e) => e.type === 'status.changed')).toEqual([]);
  });
});

describe('status from a URL (loopback HTTP)', () => {
  type Handler = (req: IncomingMessage, res: ServerResponse) => void;
  async function statusServer(handler: { current: Handler }): Promise<{ url: string; server: Server; hits: () => number }> {
    let hits = 0;
    const server = createServer((req, res) => {
      hits += 1;
      handler.current(req, res);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/status.json?token=secret`, server, hits: () => hits };
  }
  const json =
    (body: unknown, status = 200): Handler =>
    (_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };

  it('fetches and caches the document, serves the last state marked stale on 500, on a hang and when the server is gone', async () => {
    const handler = { current: json(doc()) };
    const { url, server, hits } = await statusServer(handler);
    const t = await hub({ config: { env: { SPHUB_STATUS_URL: url, SPHUB_STATUS_TTL_SECONDS: '30', SPHUB_STATUS_TIMEOUT_MS: '300' } } });

    let view = await t.admin.serviceStatus();
    expect(view.source).toMatchObject({ kind: 'url', state: 'fresh', location: url.replace('?token=secret', '') });
    expect(JSON.stringify(view)).not.toContain('secret');
    expect(stateOf(view, 'EMEA', 'exchangeBackup').state).toBe('degraded');
    await t.admin.serviceStatus();
    await t.admin.serviceStatus();
    expect(hits()).toBe(1); // cached

    handler.current = json({ error: 'boom' }, 500);
    t.clock.advance(31_000);
    view = await t.admin.serviceStatus();
    expect(view).toMatchObject({ stale: true, source: { state: 'stale', lastError: 'the status URL answered 500 Internal Server Error' } });
    expect(stateOf(view, 'EMEA', 'exchangeBackup').state).toBe('degraded');
    // After a failure the source is not hammered: next try after the TTL.
    await t.admin.serviceStatus();
    expect(hits()).toBe(2);

    handler.current = () => undefined; // never answers
    t.clock.advance(31_000);
    view = await t.admin.serviceStatus();
    expect(view.source.lastError).toBe('the status source gave no answer within 300 ms');
    expect(view.stale).toBe(true);

    handler.current = json(doc({ regions: { APJ: { restores: { state: 'outage' } } } }));
    t.clock.advance(31_000);
    view = await t.admin.refreshServiceStatus();
    expect(view).toMatchObject({ stale: false, overall: 'outage' });
    expect((await changesOf(t)).at(-1)).toEqual(['APJ.restores:operational->outage', 'EMEA.exchangeBackup:degraded->operational']);

    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    servers.splice(servers.indexOf(server), 1);
    t.clock.advance(31_000);
    view = await t.admin.serviceStatus();
    expect(view).toMatchObject({ stale: true, overall: 'outage', source: { state: 'stale' } });
    expect(view.source.lastError).toBeTruthy();
  });

  it('refuses an oversized document and a plain-http URL off loopback, without failing the request', async () => {
    const handler = { current: ((_req, res) => res.end('x'.repeat(1024 * 1024 + 10))) as Handler };
    const { url } = await statusServer(handler);
    const t = await hub({ config: { env: { SPHUB_STATUS_URL: url } } });
    const view = await t.admin.serviceStatus();
    expect(view).toMatchObject({ stale: true, source: { state: 'unavailable' } });
    expect(view.source.lastError).toMatch(/larger than/);

    const misconfigured = await hub({ config: { env: { SPHUB_STATUS_URL: 'http://status.example.com/status.json' } } });
    const answer = await misconfigured.admin.serviceStatus();
    expect(answer.source).toMatchObject({ kind: 'custom', state: 'unavailable', lastError: 'SPHUB_STATUS_URL must use https (plain http only on a loopback address)' });
    expect(stateOf(answer, 'EMEA', 'teamsBackup').state).toBe('unknown');
  });
});

describe('demo seed', () => {
  it('seeds a support button and a maintenance window in EMEA next Saturday night', async () => {
    const t = await hub();
    const { seedStatus, seedSupport } = await import('../services/portal/seed.js');
    await seedSupport(t.hub.ctx);
    await seedStatus(t.hub.ctx);
    await seedStatus(t.hub.ctx); // only once
    expect((await t.admin.supportCustomerView()).showSupportButton).toBe(true);
    const view = await t.admin.serviceStatus();
    expect(view.maintenance).toHaveLength(1);
    expect(view.maintenance[0]).toMatchObject({ regions: ['EMEA'], startsAt: '2026-11-28T22:00:00.000Z', endsAt: '2026-11-29T02:00:00.000Z', active: false });
  });
});
