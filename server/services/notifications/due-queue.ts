import { MinHeap } from '../../../shared/domain/min-heap.js';

/**
 * The messages waiting to go out (pending, or retrying later), grouped by destination, each group
 * earliest first. The dispatcher asks only for the head of each group: a destination's messages
 * share its pace, so the rest of a group cannot go before its head. This keeps a pass over the
 * outbox proportional to the number of destinations, not to the number of waiting messages.
 *
 * Each group is a binary heap of (due time, arrival): messages due at the same moment go in the
 * order they became due. Changing or removing a message leaves its old heap entry behind; entries
 * that no longer match are dropped when they come to the top.
 */
export class DueQueue {
  private readonly dueAt = new Map<string, Entry & { group: string }>();
  private readonly groups = new Map<string, MinHeap<Entry>>();
  private arrivals = 0;

  get size(): number {
    return this.dueAt.size;
  }

  has(id: string): boolean {
    return this.dueAt.has(id);
  }

  /** Adds the message, or moves it to a new due time. */
  set(id: string, group: string, at: number): void {
    const current = this.dueAt.get(id);
    if (current && current.at === at && current.group === group) return;
    const entry = { at, seq: current?.seq ?? ++this.arrivals, id };
    this.dueAt.set(id, { ...entry, group });
    let heap = this.groups.get(group);
    if (!heap) this.groups.set(group, (heap = new MinHeap<Entry>(compareDue)));
    heap.push(entry);
  }

  delete(id: string): void {
    this.dueAt.delete(id);
  }

  /** The earliest message of a group (null when the group has none left). */
  head(group: string): Entry | null {
    const heap = this.groups.get(group);
    if (!heap) return null;
    for (;;) {
      const top = heap.peek();
      if (!top) {
        this.groups.delete(group);
        return null;
      }
      const current = this.dueAt.get(top.id);
      if (current && current.at === top.at && current.seq === top.seq && current.group === group) return top;
      heap.pop();
    }
  }

  /** Every group with its earliest message, earliest first. */
  heads(): (Entry & { group: string })[] {
    const out: (Entry & { group: string })[] = [];
    for (const group of [...this.groups.keys()]) {
      const top = this.head(group);
      if (top) out.push({ group, ...top });
    }
    return out.sort(compareDue);
  }
}

interface Entry {
  id: string;
  at: number;
  /** When it became due, for ties. */
  seq: number;
}

function compareDue(a: Entry, b: Entry): number {
  return a.at - b.at || a.seq - b.seq;
}
