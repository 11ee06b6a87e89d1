import { describe, expect, it } from 'vitest';
import { MinHeap } from './min-heap.js';
import { seededRandom } from './random.js';

describe('MinHeap', () => {
  it('gives items back least first, however they were put in, kept or dropped', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 50; round++) {
      const heap = new MinHeap<number>((a, b) => a - b);
      const expected: number[] = [];
      const count = Math.floor(random() * 200);
      const bulk = random() < 0.5;
      for (let i = 0; i < count; i++) {
        const value = Math.floor(random() * 100);
        expected.push(value);
        if (bulk) heap.add(value);
        else heap.push(value);
      }
      if (bulk) heap.heapify();
      if (random() < 0.3) {
        heap.retain((v) => v % 3 !== 0);
        expected.splice(0, expected.length, ...expected.filter((v) => v % 3 !== 0));
      }
      expected.sort((a, b) => a - b);
      expect(heap.size).toBe(expected.length);
      const out: number[] = [];
      while (heap.size > 0) {
        expect(heap.peek()).toBe(expected[out.length]);
        out.push(heap.pop()!);
      }
      expect(out).toEqual(expected);
      expect(heap.pop()).toBeUndefined();
    }
  });
});
