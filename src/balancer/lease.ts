import type { Member, WorkerId } from './member.js';

/**
 * One acquired share of a worker, returned by `Balancer.acquire`: hand it back with
 * `release(lease)` when the task is done. A lease is released once; its fields never change.
 */
export class Lease<W> {
  /** The worker that took the task. */
  readonly worker: W;
  /** That worker's id. */
  readonly id: WorkerId;
  /** The load this lease adds to the worker until it is released. */
  readonly cost: number;
  readonly #owner: object;
  readonly #member: Member<W>;
  #released = false;

  /** @internal Only a balancer issues leases. */
  constructor(owner: object, member: Member<W>, cost: number) {
    this.worker = member.worker;
    this.id = member.id;
    this.cost = cost;
    this.#owner = owner;
    this.#member = member;
  }

  /** Whether the lease was released already. */
  get released(): boolean {
    return this.#released;
  }

  /**
   * Ends `lease` for `owner` and returns its member; 'foreign' when it is no lease of `owner`,
   * 'released' when it ended before (both leave everything as it was).
   * @internal
   */
  static close<W>(lease: unknown, owner: object): Member<W> | 'foreign' | 'released' {
    if (typeof lease !== 'object' || lease === null || !(#owner in lease) || lease.#owner !== owner) return 'foreign';
    if (lease.#released) return 'released';
    lease.#released = true;
    return lease.#member as unknown as Member<W>;
  }

  get [Symbol.toStringTag](): string {
    return 'Lease';
  }
}
