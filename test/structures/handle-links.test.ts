import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, PriorityQueue, type Arena, type Handle } from '../../src/index.js';
import type { DebugExports } from '../../src/core/exports.js';
import { arenaOn, builds, type BuildName } from '../helpers/builds.js';
import { watchedArena } from '../helpers/growth.js';

// Handles find their entries through the arena's slot table, shared by every queue in the arena.
// A queue links its entries' slots only at its first lookup by handle, and keeps them linked from
// then on (assembly/heap.ts, LINKED); before it, moves leave the links stale. These properties
// look items up after any mix of pushes and pops in two queues of one arena, so that a sibling's
// stale links are there to be mistaken for one's own, and again after more moves. A queue made
// with `eagerLookup` is linked from its first push: its moves must keep every link from the start.

interface Entry {
  readonly queue: 0 | 1;
  readonly item: number;
  priority: number;
  readonly seq: number;
}

const move = fc.oneof(
  fc.record({ kind: fc.constant('push' as const), queue: fc.constantFrom(0 as const, 1 as const), priority: fc.integer({ min: -20, max: 20 }) }),
  fc.record({ kind: fc.constant('pushMany' as const), queue: fc.constantFrom(0 as const, 1 as const), priorities: fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 40 }) }),
  fc.record({ kind: fc.constant('pop' as const), queue: fc.constantFrom(0 as const, 1 as const) }),
  fc.record({ kind: fc.constant('popMany' as const), queue: fc.constantFrom(0 as const, 1 as const), max: fc.nat(20) }),
);

const lookup = fc.record({
  kind: fc.constantFrom('has' as const, 'priorityOf' as const, 'update' as const, 'remove' as const, 'sibling' as const),
  pick: fc.nat(),
  priority: fc.integer({ min: -20, max: 20 }),
});

function first(model: Map<Handle, Entry>, queue: 0 | 1): [Handle, Entry] | undefined {
  let best: [Handle, Entry] | undefined;
  for (const pair of model) {
    const e = pair[1];
    if (e.queue !== queue) continue;
    if (!best || e.priority < best[1].priority || (e.priority === best[1].priority && e.seq < best[1].seq)) best = pair;
  }
  return best;
}

type Move = { kind: string; queue: 0 | 1; priority?: number; priorities?: number[]; max?: number };
type Lookup = { kind: string; pick: number; priority: number };

function check(build: BuildName, moves: Move[], lookups: Lookup[], eager: readonly [boolean, boolean]): void {
  const arena = arenaOn(build, { maxMemory: 8 << 20 });
  const queues = [new PriorityQueue<number>({ arena, eagerLookup: eager[0] }), new PriorityQueue<number>({ arena, eagerLookup: eager[1] })] as const;
  const model = new Map<Handle, Entry>();
  const byItem = new Map<number, Handle>();
  let seq = 0;
  let nextItem = 0;
  const take = (queue: 0 | 1, item: number | undefined) => {
    const expected = first(model, queue);
    expect(item).toBe(expected?.[1].item);
    if (expected) {
      model.delete(expected[0]);
      byItem.delete(expected[1].item);
    }
  };
  const add = (queue: 0 | 1, handle: Handle, item: number, priority: number) => {
    model.set(handle, { queue, item, priority, seq: seq++ });
    byItem.set(item, handle);
  };
  const apply = (m: Move) => {
    const q = queues[m.queue];
    if (m.kind === 'push') {
      const item = nextItem++;
      add(m.queue, q.push(item, m.priority!), item, m.priority!);
    } else if (m.kind === 'pushMany') {
      const items = m.priorities!.map(() => nextItem++);
      q.pushMany(items, m.priorities!).forEach((h, k) => add(m.queue, h, items[k]!, m.priorities![k]!));
    } else if (m.kind === 'pop') {
      take(m.queue, q.pop());
    } else {
      for (const item of q.popMany(m.max!)) take(m.queue, item);
    }
  };
  moves.forEach(apply);
  const gone: Handle[] = [];
  for (const l of lookups) {
    const handles = [...model.keys()];
    if (handles.length === 0) break;
    const handle = handles[l.pick % handles.length]!;
    const entry = model.get(handle)!;
    const owner = queues[entry.queue];
    const sibling = queues[1 - entry.queue]!;
    if (l.kind === 'has') expect(owner.has(handle)).toBe(true);
    else if (l.kind === 'priorityOf') expect(owner.priorityOf(handle)).toBe(entry.priority);
    else if (l.kind === 'update') {
      owner.update(handle, l.priority);
      entry.priority = l.priority;
    } else if (l.kind === 'remove') {
      expect(owner.remove(handle)).toBe(true);
      model.delete(handle);
      byItem.delete(entry.item);
      gone.push(handle);
    } else {
      expect(sibling.has(handle)).toBe(false);
      expect(() => sibling.remove(handle)).toThrow(InvalidArgumentError);
      expect(() => sibling.update(handle, 0)).toThrow(InvalidArgumentError);
      expect(sibling.priorityOf(handle)).toBe(undefined);
    }
  }
  for (const handle of gone) expect(queues[0].has(handle) || queues[1].has(handle)).toBe(false);
  // Once linked, pushes and pops keep every link: after the same moves again, each entry is
  // still found, and each queue drains in the model's order.
  moves.forEach(apply);
  for (const [handle, entry] of model) {
    expect(queues[entry.queue].priorityOf(handle)).toBe(entry.priority);
    expect(queues[1 - entry.queue]!.has(handle)).toBe(false);
  }
  for (const queue of [0, 1] as const) {
    const extra = nextItem++;
    add(queue, queues[queue].push(extra, 0), extra, 0);
    while (queues[queue].size > 0) take(queue, queues[queue].pop());
  }
  expect(model.size).toBe(0);
}

