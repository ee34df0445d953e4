import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Balancer, seededRandom, type Lease } from '../../src/balancer.js';
import { FlatschedError, InvalidArgumentError, NotFoundError, StateError } from '../../src/core/errors.js';

function populated() {
  const clock = { now: 0 };
  const balancer = new Balancer<string>({ strategy: 'least-loaded', clock: () => clock.now, slowStart: { window: 100 } });
  balancer.add('a', { weight: 2, capacity: 4 });
  balancer.add('b', { backup: true });
  const lease = balancer.acquire()!;
  return { balancer, lease, clock };
}

describe('Balancer: bad input', () => {
  it.each([
    [{ strategy: 'fastest' }, /Balancer: expected `strategy` to be 'least-loaded' or 'p2c' or 'weighted-round-robin' or 'round-robin', got "fastest"/],
    [{ clock: 5 }, /Balancer: expected `clock` to be a function, got 5/],
    [{ random: 'x' }, /Balancer: expected `random` to be a function/],
    [{ slowStart: { window: 0 } }, /slowStart.window/],
    [{ slowStart: { window: Infinity } }, /Balancer: expected `slowStart.window` to be a finite number > 0, got Infinity/],
    [{ slowStart: { window: 10, floor: 0 } }, /slowStart.floor/],
    [{ slowStart: { window: 10, floor: 1.5 } }, /slowStart.floor/],
    [{ slowStart: { window: 10, steps: 2.5 } }, /Balancer: expected `slowStart.steps` to be an integer >= 1, got 2.5/],
    [{ arena: {} }, /Balancer: expected `arena` to be an Arena/],
    [3, /Balancer: expected an options object, got 3/],
  ])('constructor rejects %j', (options, message) => {
    expect(() => new Balancer(options as never)).toThrow(InvalidArgumentError);
    expect(() => new Balancer(options as never)).toThrow(message);
  });

  it('rejects every bad argument with a typed error naming the call, and changes nothing', () => {
    const { balancer, lease } = populated();
    const before = JSON.stringify(balancer.stats());
    const cases: [() => unknown, new (...args: never[]) => FlatschedError, RegExp][] = [
      [() => balancer.add(undefined as never), InvalidArgumentError, /Balancer\.add: expected a worker, got undefined/],
      [() => balancer.add('c', { weight: 0 }), InvalidArgumentError, /Balancer\.add: expected `weight` to be a number from 1e-9 to 1e9, got 0/],
      [() => balancer.add('c', { weight: Infinity }), InvalidArgumentError, /weight/],
      [() => balancer.add('c', { weight: NaN }), InvalidArgumentError, /got NaN/],
      [() => balancer.add('c', { weight: 1e-308 }), InvalidArgumentError, /got 1e-308/],
      [() => balancer.setWeight('a', 1e10), InvalidArgumentError, /got 10000000000/],
      [() => balancer.add('c', { capacity: 0 }), InvalidArgumentError, /Balancer\.add: expected `capacity` to be an integer >= 1, got 0/],
      [() => balancer.add('c', { capacity: 1.5 }), InvalidArgumentError, /capacity/],
      [() => balancer.add('c', { backup: 'yes' as never }), InvalidArgumentError, /backup/],
      [() => balancer.add('c', { id: {} as never }), InvalidArgumentError, /Balancer\.add: expected a worker id/],
      [() => balancer.add('c', { id: NaN }), InvalidArgumentError, /worker id/],
      [() => balancer.add('c', { id: 'a' }), InvalidArgumentError, /Balancer\.add: a worker with id "a" is already present/],
      [() => balancer.add('a'), InvalidArgumentError, /already present/],
      [() => balancer.add('c', { capacity: 2 ** 53 }), InvalidArgumentError, /Balancer\.add: expected `capacity` to be an integer from 1 to 2\^53 - 1, got 9007199254740992/],
      [() => balancer.remove('zz'), NotFoundError, /Balancer\.remove: no worker with id "zz"/],
      [() => balancer.remove({} as never), InvalidArgumentError, /Balancer\.remove: expected a worker id/],
      [() => balancer.setWeight('a', -1), InvalidArgumentError, /Balancer\.setWeight: expected `weight` to be a number from 1e-9 to 1e9, got -1/],
      [() => balancer.setWeight('zz', 1), NotFoundError, /Balancer\.setWeight/],
      [() => balancer.drain('zz'), NotFoundError, /Balancer\.drain/],
      [() => balancer.undrain('zz'), NotFoundError, /Balancer\.undrain/],
      [() => balancer.setHealthy('a', 1 as never), InvalidArgumentError, /Balancer\.setHealthy: expected a boolean, got 1/],
      [() => balancer.setHealthy('zz', true), NotFoundError, /Balancer\.setHealthy/],
      [() => balancer.setLoad('a', -1), InvalidArgumentError, /Balancer\.setLoad: expected a number from 0 to 2\^53 - 1, got -1/],
      [() => balancer.setLoad('a', Infinity), InvalidArgumentError, /Infinity/],
      [() => balancer.setLoad('a', '3' as never), InvalidArgumentError, /got "3"/],
      [() => balancer.acquire(0), InvalidArgumentError, /Balancer\.acquire: expected `cost` to be a number > 0 and at most 2\^53 - 1, got 0/],
      [() => balancer.acquire(NaN), InvalidArgumentError, /cost/],
      [() => balancer.pick(-2), InvalidArgumentError, /Balancer\.pick: expected `cost`/],
      [() => balancer.release({} as Lease<string>), InvalidArgumentError, /Balancer\.release: an object is not a lease of this balancer/],
      [() => balancer.statsOf('zz'), NotFoundError, /Balancer\.statsOf/],
      [() => balancer.has({} as never), InvalidArgumentError, /Balancer\.has: expected a worker id \(a string or a finite number\), got an object/],
      [() => balancer.has(NaN), InvalidArgumentError, /Balancer\.has: expected a worker id/],
      [() => balancer.get(undefined as never), InvalidArgumentError, /Balancer\.get: expected a worker id \(a string or a finite number\), got undefined/],
    ];
    for (const [call, type, message] of cases) {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
      expect(JSON.stringify(balancer.stats())).toBe(before);
    }
    // An id that is an id but names no worker is an answer, not an error.
    expect([balancer.has('zz'), balancer.get('zz'), balancer.has(7), balancer.get(-0)]).toEqual([false, undefined, false, undefined]);
    balancer.release(lease);
  });

  it('rejects a random source that leaves [0, 1) before changing anything', () => {
    const values = [0.5, 1];
    const balancer = new Balancer<string>({ strategy: 'p2c', random: () => values.shift() ?? 0 });
    balancer.add('a');
    balancer.add('b');
    expect(() => balancer.acquire()).toThrow(/Balancer\.acquire: `random` returned 1, expected a number >= 0 and < 1/);
    expect(balancer.stats().map((s) => [s.load, s.picks])).toEqual([[0, 0], [0, 0]]);
    values.push(0.5, 1);
    expect(() => balancer.pick()).toThrow(/^Balancer\.pick: `random` returned 1/);
  });

  it('a refused add draws no default id: the next worker gets the id it would have got', () => {
    const balancer = new Balancer<{ name: string }>();
    balancer.add({ name: 'x' }, { id: 2 });
    expect(balancer.add({ name: 'y' })).toBe(1);
    const before = balancer.snapshot();
    expect(() => balancer.add({ name: 'z' }, { weight: 0 })).toThrow(InvalidArgumentError);
    expect(balancer.snapshot()).toEqual(before);
    balancer.remove(2);
    expect(balancer.add({ name: 'z' })).toBe(2);
    expect(balancer.add({ name: 'w' })).toBe(3);
    // A worker that is a number is its own id and draws none.
    const numbers = new Balancer<number>();
    expect(numbers.add(1)).toBe(1);
    expect(numbers.add(8080)).toBe(8080);
    expect(numbers.add(5, { id: 2 })).toBe(2);
  });

  it('rejects a clock that returns no finite number', () => {
    const balancer = new Balancer<string>({ clock: () => NaN, slowStart: { window: 10 } });
    expect(() => balancer.add('a')).toThrow(InvalidArgumentError);
    expect(() => balancer.add('a')).toThrow(/Balancer\.add: `clock` returned NaN/);
    expect(balancer.size).toBe(0);
  });

  it('rejects a bad seed', () => {
    expect(() => seededRandom(-1)).toThrow(InvalidArgumentError);
    expect(() => seededRandom(1.5)).toThrow(/seededRandom/);
  });
});

