import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CapacityError, type Arena } from '../../src/index.js';
import type { CoreExports, DebugExports } from '../../src/core/exports.js';
import { arenaOn, builds, debugArena, type BuildName } from '../helpers/builds.js';
import { pushAll } from '../helpers/heap-batch.js';

// The core heap through its raw exports, against a model that keeps entries in the order a stable
// sort by key puts them: heaps big enough to have several levels, full and partial sibling groups,
// many equal keys, -0 (equal to 0, yet given back as -0), and heaps that store keys packed with
// their sequence numbers, unpack when a key that does not pack arrives, and pack again once empty.
// Value heaps that grow past a threshold keep their entries in runs (assembly/heap-runs.ts); the
// debug build shrinks that threshold and the runs' shape so that short sequences reach every path.

interface Entry {
  key: number;
  /** Arrival rank: the tie-break among equal keys. */
  rank: number;
  /** The value (value heaps) or the handle (indexed heaps). */
  id: number;
}

class Model {
  entries: Entry[] = [];
  rank = 0;
  /** Inserts after every entry that orders before it (equal keys: lower rank first). */
  insert(entry: Entry): void {
    let i = this.entries.length;
    while (i > 0 && (this.entries[i - 1]!.key > entry.key || (this.entries[i - 1]!.key === entry.key && this.entries[i - 1]!.rank > entry.rank))) i--;
    this.entries.splice(i, 0, entry);
  }
}

/** Keys whose low 32 bits are zero: a heap holding only these stores (key, seq) packed. */
const packable = fc.constantFrom(0, -0, 1, 2, -1, 0.5, -3, 1e6, Infinity, -Infinity);
const anyKey = fc.oneof(
  { weight: 5, arbitrary: packable },
  { weight: 1, arbitrary: fc.constantFrom(-1e300, 1e300, Number.MIN_VALUE, -Number.MIN_VALUE, 0.1) },
  { weight: 3, arbitrary: fc.double({ noNaN: true }) },
);
/** Mostly packable keys, now and then one that is not: the heap unpacks mid-sequence. */
const mostlyPackable = fc.oneof({ weight: 40, arbitrary: packable }, { weight: 1, arbitrary: anyKey });
/** A few keys that do not pack, so a sorted drain meets long runs of equal keys (and -0 among 0s). */
const fewUnpackable = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(0.1, -0.3, 1e300) }, { weight: 1, arbitrary: fc.constantFrom(0, -0) });

type Op =
  | { kind: 'push'; key: number }
  | { kind: 'pushRun'; keys: number[] }
  | { kind: 'pop' }
  | { kind: 'popMany'; max: number }
  | { kind: 'update'; pick: number; key: number; restamp: boolean }
  | { kind: 'remove'; pick: number }
  | { kind: 'batch'; keys: number[] }
  | { kind: 'drainSorted'; max: number }
  /** A drain of this share of the heap, rounded up: mostly partial drains that sort. */
  | { kind: 'drainShare'; share: number }
  | { kind: 'popPush'; key: number }
  | { kind: 'shrink' }
  | { kind: 'clear' }
  /** `heap_link`: an indexed heap keeps its entries' places from now on (leaving runs mode). */
  | { kind: 'link' }
  /** Debug builds: the arrival counter jumps to `left` arrivals before it wraps (and renumbers). */
  | { kind: 'nearWrap'; left: number }
  /** `heap_sortInPlace`, then `heap_readSorted` of everything: the pop order, read in place. */
  | { kind: 'readInPlace' };

const ops = (key: fc.Arbitrary<number>, largeBatches = false, lookups = true): fc.Arbitrary<Op[]> => fc.array(fc.oneof(
  { weight: 4, arbitrary: key.map((k) => ({ kind: 'push' as const, key: k })) },
  { weight: 1, arbitrary: fc.array(key, { maxLength: 400, size: 'max' }).map((keys) => ({ kind: 'pushRun' as const, keys })) },
  { weight: 3, arbitrary: fc.constant({ kind: 'pop' as const }) },
  { weight: 1, arbitrary: fc.nat(60).map((max) => ({ kind: 'popMany' as const, max })) },
  { weight: lookups ? 2 : 0, arbitrary: fc.tuple(fc.nat(), key, fc.boolean()).map(([pick, k, restamp]) => ({ kind: 'update' as const, pick, key: k, restamp })) },
  { weight: lookups ? 2 : 0, arbitrary: fc.nat().map((pick) => ({ kind: 'remove' as const, pick })) },
  { weight: largeBatches ? 4 : 1, arbitrary: fc.array(key, { maxLength: largeBatches ? 3000 : 600, size: 'max' }).map((keys) => ({ kind: 'batch' as const, keys })) },
  // Empties the heap now and then: an empty heap packs again.
  { weight: 1, arbitrary: fc.constant({ kind: 'popMany' as const, max: 4096 }) },
  { weight: largeBatches ? 4 : 1, arbitrary: fc.nat(largeBatches ? 8000 : 1000).map((max) => ({ kind: 'drainSorted' as const, max })) },
  { weight: largeBatches ? 4 : 1, arbitrary: fc.double({ min: 0.3, max: 1, noNaN: true }).map((share) => ({ kind: 'drainShare' as const, share })) },
  { weight: 2, arbitrary: key.map((k) => ({ kind: 'popPush' as const, key: k })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'shrink' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
  { weight: lookups ? 1 : 0, arbitrary: fc.constant({ kind: 'link' as const }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5000 }).map((left) => ({ kind: 'nearWrap' as const, left })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'readInPlace' as const }) },
), { maxLength: largeBatches ? 30 : 80, size: 'max' });

