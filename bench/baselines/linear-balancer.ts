/**
 * The least-loaded balancer most code starts with: an array of workers scanned on every acquire.
 * Same choice as ours: the lowest load, ties to the worker picked least recently.
 */
interface Slot<W> {
  readonly worker: W;
  load: number;
  /** When it was last picked (its add order before that): the tie-break. */
  stamp: number;
}

export interface LinearLease<W> {
  readonly worker: W;
  readonly slot: Slot<W>;
  released: boolean;
}

export class LinearBalancer<W> {
  readonly #slots: Slot<W>[] = [];
  #tick = 0;

  add(worker: W): void {
    this.#slots.push({ worker, load: 0, stamp: ++this.#tick });
  }

  acquire(): LinearLease<W> | undefined {
    const slots = this.#slots;
    if (slots.length === 0) return undefined;
    let best = slots[0]!;
    for (let i = 1; i < slots.length; i++) {
      const slot = slots[i]!;
      if (slot.load < best.load || (slot.load === best.load && slot.stamp < best.stamp)) best = slot;
    }
    best.load++;
    best.stamp = ++this.#tick;
    return { worker: best.worker, slot: best, released: false };
  }

  release(lease: LinearLease<W>): void {
    if (lease.released) throw new Error('LinearBalancer.release: released twice');
    lease.released = true;
    lease.slot.load--;
  }
}
