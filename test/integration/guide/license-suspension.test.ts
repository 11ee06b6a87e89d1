import { afterEach, describe, expect, test } from 'vitest';
import { ApiError } from '../../../shared/api/client.js';
import { FakeClock } from '../../../shared/domain/clock.js';
import { errorCard, errorMessage } from '../../../bot/errors.js';
import { activeCustomer, failure } from '../../helpers/guide.js';
import { createTestHub, type TestHub } from '../../helpers/hub.js';

let t: TestHub;
afterEach(() => t?.close());

const tick = () => t.hub.ctx.services.usageScheduler.tick();

/** November and December 2026 both left unsubmitted past their deadlines. */
async function suspendedHub() {
  t = await createTestHub({ clock: new FakeClock('2026-11-02T08:00:00Z') });
  const c = await activeCustomer(t);
  await tick();
  for (const at of ['2026-12-01T06:00:00Z', '2026-12-04T00:10:00Z', '2027-01-01T06:00:00Z', '2027-01-04T00:10:00Z']) {
    t.clock.set(at);
    await tick();
  }
  expect((await t.admin.usageReports()).summary.licenseManagementSuspended).toBe(true);
  return c;
}

// Guide, monthly usage reporting: "If you delay submitting a report for two consecutive months,
// your license management will be suspended."
describe('"your license management will be suspended": licence changes are refused', () => {
  test('a licence change answers 409 with the reason and how to lift it, and changes nothing', async () => {
    const c = await suspendedHub();
    const before = await t.admin.customer(c.id);
    const error = await failure(t.admin.updateCustomer(c.id, { licenseLimit: 250 }));
    expect(error.status).toBe(409);
    expect(error.code).toBe('license_management_suspended');
    expect(error.message).toContain('November 2026 and December 2026 are both overdue');
    expect(error.message).toContain('To lift the suspension, submit the overdue usage report for');
    expect(error.message).toContain('POST /usage-reports/2026-11/submit');
    expect(await t.admin.customer(c.id)).toEqual(before);
    // Other edits are not licence management and still go through.
    expect((await t.admin.updateCustomer(c.id, { displayName: 'Fabrikam Legal' })).displayName).toBe('Fabrikam Legal');
  });

  test('submitting an overdue report lifts it, and the licence change goes through', async () => {
    const c = await suspendedHub();
    await t.admin.submitUsageReport('2026-12');
    await t.admin.confirmUsageReport('2026-12');
    expect((await t.admin.updateCustomer(c.id, { licenseLimit: 250 })).licenseLimit).toBe(250);
  });

  test("the bot shows the hub's sentence under a heading in the user's language, with a way to the report", async () => {
    const c = await suspendedHub();
    const error = await failure(t.admin.updateCustomer(c.id, { licenseLimit: 250 }));
    expect(error).toBeInstanceOf(ApiError);
    const links = { hubUrl: 'http://hub.test' } as never;
    for (const [lang, heading] of [
      ['en', 'License management is suspended'],
      ['de', 'Lizenzverwaltung ausgesetzt'],
    ] as const) {
      const json = JSON.stringify(errorCard(error, lang, links));
      expect(json).toContain(heading);
      expect(json).toContain('To lift the suspension');
      expect(json).toContain('"usage"');
      expect(errorMessage(error, lang)).toContain(heading);
    }
  });
});