function staged(core: CoreExports, arena: { stagingNumbers(): Float64Array; stagingWords(): Uint32Array }) {
  return { numbers: arena.stagingNumbers(), words: arena.stagingWords(), core };
}

/**
 * One arena per build for every run, each run's heap disposed even when a check fails: shrinking a
 * failure re-runs it thousands of times, and an arena apiece would reach the limit of live arenas.
 */
const arenas = new Map<BuildName, Arena>();

/**
 * These runs take about a second; shrinking a failure of long operation sequences took over ten
 * minutes. A failure found is still reported, with the smallest counterexample reached by then.
 */
const shrinkFor60s = () => fc.interruptAfterTimeLimit(60_000);

/**
 * Runs mode's shapes for these sequences (from, insertion, page, sort chunk, merge chunk): value
 * heaps enter runs from 48 entries, with insertion heaps of 64 entries and pages of 4; a starved
 * shape, whose merges cannot keep pace (a sort of 16 entries every 16 pushes, a level's chunk of
 * 64 only every 4 · levels pushes), so that runs pile up, pass to higher levels and are caught up
 * when a sort starts; and a fine shape, with pages of 2 and chunks of 1, so that nearly every
 * chunk crosses a page and moves the refills' tournament.
 */
type RunsShape = 'small' | 'starved' | 'fine';
const runsShapes: Record<RunsShape, [from: number, insertion: number, page: number, sortChunk: number, mergeChunk: number]> = {
  small: [48, 64, 4, 8, 256],
  starved: [48, 16, 4, 4, 64],
  fine: [48, 8, 2, 1, 1],
};
const runsArenas = new Map<RunsShape, Arena>();
/** Operations after which a heap was in runs mode, so that the runs tests can tell they reached it. */
let opsInRuns = 0;

/**
 * Asserts `property` and that the sequences it drew spent more than `least` operations in runs
 * mode. Random sequences reach the mode unevenly (one check of 12 runs in ~30 drew 11 such
 * operations where 20 were asked for), so the property runs again with fresh draws until they
 * did, at most `rounds` times: a run of bad luck does not fail the test, and a heap that never
 * enters the mode still does.
 */
function assertInRuns<T>(property: fc.IProperty<T>, params: fc.Parameters<T>, least: number, rounds = 4): void {
  const before = opsInRuns;
  for (let round = 0; round < rounds && opsInRuns - before <= least; round++) fc.assert(property, params);
  expect(opsInRuns - before).toBeGreaterThan(least);
}

/** Runs `ops` on a fresh heap and checks every answer against the model; `runs`: on a debug arena with that runs shape. */
function run(build: BuildName, indexed: boolean, ops: Op[], runs?: RunsShape): void {
  let arena = runs === undefined ? arenas.get(build) : runsArenas.get(runs);
  if (arena === undefined || arena.poisoned) {
    arena = arenaOn(build, { maxMemory: 16 << 20 });
    if (runs === undefined) arenas.set(build, arena);
    else {
      (arena.core as DebugExports).debug_heapRunsShape(...runsShapes[runs]);
      runsArenas.set(runs, arena);
    }
  }
  const h = arena.core.heap_create(indexed ? 1 : 0);
  try {
    exercise(arena, build, h, indexed, ops);
  } finally {
    if (!arena.poisoned) arena.core.heap_dispose(h);
  }
}

