import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../shared/domain/clock.js';
import { AppendLog } from '../store/append-log.js';
import { EventBus } from './events.js';

/** An in-memory AppendLog that notes when each append is done. */
class NotingLog extends AppendLog {
  readonly done: string[] = [];
  constructor() {
    super(null);
  }
  override async append(file: string, records: readonly unknown[]): Promise<void> {
    await super.append(file, records);
    this.done.push(file.startsWith('events/') ? 'event stored' : `${file} stored`);
  }
}

describe('EventBus', () => {
  it('makes the history lines an event carries durable before the event is stored or heard', async () => {
    const logs = new NotingLog();
    const bus = new EventBus(logs, new FakeClock('2026-11-25T09:00:00.000Z'));
    bus.subscribe(() => logs.done.push('event heard'));
    const event = await bus.emit({ type: 'session.started', subject: { type: 'policy', id: 'pol_1' } }, [
      { file: 'sessions/pol_1.jsonl', records: [{ k: 's', id: 'ses_1.pol_1' }] },
      { file: 'audit/2026-11.jsonl', records: [{ id: 'aud_1' }] },
    ]);
    expect(logs.done.slice(0, 2).sort()).toEqual(['audit/2026-11.jsonl stored', 'sessions/pol_1.jsonl stored']);
    expect(logs.done.slice(2)).toEqual(['event stored', 'event heard']);
    expect(await logs.read('sessions/pol_1.jsonl')).toEqual([{ k: 's', id: 'ses_1.pol_1' }]);
    expect(bus.since(0)).toEqual([event]);
  });
});
