import { describe, expect, it } from 'vitest';
import { Arena, Scheduler, StateError } from '../../src/index.js';
import { drain, scheduler } from './fake-clock.js';

describe('Scheduler.shrink', () => {
  it('gives back the core memory a drained burst left behind', () => {
    const arena = new Arena();
    const { s, clock } = scheduler<number>({ arena });
    s.submit(0);
    drain(s);
    const baseline = arena.bytesInUse;
    for (let i = 0; i < 50_000; i++) s.submit(i, { priority: i % 7, tenant: i % 2 ? 'a' : 'b', delay: i % 10 === 0 ? 5 : 0 });
    clock.advance(5);
    expect(drain(s)).toHaveLength(50_000);
    const afterBurst = arena.bytesInUse;
    expect(afterBurst).toBeGreaterThan(baseline + 50_000 * 8);
    s.shrink();
    arena.shrink();
    // What stays is the arena's handle table: 8 bytes for every handle that was live at once, kept
    // so that every old handle stays stale (its generation is remembered).
    expect(arena.bytesInUse - baseline).toBeLessThanOrEqual(50_000 * 8 + 1024);
    expect(afterBurst - arena.bytesInUse).toBeGreaterThan(50_000 * 16);
    // and it works on as before
    s.submit(2, { priority: 2 });
    s.submit(1, { priority: 1 });
    expect(drain(s)).toEqual([1, 2]);
    s.dispose();
  });

  it('keeps every job it holds, in every state, in order', () => {
    const { s, clock } = scheduler<string>({ defaultAttempts: 1 });
    for (let i = 0; i < 3000; i++) s.submit(`burst ${i}`);
    drain(s);
    const inFlight = s.submit('running', { priority: 0 });
    expect(s.take()?.id).toBe(inFlight);
    const dead = s.submit('dead', { priority: 0 });
    s.fail(s.take()!.id, new Error('no'));
    s.submit('later', { delay: 10 });
    s.submit('second', { priority: 2 });
    s.submit('first', { priority: 1 });
    const before = s.stats();
    s.shrink();
    expect(s.stats()).toEqual(before);
    expect(s.get(inFlight)?.state).toBe('in-flight');
    expect(s.deadLetters().map((d) => d.id)).toEqual([dead]);
    expect(drain(s)).toEqual(['first', 'second']);
    clock.advance(10);
    expect(drain(s)).toEqual(['later']);
    s.ack(inFlight);
    expect(s.stats()).toMatchObject({ waiting: 0, delayed: 0, inFlight: 0, dead: 1 });
  });

  it('throws StateError once disposed', () => {
    const { s } = scheduler();
    s.dispose();
    expect(() => s.shrink()).toThrow(StateError);
  });
});

describe('memory that follows the jobs held, not the operations', () => {
  it('one tenant whose line empties with every job takes no handle per job', () => {
    // Every handle an arena issues counts against its lifetime (docs/reliability.md, row 23), and a
    // slot reused 32,767 times is retired for a fresh one: a handle per job showed as new slots.
    const arena = new Arena();
    const s = new Scheduler<number>({ arena, clock: () => 0 });
    const slots = () => (arena as unknown as { payloads: unknown[] }).payloads.length;
    s.submit(0);
    s.ack(s.take()!.id);
    const before = slots();
    for (let i = 0; i < 70_000; i++) {
      s.submit(i);
      s.ack(s.take()!.id);
    }
    expect(slots()).toBe(before);
  });

  it('cancels and reprioritizes behind a job that keeps waiting do not grow its line', () => {
    // The oldest job of priority 5 is never served (paused): entries that cancels and
    // reprioritizes leave behind in its level are dropped as they pile up, not when it is served.
    const arena = new Arena();
    const s = new Scheduler<number>({ arena, clock: () => 0 });
    s.submit(0, { priority: 5 });
    s.submit(1, { priority: 6 });
    const moving = s.submit(2, { priority: 6 });
    s.pause();
    const churn = () => {
      for (let i = 0; i < 20_000; i++) {
        s.cancel(s.submit(i, { priority: 5 }));
        s.reprioritize(moving, i % 2 === 0 ? 5 : 6);
      }
    };
    churn();
    const settled = arena.bytesInUse;
    churn();
    churn();
    expect(arena.bytesInUse).toBeLessThanOrEqual(settled);
    s.resume();
    // every job held comes out once, by (priority, arrival): the moving job went back to 6 last
    expect([s.take()!.payload, s.take()!.payload, s.take()!.payload, s.take()]).toEqual([0, 1, 2, undefined]);
  });
});
