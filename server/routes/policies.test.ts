import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/client.js';
import { createTestHub, type TestHub } from '../../test/helpers/hub.js';
import { putCustomers, ScriptedRunner, testCustomer } from '../services/backup/testing.js';

let t: TestHub;
afterEach(async () => t?.close());

async function world() {
  t = await createTestHub({ services: { runner: new ScriptedRunner([{ status: 'Success' }]) } });
  const acme = testCustomer({ displayName: 'Acme Corp', domain: 'acme.com' });
  const bravo = testCustomer({ displayName: 'Bravo Ltd', domain: 'bravo.io' });
  const pending = testCustomer({ displayName: 'Pending Inc', domain: 'pending.com', status: 'pending' });
  await putCustomers(t.hub, acme, bravo, pending);
  return { acme, bravo, pending };
}

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
};

describe('policies', () => {
  it('creates an EntireOrganization policy with defaults: enabled, every 24 h, Never, due right away', async () => {
    const { acme } = await world();
    const policy = await t.admin.createPolicy({ customerId: acme.id, name: 'All objects', backupType: 'EntireOrganization' });
    expect(policy).toMatchObject({
      customerId: acme.id,
      customerName: 'Acme Corp',
      name: 'All objects',
      policyType: 'Flex',
      backupType: 'EntireOrganization',
      services: ['Exchange Online', 'OneDrive and SharePoint', 'Teams'],
      enabled: true,
      scheduleHours: 24,
      lastRun: null,
      lastStatus: 'Never',
      nextRun: t.clock.now().toISOString(),
      averageProcessTime: '00:00:00',
      running: null,
    });
    expect(await t.admin.policy(policy.id)).toEqual(policy);
    const audit = await t.admin.audit({ action: 'policy.created' });
    expect(audit.items[0]).toMatchObject({ target: { type: 'policy', id: policy.id } });
  });

  it('creates SelectedItems with selected and excluded users, groups, sites and teams, de-duplicated', async () => {
    const { acme } = await world();
    const policy = await t.admin.createPolicy({
      customerId: acme.id,
      name: 'Executives',
      backupType: 'SelectedItems',
      services: ['Teams', 'Exchange Online'],
      selected: { users: ['CEO@acme.com', 'ceo@acme.com', 'cfo@acme.com'], groups: ['Board'], sites: ['https://acme.sharepoint.com/sites/Finance'], teams: ['Leadership'] },
      excluded: { users: ['intern@acme.com'] },
    });
    expect(policy.services).toEqual(['Exchange Online', 'Teams']);
    expect(policy.selected).toEqual({ users: ['ceo@acme.com', 'cfo@acme.com'], groups: ['Board'], sites: ['https://acme.sharepoint.com/sites/Finance'], teams: ['Leadership'] });
    expect(policy.excluded).toEqual({ users: ['intern@acme.com'], groups: [], sites: [], teams: [] });
  });

  it('refuses bad objects with 400 naming each field, and changes nothing', async () => {
    const { acme } = await world();
    const empty = await failure(t.admin.createPolicy({ customerId: acme.id, name: 'Nothing', backupType: 'SelectedItems' }));
    expect(empty.status).toBe(400);
    expect(empty.details).toEqual([{ field: 'body.selected', message: expect.stringMatching(/at least one/) }]);
    const both = await failure(t.admin.createPolicy({ customerId: acme.id, name: 'Both', backupType: 'SelectedItems', selected: { users: ['a@acme.com'] }, excluded: { users: ['A@acme.com'] } }));
    expect(both.details[0]?.field).toBe('body.excluded.users');
    const raw = await t.admin.raw('POST', '/policies', { body: { customerId: acme.id, name: 'x', backupType: 'Everything', colour: 'red' } }).catch((e: ApiError) => e);
    expect((raw as ApiError).status).toBe(400);
    expect((raw as ApiError).details.map((d) => d.field).sort()).toEqual(['body.backupType', 'body.colour']);
    const notEmail = await failure(t.admin.createPolicy({ customerId: acme.id, name: 'Bad user', backupType: 'SelectedItems', selected: { users: ['not an email'] } }));
    expect(notEmail.details[0]?.field).toBe('body.selected.users.0');
    expect((await t.admin.policies()).total).toBe(0);
  });

  it('needs backupManagement for the first policy and advancedBackupManagement for each further one', async () => {
    const { acme, bravo } = await world();
    const reader = await t.userWith([]);
    expect((await failure(reader.client.createPolicy({ customerId: acme.id, name: 'First', backupType: 'EntireOrganization' }))).message).toMatch(/"backupManagement"/);
    const basic = await t.userWith(['backupManagement']);
    await basic.client.createPolicy({ customerId: acme.id, name: 'First', backupType: 'EntireOrganization' });
    const further = await failure(basic.client.createPolicy({ customerId: acme.id, name: 'Second', backupType: 'EntireOrganization', services: ['Teams'] }));
    expect(further.status).toBe(403);
    expect(further.message).toMatch(/further backup policy for "Acme Corp".*"advancedBackupManagement"/);
    // Another customer's first policy is fine with backupManagement alone.
    await basic.client.createPolicy({ customerId: bravo.id, name: 'First', backupType: 'EntireOrganization' });
    const advanced = await t.userWith(['backupManagement', 'advancedBackupManagement']);
    await advanced.client.createPolicy({ customerId: acme.id, name: 'Second', backupType: 'EntireOrganization', services: ['Teams'] });
    expect((await t.admin.policies({ customerId: acme.id })).total).toBe(2);
  });

  it('refuses a duplicate name for the same customer (409) and an unknown customer (404)', async () => {
    const { acme } = await world();
    await t.admin.createPolicy({ customerId: acme.id, name: 'Mail', backupType: 'EntireOrganization' });
    const dup = await failure(t.admin.createPolicy({ customerId: acme.id, name: 'MAIL', backupType: 'EntireOrganization' }));
    expect(dup.status).toBe(409);
    expect(dup.message).toMatch(/already has a policy named "MAIL"/);
    expect((await failure(t.admin.createPolicy({ customerId: 'cus_nobody', name: 'Mail', backupType: 'EntireOrganization' }))).status).toBe(404);
  });

  it('answers 409 for any action on a policy of a customer that is not active', async () => {
    const { acme, pending } = await world();
    const create = await failure(t.admin.createPolicy({ customerId: pending.id, name: 'Mail', backupType: 'EntireOrganization' }));
    expect(create.status).toBe(409);
    expect(create.message).toBe('Customer "Pending Inc" is pending: backup policies can be managed only for active (onboarded) customers.');
    const policy = await t.admin.createPolicy({ customerId: acme.id, name: 'Mail', backupType: 'EntireOrganization' });
    await putCustomers(t.hub, { ...acme, status: 'offboarded' });
    for (const action of [
      () => t.admin.startPolicy(policy.id),
      () => t.admin.stopPolicy(policy.id),
      () => t.admin.disablePolicy(policy.id),
      () => t.admin.updatePolicy(policy.id, { name: 'Other' }),
      () => t.admin.deletePolicy(policy.id),
    ]) {
      const error = await failure(action());
      expect(error.status).toBe(409);
      expect(error.message).toMatch(/"Acme Corp" is offboarded/);
    }
    expect((await t.admin.policy(policy.id)).name).toBe('Mail');
  });

  it('starts and stops with clear conflicts: running, disabled, idle', async () => {
    const { acme } = await world();
    const policy = await t.admin.createPolicy({ customerId: acme.id, name: 'Mail', backupType: 'EntireOrganization' });
    const idle = await failure(t.admin.stopPolicy(policy.id));
    expect(idle.status).toBe(409);
    expect(idle.message).toBe('Policy "Mail" is not running, so there is no session to stop.');
    const session = await t.admin.startPolicy(policy.id);
    expect(session).toMatchObject({ policyId: policy.id, status: 'Running', trigger: 'manual', runner: 'ScriptedRunner' });
    const twice = await failure(t.admin.startPolicy(policy.id));
    expect(twice.status).toBe(409);
    expect(twice.message).toMatch(/already running \(session ses_1\./);
    expect(await t.admin.policy(policy.id)).toMatchObject({ lastStatus: 'Running', runningSessionId: session.id, running: { sessionId: session.id, progress: 0 } });
    await t.admin.stopPolicy(policy.id);
    await t.admin.disablePolicy(policy.id);
    const disabled = await failure(t.admin.startPolicy(policy.id));
    expect(disabled.status).toBe(409);
    expect(disabled.message).toBe('Policy "Mail" is disabled. Enable it before starting it.');
  });

  it('enables and disables the schedule, refusing a repeat', async () => {
    const { acme } = await world();
    const policy = await t.admin.createPolicy({ customerId: acme.id, name: 'Mail', backupType: 'EntireOrganization' });
    const disabled = await t.admin.disablePolicy(policy.id);
    expect(disabled).toMatchObject({ enabled: false, nextRun: null });
    expect((await failure(t.admin.disablePolicy(policy.id))).message).toBe('Policy "Mail" is already disabled.');
    t.clock.advance(60_000);
    const enabled = await t.admin.enablePolicy(policy.id);
    expect(enabled).toMatchObject({ enabled: true, nextRun: t.clock.now().toISOString() });
    expect((await failure(t.admin.enablePolicy(policy.id))).status).toBe(409);
    const actions = (await t.admin.audit({ targetId: policy.id })).items.map((a) => a.action);
    expect(actions).toEqual(['policy.enabled', 'policy.disabled', 'policy.created']);
  });

  it('edits objects: switching to SelectedItems needs a selection; switching back drops it', async () => {
    const { acme } = await world();
    const policy = await t.admin.createPolicy({ customerId: acme.id, name: 'Mail', backupType: 'EntireOrganization' });
    expect((await failure(t.admin.updatePolicy(policy.id, { backupType: 'SelectedItems' }))).details[0]?.field).toBe('body.selected');
    const selected = await t.admin.updatePolicy(policy.id, { backupType: 'SelectedItems', selected: { teams: ['Sales'] }, excluded: { sites: ['Archive'] } });
    expect(selected).toMatchObject({ backupType: 'SelectedItems', selected: { teams: ['Sales'] }, excluded: { sites: ['Archive'] } });
    const whole = await t.admin.updatePolicy(policy.id, { backupType: 'EntireOrganization' });
    expect(whole.selected).toEqual({ users: [], groups: [], sites: [], teams: [] });
    expect(whole.excluded.sites).toEqual(['Archive']);
    expect((await failure(t.admin.updatePolicy(policy.id, {}))).status).toBe(400);
  });

  it('deletes an idle policy but not a running one; the deletion is audited', async () => {
    const { acme } = await world();
    const policy = await t.admin.createPolicy({ customerId: acme.id, name: 'Mail', backupType: 'EntireOrganization' });
    await t.admin.startPolicy(policy.id);
    const running = await failure(t.admin.deletePolicy(policy.id));
    expect(running.status).toBe(409);
    expect(running.message).toMatch(/Stop its session before deleting/);
    await t.admin.stopPolicy(policy.id);
    await t.admin.deletePolicy(policy.id);
    expect((await failure(t.admin.policy(policy.id))).status).toBe(404);
    expect((await t.admin.audit({ action: 'policy.deleted' })).total).toBe(1);
  });

  it('lists with q over policy and customer names, filters, sort and pages', async () => {
    const { acme, bravo } = await world();
    const a1 = await t.admin.createPolicy({ customerId: acme.id, name: 'Mailboxes', backupType: 'EntireOrganization', services: ['Exchange Online'] });
    await t.admin.createPolicy({ customerId: acme.id, name: 'Sites', backupType: 'SelectedItems', selected: { sites: ['Finance'] } });
    const b1 = await t.admin.createPolicy({ customerId: bravo.id, name: 'All', backupType: 'EntireOrganization' });
    await t.admin.disablePolicy(b1.id);
    await t.admin.startPolicy(a1.id);
    expect((await t.admin.policies()).items.map((p) => `${p.customerName}/${p.name}`)).toEqual(['Acme Corp/Mailboxes', 'Acme Corp/Sites', 'Bravo Ltd/All']);
    expect((await t.admin.policies({ q: 'bravo' })).items.map((p) => p.name)).toEqual(['All']);
    expect((await t.admin.policies({ q: 'SITES' })).items.map((p) => p.name)).toEqual(['Sites']);
    expect((await t.admin.policies({ status: ['Running'] })).items.map((p) => p.name)).toEqual(['Mailboxes']);
    expect((await t.admin.policies({ status: ['Never', 'Running'], customerId: acme.id })).total).toBe(2);
    expect((await t.admin.policies({ enabled: false })).items.map((p) => p.name)).toEqual(['All']);
    expect((await t.admin.policies({ backupType: 'SelectedItems' })).items.map((p) => p.name)).toEqual(['Sites']);
    expect((await t.admin.policies({ sort: '-name' })).items.map((p) => p.name)).toEqual(['Sites', 'Mailboxes', 'All']);
    const page = await t.admin.policies({ sort: 'name', page: 2, pageSize: 2 });
    expect(page).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page.items.map((p) => p.name)).toEqual(['Sites']);
    expect((await failure(t.admin.policies({ sort: 'colour' }))).details[0]?.field).toBe('query.sort');
    expect((await failure(t.admin.policies({ status: ['Sleeping' as never] }))).status).toBe(400);
  });

  it('creates the recommended policies, one per chosen service, when onboarding asks for them', async () => {
    const { acme, bravo } = await world();
    await t.hub.ctx.events.emit({
      type: 'customer.onboarded',
      customerId: acme.id,
      subject: { type: 'customer', id: acme.id },
      data: { policies: 'recommended', services: ['Exchange Online', 'Teams'] },
    });
    await t.hub.ctx.events.emit({ type: 'customer.onboarded', customerId: bravo.id, subject: { type: 'customer', id: bravo.id }, data: { policies: 'manual', services: ['Teams'] } });
    await t.hub.ctx.services.backup.settle();
    const list = await t.admin.policies();
    expect(list.items.map((p) => [p.customerName, p.name, p.backupType, p.services, p.createdBy])).toEqual([
      ['Acme Corp', 'Exchange Online - Entire organization', 'EntireOrganization', ['Exchange Online'], 'SP Hub onboarding'],
      ['Acme Corp', 'Teams - Entire organization', 'EntireOrganization', ['Teams'], 'SP Hub onboarding'],
    ]);
    const audit = await t.admin.audit({ action: 'policy.created', channel: 'scheduler' });
    expect(audit.total).toBe(2);
  });

  it('gets the recommended policies from a managed onboarding through the customers API', async () => {
    t = await createTestHub({ services: { runner: new ScriptedRunner([{ status: 'Success' }]) } });
    const created = await t.admin.createCustomer({
      displayName: 'Fabrikam Legal LLP',
      domain: 'fabrikam-legal.com',
      contact: { firstName: 'Anna', lastName: 'Smith', email: 'anna.smith@fabrikam-legal.com' },
    });
    t.clock.advance(1000);
    await t.hub.ctx.services.customerLifecycle.tick();
    await t.admin.acceptAgreement(created.id);
    await t.admin.connectFlex(created.id, { storageRegion: 'EMEA', retention: 7, services: ['Exchange Online', 'Teams'] });
    await t.admin.confirmTenant(created.id, 'fabrikamlegal.onmicrosoft.com');
    await t.admin.finishOnboarding(created.id, 'recommended');
    await t.hub.ctx.services.backup.settle();
    const policies = await t.admin.policies({ customerId: created.id });
    expect(policies.items.map((p) => [p.name, p.services, p.enabled])).toEqual([
      ['Exchange Online - Entire organization', ['Exchange Online'], true],
      ['Teams - Entire organization', ['Teams'], true],
    ]);
  });
});
