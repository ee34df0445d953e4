/**
 * A bounded history in a plain array, as one is usually written: push drops the oldest entry past
 * the limit, rollback drops the newest and returns the one that is current again.
 */
export class ArrayHistory<T> {
  readonly #entries: T[] = [];
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get current(): T | undefined {
    return this.#entries[this.#entries.length - 1];
  }

  push(entry: T): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.#limit) this.#entries.shift();
  }

  rollback(): T {
    if (this.#entries.length < 2) throw new Error('ArrayHistory.rollback: nothing to roll back to');
    this.#entries.pop();
    return this.#entries[this.#entries.length - 1]!;
  }
}
