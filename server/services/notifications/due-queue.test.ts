import { describe, expect, it } from 'vitest';
import { DueQueue } from './due-queue.js';

describe('due queue', () => {
  it('gives each destination its earliest message, destinations earliest first, ties in arrival order', () => {
    const queue = new DueQueue();
    queue.set('m3', 'b', 300);
    queue.set('m1', 'a', 100);
    queue.set('m2', 'a', 100);
    queue.set('m0', 'a', 50);
    queue.set('m4', 'c', 100);
    expect(queue.heads().map((h) => [h.group, h.id])).toEqual([
      ['a', 'm0'],
      ['c', 'm4'],
      ['b', 'm3'],
    ]);
    queue.delete('m0');
    expect(queue.head('a')?.id).toBe('m1'); // m1 became due before m2 at the same time
    expect(queue.size).toBe(4);
  });

  it('moves a message to its new time and forgets removed ones and empty destinations', () => {
    const queue = new DueQueue();
    queue.set('m1', 'a', 100);
    queue.set('m2', 'a', 200);
    queue.set('m1', 'a', 500); // retried later
    expect(queue.head('a')).toMatchObject({ id: 'm2', at: 200 });
    queue.delete('m2');
    expect(queue.head('a')).toMatchObject({ id: 'm1', at: 500 });
    queue.delete('m1');
    expect(queue.head('a')).toBeNull();
    expect(queue.heads()).toEqual([]);
    expect(queue.has('m1')).toBe(false);
  });

  it('keeps a large queue in order', () => {
    const queue = new DueQueue();
    const times = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    times.forEach((at, i) => queue.set(`m${i}`, 'a', at));
    const seen: number[] = [];
    for (let head = queue.head('a'); head; head = queue.head('a')) {
      seen.push(head.at);
      queue.delete(head.id);
    }
    expect(seen).toEqual([...times].sort((a, b) => a - b));
  });
});
