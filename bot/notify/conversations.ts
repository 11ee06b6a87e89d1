import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Language, Topic } from '../../shared/schemas/notifications.js';
import { TeamsConversation, type ConversationKind } from '../../shared/schemas/teams.js';
import { defineCollection, notFound, recordChange, requirePermission, type HubContext, type Principal } from '../../server/area.js';

/** What the bot needs to post into a conversation later: Bot Framework's conversation reference. */
const ConversationRecord = TeamsConversation.extend({
  conversationId: z.string(),
  reference: z.record(z.string(), z.unknown()),
});
export type ConversationRecord = z.infer<typeof ConversationRecord>;
export const teamsConversations = defineCollection('teamsConversations', ConversationRecord);

/** Teams conversation ids are long and full of `:@;`: the hub's id is a short hash of them. */
export function conversationKey(conversationId: string): string {
  return `conv_${createHash('sha256').update(conversationId).digest('base64url').slice(0, 22)}`;
}

export interface SeenConversation {
  conversationId: string;
  /** Bot Framework's ConversationReference (without the activity id). */
  reference: Record<string, unknown>;
  kind: ConversationKind;
  name?: string | undefined;
  tenantId?: string | undefined;
  language: Language;
}

/**
 * The conversations the bot is in (stored when it is installed or spoken to) and the topics each
 * is subscribed to. The bot area's own collection: the rest of the hub sees it through the API.
 */
export class ConversationService {
  constructor(private readonly ctx: HubContext) {}

  /** Remembers (or refreshes) a conversation; writes only when something changed. */
  async remember(seen: SeenConversation): Promise<ConversationRecord> {
    const id = conversationKey(seen.conversationId);
    const current = this.ctx.store.get(teamsConversations, id);
    const now = this.ctx.clock.now().toISOString();
    const reference = { ...seen.reference };
    delete reference.activityId;
    const next: ConversationRecord = {
      id,
      conversationId: seen.conversationId,
      kind: seen.kind,
      ...((seen.name ?? current?.name) && { name: seen.name ?? current?.name }),
      ...((seen.tenantId ?? current?.tenantId) && { tenantId: seen.tenantId ?? current?.tenantId }),
      // The language is set when the bot arrives and when someone subscribes, not by every message.
      language: current?.language ?? seen.language,
      topics: current?.topics ?? [],
      reference,
      createdAt: current?.createdAt ?? now,
      updatedAt: current?.updatedAt ?? now,
    };
    if (current && sameConversation(current, next)) return current;
    const saved = { ...next, updatedAt: now };
    await this.ctx.store.write((tx) => tx.put(teamsConversations, saved));
    return saved;
  }

  /** The bot was removed from the conversation: it can no longer post there. */
  async forget(conversationId: string): Promise<boolean> {
    const id = conversationKey(conversationId);
    if (!this.ctx.store.get(teamsConversations, id)) return false;
    await this.ctx.store.write((tx) => tx.delete(teamsConversations, id));
    return true;
  }

  /** Forgets a conversation by the hub's id (the outbox found it gone). */
  async forgetById(id: string): Promise<boolean> {
    if (!this.ctx.store.get(teamsConversations, id)) return false;
    await this.ctx.store.write((tx) => tx.delete(teamsConversations, id));
    return true;
  }

  find(id: string): ConversationRecord | undefined {
    return this.ctx.store.get(teamsConversations, id);
  }

  list(): TeamsConversation[] {
    return [...this.ctx.store.all(teamsConversations)].map(publicConversation).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  get(id: string): TeamsConversation {
    return publicConversation(this.record(id));
  }

  record(id: string): ConversationRecord {
    const record = this.ctx.store.get(teamsConversations, id);
    if (!record) throw notFound('Conversation', id);
    return record;
  }

  /** Conversations subscribed to a topic, for proactive delivery. */
  subscribers(topic: Topic): ConversationRecord[] {
    return [...this.ctx.store.all(teamsConversations)].filter((c) => c.topics.includes(topic));
  }

  async subscribe(principal: Principal, id: string, topics: Topic[], language?: Language): Promise<TeamsConversation> {
    const record = this.record(id);
    this.assertMayChange(principal, record);
    const next = { ...record, topics: [...new Set([...record.topics, ...topics])], ...(language && { language }), updatedAt: this.ctx.clock.now().toISOString() };
    await this.ctx.store.write((tx) => tx.put(teamsConversations, next));
    await recordChange(this.ctx, principal, {
      action: 'teams-conversation.subscribed',
      target: { type: 'teamsConversation', id, ...(record.name && { name: record.name }) },
      details: { topics, kind: record.kind },
    });
    return publicConversation(next);
  }

  async unsubscribe(principal: Principal, id: string, topics?: Topic[]): Promise<TeamsConversation> {
    const record = this.record(id);
    this.assertMayChange(principal, record);
    const removed = topics ?? record.topics;
    const next = { ...record, topics: record.topics.filter((t) => !removed.includes(t)), updatedAt: this.ctx.clock.now().toISOString() };
    await this.ctx.store.write((tx) => tx.put(teamsConversations, next));
    await recordChange(this.ctx, principal, {
      action: 'teams-conversation.unsubscribed',
      target: { type: 'teamsConversation', id, ...(record.name && { name: record.name }) },
      details: { topics: removed, kind: record.kind },
    });
    return publicConversation(next);
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const record = this.record(id);
    requirePermission(principal, 'siteSettings', { key: 'api.forbidden.why.removeConversation' });
    await this.ctx.store.write((tx) => tx.delete(teamsConversations, id));
    await recordChange(this.ctx, principal, { action: 'teams-conversation.removed', target: { type: 'teamsConversation', id, ...(record.name && { name: record.name }) } });
  }

  /**
   * Anyone may choose what their own chat with the bot receives; posting into a channel or group
   * chat reaches other people, which is a notification setting (siteSettings), as in the portal.
   */
  private assertMayChange(principal: Principal, record: ConversationRecord): void {
    if (record.kind !== 'personal') requirePermission(principal, 'siteSettings', { key: record.kind === 'channel' ? 'api.forbidden.why.channel' : 'api.forbidden.why.groupChat' });
  }
}

function sameConversation(a: ConversationRecord, b: ConversationRecord): boolean {
  return a.kind === b.kind && a.name === b.name && a.tenantId === b.tenantId && JSON.stringify(a.reference) === JSON.stringify(b.reference);
}

function publicConversation({ conversationId: _c, reference: _r, ...rest }: ConversationRecord): TeamsConversation {
  return rest;
}
