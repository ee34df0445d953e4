import { expect } from 'vitest';
import { NumericQueue, type Arena } from '../../src/index.js';
import type { DebugExports } from '../../src/core/exports.js';
import { arenaOn, type BuildName } from './builds.js';

/** The memory limit of the arenas below: room for a few doublings from the first pages. */
const GROWTH_LIMIT = 16 << 20;
const PAGE = 65536;

/**
 * A fresh arena whose `create` export records the header it returns last (structures keep their
 * headers private), for the debug build's `debug_ringCheck` / `debug_stackCheck` / `debug_heapCheck`.
 */
export function watchedArena(build: BuildName, create: 'ring_create' | 'stack_create' | 'heap_create'): { arena: Arena; header: () => number } {
  const arena = arenaOn(build, { maxMemory: GROWTH_LIMIT });
  // Structures create their blocks through `Arena.call`, which calls the unguarded exports (a
  // frozen object: the arena gets a copy with the one export replaced).
  const original = arena.raw[create] as (...args: number[]) => number;
  let last = 0;
  arena.raw = { ...arena.raw, [create]: (...args: number[]) => (last = original(...args)) };
  return { arena, header: () => last };
}

/**
 * Grows the arena's memory from outside the structures under test, which detaches every view of
 * the old buffer. On the debug build by one page (`debug_growMemory`); on the release build another
 * structure takes a block as large as the whole memory, which only growth can serve, and frees it
 * (the memory stays grown). False, with nothing done, once the limit leaves no room.
 */
export function growArena(arena: Arena): boolean {
  const before = arena.memoryBytes;
  const debug = arena.core as Partial<DebugExports>;
  if (debug.debug_growMemory) {
    if (before + PAGE > GROWTH_LIMIT) return false;
    debug.debug_growMemory(1);
  } else {
    if (before * 3 > GROWTH_LIMIT) return false;
    const other = new NumericQueue({ arena });
    other.pushMany(new Uint32Array(before / 4));
    other.dispose();
  }
  expect(arena.memoryBytes).toBeGreaterThan(before);
  return true;
}
