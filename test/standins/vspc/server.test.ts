import { describe, expect, it } from 'vitest';
import { contractValidator, toJsonSchema } from './contract.js';
import { createVspcStandin } from './server.js';

// Every answer the stand-in gives is checked against the contract's own schemas, so it stays
// the API the hub will meet, not a toy of our making.

const validator = contractValidator();
const base = 'http://vspc.test/api/v3';

function standin(options: Partial<Parameters<typeof createVspcStandin>[0]> = {}) {
  const s = createVspcStandin({ companies: 12, jobsPerCompany: 2, alarms: 4, seed: 3, now: new Date('2026-11-20T08:00:00Z'), ...options });
  const call = async (method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) => {
    const res = await s.app.request(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${s.apiKey}`, 'x-request-id': crypto.randomUUID(), ...init.headers },
      ...(init.body !== undefined && { body: init.body }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : null };
  };
  return { s, call };
}

function expectValid(operationId: string, status: number, body: unknown) {
  expect(validator.check(operationId, status, body), `${operationId} ${status}`).toBeNull();
}

describe('VSPC stand-in against the contract', () => {
  it('serves every listing in the envelope, paged, valid against the contract', async () => {
    const { call } = standin();
    const listings: [string, string][] = [
      ['GetCompanies', '/organizations/companies?expand=Organization&limit=5&offset=0'],
      ['GetCompanies', '/organizations/companies?limit=500'],
      ['GetCompaniesAggregatedUsage', '/organizations/companies/usage'],
      ['GetVb365OrganizationsToCompanyMappings', '/infrastructure/vb365Servers/organizations/companyMappings'],
      ['GetVb365Jobs', '/infrastructure/vb365Servers/organizations/jobs?limit=7&offset=7'],
      ['GetActiveAlarms', '/alarms/active'],
      ['GetOrganizationsLicenseUsage', '/licensing/usage/organizations'],
    ];
    for (const [operationId, path] of listings) {
      const answer = await call('GET', path);
      expect(answer.status, path).toBe(200);
      expectValid(operationId, 200, answer.body);
    }
    const page = (await call('GET', '/organizations/companies?limit=5&offset=10')).body as { data: unknown[]; meta: { pagingInfo: { total: number; count: number; offset: number } } };
    expect(page.meta.pagingInfo).toEqual({ total: 12, count: 2, offset: 10 });
  });

  it('answers one company, actions, async actions and errors as the contract says', async () => {
    const { s, call } = standin({ asyncActions: true });
    const company = s.estate.companies[0]!;
    expectValid('GetCompany', 200, (await call('GET', `/organizations/companies/${company.instanceUid}`)).body);
    const job = s.estate.jobs[0]!;
    const started = await call('POST', `/infrastructure/vb365Servers/${job.vb365ServerUid}/organizations/jobs/${job.instanceUid}/start`);
    expect(started.status).toBe(202);
    const location = started.headers.get('location')!;
    expect(location).toMatch(/\/api\/v3\/asyncActions\/[0-9a-f-]{36}$/);
    const id = location.split('/').pop()!;
    const running = await call('GET', `/asyncActions/${id}`);
    expectValid('GetAsyncActionInfo', 200, running.body);
    expect((running.body as { data: { status: string } }).data.status).toBe('running');
    expect(((await call('GET', `/asyncActions/${id}`)).body as { data: { status: string } }).data.status).toBe('succeed');

    const missing = await call('GET', '/organizations/companies/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expectValid('GetCompany', 404, missing.body);
    const unauthorized = await call('GET', '/alarms/active', { headers: { authorization: 'Bearer wrong' } });
    expect(unauthorized.status).toBe(401);
    expectValid('GetActiveAlarms', 401, unauthorized.body);
  });

  it('answers actions at once without async mode, with EmptyResponse', async () => {
    const { s, call } = standin();
    const alarm = s.estate.alarms[0]!;
    const ack = await call('POST', `/alarms/active/${alarm.instanceUid}/acknowledge`);
    expect(ack.status).toBe(200);
    expectValid('AcknowledgeActiveAlarm', 200, ack.body);
    const job = s.estate.jobs[1]!;
    const disabled = await call('POST', `/infrastructure/vb365Servers/${job.vb365ServerUid}/organizations/jobs/${job.instanceUid}/disable`);
    expectValid('DisableVb365Job', 200, disabled.body);
    expect(s.actions.map((a) => a.action)).toEqual(['acknowledge', 'disable']);
  });

  it('issues and refreshes OAuth2 tokens, and refuses bad grants with OAuth2Error', async () => {
    const { call } = standin();
    const form = (fields: Record<string, string>) => ({ headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: '' }, body: new URLSearchParams(fields).toString() });
    const issued = await call('POST', '/token', form({ grant_type: 'password', username: 'sphub', password: 'standin-password' }));
    expectValid('OAuth2IssueToken', 200, issued.body);
    const { access_token, refresh_token } = issued.body as { access_token: string; refresh_token: string };
    expect((await call('GET', '/alarms/active', { headers: { authorization: `Bearer ${access_token}` } })).status).toBe(200);
    const refreshed = await call('POST', '/token', form({ grant_type: 'refresh_token', refresh_token }));
    expectValid('OAuth2IssueToken', 200, refreshed.body);
    const refused = await call('POST', '/token', form({ grant_type: 'password', username: 'sphub', password: 'nope' }));
    expect(refused.status).toBe(400);
    expectValid('OAuth2IssueToken', 400, refused.body);
  });

  it('injects faults per path: statuses with Retry-After, 520 in the error shape, bad JSON, drift between pages', async () => {
    const { s, call } = standin();
    s.fault('/alarms/active', { status: 429, retryAfter: '2', times: 1 });
    const throttled = await call('GET', '/alarms/active');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('2');
    expectValid('GetActiveAlarms', 429, throttled.body);
    expect((await call('GET', '/alarms/active')).status).toBe(200);

    s.fault('/organizations/companies/usage', { status: 520, times: 1 });
    const failed = await call('GET', '/organizations/companies/usage');
    expect(failed.status).toBe(520);
    expectValid('GetCompaniesAggregatedUsage', 520, failed.body);

    s.fault('/infrastructure/vb365Servers/organizations/companyMappings', { badJson: true, times: 1 });
    const res = await s.app.request(`${base}/infrastructure/vb365Servers/organizations/companyMappings`, { headers: { authorization: `Bearer ${s.apiKey}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow(SyntaxError);

    s.fault('/organizations/companies', { drift: true, times: 1 });
    const first = (await call('GET', '/organizations/companies?limit=5&offset=0')).body as { meta: { pagingInfo: { total: number } } };
    const second = (await call('GET', '/organizations/companies?limit=5&offset=5')).body as { meta: { pagingInfo: { total: number } } };
    expect(second.meta.pagingInfo.total).toBe(first.meta.pagingInfo.total + 1);
  });

  it('keeps unknown values of extensible enums valid and null where x-veeam-nullable allows it', () => {
    const schema = toJsonSchema({ type: 'string', enum: ['A'], 'x-extensible-enum': true, 'x-veeam-nullable': true });
    expect(schema).toEqual({ anyOf: [{ type: 'string' }, { type: 'null' }] });
    const job = { instanceUid: '00000070-0000-4000-8000-000000000001', lastStatus: 'SomethingNew', lastRun: null, lastErrorLogRecords: [] };
    expectValid('GetVb365Jobs', 200, { data: [job], meta: { pagingInfo: { total: 1, count: 1, offset: 0 } }, errors: null });
    // A closed enum still refuses what it does not list.
    expect(
      validator.check('GetAsyncActionInfo', 200, {
        data: { id: '00000070-0000-4000-8000-000000000001', initiatorUid: '00000070-0000-4000-8000-000000000001', actionName: 'x', status: 'exploded', queryParameters: {} },
      }),
    ).not.toBeNull();
  });
});
