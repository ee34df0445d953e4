import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidPriorityError, NotFoundError, Scheduler } from '../../src/index.js';
import { drain, scheduler } from './fake-clock.js';

describe('Scheduler ordering', () => {
  it('serves the lowest priority number first by default', () => {
    const { s } = scheduler();
    s.submit('lint', { priority: 3 });
    s.submit('hotfix', { priority: 0 });
    s.submit('build', { priority: 1 });
    s.submit('unit', { priority: 2 });
    expect(drain(s)).toEqual(['hotfix', 'build', 'unit', 'lint']);
  });

  it("serves the highest priority number first with order: 'max'", () => {
    const { s } = scheduler({ order: 'max' });
    s.submit('low', { priority: 1 });
    s.submit('high', { priority: 10 });
    s.submit('mid', { priority: 5 });
    const first = s.take()!;
    expect(first).toMatchObject({ payload: 'high', priority: 10 });
    s.ack(first.id);
    expect(drain(s)).toEqual(['mid', 'low']);
  });

  it('keeps arrival order among equal priorities (FIFO ties), for both orders', () => {
    for (const order of ['min', 'max'] as const) {
      const { s } = scheduler<number>({ order });
      for (let i = 0; i < 200; i++) s.submit(i, { priority: i % 3 });
      const taken = drain(s);
      const byPriority = [0, 1, 2].map((p) => taken.filter((i) => i % 3 === p));
      for (const group of byPriority) expect(group).toEqual([...group].sort((a, b) => a - b));
      expect(taken.map((i) => i % 3)).toEqual(order === 'min' ? [...taken.map((i) => i % 3)].sort() : [...taken.map((i) => i % 3)].sort().reverse());
    }
  });

  it('defaults the priority to 0 and treats -0 as 0', () => {
    const { s } = scheduler();
    s.submit('a');
    s.submit('b', { priority: -0 });
    s.submit('c', { priority: 0 });
    expect(drain(s)).toEqual(['a', 'b', 'c']);
  });

  it('holds a delayed job until the clock reaches its due time', () => {
    const { s, clock } = scheduler();
    const id = s.submit('later', { delay: 100 });
    expect(s.get(id)).toMatchObject({ state: 'delayed', dueAt: 100 });
    expect(s.take()).toBeUndefined();
    expect(s.nextDueIn()).toBe(100);
    clock.advance(99.5);
    expect(s.take()).toBeUndefined();
    expect(s.nextDueIn()).toBe(0.5);
    clock.advance(0.5);
    expect(s.get(id)).toMatchObject({ state: 'waiting', dueAt: undefined });
    expect(s.take()).toMatchObject({ id, payload: 'later', attempt: 1 });
  });

  it('take(now) decides what is due by the time it is given', () => {
    const { s } = scheduler();
    s.submit('x', { delay: 50 });
    expect(s.take(49)).toBeUndefined();
    expect(s.take(50)?.payload).toBe('x');
    expect(() => s.take(Number.NaN)).toThrow(InvalidArgumentError);
  });

  it('orders jobs that became due while nobody looked by due time, ahead of later submits', () => {
    const { s, clock } = scheduler();
    s.submit('due-at-30', { delay: 30 });
    s.submit('due-at-10', { delay: 10 });
    s.submit('due-at-20', { delay: 20 });
    clock.advance(40);
    s.submit('submitted-at-40');
    expect(drain(s)).toEqual(['due-at-10', 'due-at-20', 'due-at-30', 'submitted-at-40']);
  });

  it('breaks ties among equal due times by submission order', () => {
    const { s, clock } = scheduler<number>();
    for (let i = 0; i < 50; i++) s.submit(i, { delay: 5 });
    clock.advance(5);
    expect(drain(s)).toEqual([...Array(50).keys()]);
  });

  it('priority still decides among delayed jobs once they are due', () => {
    const { s, clock } = scheduler();
    s.submit('low', { delay: 10, priority: 5 });
    s.submit('high', { delay: 20, priority: 1 });
    clock.advance(20);
    expect(drain(s)).toEqual(['high', 'low']);
  });

  it('nextDueIn is 0 with a job waiting and undefined with nothing waiting or delayed', () => {
    const { s } = scheduler();
    expect(s.nextDueIn()).toBeUndefined();
    s.submit('x', { delay: 10 });
    s.submit('y');
    expect(s.nextDueIn()).toBe(0);
    const job = s.take()!;
    expect(s.nextDueIn()).toBe(10);
    s.ack(job.id);
    expect(s.nextDueIn(4)).toBe(6);
  });

  describe('reprioritize', () => {
    it('moves a waiting job and keeps its arrival place among its new equals', () => {
      const { s } = scheduler();
      s.submit('a', { priority: 2 });
      const b = s.submit('b', { priority: 5 });
      s.submit('c', { priority: 2 });
      s.reprioritize(b, 2);
      // b arrived between a and c, so among priority 2 it sits between them.
      expect(drain(s)).toEqual(['a', 'b', 'c']);
    });

    it('keeps the arrival place of a job that came in a batch', () => {
      const { s } = scheduler();
      const [x] = s.submitMany([
        { payload: 'x', priority: 1 },
        { payload: 'y', priority: 2 },
        { payload: 'z', priority: 2 },
      ]);
      s.reprioritize(x!, 2);
      expect(drain(s)).toEqual(['x', 'y', 'z']);
    });

    it('applies to a delayed job when it becomes due', () => {
      const { s, clock } = scheduler();
      s.submit('a', { priority: 1 });
      const late = s.submit('late', { priority: 9, delay: 5 });
      s.reprioritize(late, 0);
      expect(s.get(late)?.priority).toBe(0);
      clock.advance(5);
      expect(drain(s)).toEqual(['late', 'a']);
    });

    it('applies to an in-flight job when it is retried', () => {
      const { s } = scheduler({ defaultAttempts: 2, backoff: 0 });
      s.submit('a', { priority: 1 });
      s.submit('b', { priority: 1 });
      const a = s.take()!;
      s.reprioritize(a.id, 0);
      expect(s.fail(a.id, 'flaky')).toBe('waiting');
      expect(s.take()).toMatchObject({ payload: 'a', priority: 0, attempt: 2 });
    });

    it('rejects a bad priority or an unknown id, leaving the job as it was', () => {
      const { s } = scheduler();
      const id = s.submit('a', { priority: 1 });
      expect(() => s.reprioritize(id, Number.NaN)).toThrow(InvalidPriorityError);
      expect(() => s.reprioritize(id, '1' as unknown as number)).toThrow(InvalidPriorityError);
      expect(() => s.reprioritize(999, 1)).toThrow(NotFoundError);
      expect(() => s.reprioritize(999, 1)).toThrow('Scheduler.reprioritize: no job 999 is held');
      expect(s.get(id)?.priority).toBe(1);
    });
  });

  it('uses performance.now() when no clock is given', () => {
    const s = new Scheduler<string>();
    const before = performance.now();
    const id = s.submit('x', { delay: 60_000 });
    const due = s.get(id)!.dueAt!;
    expect(due).toBeGreaterThanOrEqual(before + 60_000);
    expect(due).toBeLessThanOrEqual(performance.now() + 60_000);
    s.dispose();
  });
});
