import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, createApiClient, type ApiClient } from '../shared/api/client.js';
import { MINUTE } from '../shared/domain/clock.js';
import { createTestHub, type TestHub } from '../test/helpers/hub.js';

/** A client the way the in-process bot calls: the internal token plus the Teams user it speaks for. */
function asBot(hub: TestHub, teamsUserId: string, name = 'Alex Wilber'): ApiClient {
  return createApiClient({
    baseUrl: 'http://hub.test',
    fetch: hub.fetch,
    apiKey: hub.hub.ctx.services.access.internalToken,
    headers: { 'x-sphub-teams-user': teamsUserId, 'x-sphub-teams-name': name },
  });
}

async function rejects(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an API error, got ${String(error)}`);
  return error;
}

describe('linking a Teams user', () => {
  let hub: TestHub;
  beforeEach(async () => {
    hub = await createTestHub();
  });
  afterEach(() => hub.close());

  it('issues a one-time code that the bot redeems for the Teams user', async () => {
    const { client, userId } = await hub.userWith(['backupManagement']);
    const code = await client.createTeamsLinkCode();
    expect(code.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(Date.parse(code.expiresAt) - hub.clock.now().getTime()).toBe(10 * MINUTE);

    const me = await asBot(hub, 'aad-1').redeemTeamsLinkCode(code.code.toLowerCase().replace('-', ' '));
    expect(me.user.id).toBe(userId);
    expect(me.teamsUserId).toBe('aad-1');
    expect(me.permissions).toEqual(['monitoring', 'backupManagement']);
    // From now on the bot acts as that user.
    expect((await asBot(hub, 'aad-1').me()).user.id).toBe(userId);
  });

  it('audits the link with the Teams user and the bot channel, never the code', async () => {
    const { client, userId } = await hub.userWith([]);
    const { code } = await client.createTeamsLinkCode();
    await asBot(hub, 'aad-2', 'Megan Bowen').redeemTeamsLinkCode(code);
    const audit = await hub.admin.audit({ targetId: userId });
    const linked = audit.items.find((e) => e.action === 'user.teams-linked')!;
    expect(linked.actor).toMatchObject({ kind: 'teams', teamsUserId: 'aad-2', channel: 'bot' });
    expect(linked.actor.name).toContain('Megan Bowen');
    expect(JSON.stringify(audit)).not.toContain(code.replace('-', ''));
  });

  it('uses a code once', async () => {
    const { client } = await hub.userWith([]);
    const { code } = await client.createTeamsLinkCode();
    await asBot(hub, 'aad-3').redeemTeamsLinkCode(code);
    const error = await rejects(asBot(hub, 'aad-4').redeemTeamsLinkCode(code));
    expect(error.status).toBe(404);
    await expect(asBot(hub, 'aad-4').me()).rejects.toMatchObject({ status: 401 });
  });

  it('lets a code expire after ten minutes', async () => {
    const { client } = await hub.userWith([]);
    const { code } = await client.createTeamsLinkCode();
    hub.clock.advance(10 * MINUTE + 1);
    const error = await rejects(asBot(hub, 'aad-5').redeemTeamsLinkCode(code));
    expect(error.status).toBe(404);
    expect(error.message).toMatch(/expired/);
  });

  it('replaces an earlier code when the user asks again', async () => {
    const { client } = await hub.userWith([]);
    const first = await client.createTeamsLinkCode();
    const second = await client.createTeamsLinkCode();
    expect((await rejects(asBot(hub, 'aad-6').redeemTeamsLinkCode(first.code))).status).toBe(404);
    expect((await asBot(hub, 'aad-6').redeemTeamsLinkCode(second.code)).teamsUserId).toBe('aad-6');
  });

  it('throttles guessing per Teams user', async () => {
    const { client } = await hub.userWith([]);
    const { code } = await client.createTeamsLinkCode();
    for (let i = 0; i < 5; i++) expect((await rejects(asBot(hub, 'aad-7').redeemTeamsLinkCode('ZZZZ-ZZZZ'))).status).toBe(404);
    const blocked = await rejects(asBot(hub, 'aad-7').redeemTeamsLinkCode(code));
    expect(blocked.status).toBe(429);
    // Another Teams user is not affected, and the code still works for them.
    expect((await asBot(hub, 'aad-8').redeemTeamsLinkCode(code)).teamsUserId).toBe('aad-8');
  });

  it('refuses malformed codes with 400 naming the field', async () => {
    const error = await rejects(asBot(hub, 'aad-9').redeemTeamsLinkCode('ABC'));
    expect(error.status).toBe(400);
    expect(error.details).toEqual([{ field: 'code', message: 'is not a link code' }]);
    expect((await rejects(asBot(hub, 'aad-9').redeemTeamsLinkCode(''))).status).toBe(400);
  });

  it('only lets the in-process bot redeem codes', async () => {
    const { client, apiKey } = await hub.userWith([]);
    const { code } = await client.createTeamsLinkCode();
    const withKey = createApiClient({ baseUrl: 'http://hub.test', fetch: hub.fetch, apiKey, headers: { 'x-sphub-teams-user': 'aad-10' } });
    expect((await rejects(withKey.redeemTeamsLinkCode(code))).status).toBe(401);
    const anonymous = createApiClient({ baseUrl: 'http://hub.test', fetch: hub.fetch, headers: { 'x-sphub-teams-user': 'aad-10' } });
    expect((await rejects(anonymous.redeemTeamsLinkCode(code))).status).toBe(401);
  });

  it('needs a key to ask for a code', async () => {
    expect((await rejects(hub.client().createTeamsLinkCode())).status).toBe(401);
  });

  it('moves a Teams identity to the user who linked it last', async () => {
    const a = await hub.userWith([]);
    const b = await hub.userWith(['customerManagement']);
    await asBot(hub, 'aad-11').redeemTeamsLinkCode((await a.client.createTeamsLinkCode()).code);
    await asBot(hub, 'aad-11').redeemTeamsLinkCode((await b.client.createTeamsLinkCode()).code);
    expect((await asBot(hub, 'aad-11').me()).user.id).toBe(b.userId);
    expect((await hub.admin.user(a.userId)).teamsUserId).toBeUndefined();
  });
});

describe('Teams conversations', () => {
  let hub: TestHub;
  beforeEach(async () => {
    hub = await createTestHub();
  });
  afterEach(() => hub.close());

  const remember = (conversationId: string, kind: 'personal' | 'groupChat' | 'channel', name?: string) =>
    hub.hub.ctx.services.bot.conversations.remember({
      conversationId,
      kind,
      name,
      language: 'de',
      reference: { conversation: { id: conversationId }, serviceUrl: 'https://smba.trafficmanager.net/emea/', channelId: 'msteams', activityId: 'not-kept' },
    });

  it('lists the conversations the bot is in, without their references', async () => {
    const stored = await remember('19:ops@thread.tacv2', 'channel', 'Operations / Backup alerts');
    const list = (await hub.admin.teamsConversations()).items;
    expect(list).toEqual([{ id: stored.id, kind: 'channel', name: 'Operations / Backup alerts', language: 'de', topics: [], createdAt: stored.createdAt, updatedAt: stored.updatedAt }]);
    expect(stored.id).toMatch(/^conv_[A-Za-z0-9_-]{22}$/);
    expect(stored.reference).not.toHaveProperty('activityId');
    expect(await hub.admin.teamsConversation(stored.id)).toEqual(list[0]);
  });

  it('subscribes and unsubscribes topics, audited', async () => {
    const { id } = await remember('a:personal', 'personal');
    const reader = await hub.userWith([]);
    const after = await reader.client.subscribeTeamsConversation(id, ['backupFailed', 'staleProtection', 'backupFailed']);
    expect(after.topics).toEqual(['backupFailed', 'staleProtection']);
    expect((await reader.client.unsubscribeTeamsConversation(id, ['backupFailed'])).topics).toEqual(['staleProtection']);
    expect((await reader.client.unsubscribeTeamsConversation(id)).topics).toEqual([]);
    const audit = await hub.admin.audit({ targetId: id });
    expect(audit.items.map((e) => e.action).sort()).toEqual(['teams-conversation.subscribed', 'teams-conversation.unsubscribed', 'teams-conversation.unsubscribed']);
  });

  it('needs siteSettings to change what a channel or group chat is sent', async () => {
    const channel = await remember('19:ops@thread.tacv2', 'channel', 'Ops');
    const chat = await remember('19:chat@thread.v2', 'groupChat');
    const reader = await hub.userWith([]);
    for (const { id } of [channel, chat]) {
      const error = await rejects(reader.client.subscribeTeamsConversation(id, ['backupFailed']));
      expect(error.status).toBe(403);
      expect(error.message).toMatch(/"siteSettings" permission/);
    }
    const settings = await hub.userWith(['siteSettings']);
    expect((await settings.client.subscribeTeamsConversation(channel.id, ['backupFailed'])).topics).toEqual(['backupFailed']);
    expect(hub.hub.ctx.services.bot.conversations.subscribers('backupFailed').map((c) => c.id)).toEqual([channel.id]);
  });

  it('refuses unknown topics and conversations', async () => {
    const { id } = await remember('a:personal', 'personal');
    const bad = await hub.admin.raw('POST', `/teams/conversations/${id}/subscribe`, { body: { topics: ['weather'] } }).catch((e: ApiError) => e);
    expect(bad).toBeInstanceOf(ApiError);
    expect((bad as ApiError).status).toBe(400);
    expect((await rejects(hub.admin.subscribeTeamsConversation(id, []))).status).toBe(400);
    expect((await rejects(hub.admin.subscribeTeamsConversation('conv_missing', ['backupFailed']))).status).toBe(404);
    expect((await hub.admin.teamsConversation(id)).topics).toEqual([]);
  });

  it('forgets a conversation with siteSettings', async () => {
    const { id } = await remember('a:personal', 'personal');
    const reader = await hub.userWith([]);
    expect((await rejects(reader.client.removeTeamsConversation(id))).status).toBe(403);
    await hub.admin.removeTeamsConversation(id);
    expect((await hub.admin.teamsConversations()).items).toEqual([]);
  });

  it('is a delivery channel of the notifications outbox', async () => {
    expect((await hub.admin.notificationSettings()).delivery.channels).toContain('bot');
  });

  it('writes only when something changed', async () => {
    const first = await remember('a:personal', 'personal');
    hub.clock.advance(MINUTE);
    const again = await remember('a:personal', 'personal');
    expect(again.updatedAt).toBe(first.updatedAt);
  });
});
