/** A `once` listener's wrapper, which knows the listener it stands for (so `off` finds it). */
interface OnceListener<E> {
  (event: E): void;
  listener?: (event: E) => void;
}

/**
 * Listeners keyed by event name, with delivery deferred until the emitter's change is complete.
 *
 * Why deferred: a listener may call back into the scheduler (submit a follow-up job, requeue a dead
 * one). If it ran in the middle of `fail`, it would see half-moved state. So changes only queue
 * their events, and the public call delivers them as its last step. A call made by a listener
 * queues its own events behind the ones being delivered, so every listener sees events in the order
 * the changes happened.
 */
export class DeferredEvents<Events extends object> {
  // Copy-on-write arrays: `on`/`off` inside a listener do not disturb a delivery in progress.
  #listeners: { [K in keyof Events]?: ReadonlyArray<(event: Events[K]) => void> } = {};
  #pending: { name: keyof Events; event: unknown }[] = [];
  #delivering = false;

  /** Whether anyone listens to `name`: lets the emitter skip building an event nobody reads. */
  has(name: keyof Events): boolean {
    return this.#listeners[name] !== undefined;
  }

  on<K extends keyof Events>(name: K, listener: (event: Events[K]) => void): void {
    this.#listeners[name] = [...(this.#listeners[name] ?? []), listener];
  }

  /** Listens for the next `name` event only; `off` with the same listener removes it before then. */
  once<K extends keyof Events>(name: K, listener: (event: Events[K]) => void): void {
    const wrapper: OnceListener<Events[K]> = (event) => {
      this.off(name, wrapper);
      listener(event);
    };
    wrapper.listener = listener;
    this.on(name, wrapper);
  }

  off<K extends keyof Events>(name: K, listener: (event: Events[K]) => void): void {
    const list = this.#listeners[name];
    if (!list) return;
    const index = list.findIndex((l) => l === listener || (l as OnceListener<Events[K]>).listener === listener);
    if (index < 0) return;
    const rest = list.filter((_, i) => i !== index);
    if (rest.length) this.#listeners[name] = rest;
    else delete this.#listeners[name];
  }

  /** Whether events are queued and not yet delivered. */
  get pending(): boolean {
    return this.#pending.length > 0;
  }

  /** Whether listeners are running now (a call they make finds its events delivered by this run). */
  get delivering(): boolean {
    return this.#delivering;
  }

  /** Queues an event for the next `deliver`. */
  queue<K extends keyof Events>(name: K, event: Events[K]): void {
    if (this.#listeners[name]) this.#pending.push({ name, event });
  }

  /**
   * Runs the listeners of every queued event, in order. A listener that throws does not stop the
   * others; the first error is rethrown once all are delivered (the change itself is complete).
   */
  deliver(): void {
    if (this.#delivering || this.#pending.length === 0) return;
    this.#delivering = true;
    let failed = false;
    let error: unknown;
    try {
      // Listeners may queue more events while this runs; the loop picks them up.
      for (let i = 0; i < this.#pending.length; i++) {
        const { name, event } = this.#pending[i]!;
        for (const listener of this.#listeners[name] ?? []) {
          try {
            listener(event as Events[typeof name]);
          } catch (err) {
            if (!failed) error = err;
            failed = true;
          }
        }
      }
    } finally {
      this.#pending = [];
      this.#delivering = false;
    }
    if (failed) throw error;
  }

  /** Drops listeners and undelivered events. */
  clear(): void {
    this.#listeners = {};
    this.#pending = [];
  }
}
