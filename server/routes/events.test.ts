import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, createTestHub, type TestHub } from '../../test/helpers/hub.js';
import { putCustomers, ScriptedRunner, testCustomer } from '../services/backup/testing.js';

let t: TestHub;
afterEach(async () => t?.close());

const acme = testCustomer({ id: 'cus_acme', displayName: 'Acme Corp' });
const bravo = testCustomer({ id: 'cus_bravo', displayName: 'Bravo Ltd' });

async function world(env: Record<string, string> = {}) {
  t = await createTestHub({ services: { runner: new ScriptedRunner([{ status: 'Success' }]) }, config: { env } });
  await putCustomers(t.hub, acme, bravo);
}

interface Message {
  id?: string;
  data?: string;
  comment?: string;
  retry?: string;
}

/** Opens the stream in process and reads it message by message. */
async function connect(path = '/api/v1/events', headers: Record<string, string> = {}) {
  const response = await t.hub.app.request(path, { headers: { authorization: `Bearer ${ADMIN_KEY}`, ...headers } });
  if (!response.ok) return { response, next: async () => null as Message | null, events: async () => [] as { id: number; type: string; customerId?: string }[], close: async () => undefined };
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const next = async (): Promise<Message | null> => {
    while (!buffer.includes('\n\n')) {
      const { value, done } = await reader.read();
      if (done) return null;
      buffer += decoder.decode(value, { stream: true });
    }
    const end = buffer.indexOf('\n\n');
    const block = buffer.slice(0, end);
    buffer = buffer.slice(end + 2);
    const message: Message = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) message.comment = line.slice(1).trim();
      else if (line.startsWith('id: ')) message.id = line.slice(4);
      else if (line.startsWith('data: ')) message.data = line.slice(6);
      else if (line.startsWith('retry: ')) message.retry = line.slice(7);
    }
    return message;
  };
  /** The next `n` events (skipping comments and the retry hint). */
  const events = async (n: number) => {
    const out: { id: number; type: string; customerId?: string }[] = [];
    while (out.length < n) {
      const m = await next();
      if (!m) break;
      if (m.data) {
        const event = JSON.parse(m.data) as { id: number; type: string; customerId?: string };
        expect(m.id).toBe(String(event.id));
        out.push(event);
      }
    }
    return out;
  };
  return { response, next, events, close: () => reader.cancel() };
}

const listeners = () => t.hub.ctx.events.listenerCount;

describe('GET /events (Server-Sent Events)', () => {
  it('streams events as they happen, each with its id', async () => {
    await world();
    const stream = await connect();
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream');
    expect(await stream.next()).toEqual({ retry: '3000' });
    const policy = await t.admin.createPolicy({ customerId: acme.id, name: 'Mail', backupType: 'EntireOrganization' });
    await t.admin.startPolicy(policy.id);
    const events = await stream.events(2);
    expect(events.map((e) => e.type)).toEqual(['policy.created', 'session.started']);
    expect(events[1]!.id).toBe(events[0]!.id + 1);
    await stream.close();
  });

  it('resumes after Last-Event-ID with the events missed, then goes on live', async () => {
    await world();
    await t.admin.createPolicy({ customerId: acme.id, name: 'One', backupType: 'EntireOrganization' });
    const seen = t.hub.ctx.events.lastId;
    await t.admin.createPolicy({ customerId: bravo.id, name: 'Two', backupType: 'EntireOrganization' });
    await t.admin.createRestore({ customerId: acme.id, kind: 'mailItem', item: 'Inbox' });
    const stream = await connect('/api/v1/events', { 'last-event-id': String(seen) });
    const missed = await stream.events(2);
    expect(missed.map((e) => [e.id, e.type])).toEqual([
      [seen + 1, 'policy.created'],
      [seen + 2, 'restore.requested'],
    ]);
    await t.admin.updateMonitoringSettings({ staleAfterHours: 36 });
    expect((await stream.events(1)).map((e) => [e.id, e.type])).toEqual([[seen + 3, 'settings.monitoring.updated']]);
    await stream.close();
    // ?lastEventId= does the same for clients that cannot set headers.
    const again = await connect(`/api/v1/events?lastEventId=${seen + 1}`);
    expect((await again.events(2)).map((e) => e.id)).toEqual([seen + 2, seen + 3]);
    await again.close();
  });

  it('filters by type (exact or prefix.*) and by customer', async () => {
    await world();
    const stream = await connect('/api/v1/events?types=restore.*,policy.deleted&customerId=cus_acme');
    await t.admin.createRestore({ customerId: bravo.id, kind: 'mailItem', item: 'Inbox' });
    const policy = await t.admin.createPolicy({ customerId: acme.id, name: 'Mail', backupType: 'EntireOrganization' });
    await t.admin.deletePolicy(policy.id);
    await t.admin.createRestore({ customerId: acme.id, kind: 'mailItem', item: 'Inbox', status: 'Success' });
    expect((await stream.events(3)).map((e) => [e.type, e.customerId])).toEqual([
      ['policy.deleted', 'cus_acme'],
      ['restore.requested', 'cus_acme'],
      ['restore.completed', 'cus_acme'],
    ]);
    await stream.close();
  });

  it('sends heartbeat comments on a quiet stream and lets go of a closed one', async () => {
    await world({ SPHUB_SSE_HEARTBEAT_SECONDS: '0.02' });
    const before = listeners();
    const stream = await connect();
    await stream.next();
    expect(await stream.next()).toEqual({ comment: 'heartbeat' });
    expect(listeners()).toBe(before + 1);
    await stream.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(listeners()).toBe(before);
  });

  it('refuses a bad Last-Event-ID or filter with 400 and a missing key with 401', async () => {
    await world();
    expect((await connect('/api/v1/events', { 'last-event-id': 'yesterday' })).response.status).toBe(400);
    expect((await connect('/api/v1/events?types=<script>')).response.status).toBe(400);
    const anonymous = await t.hub.app.request('/api/v1/events');
    expect(anonymous.status).toBe(401);
  });
});
