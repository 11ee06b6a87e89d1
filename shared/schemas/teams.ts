import { z } from 'zod';
import { LinkCode } from './access.js';
import { Id, IsoDateTime } from './common.js';
import { Language, Topic } from './notifications.js';

/** A one-time code a hub user asks for, to say to the bot as `link <code>`. */
export { LinkCode };
export type LinkCode = z.infer<typeof LinkCode>;

/** Redeeming a one-time link code (the bot, for the Teams user it speaks for). */
export const TeamsLinkInput = z.strictObject({ code: z.string().trim().min(1).max(32) });
export type TeamsLinkInput = z.infer<typeof TeamsLinkInput>;

/** Where the bot was installed or spoken to: a personal chat, a group chat or a team channel. */
export const ConversationKind = z.enum(['personal', 'groupChat', 'channel']);
export type ConversationKind = z.infer<typeof ConversationKind>;

/** A conversation the bot can post to, with the topics it is subscribed to. */
export const TeamsConversation = z.object({
  /** A stable short id derived from the Teams conversation id (which is long and full of `:@;`). */
  id: Id,
  kind: ConversationKind,
  /** The channel, team or chat name when Teams tells the bot, else who installed it. */
  name: z.string().optional(),
  tenantId: z.string().optional(),
  language: Language,
  topics: z.array(Topic),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type TeamsConversation = z.infer<typeof TeamsConversation>;

export const ConversationTopicsInput = z.strictObject({
  topics: z
    .array(Topic)
    .min(1)
    .max(Topic.options.length * 2)
    .transform((topics) => [...new Set(topics)]),
});
export type ConversationTopicsInput = z.input<typeof ConversationTopicsInput>;

/** Unsubscribing: the listed topics, or every topic when none are listed. */
export const ConversationUnsubscribeInput = z.strictObject({
  topics: z
    .array(Topic)
    .max(Topic.options.length * 2)
    .optional(),
});
export type ConversationUnsubscribeInput = z.input<typeof ConversationUnsubscribeInput>;
