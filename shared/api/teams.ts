import type { Me } from '../schemas/access.js';
import type { ListQuery, Page } from '../schemas/common.js';
import type { Topic } from '../schemas/notifications.js';
import type { LinkCode, TeamsConversation } from '../schemas/teams.js';
import { seg, type Request } from './request.js';

/** The Teams bot's part of the API: linking Teams users, and the conversations the bot posts to. */
export const teamsApi = (request: Request) => ({
  /** A one-time code (ten minutes, single use) to say to the bot as `link <code>`. */
  createTeamsLinkCode: () => request<LinkCode>('POST', '/me/teams-link-code'),
  /** The in-process bot redeems a code for the Teams user it speaks for. */
  redeemTeamsLinkCode: (code: string) => request<Me>('POST', '/teams/link', { body: { code } }),
  teamsConversations: (params: Partial<ListQuery> = {}) => request<Page<TeamsConversation>>('GET', '/teams/conversations', { query: { ...params } }),
  teamsConversation: (id: string) => request<TeamsConversation>('GET', `/teams/conversations/${seg(id)}`),
  subscribeTeamsConversation: (id: string, topics: Topic[]) => request<TeamsConversation>('POST', `/teams/conversations/${seg(id)}/subscribe`, { body: { topics } }),
  /** Without topics: every topic. */
  unsubscribeTeamsConversation: (id: string, topics?: Topic[]) => request<TeamsConversation>('POST', `/teams/conversations/${seg(id)}/unsubscribe`, { body: topics ? { topics } : {} }),
  removeTeamsConversation: (id: string) => request<void>('DELETE', `/teams/conversations/${seg(id)}`),
});
