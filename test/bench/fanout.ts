/**
 * Notification fan-out: N failure events to 3 local Teams-style webhook receivers, each of which
 * enforces its own rate limit (429 with Retry-After beyond it). The hub's per-webhook pace is set
 * to the receivers' limit, so delivery should be limited only by them. Prints messages/s, lost
 * (must be 0) and duplicates.
 *
 *   npx tsx test/bench/fanout.ts [events=10000] [receiverLimitPerSecond=400]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../shared/domain/clock.js';
import { createApp } from '../../server/app.js';
import { systemPrincipal } from '../../server/auth/principal.js';
import { startWebhookReceiver, type Behaviour } from '../helpers/receivers.js';

/** A receiver's own limit: at most `perSecond` accepted per rolling second, 429 beyond. */
function rateLimited(perSecond: number): Behaviour {
  const accepted: number[] = [];
  return () => {
    const now = Date.now();
    while (accepted.length && accepted[0]! <= now - 1000) accepted.shift();
    if (accepted.length >= perSecond) return { status: 429, headers: { 'retry-after': '1' } };
    accepted.push(now);
    return { status: 202 };
  };
}

export async function runFanout(events = Number(process.env.BENCH_FANOUT_EVENTS ?? 10_000), limit = Number(process.env.BENCH_FANOUT_LIMIT ?? 400)) {
  const dir = await mkdtemp(join(tmpdir(), 'sphub-fanout-'));
  const receiver = await startWebhookReceiver(systemClock);
  const paths = ['/channel-a', '/channel-b', '/channel-c'];
  for (const path of paths) receiver.on(path, rateLimited(limit));
  const hub = await createApp({
    clock: systemClock,
    config: {
      dataDir: dir,
      demo: false,
      adminKey: 'sph_fanout_bench_key_00000000000000000',
      env: { SPHUB_WEBHOOK_RATE_PER_SECOND: String(limit), SPHUB_OUTBOX_CONCURRENCY: '24', SPHUB_SCHEDULER: 'off' },
    },
  });
  try {
    await hub.ctx.services.notifications.settings.updatePartner(systemPrincipal(), {
      language: 'en',
      allowCustomerNotifications: true,
      contacts: paths.map((path) => ({ type: 'teams' as const, webhookUrl: receiver.url(path), topics: ['backupFailed' as const], delivery: 'immediate' as const, enabled: true })),
    });
    await hub.start();
    const started = performance.now();
    for (let i = 0; i < events; i++) {
      await hub.ctx.events.emit({
        type: 'session.finished',
        customerId: `cus_${i % 500}`,
        subject: { type: 'policy', id: `pol_f${i}`, name: `Mailboxes ${i}` },
        data: { policyId: `pol_f${i}`, policyName: `Mailboxes ${i}`, status: 'Failed', summary: 'The mailbox quota was exceeded' },
      });
    }
    const emittedMs = performance.now() - started;
    const expected = events * paths.length;
    const deadline = Date.now() + Number(process.env.BENCH_FANOUT_TIMEOUT_S ?? 600) * 1000;
    let accepted = 0;
    while (Date.now() < deadline) {
      accepted = receiver.acceptedCounts().size;
      if (accepted >= expected) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const seconds = (performance.now() - started) / 1000;
    const counts = receiver.acceptedCounts();
    const duplicates = [...counts.values()].filter((n) => n > 1).length;
    const throttled = receiver.requests().filter((r) => r.status === 429).length;
    const result = {
      events,
      receivers: paths.length,
      receiverLimitPerSecond: limit,
      expectedMessages: expected,
      delivered: counts.size,
      lost: expected - counts.size,
      duplicates,
      throttledByReceivers: throttled,
      seconds: Number(seconds.toFixed(1)),
      messagesPerSecond: Math.round(counts.size / seconds),
      ceilingPerSecond: limit * paths.length,
      emitSeconds: Number((emittedMs / 1000).toFixed(1)),
    };
    console.log(JSON.stringify(result, null, 2));
    return result;
  } finally {
    await hub.close();
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // A failure is an unhandled rejection on purpose: Node prints it and exits with code 1.
  void runFanout(Number(process.argv[2] ?? 10_000), Number(process.argv[3] ?? 400)).then((r) => process.exit(r.lost === 0 ? 0 : 1));
}
