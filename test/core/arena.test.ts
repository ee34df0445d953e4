import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import {
  Arena,
  CapacityError,
  InvalidArgumentError,
  NumericPriorityQueue,
  NumericQueue,
  NumericStack,
  PoisonedArenaError,
  PriorityQueue,
  Queue,
  Scheduler,
} from '../../src/index.js';
import { Balancer } from '../../src/balancer.js';
import { arenaOption } from '../../src/core/arena.js';
import { debugArena } from '../helpers/builds.js';
import { fillAll } from '../helpers/fill-arena.js';

describe('Arena', () => {
  it('validates maxMemory', () => {
    for (const bad of [0, -1, 1.5, 2 ** 40, '64MB', null]) {
      expect(() => new Arena({ maxMemory: bad as number })).toThrow(InvalidArgumentError);
    }
    expect(() => new Arena({ maxMemory: 1 << 20 })).toThrow(/expected `maxMemory` to be an integer from 2097152/);
    // Both ends of the range are taken.
    expect([new Arena({ maxMemory: 2 ** 21 }).maxMemory, new Arena({ maxMemory: 2 ** 31 }).maxMemory]).toEqual([2 ** 21, 2 ** 31]);
    expect(() => new Arena({ maxMemory: 2 ** 31 + 65536 })).toThrow(InvalidArgumentError);
    expect(() => new Arena([] as never)).toThrow('Arena: expected an options object, got an array');
  });

  it('structures made without an arena share one default arena, made once', () => {
    expect(arenaOption('PriorityQueue', undefined)).toBe(arenaOption('Scheduler', undefined));
    expect(arenaOption('Queue', undefined)).toBeInstanceOf(Arena);
  });

  it('never takes more memory than maxMemory, and says so with a CapacityError', () => {
    const arena = new Arena({ maxMemory: 3 << 20 });
    const queue = new NumericQueue({ arena });
    const batch = new Uint32Array(4096);
    expect(() => {
      for (;;) queue.pushMany(batch);
    }).toThrow(CapacityError);
    expect(arena.memoryBytes).toBeLessThanOrEqual(3 << 20);
    expect(queue.size % 4096).toBe(0);
    expect(arena.poisoned).toBe(false);
    // what was accepted is all there, and freeing it makes room again
    expect(queue.shift()).toBe(0);
    queue.dispose();
    const again = new NumericQueue({ arena });
    again.pushMany(batch);
    expect(again.size).toBe(4096);
  });

  it("a full arena's CapacityError names the public call that ran out, not the core's export", () => {
    const fill = (use: (arena: Arena) => void) => {
      const arena = new Arena({ maxMemory: 2 << 20 });
      try {
        for (;;) use(arena);
      } catch (error) {
        expect(error).toBeInstanceOf(CapacityError);
        expect(arena.poisoned).toBe(false);
        return (error as Error).message.split(':')[0];
      }
    };
    const one = <S>(make: (arena: Arena) => S, use: (s: S) => void) => {
      let s: S | undefined;
      return fill((arena) => use((s ??= make(arena))));
    };
    expect([
      fill((arena) => new NumericQueue({ arena })),
      fill((arena) => new PriorityQueue({ arena })),
      fill((arena) => new NumericPriorityQueue({ arena })),
      fill((arena) => new NumericStack({ arena })),
      one((arena) => new NumericQueue({ arena }), (q) => q.push(1)),
      one((arena) => new NumericQueue({ arena }), (q) => q.unshift(1)),
      one((arena) => new NumericQueue({ arena }), (q) => q.pushMany(new Uint32Array(1000))),
      one((arena) => new NumericStack({ arena }), (s) => s.push(1)),
      one((arena) => new NumericStack({ arena, limit: 1 << 30 }), (s) => s.push(1)),
      one((arena) => new NumericStack({ arena }), (s) => s.pushMany(new Uint32Array(1000))),
      one((arena) => new PriorityQueue<number>({ arena }), (q) => q.push(1, 1)),
      one((arena) => new PriorityQueue<number>({ arena }), (q) => q.pushMany([1, 2], [1, 2])),
      one((arena) => new NumericPriorityQueue({ arena }), (q) => q.push(1, 1)),
      one((arena) => new NumericPriorityQueue({ arena }), (q) => q.pushMany(new Uint32Array(1000), new Float64Array(1000))),
      // The services name their own call, not the structure they use inside.
      fill((arena) => new Scheduler({ arena })),
      one((arena) => new Scheduler<number>({ arena }), (s) => s.submit(1, { tenant: `t${Math.random()}` })),
      one((arena) => new Scheduler<number>({ arena }), (s) => s.submit(1, { delay: 5 })),
      one((arena) => new Scheduler<number>({ arena }), (s) => s.submitMany([{ payload: 1, tenant: `t${Math.random()}` }])),
      one((arena) => new Balancer<number>({ arena, strategy: 'weighted-round-robin' }), (b) => b.add(Math.random())),
    ]).toEqual([
      'NumericQueue', 'PriorityQueue', 'NumericPriorityQueue', 'NumericStack',
      'NumericQueue.push', 'NumericQueue.unshift', 'NumericQueue.pushMany',
      'NumericStack.push', 'NumericStack.push', 'NumericStack.pushMany',
      'PriorityQueue.push', 'PriorityQueue.pushMany', 'NumericPriorityQueue.push', 'NumericPriorityQueue.pushMany',
      'Scheduler', 'Scheduler.submit', 'Scheduler.submit', 'Scheduler.submitMany', 'Balancer.add',
    ]);
  });

  it('popPush on an empty queue names itself in a full arena; a service does not show its inner structure\'s count', () => {
    const arena = new Arena({ maxMemory: 2 << 20 });
    const pq = new PriorityQueue<string>({ arena });
    const npq = new NumericPriorityQueue({ arena });
    const b = new Balancer<number>({ arena });
    for (let i = 0; i < 40; i++) b.add(i); // past the scanned tier: a core heap
    const free = fillAll(arena);
    expect(() => pq.popPush('x', 1)).toThrow(/^PriorityQueue\.popPush: the arena's memory \(maxMemory \d+ bytes\) is exhausted at 0 items$/);
    expect(() => npq.popPush(1, 1)).toThrow(/^NumericPriorityQueue\.popPush: the arena's memory/);
    expect(() => b.add(40)).toThrow(/^Balancer\.add: the arena's memory \(maxMemory \d+ bytes\) is exhausted$/);
    free();
  });

  it('shrink on a full arena is best effort: no error, nothing lost, nothing poisoned', () => {
    const kinds = [
      (arena: Arena) => new PriorityQueue<number>({ arena }),
      (arena: Arena) => new NumericPriorityQueue({ arena }),
      (arena: Arena) => new NumericQueue({ arena }),
      (arena: Arena) => new NumericStack({ arena }),
      (arena: Arena) => new NumericStack({ arena, limit: 100_000 }),
    ];
    for (const make of kinds) {
      const arena = new Arena({ maxMemory: 4 << 20 });
      const structure = make(arena);
      const push = (i: number) => (structure instanceof PriorityQueue || structure instanceof NumericPriorityQueue ? structure.push(i, i % 10) : structure.push(i));
      for (let i = 0; i < 60_000; i++) push(i);
      for (let i = 0; i < 45_000; i++) structure.pop();
      const held = [...structure];
      // Every block the arena has left goes to small neighbours: a shrink has nowhere to move to.
      try {
        for (;;) new NumericStack({ arena }).push(1);
      } catch (error) {
        expect(error).toBeInstanceOf(CapacityError);
      }
      expect(() => structure.shrink()).not.toThrow();
      expect(() => arena.shrink()).not.toThrow();
      const left: unknown[] = [];
      while (structure.size > 0) left.push(structure instanceof NumericQueue ? structure.shift() : structure.pop()); // in iteration order
      expect(left).toEqual(held);
      expect(arena.poisoned).toBe(false);
    }
  });

  it('refuses a module that is not a WebAssembly.Module', () => {
    expect(() => new Arena({ module: 5 as never })).toThrow("Arena: expected `module` to be a WebAssembly.Module of flatsched's core, got 5");
    expect(() => new Arena({ module: {} as never })).toThrow(InvalidArgumentError);
  });

  it('is usable again once the structures that filled it are disposed', () => {
    const arena = new Arena({ maxMemory: 2 << 20 });
    const hog = new NumericQueue({ arena });
    expect(() => {
      for (;;) hog.pushMany(new Uint32Array(4096));
    }).toThrow(CapacityError);
    hog.dispose();
    const pq = new PriorityQueue<number>({ arena });
    for (let i = 0; i < 20_000; i++) pq.push(i, i % 5);
    expect(pq.size).toBe(20_000);
    expect(arena.poisoned).toBe(false);
  });

  it('a request no free block can serve (fragmented memory) is a CapacityError, not a poisoned arena', () => {
    const arena = new Arena({ maxMemory: 2 << 20 });
    const small: NumericQueue[] = [];
    expect(() => {
      for (;;) {
        const q = new NumericQueue({ arena });
        small.push(q);
        q.pushMany(new Uint32Array(200));
      }
    }).toThrow(CapacityError);
    // free every other queue: half the memory is free, in pieces of about 1 KiB
    small.forEach((q, i) => i % 2 === 0 && q.dispose());
    const big = new NumericQueue({ arena });
    expect(() => big.pushMany(new Uint32Array(100_000))).toThrow(CapacityError);
    expect(arena.poisoned).toBe(false);
    expect(big.size).toBe(0);
    // the survivors still hold exactly what they held
    expect(small.filter((_, i) => i % 2 === 1 && i < small.length - 1).every((q) => q.size === 200)).toBe(true);
    const pq = new PriorityQueue<string>({ arena });
    pq.push('still works', 1);
    expect(pq.pop()).toBe('still works');
  });

  it('its guarded exports pass every argument on, whatever their count (debug builds included)', () => {
    // A wrapper of fixed arity that fell short dropped the last argument of a five-argument export
    // (the debug build's runs shape: its merge chunk arrived as 0).
    for (const { arena } of [{ arena: new Arena() }, debugArena()]) {
      const raw = arena.raw as unknown as Record<string, unknown>;
      const core = arena.core as unknown as Record<string, unknown>;
      const functions = Object.keys(raw).filter((name) => typeof raw[name] === 'function');
      expect(functions.length).toBeGreaterThan(40);
      for (const name of functions) {
        const arity = (raw[name] as (...args: number[]) => unknown).length;
        const guarded = core[name] as (...args: number[]) => unknown;
        // A wrapper that passes its rest on has length 0; one of fixed arity must match the export's.
        if (guarded.length !== 0 || arity === 0) expect([name, guarded.length]).toEqual([name, arity]);
      }
    }
  });

  it('hosts structures of every kind side by side', () => {
    const arena = new Arena({ maxMemory: 8 << 20 });
    const pq = new PriorityQueue<string>({ arena });
    const nq = new NumericQueue({ arena });
    const ns = new NumericStack({ arena, limit: 3 });
    pq.push('x', 1);
    nq.push(7);
    ns.pushMany([1, 2, 3, 4]);
    expect([pq.pop(), nq.shift(), [...ns]]).toEqual(['x', 7, [4, 3, 2]]);
  });
});

describe('failure domain', () => {
  it('a trap poisons its arena: every structure in it throws PoisonedArenaError, other arenas work', () => {
    const { arena, core } = debugArena({ maxMemory: 4 << 20 });
    const pq = new PriorityQueue<string>({ arena });
    const nq = new NumericQueue({ arena });
    pq.push('a', 1);
    const healthy = new PriorityQueue<string>({ arena: new Arena({ maxMemory: 4 << 20 }) });
    healthy.push('b', 1);

    expect(() => core.debug_trap()).toThrow(PoisonedArenaError);
    expect(arena.poisoned).toBe(true);
    expect(() => pq.pop()).toThrow(PoisonedArenaError);
    // later calls name themselves and the first fault, not a core export
    expect(() => pq.pop()).toThrow(/^PriorityQueue\.pop: this arena is poisoned \(its core trapped earlier: unreachable\) and refuses/);
    expect(() => pq.push('c', 2)).toThrow(/^PriorityQueue\.push: this arena is poisoned/);
    expect(() => nq.push(1)).toThrow(PoisonedArenaError);
    expect(() => new PriorityQueue({ arena })).toThrow(PoisonedArenaError);
    // JS-side state did not move
    expect(pq.size).toBe(1);
    pq.dispose(); // releasing is still allowed, and does not touch the poisoned core

    expect(healthy.pop()).toBe('b');
  });

  it('the services refuse every call in a poisoned arena at its entry (before anything moves), naming it; they still print and dispose', () => {
    const { arena, core } = debugArena({ maxMemory: 4 << 20 });
    const s = new Scheduler<string>({ arena });
    const waiting = s.submit('waiting');
    s.submit('delayed', { delay: 1e6 });
    const b = new Balancer<number>({ arena });
    for (let i = 0; i < 3; i++) b.add(i); // a tier small enough to be scanned in JS
    expect(() => core.debug_trap()).toThrow(PoisonedArenaError);
    const calls: [string, () => unknown][] = [
      ['Scheduler.cancel', () => s.cancel(waiting)],
      ['Scheduler.submit', () => s.submit('x')],
      ['Scheduler.take', () => s.take()],
      ['Scheduler.stats', () => s.stats()],
      ['Scheduler.reprioritize', () => s.reprioritize(waiting, 3)],
      ['Balancer.acquire', () => b.acquire()],
      ['Balancer.add', () => b.add(9)],
      ['Balancer.setLoad', () => b.setLoad(0, 5)],
    ];
    for (const [where, call] of calls) {
      expect(call, where).toThrow(PoisonedArenaError);
      expect(call, where).toThrow(new RegExp(`^${where.replace('.', '\\.')}: this arena is poisoned \\(its core trapped earlier: unreachable\\)`));
    }
    expect(() => s.trySubmit('x')).toThrow(/^Scheduler\.trySubmit: this arena is poisoned/);
    expect(() => new Scheduler({ arena })).toThrow(/^Scheduler: this arena is poisoned/);
    expect(() => new Balancer({ arena })).toThrow(/^Balancer: this arena is poisoned/);
    expect(() => Scheduler.restore(new Scheduler<string>().snapshot(), { arena })).toThrow(/^Scheduler\.restore: this arena is poisoned/);
    expect(() => Balancer.restore(new Balancer<string>().snapshot(), { arena })).toThrow(/^Balancer\.restore: this arena is poisoned/);
    expect(inspect(s)).toBe('Scheduler (its arena is poisoned)');
    expect(inspect(b)).toBe('Balancer(least-loaded, its arena is poisoned)');
    expect(JSON.parse(JSON.stringify(b))).toEqual({ strategy: 'least-loaded', workers: [] });
    s.dispose();
    b.dispose();
  });

  it('an abort in the core poisons the arena the same way', () => {
    const { arena, core } = debugArena({ maxMemory: 4 << 20 });
    const q = new NumericQueue({ arena });
    expect(() => core.debug_abort()).toThrow(/the core aborted \(forced by a test/);
    expect(arena.poisoned).toBe(true);
    expect(() => q.push(1)).toThrow(PoisonedArenaError);
  });

  it('argument conversion errors at the boundary do not poison', () => {
    const { arena } = debugArena({ maxMemory: 4 << 20 });
    const pq = new PriorityQueue<number>({ arena });
    const h = pq.push(1, 1);
    expect(() => pq.remove(1n as never)).toThrow(InvalidArgumentError);
    expect(arena.poisoned).toBe(false);
    expect(pq.remove(h)).toBe(true);
  });
});

describe('object structures stay off the core', () => {
  it('Queue needs no arena (its payloads live in a JS ring)', () => {
    const q = new Queue<{ id: number }>();
    q.push({ id: 1 });
    expect(q.shift()).toEqual({ id: 1 });
  });
});

describe('logging', () => {
  const core = (arena: Arena) => [
    new PriorityQueue<{ token: string }>({ arena }),
    new NumericPriorityQueue({ arena }),
    new NumericQueue({ arena }),
    new NumericStack({ arena }),
  ] as const;

  it('every core-backed structure prints and serialises live, disposed and in a poisoned arena, never throwing', () => {
    const arena = new Arena({ maxMemory: 4 << 20 });
    const [pq, npq, nq, ns] = core(arena);
    pq.push({ token: 'a' }, 2);
    npq.push(7, 1);
    nq.push(8);
    ns.push(9);
    expect([pq, npq, nq, ns].map((x) => inspect(x))).toEqual([
      "PriorityQueue(1) [an object (2)] min first",
      'NumericPriorityQueue(1) [7 (1)] min first',
      'NumericQueue(1) [8]',
      'NumericStack(1) [9] top first',
    ]);
    expect([pq, npq, nq, ns].map((x) => JSON.stringify(x))).toEqual([
      '{"size":1,"max":false,"entries":[[{"token":"a"},2]]}',
      '{"size":1,"max":false,"entries":[[7,1]]}',
      '[8]',
      '[9]',
    ]);
    for (const x of [pq, npq, nq, ns]) x.dispose();
    expect([pq, npq, nq, ns].map((x) => inspect(x))).toEqual(['PriorityQueue (disposed)', 'NumericPriorityQueue (disposed)', 'NumericQueue (disposed)', 'NumericStack (disposed)']);
    // A use after dispose names the call where the structure calls its core through a guard.
    expect(() => pq.push({ token: 'b' }, 1)).toThrow(/^PriorityQueue\.push: this structure was disposed$/);
    expect(() => npq.popPush(1, 1)).toThrow(/^NumericPriorityQueue\.popPush: this structure was disposed$/);
    expect([pq, npq, nq, ns].map((x) => JSON.stringify(x))).toEqual(['{"size":0,"max":false,"entries":[]}', '{"size":0,"max":false,"entries":[]}', '[]', '[]']);

    const { arena: doomed, core: debug } = debugArena({ maxMemory: 4 << 20 });
    const live = core(doomed);
    expect(() => debug.debug_trap()).toThrow(PoisonedArenaError);
    expect(live.map((x) => inspect(x))).toEqual(['PriorityQueue', 'NumericPriorityQueue', 'NumericQueue', 'NumericStack'].map((name) => `${name} (its arena is poisoned)`));
    expect(inspect(doomed)).toMatch(/^Arena \(poisoned\) \{ maxMemory: 4194304, memoryBytes: \d+ \}$/);
  });

  it('an arena prints its size, not its internals (which hold every payload)', () => {
    const arena = new Arena({ maxMemory: 4 << 20 });
    const pq = new PriorityQueue<{ token: string }>({ arena });
    pq.push({ token: 'secret-api-key' }, 1);
    for (const text of [inspect(arena), JSON.stringify(arena), String(arena)]) expect(text).not.toContain('secret');
    expect(inspect(arena)).toMatch(/^Arena \{ maxMemory: 4194304, memoryBytes: \d+, bytesInUse: \d+ \}$/);
    expect(String(arena)).toBe('[object Arena]');
  });
});
