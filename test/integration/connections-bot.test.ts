import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { policies } from '../../server/services/backup/collections.js';
import { ALEX, createBotWorld, type BotWorld } from '../helpers/bot.js';
import { listen } from '../standins/listen.js';
import { createVdcStandin } from '../standins/vdc/server.js';
import { createVspcStandin, type VspcStandin } from '../standins/vspc/server.js';

// A synced policy started from Teams: the bot goes through the hub's API, the hub forwards to
// VSPC, and the card says what VSPC answered.

let world: BotWorld;
let standin: VspcStandin;
let upstream: { origin: string; close: () => Promise<void> };

beforeEach(async () => {
  standin = createVspcStandin({ companies: 3, jobsPerCompany: 1, alarms: 0, seed: 11 });
  upstream = await listen(standin.app);
  world = await createBotWorld({ seed: false });
});
afterEach(async () => {
  await world.close();
  await upstream.close();
});

describe('the bot on synced policies', () => {
  it('starts a synced policy in VSPC and shows the run as VSPC confirmed it', async () => {
    const c = await world.admin.createConnection({ kind: 'vspc', name: 'Provider VSPC', baseUrl: `${upstream.origin}/api/v3`, auth: { type: 'apiKey', apiKey: standin.apiKey } });
    expect((await world.admin.syncConnection(c.id, { wait: true })).result).toBe('success');
    await world.link(ALEX, 'admin');
    const job = standin.estate.jobs[1]!;
    const policy = [...world.hub.ctx.store.all(policies)].find((p) => p.source?.upstreamId === job.instanceUid)!;
    const customer = await world.admin.customer(policy.customerId);
    const cards = await world.say(`start policy "${policy.name}" for "${customer.displayName}"`);
    const text = JSON.stringify(cards);
    expect(standin.actions).toEqual([{ action: 'start', target: job.instanceUid, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) }]);
    expect(text).toContain(policy.name);
    expect(text).not.toMatch(/could not|failed/i);
  });

  it('on a VDC policy (read-only upstream) says to act in the portal instead of failing', async () => {
    const vdc = createVdcStandin({ jobs: 2, days: 2 });
    const server = await listen(vdc.app);
    try {
      const customer = await world.admin.createCustomer({ displayName: 'Fabrikam', domain: 'fabrikam.com', contact: { firstName: 'A', lastName: 'B', email: 'a@fabrikam.com' } } as never);
      const c = await world.admin.createConnection({ kind: 'vdc', name: 'VDC EMEA', baseUrl: server.origin, customerId: customer.id, auth: { type: 'apiKey', apiKey: vdc.apiKey } });
      expect((await world.admin.syncConnection(c.id, { wait: true })).result).toBe('success');
      await world.link(ALEX, 'admin');
      const policy = [...world.hub.ctx.store.all(policies)].find((p) => p.source?.kind === 'vdc')!;
      const text = JSON.stringify(await world.say(`start policy "${policy.name}" for Fabrikam`));
      expect(text).toContain('read-only');
      expect(text).toContain('Veeam Data Cloud portal');
    } finally {
      await server.close();
    }
  });

  it('says what VSPC refused instead of reporting a success', async () => {
    const c = await world.admin.createConnection({ kind: 'vspc', name: 'Provider VSPC', baseUrl: `${upstream.origin}/api/v3`, auth: { type: 'apiKey', apiKey: standin.apiKey } });
    await world.admin.syncConnection(c.id, { wait: true });
    await world.link(ALEX, 'admin');
    const policy = [...world.hub.ctx.store.all(policies)][0]!;
    const customer = await world.admin.customer(policy.customerId);
    standin.fault('/infrastructure/vb365Servers/*', { status: 400 });
    const cards = await world.say(`start policy "${policy.name}" for "${customer.displayName}"`);
    expect(JSON.stringify(cards)).toContain('VSPC');
    expect(standin.actions).toHaveLength(0);
  });
});
