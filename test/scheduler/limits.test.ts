import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CapacityError, InvalidArgumentError, Scheduler, StateError } from '../../src/index.js';
import { drain, scheduler } from './fake-clock.js';

/** Everything a caller can observe, to show a refused call changed nothing. */
function observe(s: Scheduler<string>) {
  return { stats: s.stats(), dead: s.deadLetters(), due: s.nextDueIn() };
}

describe('Scheduler hard limits', () => {
  describe('maxDelayed', () => {
    it('refuses delayed jobs past it with CapacityError (trySubmit: false), changing nothing', () => {
      const { s } = scheduler({ maxDelayed: 2 });
      s.submit('a', { delay: 10 });
      s.submit('b', { delay: 20 });
      const before = observe(s);
      expect(() => s.submit('c', { delay: 5 })).toThrow(CapacityError);
      expect(() => s.submit('c', { delay: 5 })).toThrow('Scheduler.submit: maxDelayed (2) exceeded: 2 jobs delayed, 1 more asked for');
      expect(s.trySubmit('c', { delay: 5 })).toBe(false);
      expect(observe(s)).toEqual(before);
      // Jobs due at once are not delayed: they still get in.
      expect(s.trySubmit('now')).toBe(3);
      expect(s.maxDelayed).toBe(2);
    });

    it('makes room when a delayed job becomes due, is cancelled or is taken', () => {
      const { s, clock } = scheduler({ maxDelayed: 1 });
      const a = s.submit('a', { delay: 10 });
      expect(s.trySubmit('b', { delay: 1 })).toBe(false);
      clock.advance(10);
      // 'a' is due now (moved at this call), so there is room again.
      expect(s.trySubmit('b', { delay: 1 })).not.toBe(false);
      expect(s.get(a)?.state).toBe('waiting');
      expect(s.trySubmit('c', { delay: 1 })).toBe(false);
      s.cancel(s.trySubmit('x') as number);
      expect(s.cancel(2)).toBe(true);
      expect(s.trySubmit('c', { delay: 1 })).not.toBe(false);
    });

    it('submitMany and requeue count delayed entries; all or nothing', () => {
      const { s } = scheduler({ maxDelayed: 2, defaultAttempts: 1 });
      s.submit('held', { delay: 5 });
      const before = observe(s);
      expect(() => s.submitMany([{ payload: 'x' }, { payload: 'y', delay: 1 }, { payload: 'z', delay: 1 }])).toThrow('Scheduler.submitMany: maxDelayed (2) exceeded: 1 jobs delayed, 2 more asked for');
      expect(observe(s)).toEqual(before);
      expect(s.submitMany([{ payload: 'x' }, { payload: 'y', delay: 1 }])).toHaveLength(2);
      const dead = s.submit('dead');
      for (let job = s.take()!; job.id !== dead; job = s.take()!) s.ack(job.id);
      s.fail(dead, 'boom');
      expect(() => s.requeue(dead, { delay: 5 })).toThrow('Scheduler.requeue: maxDelayed (2) exceeded');
      expect(s.get(dead)?.state).toBe('dead');
      s.requeue(dead);
      expect(s.get(dead)?.state).toBe('waiting');
    });

    it('never refuses a retry: an accepted job is never lost for a limit', () => {
      const { s } = scheduler({ maxDelayed: 1, defaultAttempts: 2, backoff: 50 });
      s.submit('waits', { delay: 100 });
      const a = s.submit('a');
      const b = s.submit('b');
      s.take();
      s.take();
      expect(s.fail(a, 'x')).toBe('delayed');
      expect(s.fail(b, 'x')).toBe('delayed');
      // Past maxDelayed by the jobs that were in flight, never more.
      expect(s.stats().delayed).toBe(3);
      expect(s.trySubmit('c', { delay: 1 })).toBe(false);
    });

    it('validates the option', () => {
      for (const bad of [0, 1.5, -1, Number.NaN, '3']) {
        expect(() => new Scheduler({ maxDelayed: bad as number })).toThrow(`Scheduler: expected \`maxDelayed\` to be an integer >= 1, got ${typeof bad === 'string' ? `"${bad}"` : bad}`);
      }
      expect(new Scheduler().maxDelayed).toBe(Infinity);
    });
  });

  describe('tenant capacity', () => {
    it('refuses a flooding tenant at its cap while other tenants still get in', () => {
      const { s } = scheduler<number>({ tenantCapacity: 100 });
      let accepted = 0;
      for (let i = 0; i < 10_000; i++) if (s.trySubmit(i, { tenant: 'noisy' }) !== false) accepted++;
      expect(accepted).toBe(100);
      expect(() => s.submit(-1, { tenant: 'noisy' })).toThrow('Scheduler.submit: tenant "noisy" is at its capacity (100): 100 jobs held, 1 more asked for');
      for (let i = 0; i < 10; i++) expect(s.trySubmit(i, { tenant: 'quiet' })).not.toBe(false);
      expect(s.trySubmit(0)).not.toBe(false); // the default tenant has its own cap too
      expect(s.stats().tenants.noisy!.waiting).toBe(100);
      expect(s.stats().tenants.quiet!.waiting).toBe(10);
    });

    it('counts waiting, delayed and in-flight jobs, not dead letters', () => {
      const { s } = scheduler({ tenantCapacity: 3 });
      const t = { tenant: 't' };
      s.submit('w', t);
      s.submit('d', { ...t, delay: 5 });
      s.submit('f', t);
      s.take();
      expect(s.trySubmit('x', t)).toBe(false);
      const f = s.get(1)!.state === 'in-flight' ? 1 : 3;
      s.fail(f, 'boom'); // dead: no longer counted
      expect(s.trySubmit('x', t)).not.toBe(false);
      expect(() => s.requeue(f)).toThrow('Scheduler.requeue: tenant "t" is at its capacity (3)');
      expect(s.get(f)?.state).toBe('dead');
    });

    it('setTenantCapacity gives one tenant its own cap, higher or lower, and undefined returns it to the default', () => {
      const { s } = scheduler({ tenantCapacity: 2 });
      s.setTenantCapacity('vip', 5);
      s.setTenantCapacity('trial', 1);
      s.setTenantCapacity('batch', Infinity);
      expect(['vip', 'trial', 'batch', 'other'].map((t) => s.tenantCapacity(t))).toEqual([5, 1, Infinity, 2]);
      const fill = (tenant: string, n: number) => Array.from({ length: n }, () => s.trySubmit('x', { tenant })).filter((r) => r !== false).length;
      expect([fill('vip', 9), fill('trial', 9), fill('batch', 50), fill('other', 9)]).toEqual([5, 1, 50, 2]);
      s.setTenantCapacity('vip', undefined);
      expect(s.tenantCapacity('vip')).toBe(2);
      // Lowered below what it holds: nothing is dropped, submits wait until it is back under.
      expect(s.stats().tenants.vip!.waiting).toBe(5);
      expect(s.trySubmit('x', { tenant: 'vip' })).toBe(false);
      // A record with its own cap is kept while empty (it shows in stats).
      expect(s.stats().tenants.unused).toBeUndefined();
      s.setTenantCapacity('unused', 3);
      expect(s.stats().tenants.unused).toMatchObject({ waiting: 0, weight: 1 });
    });

    it('applies without a default, per tenant', () => {
      const { s } = scheduler();
      expect(s.tenantCapacity('any')).toBe(Infinity);
      s.setTenantCapacity('small', 2);
      s.submit('a', { tenant: 'small' });
      s.submit('b', { tenant: 'small' });
      expect(s.trySubmit('c', { tenant: 'small' })).toBe(false);
      for (let i = 0; i < 100; i++) s.submit('free');
      expect(drain(s).filter((p) => p !== 'free')).toEqual(['a', 'b']);
      expect(s.trySubmit('c', { tenant: 'small' })).not.toBe(false);
    });

    it('submitMany counts each tenant of the batch; all or nothing', () => {
      const { s } = scheduler({ tenantCapacity: 2 });
      s.submit('a1', { tenant: 'a' });
      const before = observe(s);
      expect(() => s.submitMany([{ payload: 'b1', tenant: 'b' }, { payload: 'a2', tenant: 'a' }, { payload: 'a3', tenant: 'a' }])).toThrow(
        'Scheduler.submitMany: tenant "a" is at its capacity (2): 1 jobs held, 2 more asked for',
      );
      expect(observe(s)).toEqual(before);
      expect(s.submitMany([{ payload: 'b1', tenant: 'b' }, { payload: 'b2', tenant: 'b' }, { payload: 'a2', tenant: 'a' }])).toHaveLength(3);
    });

    it('validates its arguments', () => {
      const { s } = scheduler();
      expect(() => new Scheduler({ tenantCapacity: 0 })).toThrow('Scheduler: expected `tenantCapacity` to be an integer >= 1, got 0');
      expect(() => s.setTenantCapacity('t', 0)).toThrow('Scheduler.setTenantCapacity: expected `capacity` to be an integer >= 1, got 0');
      expect(() => s.setTenantCapacity('t', 2.5)).toThrow(InvalidArgumentError);
      expect(() => s.setTenantCapacity('t', Number.NaN)).toThrow(InvalidArgumentError);
      expect(() => s.setTenantCapacity('', 2)).toThrow('Scheduler.setTenantCapacity: expected `tenant` to be a non-empty string, got ""');
      expect(() => s.tenantCapacity(5 as never)).toThrow(InvalidArgumentError);
      expect(s.tenantCapacity('t')).toBe(Infinity);
    });
  });

  describe('canAccept', () => {
    it('tells whether a submit would be accepted, by capacity, maxDelayed and the tenant cap', () => {
      const { s } = scheduler({ capacity: 5, maxDelayed: 2, tenantCapacity: 3 });
      expect(s.canAccept()).toBe(true);
      expect(s.canAccept(5)).toBe(false); // a tenant holds at most 3
      expect(s.canAccept(3)).toBe(true);
      expect(s.canAccept(3, { delay: 1 })).toBe(false);
      expect(s.canAccept(2, { delay: 1, tenant: 'x' })).toBe(true);
      s.submit('a', { tenant: 'x' });
      s.submit('b', { tenant: 'x' });
      s.submit('c', { tenant: 'y' });
      expect(s.canAccept(2, { tenant: 'x' })).toBe(false);
      expect(s.canAccept(2, { tenant: 'z' })).toBe(true);
      expect(s.canAccept(3, { tenant: 'z' })).toBe(false); // capacity 5
      expect(s.canAccept(1, { delay: 0 })).toBe(true);
    });

    it('agrees with what trySubmit then does, over random sequences', () => {
      const op = fc.record({
        kind: fc.constantFrom('ask', 'ask', 'take', 'ack', 'fail', 'tick', 'cap'),
        tenant: fc.constantFrom('a', 'b', 'c'),
        delay: fc.constantFrom(0, 0, 3, 10),
        count: fc.integer({ min: 1, max: 3 }),
      });
      fc.assert(
        fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
          const { s, clock } = scheduler({ capacity: 8, maxDelayed: 3, tenantCapacity: 4, defaultAttempts: 2, backoff: 4 });
          const taken: (string | number)[] = [];
          for (const o of ops) {
            if (o.kind === 'ask') {
              const expected = s.canAccept(o.count, { tenant: o.tenant, delay: o.delay });
              const entries = Array.from({ length: o.count }, () => ({ payload: 'p', tenant: o.tenant, delay: o.delay }));
              let accepted = true;
              try {
                s.submitMany(entries);
              } catch (error) {
                expect(error).toBeInstanceOf(CapacityError);
                accepted = false;
              }
              expect(accepted).toBe(expected);
            } else if (o.kind === 'take') {
              const job = s.take();
              if (job) taken.push(job.id);
            } else if (o.kind === 'tick') clock.advance(o.delay + 1);
            else if (o.kind === 'cap') s.setTenantCapacity(o.tenant, o.count);
            else if (taken.length > 0) {
              const id = taken.shift()!;
              if (o.kind === 'ack') s.ack(id);
              else s.fail(id, 'x');
            }
          }
        }),
        { numRuns: 200 },
      );
    });

    it('validates its arguments and refuses a disposed scheduler', () => {
      const { s } = scheduler();
      expect(() => s.canAccept(0)).toThrow('Scheduler.canAccept: expected `count` to be an integer >= 1, got 0');
      expect(() => s.canAccept(1.5)).toThrow(InvalidArgumentError);
      expect(() => s.canAccept(1, { delay: -1 })).toThrow('Scheduler.canAccept: expected `delay` to be a number of milliseconds >= 0, got -1');
      expect(() => s.canAccept(1, { tenant: '' })).toThrow(InvalidArgumentError);
      expect(() => s.canAccept(1, 'x' as never)).toThrow(InvalidArgumentError);
      s.dispose();
      expect(() => s.canAccept()).toThrow(StateError);
    });
  });
});
