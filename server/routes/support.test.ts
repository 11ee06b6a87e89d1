import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/client.js';
import { createTestHub, type TestHub } from '../../test/helpers/hub.js';

let t: TestHub;
beforeEach(async () => {
  t = await createTestHub();
});
afterEach(async () => t.close());

async function status(promise: Promise<unknown>): Promise<{ status: number; fields: string[] }> {
  try {
    await promise;
    return { status: 200, fields: [] };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.status, fields: error.details.map((d) => d.field) };
  }
}

describe('customer support settings', () => {
  it('starts hidden; showing the button saves link and text, audited, and customers see it', async () => {
    expect(await t.admin.supportSettings()).toMatchObject({ showSupportButton: false, link: null, buttonText: null });
    expect(await t.admin.supportCustomerView()).toEqual({ showSupportButton: false, link: null, buttonText: null });

    const saved = await t.admin.updateSupportSettings({ showSupportButton: true, link: ' https://www.support.localtest/help?from=vdc ', buttonText: '  Get Support ' });
    expect(saved).toMatchObject({ showSupportButton: true, link: 'https://www.support.localtest/help?from=vdc', buttonText: 'Get Support', updatedAt: t.clock.now().toISOString() });
    expect(saved.updatedBy).toMatch(/key/);
    expect(await t.admin.supportCustomerView()).toEqual({ showSupportButton: true, link: 'https://www.support.localtest/help?from=vdc', buttonText: 'Get Support' });

    const audit = await t.admin.audit({ action: 'support-settings.updated' });
    expect(audit.total).toBe(1);
    expect(audit.items[0]!.details).toMatchObject({ showSupportButton: true, link: 'https://www.support.localtest/help?from=vdc' });
    expect((await t.hub.ctx.events.since(0)).map((e) => e.type)).toContain('support-settings.updated');
  });

  it('switching the button off keeps the link for later but shows customers nothing', async () => {
    await t.admin.updateSupportSettings({ showSupportButton: true, link: 'https://help.example.com', buttonText: 'Help' });
    const off = await t.admin.updateSupportSettings({ showSupportButton: false });
    expect(off).toMatchObject({ showSupportButton: false, link: 'https://help.example.com', buttonText: 'Help' });
    expect(await t.admin.supportCustomerView()).toEqual({ showSupportButton: false, link: null, buttonText: null });
    expect((await t.admin.updateSupportSettings({ showSupportButton: true })).showSupportButton).toBe(true);
  });

  it('accepts only https links to a real host, and a bounded button text', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ showSupportButton: true, link: 'http://help.example.com', buttonText: 'Help' }, 'body.link'],
      [{ showSupportButton: true, link: 'javascript:alert(1)', buttonText: 'Help' }, 'body.link'],
      [{ showSupportButton: true, link: 'https://user:pass@help.example.com', buttonText: 'Help' }, 'body.link'],
      [{ showSupportButton: true, link: 'https://intranet', buttonText: 'Help' }, 'body.link'],
      [{ showSupportButton: true, link: 'help.example.com', buttonText: 'Help' }, 'body.link'],
      [{ showSupportButton: true, link: `https://help.example.com/${'a'.repeat(2100)}`, buttonText: 'Help' }, 'body.link'],
      [{ showSupportButton: true, link: 'https://help.example.com', buttonText: 'x'.repeat(41) }, 'body.buttonText'],
      [{ showSupportButton: true, link: 'https://help.example.com', buttonText: '   ' }, 'body.buttonText'],
      [{ showSupportButton: true, link: 'https://help.example.com', buttonText: 'Help\u0007' }, 'body.buttonText'],
      [{ showSupportButton: 'yes' }, 'body.showSupportButton'],
      [{ showSupportButton: true, link: 'https://help.example.com', buttonText: 'Help', color: 'red' }, 'body.color'],
      [{ showSupportButton: true }, 'body.link'],
      [{ showSupportButton: true, link: 'https://help.example.com' }, 'body.buttonText'],
    ];
    for (const [body, field] of cases) {
      const answer = await status(t.admin.raw('PUT', '/settings/support', { body }));
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.fields, JSON.stringify(body)).toContain(field);
    }
    expect((await status(t.admin.raw('PUT', '/settings/support', { body: {} }))).status).toBe(400);
    expect((await status(t.admin.raw('PUT', '/settings/support', { body: undefined }))).status).toBe(400);
    expect(await t.admin.supportSettings()).toMatchObject({ showSupportButton: false, link: null, updatedAt: null });
    expect((await t.admin.audit({ action: 'support-settings.updated' })).total).toBe(0);
  });

  it('needs siteSettings to read or change; any user may read the customer view', async () => {
    await t.admin.updateSupportSettings({ showSupportButton: true, link: 'https://help.example.com', buttonText: 'Help' });
    const reader = await t.userWith([]);
    expect((await status(reader.client.supportSettings())).status).toBe(403);
    const refused = await status(reader.client.updateSupportSettings({ showSupportButton: false }));
    expect(refused.status).toBe(403);
    expect((await reader.client.supportCustomerView()).showSupportButton).toBe(true);
    const siteAdmin = await t.userWith(['siteSettings']);
    expect((await siteAdmin.client.updateSupportSettings({ buttonText: 'Open a case' })).buttonText).toBe('Open a case');
    expect((await status(t.client().supportCustomerView())).status).toBe(401);
  });
});
