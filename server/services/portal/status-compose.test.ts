import { describe, expect, it } from 'vitest';
import type { StatusIncident } from '../../../shared/schemas/portal.js';
import { composeStatus, worst } from './status-compose.js';
import { statusSourceFromEnv, statusUrlProblem } from './status-source.js';

const now = new Date('2026-11-24T09:00:00Z');
const incident = (over: Partial<StatusIncident>): StatusIncident => ({
  id: 'inc_1',
  kind: 'incident',
  title: 'Something',
  description: null,
  state: 'degraded',
  regions: ['EMEA'],
  services: ['exchangeBackup'],
  startsAt: '2026-11-24T08:00:00.000Z',
  endsAt: null,
  resolvedAt: null,
  createdAt: '2026-11-24T08:00:00.000Z',
  createdBy: 'op',
  updatedAt: '2026-11-24T08:00:00.000Z',
  ...over,
});
const state = (c: ReturnType<typeof composeStatus>, region: string, service: string) => c.regions.find((r) => r.region === region)!.services.find((s) => s.service === service)!;

describe('composing the service status', () => {
  it('ranks outage over degraded over maintenance over unknown over operational', () => {
    expect(worst(['operational', 'maintenance', 'degraded'])).toBe('degraded');
    expect(worst(['unknown', 'operational'])).toBe('unknown');
    expect(worst(['maintenance', 'unknown'])).toBe('maintenance');
    expect(worst(['degraded', 'outage'])).toBe('outage');
    expect(worst([])).toBe('operational');
  });

  it('lays the worst of source, source windows and operator incidents over each service', () => {
    const composed = composeStatus({
      now,
      sourceConfigured: true,
      remembered: {},
      document: {
        regions: { EMEA: { exchangeBackup: { state: 'outage', since: '2026-11-24T07:00:00Z' } }, APJ: { teamsBackup: { state: 'degraded' } } },
        maintenance: [{ title: 'Teams window', regions: ['APJ', 'MARS'], services: ['teamsBackup', 'restores', 'vault'], startsAt: '2026-11-24T08:30:00Z', endsAt: '2026-11-24T10:00:00Z' }],
      },
      incidents: [
        incident({ id: 'inc_a', state: 'degraded' }), // milder than the source's outage
        incident({ id: 'inc_b', regions: ['AMER'], services: ['restores'], state: 'outage' }),
        incident({ id: 'inc_c', regions: ['AMER'], services: ['backupStorage'], resolvedAt: '2026-11-24T08:30:00.000Z' }),
        incident({ id: 'inc_d', regions: ['AMER'], services: ['authentication'], startsAt: '2026-11-24T10:00:00.000Z' }),
      ],
    });
    expect(state(composed, 'EMEA', 'exchangeBackup')).toMatchObject({ state: 'outage', origin: 'source', since: '2026-11-24T07:00:00Z', incidentIds: ['inc_a'] });
    expect(state(composed, 'APJ', 'teamsBackup')).toMatchObject({ state: 'degraded', origin: 'source' }); // degraded beats the window
    expect(state(composed, 'APJ', 'restores')).toMatchObject({ state: 'maintenance', message: 'Teams window', since: '2026-11-24T08:30:00Z' });
    expect(state(composed, 'AMER', 'restores')).toMatchObject({ state: 'outage', origin: 'operator', incidentIds: ['inc_b'] });
    expect(state(composed, 'AMER', 'backupStorage').state).toBe('operational');
    expect(state(composed, 'AMER', 'authentication').state).toBe('operational');
    expect(composed.maintenance).toEqual([expect.objectContaining({ regions: ['APJ'], services: ['teamsBackup', 'restores'], active: true, origin: 'source' })]);
    expect(composed.incidents.map((i) => i.id)).toEqual(['inc_a', 'inc_b']);
    expect(composed.overall).toBe('outage');
  });

  it('dates an undated state from memory when it did not change', () => {
    const composed = composeStatus({
      now,
      sourceConfigured: true,
      document: { updatedAt: '2026-11-24T08:59:00Z', regions: { EMEA: { restores: { state: 'degraded' } } }, maintenance: [] },
      incidents: [],
      remembered: { 'EMEA.restores': { state: 'degraded', since: '2026-11-20T00:00:00.000Z' }, 'EMEA.teamsBackup': { state: 'outage', since: '2026-11-20T00:00:00.000Z' } },
    });
    expect(state(composed, 'EMEA', 'restores').since).toBe('2026-11-20T00:00:00.000Z');
    expect(state(composed, 'EMEA', 'teamsBackup')).toMatchObject({ state: 'operational', since: '2026-11-24T08:59:00Z' });
  });
});

describe('status source configuration', () => {
  it('takes https anywhere and plain http only on loopback', () => {
    expect(statusUrlProblem('https://status.example.com/api.json')).toBeNull();
    expect(statusUrlProblem('http://127.0.0.1:8080/s.json')).toBeNull();
    expect(statusUrlProblem('http://localhost/s.json')).toBeNull();
    expect(statusUrlProblem('http://[::1]:9/s.json')).toBeNull();
    expect(statusUrlProblem('http://10.0.0.5/s.json')).toMatch(/https/);
    expect(statusUrlProblem('ftp://status.example.com')).toMatch(/https/);
    expect(statusUrlProblem('not a url')).toBe('is not a URL');
    expect(statusSourceFromEnv({})).toBeNull();
    expect(statusSourceFromEnv({ SPHUB_STATUS_FILE: '/tmp/s.json' })).toMatchObject({ kind: 'file', location: '/tmp/s.json' });
    expect(statusSourceFromEnv({ SPHUB_STATUS_URL: 'https://u:p@status.example.com/x.json?k=1', SPHUB_STATUS_FILE: '/tmp/s.json' })).toMatchObject({
      kind: 'url',
      location: 'https://status.example.com/x.json',
    });
  });
});
