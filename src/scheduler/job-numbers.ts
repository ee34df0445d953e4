import type { Handle } from '../structures/handle.js';

/** Numbers kept per slot: `time`, `handle`, `submittedAt`, next to each other in one cache line. */
const STRIDE = 3;
const TIME = 0;
const HANDLE = 1;
const SUBMITTED_AT = 2;

/** Slots made room for at first; the array doubles as needed. */
const INITIAL_SLOTS = 64;

interface Slotted {
  readonly slot: number;
}

/**
 * The numbers of each job held that are not small integers: its time, its handle and when it was
 * submitted, in one typed array indexed by the job's slot. As fields of the job record each of
 * them is a boxed number (a 16-byte object of its own beside the 8-byte field): together they
 * were a quarter of a job's memory, and allocating and tracing them a large part of the cost of
 * submitting a million jobs. Slots of jobs that left are reused, most recent first.
 */
export class JobNumbers {
  #numbers = new Float64Array(STRIDE * INITIAL_SLOTS);
  /** Slots handed out so far: every slot below it is held or in `#free`. */
  #used = 0;
  readonly #free: number[] = [];

  /** A slot for a new job. */
  take(): number {
    if (this.#free.length > 0) return this.#free.pop()!;
    const slot = this.#used++;
    if (STRIDE * this.#used > this.#numbers.length) {
      const grown = new Float64Array(2 * this.#numbers.length);
      grown.set(this.#numbers);
      this.#numbers = grown;
    }
    return slot;
  }

  /** The job left: its slot is free for another. Once no job holds one, the memory starts over. */
  release(job: Slotted): void {
    this.#free.push(job.slot);
    if (this.#free.length === this.#used) this.clear();
  }

  clear(): void {
    this.#used = 0;
    this.#free.length = 0;
    if (this.#numbers.length > STRIDE * INITIAL_SLOTS) this.#numbers = new Float64Array(STRIDE * INITIAL_SLOTS);
  }

  /** Waiting: when it became due. Delayed: when it falls due. In flight: when the attempt started. */
  time(job: Slotted): number {
    return this.#numbers[STRIDE * job.slot + TIME]!;
  }

  setTime(job: Slotted, time: number): void {
    this.#numbers[STRIDE * job.slot + TIME] = time;
  }

  /** Where it sits in its tenant's line (waiting) or in the delay queue (delayed). */
  handle(job: Slotted): Handle {
    return this.#numbers[STRIDE * job.slot + HANDLE] as Handle;
  }

  setHandle(job: Slotted, handle: Handle): void {
    this.#numbers[STRIDE * job.slot + HANDLE] = handle;
  }

  submittedAt(job: Slotted): number {
    return this.#numbers[STRIDE * job.slot + SUBMITTED_AT]!;
  }

  setSubmittedAt(job: Slotted, time: number): void {
    this.#numbers[STRIDE * job.slot + SUBMITTED_AT] = time;
  }
}
