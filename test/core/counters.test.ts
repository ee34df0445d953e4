import { describe, expect, it } from 'vitest';
import { Arena, InvalidArgumentError, PriorityQueue, StaleHandleError, type Handle } from '../../src/index.js';
import { debugArena } from '../helpers/builds.js';

describe('counters near their limits (debug build hooks)', () => {
  it('sequence numbers never wrap silently: crossing 2^32 renumbers and keeps FIFO order', () => {
    const { core } = debugArena({ maxMemory: 8 << 20 });
    for (const indexed of [0, 1]) {
      const h = core.heap_create(indexed);
      core.debug_heapSetNextSequence(h, 2 ** 32 - 40);
      const pushed: number[] = [];
      // 100 pushes with 3 distinct keys cross the wrap; pops interleave so renumbering sees a live heap
      for (let i = 0; i < 100; i++) {
        const key = i % 3;
        if (indexed) core.heap_push(h, key);
        else core.heap_pushValue(h, key, i);
        pushed.push(i);
        if (i % 7 === 6) core.heap_pop(h);
        expect(core.debug_heapCheck(h)).toBe(1);
      }
      const order: number[] = [];
      for (let v = core.heap_popValue(h); !indexed && v >= 0; v = core.heap_popValue(h)) order.push(v);
      if (!indexed) {
        // keys ascend, and within a key the values (arrival order) ascend
        for (let i = 1; i < order.length; i++) {
          const [a, b] = [order[i - 1]!, order[i]!];
          expect(a % 3 < b % 3 || (a % 3 === b % 3 && a < b)).toBe(true);
        }
      }
      core.heap_dispose(h);
    }
  });

  it('update keeps its place among equals across a renumbering', () => {
    const { core } = debugArena({ maxMemory: 8 << 20 });
    const h = core.heap_create(1);
    core.debug_heapSetNextSequence(h, 2 ** 32 - 3);
    const a = core.heap_push(h, 1);
    core.heap_push(h, 1);
    core.heap_push(h, 1); // the next sequence number is the last one: a restamp must renumber first
    expect(core.heap_update(h, a, 1, 1)).toBe(0);
    expect(core.debug_heapCheck(h)).toBe(1);
    const first = core.heap_pop(h);
    expect(first).not.toBe(a & 0xffffff); // a went behind its equals
    core.heap_dispose(h);
  });

  /** A queue holding 'last generation' in a slot whose generation cannot grow any more. */
  function lastGeneration() {
    const { arena, core } = debugArena({ maxMemory: 8 << 20 });
    const pq = new PriorityQueue<string>({ arena });
    const first = pq.push('first', 1);
    const slot = first & 0xffffff;
    expect(pq.pop()).toBe('first');
    // A free slot's generation is its last item's: the next push takes it with one more.
    expect(core.debug_setGeneration(slot, core.GEN_LIMIT.value - 1)).toBe(0);
    const last = pq.push('last generation', 1);
    expect(last & 0xffffff).toBe(slot);
    expect(Math.floor(last / 2 ** 38)).toBe(core.GEN_LIMIT.value);
    return { pq, first, last, slot };
  }

  it('a slot whose generation would wrap is retired: its old handles stay stale forever', () => {
    const { pq, first, last, slot } = lastGeneration();
    expect(pq.pop()).toBe('last generation');
    const next = pq.push('next', 1);
    expect(next & 0xffffff).not.toBe(slot); // retired, not reused
    expect(pq.remove(last)).toBe(false);
    expect(() => pq.update(first, 2)).toThrow(StaleHandleError);
    expect(pq.pop()).toBe('next');
  });

  it('a slot freed and not yet reused: its item\'s handle is stale, one generation ahead is forged until the reuse', () => {
    const { arena } = debugArena({ maxMemory: 8 << 20 });
    const pq = new PriorityQueue<string>({ arena });
    const first = pq.push('first', 1);
    expect(pq.pop()).toBe('first');
    const ahead = (first + 2 ** 38) as Handle;
    expect(pq.has(first)).toBe(false);
    expect(() => pq.update(first, 2)).toThrow(StaleHandleError);
    expect(() => pq.update(ahead, 2)).toThrow(InvalidArgumentError);
    expect(pq.push('second', 1)).toBe(ahead); // the same slot, its generation moved on
    expect(pq.priorityOf(ahead)).toBe(1);
    expect(() => pq.update(first, 2)).toThrow(StaleHandleError);
    expect(pq.pop()).toBe('second');
  });

  it('slots in their last generation are never counted on: a full table of them still takes every push', () => {
    const { arena, core } = debugArena({ maxMemory: 8 << 20 });
    const pq = new PriorityQueue<number>({ arena });
    const count = 64; // the table's first size
    const items = Array.from({ length: count }, (_, i) => i);
    const handles = pq.pushMany(items, items);
    for (const h of handles) core.debug_setGeneration(h & 0xffffff, core.GEN_LIMIT.value);
    expect(pq.popMany(count / 2)).toEqual(items.slice(0, count / 2));
    while (pq.size > 0) pq.pop(); // every slot free, all of them doomed
    // A take that found only doomed slots on the free list would run past the table (debug builds trap).
    expect(pq.popPush(-1, -1)).toBeUndefined();
    const again = pq.pushMany(items, items);
    for (let i = 0; i < count; i++) pq.push(count + i, count + i);
    const slots = [...again].map((h) => h & 0xffffff);
    expect(Math.min(...slots)).toBeGreaterThanOrEqual(count); // the doomed slots retired
    for (const h of handles) expect(pq.has(h)).toBe(false);
    expect(arena.core.arena_liveSlots()).toBe(2 * count + 1);
    expect(pq.drain()).toEqual([-1, ...items, ...items.map((i) => count + i)]);
  });

  it('popPush whose popped slot is retired gives the new item a fresh slot and keeps both payloads right', () => {
    const { pq, last, slot } = lastGeneration();
    pq.push('behind', 2);
    expect(pq.popPush('fresh', 0)).toBe('last generation'); // the slot retires; 'fresh' takes another
    expect(pq.remove(last)).toBe(false);
    expect(pq.drain()).toEqual(['fresh', 'behind']);
    const next = pq.push('next', 1);
    expect(next & 0xffffff).not.toBe(slot);
  });

  it('popPush crosses a sequence renumbering and keeps FIFO order among equals', () => {
    const { core } = debugArena({ maxMemory: 8 << 20 });
    const h = core.heap_create(0);
    core.debug_heapSetNextSequence(h, 2 ** 32 - 8);
    // The model: values in arrival order; the next out is the first with the smallest key.
    const model: number[] = [];
    const takeFirst = () => {
      const best = model.reduce((b, v, k) => (v % 2 < model[b]! % 2 ? k : b), 0);
      return model.splice(best, 1)[0]!;
    };
    for (let i = 0; i < 6; i++) {
      core.heap_pushValue(h, i % 2, i);
      model.push(i);
    }
    for (let i = 6; i < 20; i++) {
      expect(core.heap_popPushValue(h, i % 2, i)).toBe(takeFirst());
      model.push(i);
      expect(core.debug_heapCheck(h)).toBe(1);
    }
    while (model.length > 0) expect(core.heap_popValue(h)).toBe(takeFirst());
    core.heap_dispose(h);
  });

  it('after a large queue drains, new items take the lowest free slots, and old handles stay stale', () => {
    const arena = new Arena({ maxMemory: 64 << 20 });
    const pq = new PriorityQueue<number>({ arena });
    const count = 100_000;
    const handles = pq.pushMany(Array.from({ length: count }, (_, i) => i), Array.from({ length: count }, (_, i) => (i * 7919) % count));
    expect(pq.drain()).toHaveLength(count); // in priority order: the slots leave scattered
    const fresh = Array.from({ length: 1000 }, (_, i) => pq.push(i, i));
    expect(Math.max(...fresh.map((h) => h & 0xffffff))).toBeLessThan(2000);
    for (const h of handles.slice(0, 2000)) expect(pq.has(h)).toBe(false);
    expect(pq.drain()).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    pq.dispose();
  });

  it('retired slots do not count as live: a drained table is still relinked lowest slot first', () => {
    const { arena, core } = debugArena({ maxMemory: 64 << 20 });
    const pq = new PriorityQueue<number>({ arena });
    // A small queue's slots wear out their generations (a busy service's hot slots do): retire 1,000.
    const small = Array.from({ length: 1000 }, (_, i) => i);
    for (const h of pq.pushMany(small, small)) core.debug_setGeneration(h & 0xffffff, core.GEN_LIMIT.value);
    expect(pq.drain()).toEqual(small);
    expect(arena.core.arena_liveSlots()).toBe(0);
    const count = 100_000;
    const handles = pq.pushMany(Array.from({ length: count }, (_, i) => i), Array.from({ length: count }, (_, i) => (i * 7919) % count));
    expect(arena.core.arena_liveSlots()).toBe(count);
    // Every tenth retires in the drain itself (one batch that frees them all).
    const retiring = new Set(handles.filter((_, i) => i % 10 === 0).map((h) => h & 0xffffff));
    for (const slot of retiring) core.debug_setGeneration(slot, core.GEN_LIMIT.value);
    expect(pq.drain()).toHaveLength(count); // in priority order: the slots leave scattered
    expect(arena.core.arena_liveSlots()).toBe(0);
    // Relinked, the free list hands the slots out in ascending order again (scattered, every
    // push's slot and payload write would be a cache miss of its own), the retired ones left out.
    const lowestFree: number[] = [];
    for (let slot = 1000; lowestFree.length < 1000; slot++) if (!retiring.has(slot)) lowestFree.push(slot);
    expect(pq.pushMany(small, small).map((h) => h & 0xffffff)).toEqual(lowestFree);
    for (const h of handles.slice(0, 1000)) expect(pq.has(h)).toBe(false);
    expect(arena.core.arena_liveSlots()).toBe(1000);
    pq.dispose();
  });

  it('slots used since a mark are given back, as if never used, only when every one of them is free again', () => {
    const { core } = debugArena({ maxMemory: 8 << 20 });
    const h = core.heap_create(1);
    const kept = Array.from({ length: 10 }, (_, i) => core.heap_push(h, i));
    const mark = core.arena_slotMark();
    const more = Array.from({ length: 500 }, (_, i) => core.heap_push(h, 100 + i)); // the table grows
    const grown = core.arena_slotTableBytes();
    expect(core.arena_giveBackSlots(mark)).toBe(0); // they are live: nothing changes
    expect(core.arena_liveSlots()).toBe(510);
    for (let i = 0; i < 500; i++) core.heap_remove(h, more[i]!);
    expect(core.arena_giveBackSlots(mark)).toBe(1);
    expect(core.arena_liveSlots()).toBe(10);
    expect(core.arena_slotTableBytes()).toBeLessThan(grown); // back to its size at the mark
    for (const handle of kept) expect(core.heap_keyOf(h, handle)).toBe(kept.indexOf(handle)); // the older slots are untouched
    const next = core.heap_push(h, 7);
    expect(next & 0xffffff).toBeLessThan(11); // the lowest free slot again, not one past 510
    // A handle to a slot given back (one a call made meanwhile took, freed and kept) stays stale when
    // the slot is handed out again: it starts at a generation above the one it had.
    const mark2 = core.arena_slotMark();
    const kept2 = core.heap_push(h, 50);
    core.heap_remove(h, kept2);
    expect(core.arena_giveBackSlots(mark2)).toBe(1);
    const again = core.heap_push(h, 60);
    expect(again & 0xffffff).toBe(kept2 & 0xffffff); // the same slot
    expect(again).not.toBe(kept2);
    expect(core.heap_remove(h, kept2)).toBe(core.STATUS_STALE.value);
    expect(core.heap_keyOf(h, again)).toBe(60);
    core.heap_dispose(h);
  });
});