function exercise(arena: Arena, build: BuildName, h: number, indexed: boolean, ops: Op[]): void {
  const core = arena.core;
  const debug = build === 'debug' ? (core as DebugExports) : undefined;
  const model = new Model();
  let nextValue = 0;
  // Every earlier run's heap was disposed, its slots with it.
  expect(core.arena_liveSlots()).toBe(0);

  const push = (k: number) => {
    const id = indexed ? core.heap_push(h, k) : nextValue++;
    if (!indexed && core.heap_pushValue(h, k, id) !== model.entries.length + 1) expect.fail('pushValue did not return the new size');
    model.insert({ key: k, rank: model.rank++, id });
  };

  for (const o of ops) {
    switch (o.kind) {
      case 'push':
        push(o.key);
        break;
      case 'pushRun':
        for (const k of o.keys) push(k);
        break;
      case 'pop': {
        const want = model.entries.shift();
        if (indexed) expect(core.heap_pop(h)).toBe(want ? want.id & 0xffffff : core.STATUS_EMPTY.value);
        else expect(core.heap_popValue(h)).toBe(want ? want.id : -1);
        break;
      }
      case 'popMany': {
        const count = core.heap_popMany(h, o.max);
        expect(count).toBe(Math.min(o.max, model.entries.length));
        const { numbers, words } = staged(core, arena);
        for (let k = 0; k < count; k++) {
          const want = model.entries.shift()!;
          expect(Object.is(numbers[k], want.key)).toBe(true);
          expect(words[k]).toBe(indexed ? want.id & 0xffffff : want.id);
        }
        break;
      }
      case 'update': {
        if (!indexed || model.entries.length === 0) break;
        const [entry] = model.entries.splice(o.pick % model.entries.length, 1);
        expect(core.heap_update(h, entry!.id, o.key, o.restamp ? 1 : 0)).toBe(0);
        entry!.key = o.key;
        if (o.restamp) entry!.rank = model.rank++;
        model.insert(entry!);
        break;
      }
      case 'remove': {
        if (!indexed || model.entries.length === 0) break;
        const [entry] = model.entries.splice(o.pick % model.entries.length, 1);
        expect(core.heap_remove(h, entry!.id)).toBe(entry!.id & 0xffffff);
        expect(core.heap_remove(h, entry!.id)).toBe(core.STATUS_STALE.value);
        break;
      }
      case 'drainSorted':
      case 'drainShare': {
        const size = model.entries.length;
        const max = o.kind === 'drainShare' ? Math.ceil(o.share * size) : o.max;
        const count = Math.min(max, size);
        const inRuns = debug !== undefined && debug.debug_heapInRuns(h) === 1;
        const sortedRuns = debug !== undefined && debug.debug_heapInSortedRuns(h) === 1;
        const block = core.heap_drainSorted(h, max);
        // The core sorts when `count` pops of about log2(size) levels each would cost more than its
        // eight passes over the heap; 16 MiB is room enough for the scratch space of these heaps.
        // Runs are drained by pops (their refills already merge sorted runs), unless a batch left
        // every entry in one sorted array: then they are copied out.
        const pays = inRuns ? sortedRuns : size >= arena.heapSortFrom && count * (32 - Math.clz32(size)) >= 8 * size;
        expect(block !== 0).toBe(pays);
        if (block === 0) break;
        const keys = arena.numbersAt(block, count).slice();
        const items = arena.wordsAt(block + 8 * count, count).slice();
        core.heap_releaseDrained(block, size);
        for (let k = 0; k < count; k++) {
          const want = model.entries.shift()!;
          if (!Object.is(keys[k], want.key) || items[k] !== (indexed ? want.id & 0xffffff : want.id)) {
            expect.fail(`entry ${k} of ${count}: got ${keys[k]} / ${items[k]}, want ${want.key} / ${want.id}`);
          }
        }
        break;
      }
      case 'batch': {
        const ids = pushAll(arena, h, indexed, o.keys, nextValue);
        o.keys.forEach((k, i) => model.insert({ key: k, rank: model.rank++, id: ids[i]! }));
        nextValue += o.keys.length;
        break;
      }
      case 'popPush': {
        if (indexed) break;
        const want = model.entries.shift();
        const got = core.heap_popPushValue(h, o.key, nextValue);
        if (want === undefined) {
          expect(got).toBe(-1);
          break;
        }
        expect(got).toBe(want.id);
        model.insert({ key: o.key, rank: model.rank++, id: nextValue++ });
        break;
      }
      case 'shrink':
        core.heap_shrink(h);
        break;
      case 'clear':
        if (indexed) break;
        core.heap_clear(h);
        model.entries.length = 0;
        break;
      case 'link':
        expect(core.heap_link(h)).toBe(indexed ? 1 : 0);
        if (indexed && debug) expect(debug.debug_heapInRuns(h)).toBe(0);
        break;
      case 'readInPlace': {
        // Sorting in place changes neither the pop order nor, for an indexed heap, its handles
        // (the lookups that follow use them); memory is plentiful here, so it is never refused.
        expect(core.heap_sortInPlace(h)).toBe(1);
        const size = model.entries.length;
        for (let at = 0; at < size; ) {
          const count = core.heap_readSorted(h, at, arena.stagingItems);
          expect(count).toBe(Math.min(arena.stagingItems, size - at));
          const { numbers, words } = staged(core, arena);
          for (let k = 0; k < count; k++) {
            const want = model.entries[at + k]!;
            if (!Object.is(numbers[k], want.key) || words[k] !== (indexed ? want.id & 0xffffff : want.id)) {
              expect.fail(`entry ${at + k} of ${size} read in place: got ${numbers[k]} / ${words[k]}, want ${want.key} / ${want.id}`);
            }
          }
          at += count;
        }
        expect(core.heap_readSorted(h, size, 10)).toBe(0);
        break;
      }
      case 'nearWrap':
        // The pushes, batches (of more than one staging chunk, too) and updates that follow cross
        // the wrap: order among equal keys, and an update's place among them, must survive it.
        debug?.debug_heapSetNextSequence(h, 2 ** 32 - 2 - 2 * o.left);
        break;
    }
    expect(core.heap_size(h)).toBe(model.entries.length);
    if (model.entries.length > 0) expect(Object.is(core.heap_peekKey(h), model.entries[0]!.key)).toBe(true);
    if (debug) expect(debug.debug_heapCheck(h)).toBe(1);
    if (debug?.debug_heapInRuns(h) === 1) opsInRuns++;
    if (indexed) expect(core.arena_liveSlots()).toBe(model.entries.length); // every pop freed its slot
  }
  // A copy pops the whole order (and leaves the heap alone); then the heap itself drains the same way.
  const copy = core.heap_copy(h);
  try {
    for (const want of model.entries) expect(core.heap_popValue(copy)).toBe(indexed ? want.id & 0xffffff : want.id);
  } finally {
    core.heap_dispose(copy);
  }
  // Every live handle finds its key (in runs mode, the first lookup puts the entries back into one array).
  if (indexed) for (const e of model.entries) expect(Object.is(core.heap_keyOf(h, e.id), e.key)).toBe(true);
  expect(core.heap_size(h)).toBe(model.entries.length);
  for (const want of model.entries) {
    if (indexed) expect(core.heap_pop(h)).toBe(want.id & 0xffffff);
    else expect(core.heap_popValue(h)).toBe(want.id);
  }
}

