/**
 * Jobs under ids that only ever arrive in increasing order, in two typed arrays kept sorted by id:
 * appended at the end, found by a search that alternates interpolation and bisection (two or three
 * probes when the ids are spread evenly, log2(n) at worst), removed by marking (row -1), with the
 * marks at the front dropped as they appear and the arrays compacted in place when they are full
 * while at most half their slots are held.
 * Nothing is allocated per job and the GC has nothing to trace.
 *
 * JobTable keeps here the jobs it moves out of its array: jobs held far longer than the rest. They
 * tend to leave in about the order they came (a low priority served FIFO, delays of one length),
 * so the searches walk the arrays from front to back. Measured (bench/micro-scheduler/profile.ts
 * hold 1e5: a scheduler holding 100,000 jobs of priorities 0-9, whose lowest waits about a million
 * steps, submit + take + ack): 533-677 ns a job with a Map here (its growth and the collections it
 * caused), 504-553 with a hash table over typed arrays (a hash scatters ids that arrived together,
 * so every lookup missed), 484-548 with this, 458-494 keeping every job in the array (which then
 * spans ten ids per job held); no difference at a million jobs, where few jobs wait that long.
 */
const MIN_SLOTS = 16;
const GONE = -1;

export class OrderedIds {
  #ids = new Float64Array(MIN_SLOTS);
  #rows = new Int32Array(MIN_SLOTS);
  /** Entries `#start .. #end - 1` are in use (held, or marked GONE); `#start`'s is held. */
  #start = 0;
  #end = 0;
  #size = 0;
  #last = 0;

  get size(): number {
    return this.#size;
  }

  /** Entries the arrays have room for (what the table takes: 12 bytes each). */
  get slots(): number {
    return this.#ids.length;
  }

  /** The highest id added since the table was made or cleared (0 before any): a new one must be above it. */
  get last(): number {
    return this.#last;
  }

  /** The row held under `id`, or -1. */
  get(id: number): number {
    const at = this.#find(id);
    return at < 0 ? GONE : this.#rows[at]!;
  }

  /** Adds `id`, above every id added before (`last`), with `row` (0 .. 2^31 - 1). */
  add(id: number, row: number): void {
    if (this.#end === this.#ids.length) this.#makeRoom();
    this.#ids[this.#end] = id;
    this.#rows[this.#end++] = row;
    this.#size++;
    this.#last = id;
  }

  /** Removes `id` if it is held with `row`; false otherwise. */
  delete(id: number, row: number): boolean {
    const at = this.#find(id);
    if (at < 0 || this.#rows[at] !== row) return false;
    this.#rows[at] = GONE;
    if (--this.#size === 0) {
      this.#start = this.#end = 0;
    } else if (at === this.#start) {
      let start = at + 1;
      while (this.#rows[start] === GONE) start++;
      this.#start = start;
    }
    return true;
  }

  /** The rows held, in id order. */
  *rows(): IterableIterator<number> {
    for (let i = this.#start; i < this.#end; i++) if (this.#rows[i] !== GONE) yield this.#rows[i]!;
  }

  clear(): void {
    this.#ids = new Float64Array(MIN_SLOTS);
    this.#rows = new Int32Array(MIN_SLOTS);
    this.#start = this.#end = this.#size = this.#last = 0;
  }

  /** Compacts, and gives back the slots beyond twice what the held ids need. */
  shrink(): void {
    this.#compact();
    let slots = MIN_SLOTS;
    while (slots < this.#size * 2) slots *= 2;
    if (slots < this.#ids.length) this.#resize(slots);
  }

  /** The index of `id`'s entry if it is held, else -1. */
  #find(id: number): number {
    const ids = this.#ids;
    let low = this.#start;
    let high = this.#end - 1;
    if (this.#size === 0) return -1;
    for (let interpolate = true; low <= high; interpolate = !interpolate) {
      const lowId = ids[low]!;
      const highId = ids[high]!;
      if (id < lowId || id > highId) return -1;
      const span = highId - lowId;
      const mid = interpolate && span > 0 ? low + Math.floor(((id - lowId) / span) * (high - low)) : (low + high) >>> 1;
      const midId = ids[mid]!;
      if (midId === id) return this.#rows[mid] === GONE ? -1 : mid;
      if (midId < id) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  /**
   * Room for one more at the end: compacted in place while at most half the slots are held, grown
   * only past that. Ids leaving in about the order they came leave no marks behind `#start` but
   * the slots before it; compacting only once marks outnumbered the held doubled the arrays at
   * every fill under a steady load (6 MB after 6 million jobs holding 2,000).
   */
  #makeRoom(): void {
    if (this.#size <= this.#ids.length >> 1) this.#compact();
    else this.#resize(this.#ids.length * 2);
  }

  #compact(): void {
    const ids = this.#ids;
    const rows = this.#rows;
    let to = 0;
    for (let i = this.#start; i < this.#end; i++) {
      if (rows[i] === GONE) continue;
      ids[to] = ids[i]!;
      rows[to++] = rows[i]!;
    }
    this.#start = 0;
    this.#end = to;
  }

  #resize(slots: number): void {
    const ids = new Float64Array(slots);
    const rows = new Int32Array(slots);
    ids.set(this.#ids.subarray(this.#start, this.#end));
    rows.set(this.#rows.subarray(this.#start, this.#end));
    this.#end -= this.#start;
    this.#start = 0;
    this.#ids = ids;
    this.#rows = rows;
  }
}
