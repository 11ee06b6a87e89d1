import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { failure } from '../../helpers/guide.js';
import { createTestHub, type TestHub } from '../../helpers/hub.js';

let t: TestHub;
beforeEach(async () => {
  t = await createTestHub();
});
afterEach(() => t.close());

// Guide, Getting Support: "Click Visit the Help Centre ...", "Click Visit the Knowledge Base ...",
// "Click Open a Support Case to raise a support case" (My Account).
describe('help menu: "Visit the Help Centre", "Visit the Knowledge Base", "Open a Support Case"', () => {
  test("the three links, Veeam's own by default, readable by any user, titled in English or German", async () => {
    const reader = await t.userWith([]);
    expect((await reader.client.helpLinks()).items).toEqual([
      { id: 'helpCenter', title: 'Visit the Help Center', url: 'https://helpcenter.veeam.com/', custom: false },
      { id: 'knowledgeBase', title: 'Visit the Knowledge Base', url: 'https://www.veeam.com/knowledge-base.html', custom: false },
      { id: 'supportCase', title: 'Open a Support Case', url: 'https://my.veeam.com/', custom: false },
    ]);
    expect((await reader.client.helpLinks('de')).items.map((l) => l.title)).toEqual(['Help Center öffnen', 'Knowledge Base öffnen', 'Supportfall eröffnen']);
  });

  test("each link can be pointed elsewhere (https only) and back to Veeam's with null; siteSettings needed", async () => {
    await t.admin.updateSupportSettings({ helpLinks: { supportCase: 'https://support.northwind-msp.com/new' } });
    expect((await t.admin.helpLinks()).items.find((l) => l.id === 'supportCase')).toMatchObject({ url: 'https://support.northwind-msp.com/new', custom: true });
    const bad = await failure(t.admin.updateSupportSettings({ helpLinks: { helpCenter: 'http://insecure.example.com' } }));
    expect(bad.status).toBe(400);
    expect(bad.details.map((d) => d.field)).toContain('body.helpLinks.helpCenter');
    const reader = await t.userWith(['customerManagement']);
    expect((await failure(reader.client.updateSupportSettings({ helpLinks: { helpCenter: null } }))).status).toBe(403);
    await t.admin.updateSupportSettings({ helpLinks: { supportCase: null } });
    expect((await t.admin.helpLinks()).items.find((l) => l.id === 'supportCase')).toMatchObject({ url: 'https://my.veeam.com/', custom: false });
  });
});
