/**
 * A least-loaded balancer on heap-js, as a user would write it. heap-js cannot re-sift an entry
 * whose key changed (its `remove` is a linear search), so a load change pushes a fresh entry and
 * the old one is skipped when it surfaces (lazy deletion); the heap is rebuilt when stale entries
 * outnumber live ones. Same choice as ours: lowest load, ties to the worker picked least recently.
 */
import { Heap } from 'heap-js';

interface Slot<W> {
  readonly worker: W;
  load: number;
  stamp: number;
  /** Bumped on every change; an entry with an older version is stale. */
  version: number;
}

interface Entry<W> {
  readonly slot: Slot<W>;
  readonly load: number;
  readonly stamp: number;
  readonly version: number;
}

export interface HeapLease<W> {
  readonly worker: W;
  readonly slot: Slot<W>;
  released: boolean;
}

export class HeapBalancer<W> {
  readonly #heap = new Heap<Entry<W>>((a, b) => a.load - b.load || a.stamp - b.stamp);
  readonly #slots: Slot<W>[] = [];
  #tick = 0;

  add(worker: W): void {
    const slot: Slot<W> = { worker, load: 0, stamp: ++this.#tick, version: 0 };
    this.#slots.push(slot);
    this.#enter(slot);
  }

  acquire(): HeapLease<W> | undefined {
    let top = this.#heap.pop();
    while (top !== undefined && top.version !== top.slot.version) top = this.#heap.pop();
    if (top === undefined) return undefined;
    const slot = top.slot;
    slot.load++;
    slot.stamp = ++this.#tick;
    this.#enter(slot);
    return { worker: slot.worker, slot, released: false };
  }

  release(lease: HeapLease<W>): void {
    if (lease.released) throw new Error('HeapBalancer.release: released twice');
    lease.released = true;
    lease.slot.load--;
    this.#enter(lease.slot);
  }

  #enter(slot: Slot<W>): void {
    slot.version++;
    this.#heap.add({ slot, load: slot.load, stamp: slot.stamp, version: slot.version });
    if (this.#heap.length > 2 * this.#slots.length + 64) {
      this.#heap.init(this.#slots.map((s) => ({ slot: s, load: s.load, stamp: s.stamp, version: s.version })));
    }
  }
}