describe.each(Object.keys(builds) as BuildName[])('core heap order (%s build)', (build) => {
  it.each([
    [false, 'any keys', anyKey],
    [true, 'any keys', anyKey],
    [false, 'mostly packable keys', mostlyPackable],
    [true, 'mostly packable keys', mostlyPackable],
  ] as const)('pops in stable-sort order over random operation sequences (indexed: %s, %s)', (indexed, _, key) => {
    fc.assert(
      fc.property(ops(key), (sequence) => run(build, indexed, sequence)),
      { numRuns: build === 'debug' ? 12 : 30, plugins: [shrinkFor60s()] },
    );
  });

  it.each([
    [false, 'any keys', anyKey],
    [true, 'any keys', anyKey],
    [false, 'packable keys', packable],
    [true, 'a few keys that do not pack', fewUnpackable],
    [false, 'a few keys that do not pack', fewUnpackable],
  ] as const)('drains large heaps by sorting in the same order, leaving a working heap (indexed: %s, %s)', (indexed, _, key) => {
    fc.assert(
      fc.property(ops(key, true), (sequence) => run(build, indexed, sequence)),
      { numRuns: build === 'debug' ? 8 : 20, plugins: [shrinkFor60s()] },
    );
  });
});

/**
 * Keys spread every way the sort's buckets (over the keys' own range, assembly/heap.ts `sortRange`)
 * must cope with: all of a double's range, clusters inside clusters (bits set 11 apart, so each
 * level of buckets splits a range in two only), most keys in a narrow band beside a far outlier,
 * long runs of equal keys that do not pack, and all keys equal.
 */
const bits = new Float64Array(1);
const bitsView = new BigUint64Array(bits.buffer);
const spreads = {
  'any doubles': fc.double({ noNaN: true }),
  'clusters inside clusters': fc.tuple(fc.nat(63), fc.boolean()).map(([picks, negative]) => {
    let code = 0x3000_0000_0000_0000n;
    for (let j = 0n; j < 6n; j++) if ((picks >> Number(j)) & 1) code |= 1n << (11n * j);
    bitsView[0] = code;
    return negative ? -bits[0]! : bits[0]!;
  }),
  'a narrow band and an outlier': fc.oneof(
    { weight: 50, arbitrary: fc.integer({ min: 0, max: 5000 }).map((i) => 1 + i * 2 ** -40) },
    { weight: 1, arbitrary: fc.constantFrom(1e300, -Infinity) },
  ),
  'equal keys in long runs': fc.constantFrom(0.1, 0.2, -0.3, 0, -0),
  'one key': fc.constant(0.7),
};

describe.each(Object.keys(builds) as BuildName[])('core sorted drain, keys of any spread (%s build)', (build) => {
  it.each(Object.keys(spreads) as (keyof typeof spreads)[])('%s: drains in stable-sort order, all at once and in part', (spread) => {
    fc.assert(
      fc.property(fc.array(spreads[spread], { minLength: 512, maxLength: 3000 }), fc.double({ min: 0.25, max: 1, noNaN: true }), (keys, share) => {
        const arena = arenaOn(build, { maxMemory: 16 << 20 });
        const core = arena.core;
        const h = core.heap_create(0);
        try {
          pushAll(arena, h, false, keys, 0);
          const order = keys.map((key, id) => ({ key, id })).sort((a, b) => a.key - b.key || a.id - b.id);
          let taken = 0;
          for (const count of [Math.ceil(share * keys.length), keys.length]) {
            const size = core.heap_size(h);
            const want = order.slice(taken, taken + Math.min(count, size));
            const block = core.heap_drainSorted(h, count);
            if (block === 0) {
              // Too few left for a sort to pay: pops give the rest, in the same order.
              for (const entry of want) expect(core.heap_popValue(h)).toBe(entry.id);
            } else {
              expect(Array.from(arena.wordsAt(block + 8 * want.length, want.length))).toEqual(want.map((e) => e.id));
              const drained = arena.numbersAt(block, want.length);
              want.forEach((entry, k) => expect(Object.is(drained[k], entry.key)).toBe(true));
              core.heap_releaseDrained(block, size);
            }
            taken += want.length;
          }
          expect(core.heap_size(h)).toBe(0);
        } finally {
          core.heap_dispose(h);
        }
      }),
      { numRuns: build === 'debug' ? 10 : 25, plugins: [shrinkFor60s()] },
    );
  });
});