describe('Balancer: inspection and disposal', () => {
  it('is iterable, JSON-serialisable and readable in the console', () => {
    const { balancer, lease } = populated();
    expect([...balancer]).toEqual(['a', 'b']);
    const json = JSON.parse(JSON.stringify(balancer));
    expect(json.strategy).toBe('least-loaded');
    expect(json.workers.map((w: { id: string; load: number }) => [w.id, w.load])).toEqual([['a', 1], ['b', 0]]);
    const text = inspect(balancer);
    expect(text).toContain('Balancer(least-loaded, 2 workers)');
    expect(text).toContain('"a": load 1/4 weight 0.2 of 2');
    expect(text).toContain('"b": load 0 weight 0.1 of 1 backup');
    expect(Object.prototype.toString.call(balancer)).toBe('[object Balancer]');
    expect(Object.prototype.toString.call(lease)).toBe('[object Lease]');
  });

  it('refuses every call after dispose with StateError', () => {
    const { balancer, lease } = populated();
    balancer.dispose();
    balancer.dispose();
    expect(() => balancer.acquire()).toThrow(StateError);
    expect(() => balancer.release(lease)).toThrow(/Balancer\.release: this balancer was disposed/);
    expect(() => balancer.add('c')).toThrow(StateError);
    expect(() => balancer.stats()).toThrow(StateError);
    expect(() => balancer.has('a')).toThrow('Balancer.has: this balancer was disposed');
    expect(() => balancer.get('a')).toThrow(StateError);
    expect(() => [...balancer]).toThrow(StateError);
    expect(inspect(balancer)).toBe('Balancer(least-loaded, disposed)');
    expect(JSON.stringify(balancer)).toBe('{"strategy":"least-loaded","workers":[]}');
  });
});