describe('handles find their items after any moves', () => {
  for (const build of Object.keys(builds) as BuildName[]) {
    it(`after any pushes and pops, in two queues of one arena (${build} build)`, () => {
      fc.assert(
        fc.property(fc.array(move, { maxLength: 80 }), fc.array(lookup, { minLength: 1, maxLength: 40 }), fc.tuple(fc.boolean(), fc.boolean()), (moves, lookups, eager) => check(build, moves, lookups, eager)),
        { numRuns: 150 },
      );
    });
  }

  it('eagerLookup: the queue keeps its items linked from the first push, so it never enters runs mode for a lookup to leave', () => {
    // Runs mode's shape made small (indexed heaps enter at 4 · 48 entries), so that every queue here passes it.
    const made = (build: (arena: Arena) => PriorityQueue<number>) => {
      const { arena, header } = watchedArena('debug', 'heap_create');
      const core = arena.core as DebugExports;
      core.debug_heapRunsShape(48, 64, 4, 8, 256);
      return { pq: build(arena), h: header(), core };
    };
    const priorities = Array.from({ length: 1500 }, (_, i) => (i * 7919) % 1009);
    const lazy = made((arena) => new PriorityQueue({ arena }));
    const eager = made((arena) => new PriorityQueue({ arena, eagerLookup: true }));
    const snapshot = PriorityQueue.from(priorities.map((p, i) => [i, p] as const)).snapshot();
    const restored = made((arena) => PriorityQueue.restore<number>(snapshot, { arena, eagerLookup: true }));
    for (const { pq, h, core } of [lazy, eager, restored]) {
      // A batch larger than the queue (sorted into runs, unless linked), then pushes one by one.
      const handles = pq === restored.pq ? [] : pq.pushMany(priorities.slice(0, 700).map((_, i) => i), priorities.slice(0, 700));
      for (let i = handles.length; pq !== restored.pq && i < priorities.length; i++) handles.push(pq.push(i, priorities[i]!));
      expect(pq.size).toBe(priorities.length);
      expect(core.debug_heapInRuns(h)).toBe(pq === lazy.pq ? 1 : 0);
      expect(core.debug_heapCheck(h)).toBe(1); // a linked heap's check reads every entry's link
      if (handles.length > 0) {
        expect(pq.priorityOf(handles[777]!)).toBe(priorities[777]);
        expect(core.debug_heapInRuns(h)).toBe(0); // the lazy queue's first lookup settled it
        pq.update(handles[777]!, -1);
        expect(pq.pop()).toBe(777);
      }
      const order = pq.drain();
      expect(order.length).toBe(priorities.length - (handles.length > 0 ? 1 : 0));
    }
  });

  it('in a queue past the size where popMany takes batches from the heap, or sorts it, links intact', () => {
    const arena = arenaOn('release', { maxMemory: 256 << 20 });
    const pq = new PriorityQueue<number>({ arena });
    const n = (arena.core.HEAP_PARTIAL_FROM.value as number) + 5_000;
    const priorities = Array.from({ length: n }, (_, i) => (i * 7919) % 100_003);
    const handles = pq.pushMany(Array.from({ length: n }, (_, i) => i), priorities);
    const popped = new Set<number>();
    const expectFound = () => {
      for (let i = 0; i < n; i += 7) expect(pq.priorityOf(handles[i]!)).toBe(popped.has(i) ? undefined : priorities[i]);
    };
    // Batches taken from the heap (the best-first walk and the interleaved refills), then looked up.
    for (const item of pq.popMany(4096)) popped.add(item);
    expectFound();
    for (const item of pq.popMany(4096)) popped.add(item);
    expectFound();
    // A sorted drain of half the queue, which moves the rest to the front of the array.
    for (const item of pq.popMany(Math.ceil(pq.size / 2))) popped.add(item);
    expectFound();
    // Down to 20,000: past the slot table's relink thresholds, so the drain frees its slots as a
    // batch and relinks the free list once; new items then take the lowest free slots, in order.
    for (const item of pq.popMany(pq.size - 20_000)) popped.add(item);
    expectFound();
    const fresh = pq.pushMany([-1, -2, -3, -4], [0, 0, 0, 0]).map((h) => h & 0xffffff);
    expect(fresh).toEqual([...fresh].sort((a, b) => a - b));
    expect(fresh[0]).toBeLessThan(100);
    for (const item of pq.popMany(4)) expect(item).toBeLessThan(0);
    expectFound();
    const last = [...Array(n).keys()].reverse().find((i) => !popped.has(i))!;
    pq.update(handles[last]!, -1);
    expect(pq.pop()).toBe(last);
    pq.dispose();
  });
});
