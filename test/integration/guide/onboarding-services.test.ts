import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { failure, pendingCustomer } from '../../helpers/guide.js';
import { createTestHub, type TestHub } from '../../helpers/hub.js';

let t: TestHub;
beforeEach(async () => {
  t = await createTestHub();
});
afterEach(() => t.close());

// Guide, Connect to Flex: "[Optional] Select services that you want to back up", shown with
// Exchange Online, OneDrive for Business and SharePoint Online and Microsoft Teams all ticked.
describe('managed wizard: "[Optional] Select services that you want to back up"', () => {
  test('left out, all three services are selected', async () => {
    const c = await pendingCustomer(t);
    await t.admin.acceptAgreement(c.id);
    const view = await t.admin.connectFlex(c.id, { storageRegion: 'EMEA', retention: 3 });
    expect(view.connection?.services).toEqual(['Exchange Online', 'OneDrive and SharePoint', 'Teams']);
    expect(view.step).toBe('confirm-tenant');
  });

  test('a choice is still honoured, and an empty choice is still refused', async () => {
    const c = await pendingCustomer(t);
    await t.admin.acceptAgreement(c.id);
    expect((await t.admin.connectFlex(c.id, { storageRegion: 'EMEA', retention: 3, services: ['Teams'] })).connection?.services).toEqual(['Teams']);
    const error = await failure(t.admin.raw('POST', `/customers/${c.id}/onboarding/connect`, { body: { storageRegion: 'EMEA', retention: 3, services: [] } }));
    expect(error.status).toBe(400);
    expect(error.details.map((d) => d.field)).toContain('body.services');
  });
});