describe('core heap order in runs mode (debug build, runs from 48 entries)', () => {
  it.each(['small', 'starved', 'fine'] as const)('pops in stable-sort order over random operation sequences, runs entered and left (%s shape)', (shape) => {
    assertInRuns(fc.property(ops(anyKey), (sequence) => run('debug', false, sequence, shape)), { numRuns: 30, plugins: [shrinkFor60s()] }, 100);
  });

  // An indexed heap stays in runs mode until its first lookup by handle, which puts the entries
  // back into the block the mode kept: so lookups come only after a stretch without them.
  it.each(['small', 'starved', 'fine'] as const)('indexed: pops in stable-sort order, handles issued and freed in runs mode, then looked up (%s shape)', (shape) => {
    const sequences = fc.tuple(ops(anyKey, false, false), ops(anyKey)).map(([quiet, any]) => [...quiet, ...any]);
    assertInRuns(fc.property(sequences, (sequence) => run('debug', true, sequence, shape)), { numRuns: 30, plugins: [shrinkFor60s()] }, 100);
  });

  it('indexed, fine shape: a sequence whose read-ahead once read past the end of the memory (pages of 48 bytes, one at its end)', () => {
    runsArenas.delete('fine'); // a fresh arena, laid out as when the sequence trapped
    const sequences = fc.tuple(ops(anyKey, false, false), ops(anyKey)).map(([quiet, any]) => [...quiet, ...any]);
    fc.assert(fc.property(sequences, (sequence) => run('debug', true, sequence, 'fine')), { seed: 2015303761, numRuns: 1, endOnFailure: true });
  });

  it.each([
    ['small', false], ['starved', false], ['fine', false], ['small', true],
  ] as const)('batches in and out of runs, with ties and -0, in the same order (%s shape, indexed: %s)', (shape, indexed) => {
    const sequences = indexed ? fc.tuple(ops(fewUnpackable, true, false), ops(fewUnpackable, true)).map(([quiet, any]) => [...quiet, ...any]) : ops(fewUnpackable, true);
    assertInRuns(fc.property(sequences, (sequence) => run('debug', indexed, sequence, shape)), { numRuns: 12, plugins: [shrinkFor60s()] }, 20);
  });

  it('enters runs mode when a large value heap grows, leaves it when empty, and settles on shrink', () => {
    const { core } = debugArena({ maxMemory: 16 << 20 });
    core.debug_heapRunsShape(...runsShapes.small);
    const h = core.heap_create(0);
    for (let i = 0; i < 1000; i++) core.heap_pushValue(h, (i * 7919) % 1000, i);
    expect(core.debug_heapInRuns(h)).toBe(1);
    expect(core.debug_heapCheck(h)).toBe(1);
    const bytesInRuns = core.heap_bytes(h);
    core.heap_shrink(h);
    expect(core.debug_heapInRuns(h)).toBe(0);
    expect(core.heap_bytes(h)).toBeLessThan(bytesInRuns);
    expect(core.debug_heapCheck(h)).toBe(1);
    core.heap_pushValue(h, 5, 1000); // grows again: back into runs
    expect(core.debug_heapInRuns(h)).toBe(1);
    const popped: number[] = [];
    for (let i = 0; i < 1001; i++) popped.push(core.heap_popValue(h));
    expect(core.debug_heapInRuns(h)).toBe(0);
    expect(core.heap_size(h)).toBe(0);
    const keyOf = (id: number) => (id === 1000 ? 5 : (id * 7919) % 1000);
    for (let i = 1; i < popped.length; i++) expect(keyOf(popped[i]!)).toBeGreaterThanOrEqual(keyOf(popped[i - 1]!));
    core.heap_dispose(h);
  });

  it('sorts a heap a batch filled past the threshold into runs mode: pops step along it, a drain copies it out', () => {
    const { arena, core } = debugArena({ maxMemory: 16 << 20 });
    core.debug_heapRunsShape(...runsShapes.small);
    const keys = Array.from({ length: 600 }, (_, i) => (i * 7919) % 97); // ties: FIFO among equal keys
    const order = keys.map((k, id) => ({ k, id })).sort((a, b) => a.k - b.k || a.id - b.id).map((e) => e.id);
    const h = core.heap_create(0);
    pushAll(arena, h, false, keys, 0);
    expect(core.debug_heapInSortedRuns(h)).toBe(1);
    expect(core.debug_heapCheck(h)).toBe(1);
    for (let i = 0; i < 100; i++) expect(core.heap_popValue(h)).toBe(order[i]);
    expect(core.debug_heapInSortedRuns(h)).toBe(1);
    // All of the rest in one drain: copied out of the sorted array, in order, and the heap is empty.
    const block = core.heap_drainSorted(h, 1000);
    expect(block).not.toBe(0);
    expect(Array.from(arena.wordsAt(block + 8 * 500, 500))).toEqual(order.slice(100));
    expect(Array.from(arena.numbersAt(block, 500))).toEqual(order.slice(100).map((id) => keys[id]));
    core.heap_releaseDrained(block, 500);
    expect(core.heap_size(h)).toBe(0);
    expect(core.debug_heapInRuns(h)).toBe(0);
    // Below the threshold, or small beside what the heap holds, a batch leaves one array as before.
    pushAll(arena, h, false, keys.slice(0, 40), 0);
    pushAll(arena, h, false, keys.slice(0, 10), 40);
    expect(core.heap_size(h)).toBeGreaterThan(runsShapes.small[0]);
    expect(core.debug_heapInRuns(h)).toBe(0);
    // Pushes after a sorting batch go to the runs, and everything comes out in order.
    pushAll(arena, h, false, keys.slice(50), 50);
    expect(core.debug_heapInSortedRuns(h)).toBe(1);
    const all = [...keys.slice(0, 40), ...keys.slice(0, 10), ...keys.slice(50)];
    for (let i = 0; i < 50; i++) {
      core.heap_pushValue(h, i % 97, all.length);
      all.push(i % 97);
    }
    expect(core.debug_heapInSortedRuns(h)).toBe(0);
    expect(core.debug_heapCheck(h)).toBe(1);
    const want = all.map((k, id) => ({ k, id })).sort((a, b) => a.k - b.k || a.id - b.id).map((e) => e.id);
    for (const id of want) expect(core.heap_popValue(h)).toBe(id);
    core.heap_dispose(h);
  });

  it.each([false, true])('a batch larger than a heap in runs mode sorts everything into runs again (indexed: %s)', (indexed) => {
    const { arena, core } = debugArena({ maxMemory: 16 << 20 });
    core.debug_heapRunsShape(...runsShapes.small);
    const h = core.heap_create(indexed ? 1 : 0);
    const model = new Model();
    let id = 0;
    const push = (key: number) => {
      const handle = indexed ? core.heap_push(h, key) : id;
      if (!indexed) core.heap_pushValue(h, key, id);
      model.insert({ key, rank: model.rank++, id: handle });
      id++;
    };
    const pop = () => {
      const want = model.entries.shift()!;
      if (indexed) expect(core.heap_pop(h)).toBe(want.id & 0xffffff);
      else expect(core.heap_popValue(h)).toBe(want.id);
    };
    for (let i = 0; i < 900; i++) push((i * 7919) % 101); // one by one: into runs mode, unsorted
    expect(core.debug_heapInRuns(h)).toBe(1);
    expect(core.debug_heapInSortedRuns(h)).toBe(0);
    for (let i = 0; i < 700; i++) pop();
    // 600 more in one batch, more than the 200 held: all 800 are sorted into runs mode's old heap.
    const keys = Array.from({ length: 600 }, (_, i) => (i * 31) % 97);
    pushAll(arena, h, false, keys, id);
    const handles = arena.stagingNumbers();
    keys.forEach((key, k) => model.insert({ key, rank: model.rank++, id: indexed ? handles[k]! : id + k }));
    id += keys.length;
    expect(core.debug_heapInSortedRuns(h)).toBe(1);
    expect(core.debug_heapCheck(h)).toBe(1);
    for (let i = 0; i < 100; i++) pop();
    for (let i = 0; i < 100; i++) push(i % 13); // pushes after it go to the runs
    while (model.entries.length > 0) pop();
    expect(core.heap_size(h)).toBe(0);
    expect(core.arena_liveSlots()).toBe(0);
    core.heap_dispose(h);
  });

  it('keeps FIFO among equal keys when the arrival counter wraps in runs mode, one by one and in batches', () => {
    const { arena, core } = debugArena({ maxMemory: 16 << 20 });
    core.debug_heapRunsShape(...runsShapes.small);
    const h = core.heap_create(0);
    const model = new Model();
    let id = 0;
    const push = (k: number) => {
      core.heap_pushValue(h, k, id);
      model.insert({ key: k, rank: model.rank++, id: id++ });
    };
    for (let i = 0; i < 500; i++) push(i % 7);
    expect(core.debug_heapInRuns(h)).toBe(1);
    core.debug_heapSetNextSequence(h, 2 ** 32 - 60);
    for (let i = 0; i < 200; i++) {
      push(i % 5);
      if (i % 3 === 0) expect(core.heap_popValue(h)).toBe(model.entries.shift()!.id);
      expect(core.debug_heapCheck(h)).toBe(1);
    }
    // A batch across the wrap too: the reserve puts the entries back into one array to renumber them.
    core.debug_heapSetNextSequence(h, 2 ** 32 - 600);
    pushAll(arena, h, false, Array.from({ length: 400 }, (_, k) => k % 3), id);
    for (let k = 0; k < 400; k++) model.insert({ key: k % 3, rank: model.rank++, id: id++ });
    expect(core.debug_heapCheck(h)).toBe(1);
    for (const want of model.entries) expect(core.heap_popValue(h)).toBe(want.id);
    expect(core.heap_size(h)).toBe(0);
    core.heap_dispose(h);
  });

  it('keeps FIFO among equal keys when the arrival counter wraps while the refills\' tournament stands', () => {
    // Pops raise the tournament over the runs' fronts; a wrap then moves every seq down, those its
    // leaves copied too. Heaps whose counters start at different distances from the wrap meet it
    // at different points of the runs' work, some while the tournament stands.
    const { core } = debugArena({ maxMemory: 16 << 20 });
    core.debug_heapRunsShape(...runsShapes.small);
    for (let start = 0; start < 40; start++) {
      const h = core.heap_create(0);
      core.debug_heapSetNextSequence(h, 2 ** 32 - 2 * (400 + start));
      const model = new Model();
      let id = 0;
      for (let i = 0; i < 500; i++) {
        core.heap_pushValue(h, i % 2, id);
        model.insert({ key: i % 2, rank: model.rank++, id: id++ });
        if (i >= 100 && i % 2 === 0) expect(core.heap_popValue(h)).toBe(model.entries.shift()!.id);
        expect(core.debug_heapCheck(h)).toBe(1);
      }
      expect(core.debug_heapInRuns(h)).toBe(1);
      for (const want of model.entries) expect(core.heap_popValue(h)).toBe(want.id);
      core.heap_dispose(h);
    }
  });

  it('refuses a push with CapacityError status and nothing changed when memory refuses the pages a sort needs', () => {
    const { arena, core } = debugArena({ maxMemory: 2 << 20 });
    core.debug_heapRunsShape(64, 256, 64, 8, 128);
    const h = core.heap_create(0);
    let size = 0;
    let status = 0;
    for (let i = 0; i < 200_000 && status >= 0; i++) {
      status = core.heap_pushValue(h, (i * 7919) % 10007, i);
      if (status >= 0) size = status;
    }
    expect(status).toBe(core.STATUS_CAPACITY.value);
    expect(core.debug_heapInRuns(h)).toBe(1);
    expect(core.heap_size(h)).toBe(size);
    expect(core.debug_heapCheck(h)).toBe(1);
    expect(arena.poisoned).toBe(false);
    // Everything pushed is still there, in order.
    let last = -Infinity;
    for (let i = 0; i < size; i++) {
      const id = core.heap_popValue(h);
      expect((id * 7919) % 10007).toBeGreaterThanOrEqual(last);
      last = (id * 7919) % 10007;
    }
    expect(core.heap_popValue(h)).toBe(-1);
    core.heap_dispose(h);
  });

  it('a push refused while its heap enters runs mode in a full arena leaks nothing, even when the allocator traps on a page', () => {
    // Whether the allocator traps on a page (rather than the header or record failing first) hangs
    // on the arena's layout to the byte, so the arena is filled to several levels until one does.
    const fillUntilFull = (fill: number): number => {
      const { arena, core } = debugArena({ maxMemory: 2 << 20 });
      core.debug_heapRunsShape(48, 64, 4, 8, 256);
      const baseline = arena.bytesInUse;
      const heaps = [core.heap_create(0)];
      for (let id = 0; id < fill; id++) core.heap_pushValue(heaps[0]!, id % 1000, id);
      // Heaps of 256 entries (each enters runs mode at 48) until the arena takes no more headers.
      let trapsEntering = 0;
      for (;;) {
        let h: number;
        try {
          h = core.heap_create(0);
        } catch {
          break;
        }
        heaps.push(h);
        const size = core.heap_size(h);
        try {
          for (let k = 0; k < 256; k++) if (core.heap_pushValue(h, k, k) < 0) break;
        } catch (error) {
          expect(error).toBeInstanceOf(CapacityError);
          if (/topUp/.test(String(((error as Error).cause as Error).stack))) trapsEntering++;
        }
        expect(core.debug_heapCheck(h)).toBe(1);
        expect(core.heap_size(h)).toBeGreaterThanOrEqual(size);
      }
      expect(arena.poisoned).toBe(false);
      for (const h of heaps) core.heap_dispose(h);
      expect(arena.bytesInUse).toBe(baseline);
      return trapsEntering;
    };
    let reached = 0;
    for (let fill = 6000; fill <= 12000 && reached === 0; fill += 500) reached = fillUntilFull(fill);
    expect(reached).toBeGreaterThan(0); // the case under test was reached
  });

  it('a value heap in runs mode crosses the sequence wrap with no memory to spare: the seqs move down where they stand', () => {
    const { arena, core } = debugArena({ maxMemory: 2 << 20 });
    core.debug_heapRunsShape(48, 64, 4, 8, 256);
    const h = core.heap_create(0);
    core.debug_heapSetNextSequence(h, 2 ** 32 - 2 - 2 * 30_000); // the wrap comes 30,000 pushes on
    const SIZE = 8000;
    // Keys like deadlines (the time now plus up to 1,000): every entry leaves within a few thousand pushes.
    const deadline = (now: number, i: number) => now + ((i * 7919) % 1000);
    let id = 0;
    for (; id < SIZE; id++) expect(core.heap_pushValue(h, deadline(0, id), id)).toBeGreaterThan(0);
    expect(core.debug_heapInRuns(h)).toBe(1);
    // Other heaps take the arena's memory, small ones (one array each), until not even a header fits.
    const others: number[] = [];
    for (;;) {
      try {
        const other = core.heap_create(0);
        others.push(other);
        for (let k = 0; k < 32; k++) if (core.heap_pushValue(other, k, k) < 0) break;
      } catch (error) {
        expect(error).toBeInstanceOf(CapacityError);
        break;
      }
    }
    for (const other of others.splice(-64)) core.heap_dispose(other); // room for the runs' own pages
    // No room for the entries in one array: a copy of the queue is refused.
    expect(() => {
      const copy = core.heap_copy(h);
      if (copy === 0) throw new CapacityError('refused');
    }).toThrow(CapacityError);
    let last = -Infinity;
    for (let step = 0; step < 40_000; step++, id++) {
      const now = core.heap_peekKey(h);
      expect(now).toBeGreaterThanOrEqual(last);
      last = now;
      core.heap_popValue(h);
      expect(core.heap_pushValue(h, deadline(now, id), id)).toBe(SIZE);
      if (step % 5000 === 0) expect(core.debug_heapCheck(h)).toBe(1);
    }
    expect(core.debug_heapCheck(h)).toBe(1);
    expect(core.debug_heapInRuns(h)).toBe(1);
    for (const other of others) core.heap_dispose(other);
    core.heap_dispose(h);
  });

  it('indexed: a lookup by handle in runs mode succeeds even when the arena is full, into the block the mode kept', () => {
    const { arena, core } = debugArena({ maxMemory: 2 << 20 });
    core.debug_heapRunsShape(64, 256, 64, 8, 128); // indexed heaps from 256 entries
    const h = core.heap_create(1);
    const handles: number[] = [];
    let status = 0;
    for (let i = 0; i < 200_000; i++) {
      status = core.heap_push(h, (i * 7919) % 10007);
      if (status < 0) break;
      handles.push(status);
    }
    expect(status).toBe(core.STATUS_CAPACITY.value);
    expect(core.debug_heapInRuns(h)).toBe(1);
    expect(core.heap_size(h)).toBe(handles.length);
    expect(core.arena_liveSlots()).toBe(handles.length);
    expect(arena.poisoned).toBe(false);
    // No room for a copy of the entries is left (iteration's copy is refused), yet the first lookup finds its entry.
    expect(() => {
      const copy = core.heap_copy(h);
      if (copy === 0) throw new CapacityError('refused');
    }).toThrow(CapacityError);
    expect(arena.poisoned).toBe(false);
    const probe = handles.length >> 1;
    expect(core.heap_keyOf(h, handles[probe]!)).toBe((probe * 7919) % 10007);
    expect(core.debug_heapInRuns(h)).toBe(0);
    expect(core.debug_heapCheck(h)).toBe(1);
    expect(core.heap_update(h, handles[probe]!, -1, 0)).toBe(0);
    expect(core.heap_pop(h)).toBe(handles[probe]! & 0xffffff);
    let last = -Infinity;
    for (let i = 1; i < handles.length; i++) {
      const slot = core.heap_pop(h);
      const id = handles.findIndex((handle) => (handle & 0xffffff) === slot);
      const key = (id * 7919) % 10007;
      expect(key).toBeGreaterThanOrEqual(last);
      last = key;
    }
    expect(core.heap_pop(h)).toBe(core.STATUS_EMPTY.value);
    expect(core.arena_liveSlots()).toBe(0);
    core.heap_dispose(h);
  });
});

