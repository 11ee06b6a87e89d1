import { createHash, randomInt } from 'node:crypto';
import { z } from 'zod';
import type { Me } from '../../shared/schemas/access.js';
import type { LinkCode } from '../../shared/schemas/teams.js';
import { Id, IsoDateTime } from '../../shared/schemas/common.js';
import { localizedError, recordChange, defineCollection, type HubContext, type Principal } from '../../server/area.js';

/** A code's hash is its id: the code itself is shown once in the hub and never stored. */
const LinkCodeRecord = z.object({ id: z.string(), userId: Id, createdAt: IsoDateTime, expiresAt: IsoDateTime });
type LinkCodeRecord = z.infer<typeof LinkCodeRecord>;
export const teamsLinkCodes = defineCollection('teamsLinkCodes', LinkCodeRecord);

/** No 0/O, 1/I/L: codes are read off one screen and typed into another. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;
export const LINK_CODE_TTL_MS = 10 * 60_000;
const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 15 * 60_000;

export function normalizeLinkCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

const hashCode = (code: string) =>
  createHash('sha256')
    .update(`sphub-teams-link:${normalizeLinkCode(code)}`)
    .digest('hex');

/**
 * Linking a Teams user to a hub user: the hub user asks for a one-time code (signed in with
 * their key), then says `link <code>` to the bot, which redeems it for the Teams user it
 * speaks for. Codes expire after ten minutes, work once, and guessing is throttled per Teams user.
 */
export class TeamsLinkService {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(private readonly ctx: HubContext) {}

  async issue(principal: Principal): Promise<LinkCode> {
    const user = principal.user;
    if (!user) throw localizedError('unauthorized', { key: 'api.link.signedIn' });
    const now = this.ctx.clock.now();
    let code = '';
    for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
    const display = `${code.slice(0, 4)}-${code.slice(4)}`;
    const record: LinkCodeRecord = { id: hashCode(code), userId: user.id, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + LINK_CODE_TTL_MS).toISOString() };
    // One live code per user: asking again replaces the earlier one; expired codes are swept here too.
    const stale = [...this.ctx.store.all(teamsLinkCodes)].filter((c) => c.userId === user.id || Date.parse(c.expiresAt) <= now.getTime());
    await this.ctx.store.write((tx) => {
      for (const old of stale) tx.delete(teamsLinkCodes, old.id);
      tx.put(teamsLinkCodes, record);
    });
    await recordChange(this.ctx, principal, { action: 'user.teams-link-code-issued', target: { type: 'user', id: user.id, name: user.email }, details: { expiresAt: record.expiresAt } });
    return { code: display, expiresAt: record.expiresAt };
  }

  /** Redeems a code for the Teams user; answers like `GET /me` would for them afterwards. */
  async redeem(teamsUserId: string, teamsName: string | undefined, code: string): Promise<Me> {
    const access = this.ctx.services.access;
    const now = this.ctx.clock.now().getTime();
    const failure = this.failures.get(teamsUserId);
    if (failure && now - failure.since > FAILURE_WINDOW_MS) this.failures.delete(teamsUserId);
    if ((this.failures.get(teamsUserId)?.count ?? 0) >= MAX_FAILURES) {
      throw localizedError('rate_limited', { key: 'api.link.tooMany' });
    }
    const normalized = normalizeLinkCode(code);
    if (normalized.length !== CODE_LENGTH) {
      this.fail(teamsUserId, now);
      throw localizedError('invalid_input', { key: 'api.link.format', params: { length: CODE_LENGTH } }, [{ field: 'code', message: 'is not a link code' }]);
    }
    const record = this.ctx.store.get(teamsLinkCodes, hashCode(normalized));
    if (!record || Date.parse(record.expiresAt) <= now) {
      this.fail(teamsUserId, now);
      if (record) await this.ctx.store.write((tx) => tx.delete(teamsLinkCodes, record.id));
      throw localizedError('not_found', { key: record ? 'api.link.expired' : 'api.link.unknown' });
    }
    // Single use: the code is gone before the link is made, so a second redeem finds nothing.
    const claimed = await this.ctx.store.write((tx) => {
      if (!tx.get(teamsLinkCodes, record.id)) return false;
      tx.delete(teamsLinkCodes, record.id);
      return true;
    });
    if (!claimed) throw localizedError('not_found', { key: 'api.link.used' });
    const user = access.user(record.userId);
    const principal: Principal = {
      actor: { kind: 'teams', userId: user.id, teamsUserId, name: `${user.firstName} ${user.lastName} (Teams${teamsName ? `: ${teamsName}` : ''})`, channel: 'bot' },
      user,
      permissions: access.permissionsOf(user),
    };
    await access.linkTeamsUser(principal, user.id, teamsUserId);
    this.failures.delete(teamsUserId);
    return access.me(access.authenticateTeams(teamsUserId, teamsName));
  }

  private fail(teamsUserId: string, now: number): void {
    const current = this.failures.get(teamsUserId);
    this.failures.set(teamsUserId, { count: (current?.count ?? 0) + 1, since: current?.since ?? now });
  }
}
