import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { failure, pendingCustomer } from '../../helpers/guide.js';
import { createTestHub, type TestHub } from '../../helpers/hub.js';

let t: TestHub;
beforeEach(async () => {
  t = await createTestHub();
});
afterEach(() => t.close());

// Guide, Connect to Flex: "Select storage region." shown as "(Europe) Germany West Central"; the
// status page covers "each of the supported regions: APJ, EMEA and AMER".
describe('storage regions: "(Europe) Germany West Central"', () => {
  test("the API lists the wizard's regions grouped by APJ, EMEA and AMER", async () => {
    const groups = (await t.admin.storageRegions()).items;
    expect(groups.map((g) => g.region)).toEqual(['APJ', 'EMEA', 'AMER']);
    expect(groups[1]!.locations).toContainEqual({ id: 'germanywestcentral', label: '(Europe) Germany West Central', region: 'EMEA' });
  });

  test('the wizard takes a region inside the geography and the onboarded customer keeps it', async () => {
    const c = await pendingCustomer(t);
    await t.admin.acceptAgreement(c.id);
    const view = await t.admin.connectFlex(c.id, { storageRegion: 'EMEA', storageLocation: 'GermanyWestCentral', retention: 1 });
    expect(view.connection?.storageLocation).toBe('germanywestcentral');
    await t.admin.confirmTenant(c.id, 'fabrikamlegal.onmicrosoft.com');
    expect(await t.admin.finishOnboarding(c.id, 'manual')).toMatchObject({ storageRegion: 'EMEA', storageLocation: 'germanywestcentral' });
  });

  test('an unknown region, or one outside the geography, is refused (400) naming the field', async () => {
    const c = await pendingCustomer(t);
    await t.admin.acceptAgreement(c.id);
    for (const storageLocation of ['atlantis', 'eastus']) {
      const error = await failure(t.admin.connectFlex(c.id, { storageRegion: 'EMEA', storageLocation, retention: 1 }));
      expect(error.status).toBe(400);
      expect(error.details.map((d) => d.field)).toContain('body.storageLocation');
    }
    expect((await t.admin.onboarding(c.id)).step).toBe('connect');
  });
});