describe('core heap order across a sequence renumbering (debug build)', () => {
  it('keeps FIFO among equal keys, -0 given back as -0, when the arrival counter wraps', () => {
    const { arena, core } = debugArena({ maxMemory: 8 << 20 });
    for (const indexed of [0, 1]) {
      const h = core.heap_create(indexed);
      core.debug_heapSetNextSequence(h, 2 ** 32 - 60);
      const model = new Model();
      for (let i = 0; i < 200; i++) {
        const k = [0, -0, 1, -0][i % 4]!;
        const id = indexed ? core.heap_push(h, k) : i;
        if (!indexed) core.heap_pushValue(h, k, i);
        model.insert({ key: k, rank: i, id });
        if (i % 9 === 8) {
          const want = model.entries.shift()!;
          expect(Object.is(core.heap_peekKey(h), want.key)).toBe(true);
          core.heap_popValue(h);
        }
        expect(core.debug_heapCheck(h)).toBe(1);
      }
      const count = core.heap_popMany(h, 1000);
      expect(count).toBe(model.entries.length);
      const numbers = arena.stagingNumbers();
      const words = arena.stagingWords();
      model.entries.forEach((want, k) => {
        expect(Object.is(numbers[k], want.key)).toBe(true);
        expect(words[k]).toBe(indexed ? want.id & 0xffffff : want.id);
      });
      core.heap_dispose(h);
    }
  });
});
