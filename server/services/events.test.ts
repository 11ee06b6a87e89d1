import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY, FakeClock, HOUR } from '../../shared/domain/clock.js';
import type { DomainEvent } from '../../shared/schemas/events.js';
import { AppendLog } from '../store/append-log.js';
import { EventBus, RecentEvents } from './events.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function logDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sphub-events-'));
  dirs.push(dir);
  return dir;
}
const ids = (events: readonly DomainEvent[]) => events.map((e) => e.id);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('the event bus keeps only the most recent events in memory', () => {
  it('stays at its bound however many events are emitted, and a resume from an old id still gets every later event in order', async () => {
    const clock = new FakeClock();
    const bus = new EventBus(new AppendLog(await logDir()), clock, 50);
    for (let i = 0; i < 500; i++) {
      await bus.emit({ type: 'test.happened', data: { i } });
      if (i % 100 === 99) clock.advance(HOUR);
    }
    expect(bus.inMemoryCount).toBe(50);
    expect(ids(await bus.since(0))).toEqual(range(1, 500));
    expect(ids(await bus.since(120))).toEqual(range(121, 500));
    // From memory alone when it reaches back far enough.
    expect(ids(await bus.since(470))).toEqual(range(471, 500));
    expect(await bus.since(500)).toEqual([]);
    expect((await bus.since(449))[0]).toMatchObject({ id: 450, type: 'test.happened', data: { i: 449 } });
  });

  it('resumes across a restart from the log, keeping only the newest in memory, and numbering on', async () => {
    const dir = await logDir();
    const clock = new FakeClock();
    const first = new EventBus(new AppendLog(dir), clock, 20);
    for (let i = 0; i < 100; i++) await first.emit({ type: 'test.happened' });

    const second = new EventBus(new AppendLog(dir), clock, 20);
    await second.load();
    expect(second.inMemoryCount).toBe(20);
    expect(second.lastId).toBe(100);
    expect(ids(await second.since(10))).toEqual(range(11, 100));
    expect((await second.emit({ type: 'test.happened' })).id).toBe(101);
  });

  it('resumes from a day holding more events than a function call takes arguments', async () => {
    const clock = new FakeClock();
    const log = new AppendLog(null);
    const day = clock.now().toISOString();
    for (let from = 1; from <= 200_000; from += 10_000) {
      await log.append(
        `events/${day.slice(0, 10)}.jsonl`,
        range(from, from + 9_999).map((id) => ({ id, type: 'test.happened', at: day, data: {} })),
      );
    }
    const bus = new EventBus(log, clock, 10);
    await bus.load();
    expect(bus.inMemoryCount).toBe(10);
    const resumed = await bus.since(0);
    expect(resumed).toHaveLength(200_000);
    expect(resumed.at(-1)!.id).toBe(200_000);
  });

  it('answers nothing older than two days, from memory or from the log', async () => {
    const clock = new FakeClock();
    const bus = new EventBus(new AppendLog(await logDir()), clock, 5);
    for (let i = 0; i < 10; i++) await bus.emit({ type: 'old' });
    clock.advance(3 * DAY);
    for (let i = 0; i < 10; i++) await bus.emit({ type: 'new' });
    expect((await bus.since(0)).map((e) => e.type)).toEqual(Array(10).fill('new'));
    const small = new EventBus(new AppendLog(null), clock, 100);
    await small.emit({ type: 'old' });
    clock.advance(3 * DAY);
    expect(await small.since(0)).toEqual([]);
  });
});

describe('RecentEvents', () => {
  const event = (id: number): DomainEvent => ({ id, type: 't', at: '2026-11-24T09:00:00.000Z', data: {} });

  it('holds at most its capacity, oldest first, and says when it reaches back far enough', () => {
    const ring = new RecentEvents(3);
    for (const id of [1, 2]) ring.push(event(id));
    expect(ring.holdsAfter(0)).toBe(true);
    for (const id of [3, 4, 5]) ring.push(event(id));
    expect(ring.size).toBe(3);
    expect(ids(ring.after(0))).toEqual([3, 4, 5]);
    expect(ids(ring.after(3))).toEqual([4, 5]);
    expect(ring.holdsAfter(1)).toBe(false);
    expect(ring.holdsAfter(2)).toBe(true);
    expect(() => new RecentEvents(0)).toThrow('positive whole number');
  });
});

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
    expect(await bus.since(0)).toEqual([event]);
  });
});
