import { Scheduler, type SchedulerOptions } from '../../src/index.js';

/** A clock the test moves by hand: `clock.now` is what the scheduler reads. */
export class FakeClock {
  now = 0;
  readonly read = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

/** A scheduler on a fresh fake clock. */
export function scheduler<T = string>(options: Omit<SchedulerOptions, 'clock'> = {}): { s: Scheduler<T>; clock: FakeClock } {
  const clock = new FakeClock();
  return { s: new Scheduler<T>({ ...options, clock: clock.read }), clock };
}

/** Takes every due job (acking each) and returns their payloads in take order. */
export function drain<T>(s: Scheduler<T>): T[] {
  const out: T[] = [];
  for (let job = s.take(); job; job = s.take()) {
    out.push(job.payload);
    s.ack(job.id);
  }
  return out;
}
