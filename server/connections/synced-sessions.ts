import { finishedSessionTopic } from '../../shared/domain/policy-rules.js';
import type { Session } from '../../shared/schemas/backup.js';
import { systemPrincipal } from '../auth/principal.js';
import type { HubContext } from '../context.js';

/**
 * Announces sessions a sync saw end upstream, as the backup service announces its own, so alerts,
 * the digest, notifications and the bot react to synced sessions the same way.
 */
export async function announceFinishedSessions(ctx: HubContext, runner: string, sessions: readonly Session[]): Promise<void> {
  const principal = systemPrincipal(runner);
  for (const s of sessions) {
    const topic = finishedSessionTopic(s.status);
    await ctx.events.emit({
      type: 'session.finished',
      customerId: s.customerId,
      subject: { type: 'policy', id: s.policyId, name: s.policyName },
      data: {
        policyId: s.policyId,
        policyName: s.policyName,
        sessionId: s.id,
        status: s.status,
        summary: s.summary,
        startedAt: s.startedAt,
        endedAt: s.endedAt,
        durationMs: s.durationMs,
        processedObjects: s.processedObjects,
        transferredBytes: s.transferredBytes,
        ...(topic && { topic }),
        actor: principal.actor.name,
        channel: principal.actor.channel,
      },
    });
  }
}
