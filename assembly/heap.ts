// Indexed 4-ary min-heap ordered by (key, seq): the smallest key first, and among equal keys the
// earliest arrival (the lowest sequence number), as a stable sort would order them.
//
//   header, 28 bytes
//   ╒═══════════════╤═══════════════╤═══════════════╤═══════════════╤═══════════════╤═══════════════╤═══════════════╕
//   │ data    usize │ size      u32 │ capacity  u32 │ nextSeq   u32 │ flags     u32 │ block   usize │ runs    usize │
//   └───────────────┴───────────────┴───────────────┴───────────────┴───────────────┴───────────────┴───────────────┘
//   0               4               8               12              16              20              24              28
//
//   data, entry[capacity], 16 bytes an entry
//   ╒═══════════════════════════════╤═══════════════╤═══════════════╕
//   │ key                       u64 │ seq       u32 │ item      u32 │
//   └───────────────────────────────┴───────────────┴───────────────┘
//   0                               8               12              16
//
//   block  the allocation holding `data`: capacity · 16 + 48 bytes, `data` placed in it so that
//          entry 1, and so every group of four siblings (4i + 1 .. 4i + 4), starts a 64-byte line.
//   runs   RUNS heaps: their record (heap-runs.ts); `data` then points at its top cell, a copy of
//          the smallest entry, `size` counts every entry, and block and capacity are 0 (the
//          record keeps the heap's own array while it drains).
//   key    the priority's bits, mapped so that unsigned integer order is the number order
//          (`encode`). -0 is stored as 0, so that the two are one key, as they are equal.
//          PACKED heaps store the high half of that and the seq in the low half instead.
//   seq    arrival number · 2, plus 1 when the priority was -0 (so -0 comes back as given).
//          Arrival numbers are distinct, so the extra bit never decides an order.
//   flags  INDEXED: items are slots of the arena's slot table (slots.ts), and each push issues a
//          handle. Otherwise items are the caller's own u32 values and no handle is issued.
//          LINKED (indexed heaps): every entry's slot `link` holds the entry's index, so a handle
//          finds its entry in O(1). Set by the first call that looks an entry up by handle
//          (update, remove, keyOf), which links all entries in O(n); from then on every move
//          keeps the links. Until then moves skip them: a link is a write to a random place of
//          the slot table, one per level of a sift, and a queue that never looks items up by
//          handle (most do not) paid for it on every push and pop. Measured (PriorityQueue, hold
//          model at N = 1e6, the two builds in one process on arenas of their own, six runs,
//          each order three times, since whichever ran first was ~10 % slower): in batches of
//          100 about a fifth less time an operation (0.73-1.02x of the linked build's, five of
//          six runs below 0.9), one by one about 4 % (0.84-1.09x, within the noise); 1e3 the same.
//          PACKED: every key's low 32 bits are zero (integers below 2^21, halves, quarters, ...:
//          any number of at most 21 significant bits), so the low half of `key` holds the seq and
//          no two keys are equal: one integer comparison orders (key, seq), and equal priorities
//          never take the tie-break branch, which mispredicts when ties are common. A heap starts
//          packed, and `unpack`s for good (until it is empty again) when a key that does not pack
//          arrives. Measured with integer priorities 0 .. 9 (value heap, push + pop, N = 1e3 /
//          1e5): hold 72 / 114 -> 47 / 81 ns, fill-then-drain 73 / 108 -> 47 / 72 ns; random keys
//          (never packed) unchanged.
//          RUNS: a heap that must grow while it holds `runs.runsFrom` (2^18) entries or more (an
//          indexed heap: 2^20, `runs.runsFromFor`), past the caches, or that a batch larger than
//          itself filled past that, keeps its entries in sorted runs instead of one tree
//          (heap-runs.ts has why and how; the batch's heap is sorted first, `sortIntoRuns`).
//          Push, pop, popPush, peek and batch pops and pushes work on the runs, and the operations
//          that need one array (`sortInPlace`, shrink, a wrap that cannot shift the sequence numbers
//          in place, and an indexed heap's first lookup by handle, which needs the entry's place;
//          iteration's `copy` gathers the runs into the copy instead) first put the entries back into
//          one (`settle`; an indexed heap's go into the block the mode keeps for them, so that a
//          lookup never needs memory). It leaves the mode when it is empty. A LINKED heap does not
//          enter it.
//
// Invariants
//   - entries 0 .. size-1 form a 4-ary heap: no entry orders before its parent, (i - 1) >> 2.
//   - arrival numbers of live entries are distinct; nextSeq (even: the next arrival · 2) exceeds
//     every seq. When it would wrap, `renumber` sorts the entries and renumbers them 0 .. size-1.
//
// Why this layout and these sifts, measured (bench/micro/heap.ts: raw value heap, push + pop pairs
// in the hold model, ns at N = 1e3 / 1e5 / 1e6, flatqueue 48 / 143 / 720 in the same run):
//   - three columns (keys f64 | seqs | items), branchy sift-down:                 94 / 173 / 346
//   - the same with the smallest of four children chosen by selects:               67 / 149 / 552
//   - one 16-byte entry, sibling groups line-aligned, integer keys, selects:       42 /  92 / 356
// Which child is smallest is a coin toss for random keys, so a branch there mispredicts about once
// a level; selects remove that, and integer keys let the winner's key be selected too (cmov)
// rather than loaded again. Without a branch to speculate on, the next level's line is fetched
// only once the winner is known, so at 1e6 the three columns (up to three lines a level) lost;
// four siblings with their tie-breaks and items in one line are one miss a level. d = 4: a group
// of four 16-byte entries is one line; d = 8 (two lines a group) was slower at 1e3 (49 vs 42 ns)
// and no faster at 1e5; d = 2 was slower everywhere (hold 52 / 114 / 389 vs 46 / 81 / 240 ns). A bottom-up pop (the hole down to the bottom, then the last entry up)
// measured the same as this sift-down, so the simpler one stays.

import { CAPACITY, EMPTY, FOREIGN, OUT_OF_RANGE } from "./status";
import { allocate, canAllocate, canAllocateIf, canAllocateSurely, holdUnlinked, linked, release } from "./memory";
import { freeSlot, freeSlots, handleOf, indexOf, reserveSlots, resolve, setIndex, takeSlot } from "./slots";
import { STAGING_ITEMS, stagingNumbers, stagingWords } from "./staging";
import * as runs from "./heap-runs";

// @ts-ignore: decorator
@inline const HEADER_BYTES: usize = 28;
// @ts-ignore: decorator
@inline export const DATA: usize = 0;
// @ts-ignore: decorator
@inline export const SIZE: usize = 4;
/** Where an entry keeps its item (slot or value); src/structures/heap-words.ts reads the top's. */
// @ts-ignore: decorator
@inline export const ENTRY_ITEM: usize = 12;
// @ts-ignore: decorator
@inline export const CAPACITY_FIELD: usize = 8;
// @ts-ignore: decorator
@inline const NEXT_SEQ: usize = 12;
// @ts-ignore: decorator
@inline const FLAGS: usize = 16;
// @ts-ignore: decorator
@inline export const BLOCK: usize = 20;
/** RUNS heaps' record (heap-runs.ts). */
// @ts-ignore: decorator
@inline export const RUNS_RECORD: usize = 24;
// @ts-ignore: decorator
@inline export const INDEXED: u32 = 1;
// @ts-ignore: decorator
@inline const PACKED: u32 = 2;
// @ts-ignore: decorator
@inline const LINKED: u32 = 4;
// @ts-ignore: decorator
@inline const RUNS: u32 = 8;
// @ts-ignore: decorator
@inline const HIGH: u64 = 0xffff_ffff_0000_0000;
// @ts-ignore: decorator
@inline const ENTRY_BYTES: u64 = 16;
/** The allocator aligns blocks to 16 bytes; this much more lets `data` align the sibling groups. */
// @ts-ignore: decorator
@inline const ALIGN_SLACK: u64 = 48;
// @ts-ignore: decorator
@inline const MIN_CAPACITY: u32 = 16;
// @ts-ignore: decorator
@inline const SIGN: u64 = 0x8000_0000_0000_0000;
/** The last even u32: taking it as a sequence number would wrap the counter, so renumber first. */
// @ts-ignore: decorator
@inline const SEQ_LIMIT: u32 = 0xffff_fffe;
/**
 * From this size on (128 KiB of entries, past the first-level cache), each level of a sift-down
 * touches the four lines of its grandchildren, so the line the next level needs is on its way while
 * this level compares: the selects leave the processor nothing to speculate on, so without this
 * every level past the cache waits for its line in turn. Measured (hold model, ns per push + pop):
 * value heap 395 -> 257 and indexed 608 -> 380 at N = 1e6; indexed 105 -> 90 at 1e5; 1e3 unchanged.
 */
// @ts-ignore: decorator
@inline const PREFETCH_FROM: u32 = 8192;
/** Slots are below 2^24, so two of them share one f64 result exactly. */
// @ts-ignore: decorator
@inline const SLOT_SPAN: f64 = 16777216;

// ── keys ─────────────────────────────────────────────────────────────────────────────────────

/** A key whose unsigned order is the numbers' order (NaN never gets here). */
// @ts-ignore: decorator
@inline function encode(key: f64): u64 {
  let bits = reinterpret<u64>(key);
  bits = select<u64>(0, bits, bits == SIGN); // -0 is +0: equal numbers, one key
  return bits ^ (<u64>(<i64>bits >> 63) | SIGN);
}

/** The priority an entry was given, from its key and seq (whose low bit marks -0). */
// @ts-ignore: decorator
@inline function decode(key: u64, seq: u32, packed: bool): f64 {
  if (seq & 1) return -0.0;
  // A packed key's low half was zero before `encode`, so it is all zeros (key ≥ 0) or all ones.
  if (packed) key = (key & HIGH) | (key & SIGN ? 0 : 0xffff_ffff);
  return reinterpret<f64>(key ^ (~<u64>(<i64>key >> 63) | SIGN));
}

/** Whether a priority's low 32 bits are zero, so that it can share its key with a seq. */
// @ts-ignore: decorator
@inline function packs(key: f64): bool {
  return <u32>reinterpret<u64>(key) == 0;
}

/** The key an entry stores for `key` and `seq`. */
// @ts-ignore: decorator
@inline function keyFor(key: f64, seq: u32, packed: bool): u64 {
  let code = encode(key);
  return packed ? (code & HIGH) | seq : code;
}

/** 1 for -0, the seq bit that lets it come back as given; else 0. */
// @ts-ignore: decorator
@inline function negativeZero(key: f64): u32 {
  return <u32>(reinterpret<u64>(key) == SIGN);
}

// ── entries ──────────────────────────────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline export function entryAt(data: usize, i: u32): usize { return data + (<usize>i << 4); }
/** Copies the 16-byte entry at `from` to `to` (addresses; heap-runs.ts moves entries between its parts with it). */
// @ts-ignore: decorator
@inline export function copyEntry(to: usize, from: usize): void {
  store<u64>(to, load<u64>(from));
  store<u64>(to, load<u64>(from, 8), 8);
}
// @ts-ignore: decorator
@inline function keyAt(data: usize, i: u32): u64 { return load<u64>(entryAt(data, i)); }
// @ts-ignore: decorator
@inline function seqAt(data: usize, i: u32): u32 { return load<u32>(entryAt(data, i), 8); }
// @ts-ignore: decorator
@inline function itemAt(data: usize, i: u32): u32 { return load<u32>(entryAt(data, i), ENTRY_ITEM); }

/** Writes an entry at `i` and, when `linked`, tells its slot where it now is. */
// @ts-ignore: decorator
@inline function place(data: usize, linked: bool, i: u32, key: u64, seq: u32, item: u32): void {
  let at = entryAt(data, i);
  store<u64>(at, key);
  store<u32>(at, seq, 8);
  store<u32>(at, item, 12);
  if (linked) setIndex(item, i);
}

/** Moves the entry at `from` (whose key the caller holds) to `to`. */
// @ts-ignore: decorator
@inline function move(data: usize, linked: bool, from: u32, key: u64, to: u32): void {
  let tail = load<u64>(entryAt(data, from), 8); // seq and item
  let at = entryAt(data, to);
  store<u64>(at, key);
  store<u64>(at, tail, 8);
  if (linked) setIndex(<u32>(tail >> 32), to);
}

// @ts-ignore: decorator
@inline function orders(keyA: u64, seqA: u32, keyB: u64, seqB: u32): bool {
  return keyA < keyB || (keyA == keyB && seqA < seqB);
}

/** Whether entry b (key kb) orders before entry a (key ka); seqs are read only for equal keys. */
// @ts-ignore: decorator
@inline function beats(data: usize, b: u32, kb: u64, a: u32, ka: u64): bool {
  let result = kb < ka;
  if (kb == ka) result = seqAt(data, b) < seqAt(data, a);
  return result;
}

// ── sifts ────────────────────────────────────────────────────────────────────────────────────

/**
 * Moves the hole at `i` up until the entry fits, then writes it. `fresh`: the entry's seq is the
 * newest, so an equal key above it always stays above (no tie-break read).
 */
// @ts-ignore: decorator
@inline function siftUpWith(data: usize, linked: bool, fresh: bool, i: u32, key: u64, seq: u32, item: u32): void {
  while (i > 0) {
    let parent = (i - 1) >> 2;
    let parentKey = keyAt(data, parent);
    if (fresh) {
      if (parentKey <= key) break;
    } else {
      if (parentKey < key || (parentKey == key && seqAt(data, parent) < seq)) break;
    }
    move(data, linked, parent, parentKey, i);
    i = parent;
  }
  place(data, linked, i, key, seq, item);
}

/** Marks the place a sift level returns when the entry belongs there (places are below 2^31). */
// @ts-ignore: decorator
@inline const PLACED: u32 = 0x8000_0000;

/**
 * One level of a sift-down of the entry (key, seq) from the hole at `i`: when a child orders before
 * it, moves the smallest child up into the hole and returns the child's place, the new hole;
 * otherwise returns the entry's place | PLACED. Where all four children exist the smallest is found
 * by a tournament of selects (pairs, then the two winners): which child wins is a coin toss for
 * random keys, so a branch would be mispredicted about once a level.
 */
// @ts-ignore: decorator
@inline function siftLevel(data: usize, linked: bool, size: u32, i: u32, key: u64, seq: u32): u32 {
  let first = (i << 2) + 1;
  if (first + 3 < size) {
    let k0 = keyAt(data, first), k1 = keyAt(data, first + 1);
    let k2 = keyAt(data, first + 2), k3 = keyAt(data, first + 3);
    let b1 = beats(data, first + 1, k1, first, k0);
    let b3 = beats(data, first + 3, k3, first + 2, k2);
    let lo = select(first + 1, first, b1), loKey = select(k1, k0, b1);
    let hi = select(first + 3, first + 2, b3), hiKey = select(k3, k2, b3);
    let bh = beats(data, hi, hiKey, lo, loKey);
    let best = select(hi, lo, bh), bestKey = select(hiKey, loKey, bh);
    if (key < bestKey || (key == bestKey && seq < seqAt(data, best))) return i | PLACED;
    move(data, linked, best, bestKey, i);
    return best;
  }
  return lastLevel(data, linked, size, i, key, seq) | PLACED;
}

/**
 * The last level of a sift-down from the hole at `i`, whose sibling group below is short or absent:
 * moves the smallest child up if it orders before the entry; returns the entry's place.
 */
// @ts-ignore: decorator
@inline function lastLevel(data: usize, linked: bool, size: u32, i: u32, key: u64, seq: u32): u32 {
  let first = (i << 2) + 1;
  if (first >= size) return i;
  let best = first, bestKey = keyAt(data, first);
  for (let child = first + 1; child < size; child++) {
    let childKey = keyAt(data, child);
    if (beats(data, child, childKey, best, bestKey)) {
      best = child;
      bestKey = childKey;
    }
  }
  if (!orders(bestKey, seqAt(data, best), key, seq)) return i;
  move(data, linked, best, bestKey, i);
  return best;
}

/** Moves the hole at `i` down until the entry fits, then writes it. */
// @ts-ignore: decorator
@inline function siftDownWith(data: usize, linked: bool, size: u32, i: u32, key: u64, seq: u32, item: u32): void {
  let far = size > PREFETCH_FROM;
  while (true) {
    let grandchildren = (((i << 2) + 1) << 2) + 1;
    if (far && grandchildren + 15 < size) {
      // Touch the four lines the next level may need while this level's comparisons run.
      load<u8>(entryAt(data, grandchildren));
      load<u8>(entryAt(data, grandchildren + 4));
      load<u8>(entryAt(data, grandchildren + 8));
      load<u8>(entryAt(data, grandchildren + 12));
    }
    let next = siftLevel(data, linked, size, i, key, seq);
    if (next & PLACED) {
      place(data, linked, next & ~PLACED, key, seq, item);
      return;
    }
    i = next;
  }
}

function siftUpLinked(data: usize, i: u32, key: u64, seq: u32, item: u32): void { siftUpWith(data, true, false, i, key, seq, item); }
export function siftUpValue(data: usize, i: u32, key: u64, seq: u32, item: u32): void { siftUpWith(data, false, false, i, key, seq, item); }
function siftDownLinked(data: usize, size: u32, i: u32, key: u64, seq: u32, item: u32): void { siftDownWith(data, true, size, i, key, seq, item); }
export function siftDownValue(data: usize, size: u32, i: u32, key: u64, seq: u32, item: u32): void { siftDownWith(data, false, size, i, key, seq, item); }

// @ts-ignore: decorator
@inline function siftUp(data: usize, linked: bool, i: u32, key: u64, seq: u32, item: u32): void {
  if (linked) siftUpLinked(data, i, key, seq, item);
  else siftUpValue(data, i, key, seq, item);
}

// @ts-ignore: decorator
@inline function siftDown(data: usize, linked: bool, size: u32, i: u32, key: u64, seq: u32, item: u32): void {
  if (linked) siftDownLinked(data, size, i, key, seq, item);
  else siftDownValue(data, size, i, key, seq, item);
}

// ── header helpers ───────────────────────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline function sizeOf(h: usize): u32 { return load<u32>(h, SIZE); }
// @ts-ignore: decorator
@inline function capacityOf(h: usize): u32 { return load<u32>(h, CAPACITY_FIELD); }
// @ts-ignore: decorator
@inline function isIndexed(h: usize): bool { return (load<u32>(h, FLAGS) & INDEXED) != 0; }
// @ts-ignore: decorator
@inline function isPacked(h: usize): bool { return (load<u32>(h, FLAGS) & PACKED) != 0; }
// @ts-ignore: decorator
@inline function isLinked(h: usize): bool { return (load<u32>(h, FLAGS) & LINKED) != 0; }
// @ts-ignore: decorator
@inline function isRuns(h: usize): bool { return (load<u32>(h, FLAGS) & RUNS) != 0; }
// @ts-ignore: decorator
@inline function runsOf(h: usize): usize { return load<usize>(h, RUNS_RECORD); }
// @ts-ignore: decorator
@inline function dataOf(h: usize): usize { return load<usize>(h, DATA); }
// @ts-ignore: decorator
@inline export function blockBytes(capacity: u32): u64 { return <u64>capacity * ENTRY_BYTES + ALIGN_SLACK; }

/** Where entry 0 goes in memory from `start` (with ALIGN_SLACK to spare) so that entry 1, and so every group of four siblings, starts a 64-byte line. */
// @ts-ignore: decorator
@inline export function lineAligned(start: usize): usize { return ((start + 16 + 63) & ~<usize>63) - 16; }

/** Moves the entries into a block of `capacity` entries (at least `size`). False if it cannot. */
function resize(h: usize, capacity: u32): bool {
  let bytes = blockBytes(capacity);
  if (!canAllocate(bytes)) return false;
  let block = allocate(<usize>bytes);
  let data = lineAligned(block);
  let oldBlock = load<usize>(h, BLOCK);
  if (oldBlock) {
    memory.copy(data, dataOf(h), <usize>sizeOf(h) << 4);
    release(oldBlock, <usize>blockBytes(capacityOf(h)));
  }
  store<usize>(h, data, DATA);
  store<usize>(h, block, BLOCK);
  store<u32>(h, capacity, CAPACITY_FIELD);
  return true;
}

/**
 * Makes room for `extra` more entries, doubling, or by entering runs mode (a RUNS heap's pushes
 * need no room in the array); false (nothing changed) if memory refuses.
 */
function grow(h: usize, extra: u32): bool {
  if (isRuns(h)) return true;
  let needed = <u64>sizeOf(h) + extra;
  let capacity = capacityOf(h);
  if (needed <= capacity) return true;
  // A batch larger than the heap grows the array instead: `restore` then sorts it all into runs mode.
  let toRuns = sizeOf(h) >= runs.runsFromFor(isIndexed(h)) && extra <= sizeOf(h) && !isLinked(h);
  if (toRuns && !isIndexed(h) && enterRuns(h)) return true;
  let next = max<u64>(max<u64>(<u64>capacity << 1, needed), MIN_CAPACITY);
  if (next > 0xffff_ffff || !resize(h, <u32>next)) return false;
  // An indexed heap keeps its block, with room for every entry, in runs mode (see runs.KEEP_BLOCK).
  if (toRuns && isIndexed(h)) enterRuns(h); // if memory refuses, the array has room as it stands
  return true;
}

// ── runs mode (heap-runs.ts) ──────────────────────────────────────────────────────────────────

/** Puts the heap into runs mode (unpacking its keys first); false if memory refuses. `sorted`: see `runs.enter`. */
function enterRuns(h: usize, sorted: bool = false, surely: bool = false): bool {
  if (isPacked(h)) unpack(h);
  if (!runs.enter(h, sorted, isIndexed(h), surely)) return false;
  store<u32>(h, load<u32>(h, FLAGS) | RUNS, FLAGS);
  return true;
}

/**
 * After a batch that filled most of a heap past its threshold (`runs.runsFromFor`): sorts its
 * entries (a sorted array is a heap) and enters runs mode with them as an old heap that pops from
 * its front, so the queue skips the chain of misses of every pop from one large tree at once,
 * rather than after its array has drained a pop at a time. False, with nothing changed, if memory
 * refuses the sort's scratch. It runs after the batch's entries went in, so it allocates only
 * where the memory can still grow (an allocator trap could no longer mean "nothing changed").
 */
function sortIntoRuns(h: usize): bool {
  let size = sizeOf(h);
  let scratch = takeSortBlock(size, true);
  if (scratch == 0) return false;
  sortEntries(dataOf(h), scratch, size, scratch + (<usize>size << 4));
  releaseSortBlock(scratch, size);
  enterRuns(h, true, true); // if memory refuses, the sorted array is a heap as it stands
  return true;
}

/** Gives back everything runs mode holds and clears the flag; the caller sets the size and the array. */
function leaveRuns(h: usize): void {
  runs.leave(h);
  store<u32>(h, load<u32>(h, FLAGS) & ~RUNS, FLAGS);
}

/**
 * Puts a RUNS heap's entries back into one array, exactly as large (an indexed heap's: the block
 * the mode kept for this), and leaves the mode. False, with nothing changed, if memory refuses the
 * array (never for an indexed heap).
 */
function settle(h: usize): bool {
  let size = sizeOf(h);
  let r = runsOf(h);
  let block = runs.keptBlock(r);
  let capacity: u32;
  let data: usize;
  if (isIndexed(h) && block != 0) {
    // Into the block the mode kept for this, with room for every entry: nothing to ask memory for.
    capacity = runs.keptCapacity(r);
    data = runs.gatherIntoBlock(r);
  } else {
    capacity = max(size, MIN_CAPACITY);
    let bytes = blockBytes(capacity);
    if (!canAllocate(bytes)) return false;
    block = allocate(<usize>bytes);
    data = lineAligned(block);
    runs.gather(r, data);
  }
  leaveRuns(h);
  store<usize>(h, data, DATA);
  store<usize>(h, block, BLOCK);
  store<u32>(h, capacity, CAPACITY_FIELD);
  heapify(data, size, false);
  return true;
}

/** Floyd's bottom-up heapify of `size` entries at `data` (O(n)). */
function heapify(data: usize, size: u32, linked: bool): void {
  if (size < 2) return;
  for (let i = (size - 2) >> 2; ; i--) {
    siftDown(data, linked, size, i, keyAt(data, i), seqAt(data, i), itemAt(data, i));
    if (i == 0) break;
  }
}

/**
 * Makes the next arrival numbers safe to take in runs mode: at the wrap every seq moves down where
 * it stands (`shiftedSeqs`); only if an entry has waited through half the range does renumbering
 * order every entry, and then they go back into one array first (and return to runs on the next
 * growth). False if memory refuses that array; the entries and their order are unchanged either way.
 */
function renumberForRuns(h: usize, count: u32): bool {
  let next = load<u32>(h, NEXT_SEQ);
  if (<u64>next + (<u64>count << 1) < SEQ_LIMIT) return true;
  let r = runsOf(h);
  let oldest = runs.oldestSeq(r, next) & ~1;
  if (shiftedSeqs(h, next, oldest)) {
    runs.moveSeqsDown(r, oldest, sizeOf(h) > 0);
    return true;
  }
  if (!settle(h)) return false;
  renumber(h);
  return true;
}

/**
 * A push in runs mode: the new entry's handle (indexed heaps) or the new size (value heaps, with
 * `value`), or CAPACITY with nothing changed.
 */
function pushRuns(h: usize, key: f64, value: u32): f64 {
  if (!renumberForRuns(h, 1)) return CAPACITY;
  let indexed = isIndexed(h);
  if (!isRuns(h)) { // renumbered in one array: it grows, or enters runs again
    return indexed ? pushSlow(h, key) : <f64>pushValueSlow(h, key, value);
  }
  let r = runsOf(h);
  let size = sizeOf(h);
  if (!runs.readyForPush(r)) return CAPACITY;
  if (indexed && (!runs.keepRoom(r, <u64>size + 1) || !reserveSlots(1))) return CAPACITY;
  let seq = takeSequence(h) | negativeZero(key);
  let item = indexed ? takeSlot(0) : value; // the link is set only when the heap links (LINKED)
  runs.push(r, keyFor(key, seq, false), seq, item);
  store<u32>(h, size + 1, SIZE);
  if (!runs.showPushed(r)) runs.showTop(h, r);
  return indexed ? handleOf(item) : <f64>(size + 1);
}

/**
 * Pop then push in runs mode (the caller renumbered if need be): what `popPush` (indexed heaps) or
 * `popPushValue` (value heaps, with `value`) returns, or CAPACITY with nothing changed.
 */
function popPushRuns(h: usize, key: f64, value: u32): f64 {
  let r = runsOf(h);
  if (!runs.readyForPush(r)) return CAPACITY;
  let indexed = isIndexed(h);
  let top = runs.pop(r);
  let seq = takeSequence(h) | negativeZero(key);
  let item = value;
  if (indexed) {
    freeSlot(top);
    item = takeSlot(0);
  }
  runs.push(r, keyFor(key, seq, false), seq, item);
  runs.showTop(h, r);
  return indexed ? <f64>top * SLOT_SPAN + <f64>item : <f64>top;
}

/** Pops a RUNS heap's smallest entry (freeing its slot, indexed heaps); leaves the mode when that was the last. */
function popTopRuns(h: usize): u32 {
  let r = runsOf(h);
  let item = runs.pop(r);
  if (isIndexed(h)) freeSlot(item);
  let size = sizeOf(h) - 1;
  store<u32>(h, size, SIZE);
  if (size == 0) leaveRuns(h);
  else runs.showTop(h, r);
  return item;
}

/** `append` in runs mode: each staged entry pushed in turn (`reserveFor` made sure none is refused). */
function appendRuns(h: usize, count: u32): i32 {
  let r = runsOf(h);
  let indexed = isIndexed(h);
  // Within a batch, `reserveFor` reserved the pages of all its chunks: reserving each chunk again
  // would top the pool up to the whole batch's count once more, after earlier chunks used some of
  // it, and refuse a chunk the batch was promised (so a batch lost its later chunks).
  if (!runs.inBatch(r) && !runs.reserve(r, count)) return CAPACITY;
  if (indexed && !runs.keepRoom(r, <u64>sizeOf(h) + count)) return CAPACITY;
  for (let k: u32 = 0; k < count; k++) {
    let at = stagingNumbers + (<usize>k << 3);
    let key = load<f64>(at);
    let seq = takeSequence(h) | negativeZero(key);
    let item = indexed ? takeSlot(0) : load<u32>(stagingWords + (<usize>k << 2));
    runs.push(r, keyFor(key, seq, false), seq, item);
    if (indexed) store<f64>(at, handleOf(item));
  }
  store<u32>(h, sizeOf(h) + count, SIZE);
  runs.showTop(h, r);
  return <i32>count;
}

/**
 * Makes room below SEQ_LIMIT for at least half its range of new seqs. Usually every seq moves down
 * by the oldest's (`shiftedSeqs`). Past that, when an entry has waited through more than half the
 * range, it renumbers the entries 0, 2, 4, ... (keeping each one's -0 bit) in the order of their
 * seqs, which is their arrival order, then rebuilds the heap. Renumbering in heap order instead
 * made an item that `update` later moved to equal priority come out behind later arrivals, and it
 * needs no heap order: a batch's appended entries are not ordered until `restore`.
 */
function renumber(h: usize): void {
  let size = sizeOf(h);
  let data = dataOf(h);
  let packed = isPacked(h);
  let next = load<u32>(h, NEXT_SEQ);
  let oldest = lowestSeq(data, size, next) & ~1; // even: each entry keeps its -0 bit
  if (shiftedSeqs(h, next, oldest)) {
    lowerSeqs(data, size, oldest, packed);
    return;
  }
  sortBySeq(data, size);
  for (let i: u32 = 0; i < size; i++) {
    let seq = (i << 1) | (seqAt(data, i) & 1);
    store<u32>(entryAt(data, i), seq, 8);
    if (packed) store<u64>(entryAt(data, i), (keyAt(data, i) & HIGH) | seq);
  }
  heapify(data, size, false);
  if (isLinked(h)) for (let i: u32 = 0; i < size; i++) setIndex(itemAt(data, i), i);
  store<u32>(h, size << 1, NEXT_SEQ);
}

/**
 * Whether moving every seq down by `oldest` (even, at most the smallest) leaves at least half the
 * range free; if so the counter moves down with them, and the caller moves the entries'. That keeps
 * every order (a seq is only compared with another's) in one pass over the entries, with no sort
 * and no memory: the pause of a wrap is a read and a write of each entry, once in 2^30 pushes.
 */
function shiftedSeqs(h: usize, next: u32, oldest: u32): bool {
  if (next - oldest > SEQ_LIMIT >> 1) return false;
  store<u32>(h, next - oldest, NEXT_SEQ);
  return true;
}

/** The smallest seq of the `size` entries at `data`, or `below` if that is smaller. */
export function lowestSeq(data: usize, size: u32, below: u32): u32 {
  for (let i: u32 = 0; i < size; i++) below = min(below, seqAt(data, i));
  return below;
}

/** Moves the seq of each of the `size` entries at `data` down by `by` (and a packed key's low half with it). */
export function lowerSeqs(data: usize, size: u32, by: u32, packed: bool): void {
  for (let i: u32 = 0; i < size; i++) {
    let at = entryAt(data, i);
    store<u32>(at, load<u32>(at, 8) - by, 8);
    if (packed) store<u64>(at, load<u64>(at) - <u64>by);
  }
}

/** Sorts the entries by seq (distinct), ascending, in place: a heapsort over a binary max-heap of seqs. */
function sortBySeq(data: usize, size: u32): void {
  if (size < 2) return;
  for (let i = size >> 1; i > 0; ) {
    i--;
    let at = entryAt(data, i);
    seqSiftDown(data, size, i, load<u64>(at), load<u64>(at, 8));
  }
  for (let end = size - 1; end > 0; end--) {
    let at = entryAt(data, end);
    let key = load<u64>(at), rest = load<u64>(at, 8);
    copyEntry(at, data); // the largest seq left goes to the end
    seqSiftDown(data, end, 0, key, rest);
  }
}

/**
 * Places the entry (key; `rest`, its seq and item as one u64) from the hole at `i` of a binary
 * max-heap of seqs holding `size` entries, moving larger seqs up.
 */
function seqSiftDown(data: usize, size: u32, i: u32, key: u64, rest: u64): void {
  let seq = <u32>rest; // the seq is the low half (little-endian)
  while (true) {
    let child = (i << 1) + 1;
    if (child >= size) break;
    if (child + 1 < size && seqAt(data, child + 1) > seqAt(data, child)) child++;
    if (seqAt(data, child) < seq) break;
    copyEntry(entryAt(data, i), entryAt(data, child));
    i = child;
  }
  let at = entryAt(data, i);
  store<u64>(at, key);
  store<u64>(at, rest, 8);
}

/**
 * Gives every entry its whole key back (a key that does not pack has arrived). The order of the
 * entries does not change, so neither does the heap.
 */
function unpack(h: usize): void {
  let data = dataOf(h);
  for (let i: u32 = 0, size = sizeOf(h); i < size; i++) {
    let key = keyAt(data, i);
    store<u64>(entryAt(data, i), (key & HIGH) | (key & SIGN ? 0 : 0xffff_ffff));
  }
  store<u32>(h, load<u32>(h, FLAGS) & ~PACKED, FLAGS);
}

/** Whether a heap about to take `key` stores packed keys, unpacking it first if `key` does not pack. */
// @ts-ignore: decorator
@inline function packedFor(h: usize, key: f64): bool {
  let packed = isPacked(h);
  return packed == packs(key) ? packed : changePacking(h, packed);
}

/** `packedFor` when the heap's packing and the key's differ. */
function changePacking(h: usize, packed: bool): bool {
  if (packed) {
    unpack(h);
    return false;
  }
  // An empty heap starts again packed.
  if (sizeOf(h) > 0) return false;
  store<u32>(h, load<u32>(h, FLAGS) | PACKED, FLAGS);
  return true;
}

/** The next arrival number · 2 (the caller adds the -0 bit). */
// @ts-ignore: decorator
@inline function takeSequence(h: usize): u32 {
  let seq = load<u32>(h, NEXT_SEQ);
  if (seq >= SEQ_LIMIT) {
    renumber(h);
    seq = load<u32>(h, NEXT_SEQ);
  }
  store<u32>(h, seq + 2, NEXT_SEQ);
  return seq;
}

/** The index of the live entry a handle names in this heap, or a negative status. */
function locate(h: usize, handle: f64): i32 {
  let slot = resolve(handle);
  if (slot < 0) return slot;
  if (!isLinked(h) && !linkNow(h)) return CAPACITY;
  let i = indexOf(<u32>slot);
  if (i >= sizeOf(h) || itemAt(dataOf(h), i) != <u32>slot) return FOREIGN;
  return <i32>i;
}

/**
 * Indexed heaps: links the heap now (see LINKED), leaving runs mode first, so that no lookup by
 * handle has to. A queue that must never pause on its first lookup does this while it is empty.
 * False for a value heap; an indexed heap's settle is never refused.
 */
export function linkNow(h: usize): bool {
  if (!isIndexed(h)) return false;
  if (isLinked(h)) return true;
  if (isRuns(h) && !settle(h)) return false;
  link(h);
  return true;
}

/** Points every entry's slot at its index, and keeps them so from now on (see LINKED). */
function link(h: usize): void {
  let data = dataOf(h);
  for (let i: u32 = 0, size = sizeOf(h); i < size; i++) setIndex(itemAt(data, i), i);
  store<u32>(h, load<u32>(h, FLAGS) | LINKED, FLAGS);
}

/** Removes the entry at `i` (the caller frees its slot, and linked the heap) and restores the heap. */
function removeAt(h: usize, i: u32): void {
  let size = sizeOf(h) - 1;
  store<u32>(h, size, SIZE);
  if (i == size) return;
  let data = dataOf(h);
  let key = keyAt(data, size), seq = seqAt(data, size), item = itemAt(data, size);
  if (orders(key, seq, keyAt(data, i), seqAt(data, i))) {
    siftUp(data, true, i, key, seq, item);
  } else {
    siftDown(data, true, size, i, key, seq, item);
  }
}

// ── exports (re-exported with the `heap_` prefix by index.ts) ────────────────────────────────

/** A new empty heap's header, or 0 if memory refuses. */
export function create(indexed: bool): usize {
  if (!canAllocate(HEADER_BYTES)) return 0;
  let h = allocate(HEADER_BYTES);
  memory.fill(h, 0, HEADER_BYTES);
  store<u32>(h, (indexed ? INDEXED : 0) | PACKED, FLAGS);
  return h;
}

/** Frees the heap, its entries' slots included. */
export function dispose(h: usize): void {
  if (isRuns(h) && !(isIndexed(h) && settle(h))) leaveRuns(h); // the slots are freed from one array
  if (isIndexed(h)) {
    let data = dataOf(h);
    for (let i: u32 = 0, size = sizeOf(h); i < size; i++) freeSlot(itemAt(data, i));
  }
  let block = load<usize>(h, BLOCK);
  if (block) release(block, <usize>blockBytes(capacityOf(h)));
  release(h, HEADER_BYTES);
}

export function size(h: usize): u32 {
  return sizeOf(h);
}

/**
 * Indexed heaps: pushes `key` and returns the new item's handle, or CAPACITY. (Inlined into its
 * export: as a function of its own it grew past what the optimizer inlines, and the extra call
 * cost 1 to 4 ns a push + pop at N = 1e3.)
 */
// @ts-ignore: decorator
@inline export function push(h: usize, key: f64): f64 {
  if (sizeOf(h) >= capacityOf(h)) return pushSlow(h, key);
  return pushInto(h, key);
}

/** `push` without room in the array (always so in runs mode, whose capacity is 0): it grows, or enters runs mode. */
function pushSlow(h: usize, key: f64): f64 {
  if (!isRuns(h) && !grow(h, 1)) return CAPACITY;
  if (isRuns(h)) return pushRuns(h, key, 0);
  return pushInto(h, key);
}

/** `push` into the array, which has room. */
// @ts-ignore: decorator
@inline function pushInto(h: usize, key: f64): f64 {
  if (!reserveSlots(1)) return CAPACITY;
  let packed = packedFor(h, key);
  let size = sizeOf(h);
  let seq = takeSequence(h) | negativeZero(key);
  let slot = takeSlot(size);
  store<u32>(h, size + 1, SIZE);
  if (isLinked(h)) siftUpWith(dataOf(h), true, true, size, keyFor(key, seq, packed), seq, slot);
  else siftUpWith(dataOf(h), false, true, size, keyFor(key, seq, packed), seq, slot);
  return handleOf(slot);
}

/** Value heaps: pushes `value` with `key`; returns the new size, or CAPACITY. */
// @ts-ignore: decorator
@inline export function pushValue(h: usize, key: f64, value: u32): i32 {
  if (sizeOf(h) >= capacityOf(h)) return pushValueSlow(h, key, value);
  return pushValueInto(h, key, value);
}

/** `pushValue` without room in the array (always so in runs mode, whose capacity is 0): it grows, or enters runs mode. */
function pushValueSlow(h: usize, key: f64, value: u32): i32 {
  if (!isRuns(h) && !grow(h, 1)) return CAPACITY;
  if (isRuns(h)) return <i32>pushRuns(h, key, value);
  return pushValueInto(h, key, value);
}

/** `pushValue` into the array, which has room. */
// @ts-ignore: decorator
@inline function pushValueInto(h: usize, key: f64, value: u32): i32 {
  let packed = packedFor(h, key);
  let size = sizeOf(h);
  let seq = takeSequence(h) | negativeZero(key);
  store<u32>(h, size + 1, SIZE);
  siftUpWith(dataOf(h), false, true, size, keyFor(key, seq, packed), seq, value);
  return <i32>(size + 1);
}

/** Removes the top entry and returns its item (slot or value); the caller checked size > 0. */
// @ts-ignore: decorator
@inline function popTopWith(h: usize, indexed: bool, linked: bool): u32 {
  // The slot is freed before the sift: a free only writes the slot's link (slots.ts), so the miss
  // on its cold line overlaps the sift's. (When a free still read the generation first, it was
  // freed after the sift, as that read's miss came ahead of the sift's own.)
  let data = dataOf(h);
  let top = itemAt(data, 0);
  let size = sizeOf(h) - 1;
  store<u32>(h, size, SIZE);
  if (indexed) freeSlot(top);
  if (size > 0) {
    siftDownWith(data, linked, size, 0, keyAt(data, size), seqAt(data, size), itemAt(data, size));
  }
  return top;
}

function popTopLinked(h: usize): u32 { return popTopWith(h, true, true); }
function popTopIndexed(h: usize): u32 { return popTopWith(h, true, false); }
function popTopValue(h: usize): u32 { return popTopWith(h, false, false); }

// @ts-ignore: decorator
@inline function popTop(h: usize): u32 {
  let flags = load<u32>(h, FLAGS);
  if (flags & (LINKED | RUNS)) return flags & RUNS ? popTopRuns(h) : popTopLinked(h);
  return flags & INDEXED ? popTopIndexed(h) : popTopValue(h);
}

/** Indexed heaps: pops the top entry and returns its slot, or EMPTY. */
export function pop(h: usize): i32 {
  if (sizeOf(h) == 0) return EMPTY;
  return <i32>popTop(h);
}

/** Value heaps: pops the top entry and returns its value, or -1 when empty. */
export function popValue(h: usize): f64 {
  if (sizeOf(h) == 0) return -1;
  return <f64>popTop(h);
}

/**
 * Indexed heaps: pop then push in one call and one sift (the hold pattern of event queues and
 * timers): the new entry takes the top's place and sifts down, where pop + push sift twice.
 * Returns the popped slot · 2^24 + the new entry's slot, EMPTY when there is no top, or CAPACITY.
 */
export function popPush(h: usize, key: f64): f64 {
  if (sizeOf(h) == 0) return EMPTY;
  // The slot freed here comes straight back, unless its generation is spent: then the take
  // retires it and needs another, so reserve one before anything changes.
  if (!reserveSlots(1)) return CAPACITY;
  if (isRuns(h)) {
    if (!renumberForRuns(h, 1)) return CAPACITY;
    if (isRuns(h)) return popPushRuns(h, key, 0);
  }
  let packed = packedFor(h, key);
  let seq = takeSequence(h) | negativeZero(key);
  let data = dataOf(h);
  let top = itemAt(data, 0);
  freeSlot(top);
  let slot = takeSlot(0);
  if (isLinked(h)) siftDownWith(data, true, sizeOf(h), 0, keyFor(key, seq, packed), seq, slot);
  else siftDownWith(data, false, sizeOf(h), 0, keyFor(key, seq, packed), seq, slot);
  return <f64>top * SLOT_SPAN + <f64>slot;
}

/**
 * Value heaps: pop then push in one sift; returns the popped value, or -1 when empty. In runs mode
 * also -1 (CAPACITY), with nothing changed, when memory refuses the pages the push may need; the
 * caller tells the two apart by the size.
 */
export function popPushValue(h: usize, key: f64, value: u32): f64 {
  if (sizeOf(h) == 0) return -1;
  if (isRuns(h)) {
    if (!renumberForRuns(h, 1)) return CAPACITY;
    if (isRuns(h)) return popPushRuns(h, key, value);
  }
  let packed = packedFor(h, key);
  let seq = takeSequence(h) | negativeZero(key);
  let data = dataOf(h);
  let top = itemAt(data, 0);
  siftDownWith(data, false, sizeOf(h), 0, keyFor(key, seq, packed), seq, value);
  return <f64>top;
}

/** The top entry's item (slot or value) as f64, or -1 when empty. */
export function peek(h: usize): f64 {
  if (sizeOf(h) == 0) return -1;
  return <f64>itemAt(dataOf(h), 0);
}

/** The top entry's key, or NaN when empty. */
export function peekKey(h: usize): f64 {
  if (sizeOf(h) == 0) return NaN;
  let data = dataOf(h);
  return decode(keyAt(data, 0), seqAt(data, 0), isPacked(h));
}

/**
 * Gives the entry a handle names a new key. `restamp` also gives it a new sequence number, so it
 * goes behind the entries whose key equals the new one; otherwise it keeps its place among them.
 * Returns 0, or STALE, FOREIGN or FORGED with nothing changed.
 */
export function update(h: usize, handle: f64, key: f64, restamp: bool): i32 {
  let i = locate(h, handle);
  if (i < 0) return i;
  let data = dataOf(h);
  let packed = packedFor(h, key);
  let slot = itemAt(data, i);
  let seq: u32;
  if (restamp) {
    seq = takeSequence(h);
    i = <i32>indexOf(slot); // a renumbering may have moved it
  } else {
    seq = seqAt(data, i) & ~1;
  }
  seq |= negativeZero(key);
  let newKey = keyFor(key, seq, packed);
  let oldKey = keyAt(data, i), oldSeq = seqAt(data, i);
  if (orders(newKey, seq, oldKey, oldSeq)) {
    siftUp(data, true, i, newKey, seq, slot);
  } else {
    siftDown(data, true, sizeOf(h), i, newKey, seq, slot);
  }
  return 0;
}

/** The key of the entry a handle names, or NaN if the handle is not a live one of this heap. */
export function keyOf(h: usize, handle: f64): f64 {
  let i = locate(h, handle);
  if (i < 0) return NaN;
  let data = dataOf(h);
  return decode(keyAt(data, i), seqAt(data, i), isPacked(h));
}

/** Removes the entry a handle names; returns its slot, or STALE, FOREIGN or FORGED. */
export function remove(h: usize, handle: f64): i32 {
  let i = locate(h, handle);
  if (i < 0) return i;
  let slot = itemAt(dataOf(h), i);
  freeSlot(slot);
  removeAt(h, i);
  return <i32>slot;
}

/**
 * Makes room for `extra` more entries (and, for an indexed heap, slots), so that the batch calls
 * that follow cannot fail halfway. False, with nothing changed, if memory refuses.
 */
export function reserveFor(h: usize, extra: u32): bool {
  // A batch larger than a heap in runs mode: the entries go back into one array first, so that
  // `restore` sorts them all into runs again (O(n)) instead of the batch passing through the
  // insertion heap one by one. If memory refuses the array, the batch takes the runs' way.
  // Measured (NumericPriorityQueue of a million in runs mode drained to 100,000, then `pushMany` of
  // 900,000 and `popMany` of everything): 137 -> 68 ns an id pushed, 72 -> 5.5 ns an id drained.
  if (isRuns(h) && extra > sizeOf(h)) settle(h);
  if (isRuns(h) && !renumberForRuns(h, extra)) return false;
  if (!grow(h, extra)) return false;
  let indexed = isIndexed(h);
  if (isRuns(h)) {
    let r = runsOf(h);
    if (!runs.reserve(r, extra) || (indexed && !runs.keepRoom(r, <u64>sizeOf(h) + extra))) return false;
  }
  return !indexed || reserveSlots(extra);
}

/**
 * Appends `count` staged entries without ordering them: keys from the staging numbers, values
 * (value heaps) from the staging words; indexed heaps write each new handle over its key. The
 * caller reserved room (`reserveFor`) and calls `restore` after the last chunk, before anything
 * else touches the heap. Returns `count`, OUT_OF_RANGE for more than the staging area holds, or
 * CAPACITY when the memory refuses room, with nothing appended.
 */
export function append(h: usize, count: u32): i32 {
  if (count > STAGING_ITEMS) return OUT_OF_RANGE;
  let indexed = isIndexed(h);
  if (!grow(h, count) || (indexed && !reserveSlots(count))) return CAPACITY;
  if (isRuns(h)) {
    if (!renumberForRuns(h, count)) return CAPACITY;
    if (isRuns(h)) return appendRuns(h, count);
    if (!grow(h, count)) return CAPACITY; // back in one array, renumbered; growing may enter runs again
    if (isRuns(h)) return appendRuns(h, count);
  }
  let packed = true;
  for (let k: u32 = 0; k < count; k++) packed &= packs(load<f64>(stagingNumbers + (<usize>k << 3)));
  if (isPacked(h) && !packed) unpack(h);
  else if (sizeOf(h) == 0 && packed) store<u32>(h, load<u32>(h, FLAGS) | PACKED, FLAGS);
  packed = isPacked(h);
  if (<u64>load<u32>(h, NEXT_SEQ) + (<u64>count << 1) >= SEQ_LIMIT) renumber(h);
  let seq = load<u32>(h, NEXT_SEQ);
  store<u32>(h, seq + (count << 1), NEXT_SEQ);
  let start = sizeOf(h);
  let data = dataOf(h);
  for (let k: u32 = 0; k < count; k++) {
    let key = load<f64>(stagingNumbers + (<usize>k << 3));
    let item = indexed ? takeSlot(start + k) : load<u32>(stagingWords + (<usize>k << 2)); // linked at its place
    let entrySeq = (seq + (k << 1)) | negativeZero(key);
    place(data, false, start + k, keyFor(key, entrySeq, packed), entrySeq, item);
    if (indexed) store<f64>(stagingNumbers + (<usize>k << 3), handleOf(item));
  }
  store<u32>(h, start + count, SIZE);
  return <i32>count;
}

/**
 * Restores heap order after `append`s that started when the heap had `from` entries: Floyd's
 * bottom-up heapify (O(n)) when the batch outnumbers the entries that were there (or, from
 * `runsFromFor` entries in a heap not linked, a sort into runs mode, `sortIntoRuns`), else a
 * sift-up of each appended entry (O(k log n)).
 */
export function restore(h: usize, from: u32): void {
  if (isRuns(h)) {
    runs.endBatch(runsOf(h)); // the appends kept the runs in order
    return;
  }
  let size = sizeOf(h);
  let data = dataOf(h);
  let linked = isLinked(h);
  if (size - from > from) {
    if (size >= runs.runsFromFor(isIndexed(h)) && !linked && sortIntoRuns(h)) return;
    heapify(data, size, linked);
  } else {
    for (let i = from; i < size; i++) {
      siftUp(data, linked, i, keyAt(data, i), seqAt(data, i), itemAt(data, i));
    }
  }
}

/**
 * Pops up to `max` entries in order into the staging area: keys to the numbers, items (slots or
 * values) to the words. Returns how many. From a large heap, a batch at a time (`popPartial`).
 */
export function popMany(h: usize, max: u32): u32 {
  let count = min(min(max, sizeOf(h)), STAGING_ITEMS);
  let taken: u32 = 0;
  while (taken < count) {
    let chunk = min(count - taken, PARTIAL_CHUNK);
    if (isRuns(h) || !partialPays(sizeOf(h), chunk) || !popPartial(h, chunk, taken)) break;
    taken += chunk;
  }
  if (taken == count) return count;
  for (let k = taken; k < count; k++) {
    let data = dataOf(h);
    store<f64>(stagingNumbers + (<usize>k << 3), decode(keyAt(data, 0), seqAt(data, 0), isPacked(h)));
    store<u32>(stagingWords + (<usize>k << 2), popTop(h));
  }
  return count;
}

/** Turns `buckets` u32 counts at `counts` into each bucket's first place (a counting sort's step). */
// @ts-ignore: decorator
@inline function bucketStarts(counts: usize, buckets: usize): void {
  let start: u32 = 0;
  for (let d: usize = 0; d < buckets; d++) {
    let at = counts + (d << 2);
    let n = load<u32>(at);
    store<u32>(at, start);
    start += n;
  }
}

// ── batch pops from a large heap ─────────────────────────────────────────────────────────────
//
// Popping k entries one by one sifts k entries from the top to the bottom in turn, and each level
// of a sift waits for the line the level before chose: past the caches, every pop is a chain of
// misses, and the next pop's chain starts only when this one ends. The k smallest entries form a
// subtree hanging from the top (no entry orders before its parent), so a batch first finds them by
// a best-first walk from the top over a small heap of candidates (the sibling groups below the
// entries taken so far), which reads lines near the top only. Their places are then holes, which
// the last k entries fill and sift down from. Holes of equal height among the holes (0: none below
// it) head disjoint subtrees, so their sifts are independent: they run a level each in turn, every
// sift's next line requested before any of them compares, so that their misses overlap. Lower holes
// go first, so that each sift starts above subtrees that are heaps again (Floyd's order).
//
// Measured (bench/micro/hold-batch.mjs: raw heaps of N random keys; pop 100, push them back with
// later keys; the two builds side by side, several runs on a noisy machine): the pops of a value
// heap 1.2-1.7x faster at N = 1e6 (e.g. 367 -> 217 ns a pop), 2.2x at 3e6 (430 -> 198), 1.15-1.3x
// at 4e5; of an indexed heap 1.2-1.5x at 1e6 (measured when every move rewrote a slot's link, a random
// store). Smaller heaps' lower levels are in the caches, and popping one by one is as fast or
// faster: the walk costs about what a pop's top levels do (even at 3e5; at 1e5, 70 vs 107 ns a pop).

/** Heaps smaller than this pop one by one (6 MiB of entries; the crossing measured at 3-3.5e5). */
// @ts-ignore: decorator
@inline export const PARTIAL_FROM: u32 = 3 << 17;
// @ts-ignore: decorator
@inline const PARTIAL_MIN: u32 = 4;
/**
 * A larger batch is taken this many at a time: more at once made the candidates' heap deeper than
 * the overlap gained (4,096 pops from 1e6 entries: 179 ns a pop at once, 138 by 512, 147 by 1,024).
 */
// @ts-ignore: decorator
@inline const PARTIAL_CHUNK: u32 = 512;

/** Whether a batch of `count` pops from `size` entries should take the k smallest first. */
// @ts-ignore: decorator
@inline function partialPays(size: u32, count: u32): bool {
  return size >= PARTIAL_FROM && count >= PARTIAL_MIN && <u64>count << 3 <= <u64>size;
}

/** Whether (keyA, seqA) orders before (keyB, seqB), without a branch. */
// @ts-ignore: decorator
@inline function before(keyA: u64, seqA: u32, keyB: u64, seqB: u32): bool {
  return (keyA < keyB) | ((keyA == keyB) & (seqA < seqB));
}

//   candidate, 16 bytes: a sibling group of the heap with members not yet taken
//   ╒═══════════════════════════════╤═══════════════╤═══════════════╕
//   │ key                       u64 │ seq       u32 │ word      u32 │
//   └───────────────────────────────┴───────────────┴───────────────┘
//   key, seq  those of the group's smallest member
//   word      the group's first index (26 bits: a heap block holds fewer than 2^26 entries), the
//             members still in it (a 4-bit mask from bit 26), which one is the smallest (bit 30)
//
// Candidates form a 4-ary min-heap laid out as the heap is (every group of four siblings on one
// line); the places past the last hold sentinels (all ones) that order after every candidate.

// @ts-ignore: decorator
@inline const FIRST_MASK: u32 = (1 << 26) - 1;
// @ts-ignore: decorator
@inline const MEMBERS_SHIFT: u32 = 26;
// @ts-ignore: decorator
@inline const SMALLEST_SHIFT: u32 = 30;

/** Writes candidate `i`. */
// @ts-ignore: decorator
@inline function setCandidate(at: usize, i: u32, key: u64, seq: u32, word: u32): void {
  let to = at + (<usize>i << 4);
  store<u64>(to, key);
  store<u32>(to, seq, 8);
  store<u32>(to, word, 12);
}

/** Copies candidate `from` over candidate `to` (16 bytes, as two loads and stores). */
// @ts-ignore: decorator
@inline function copyCandidate(at: usize, to: u32, from: u32): void {
  let a = at + (<usize>to << 4), b = at + (<usize>from << 4);
  store<u64>(a, load<u64>(b));
  store<u64>(a, load<u64>(b, 8), 8);
}

/** Adds a candidate as the `n`th and sifts it up. */
// @ts-ignore: decorator
@inline function candidatePush(at: usize, n: u32, key: u64, seq: u32, word: u32): void {
  let i = n;
  while (i > 0) {
    let parent = (i - 1) >> 2;
    let p = at + (<usize>parent << 4);
    if (!before(key, seq, load<u64>(p), load<u32>(p, 8))) break;
    copyCandidate(at, i, parent);
    i = parent;
  }
  setCandidate(at, i, key, seq, word);
}

/** Replaces the top candidate and sifts it down among `n`; the smallest child chosen by selects. */
// @ts-ignore: decorator
@inline function candidateReplaceTop(at: usize, n: u32, key: u64, seq: u32, word: u32): void {
  let i: u32 = 0;
  while (true) {
    let c = (i << 2) + 1;
    if (c >= n) break;
    let ca = at + (<usize>c << 4);
    let k0 = load<u64>(ca), s0 = load<u32>(ca, 8);
    let k1 = load<u64>(ca, 16), s1 = load<u32>(ca, 24);
    let k2 = load<u64>(ca, 32), s2 = load<u32>(ca, 40);
    let k3 = load<u64>(ca, 48), s3 = load<u32>(ca, 56);
    let b1 = before(k1, s1, k0, s0);
    let b3 = before(k3, s3, k2, s2);
    let lo = select<u32>(1, 0, b1), loKey = select(k1, k0, b1), loSeq = select(s1, s0, b1);
    let hi = select<u32>(3, 2, b3), hiKey = select(k3, k2, b3), hiSeq = select(s3, s2, b3);
    let bh = before(hiKey, hiSeq, loKey, loSeq);
    let bk = select(hiKey, loKey, bh), bs = select(hiSeq, loSeq, bh);
    c += select(hi, lo, bh);
    if (before(key, seq, bk, bs)) break;
    copyCandidate(at, i, c);
    i = c;
  }
  setCandidate(at, i, key, seq, word);
}

/**
 * Writes the group at `first` with `members` (a 4-bit mask, not 0) as a candidate at `out`. All
 * four entries are read (the caller makes sure they exist): which are members is a coin toss.
 */
// @ts-ignore: decorator
@inline function groupCandidate(data: usize, first: u32, members: u32, out: usize): void {
  let k0 = select<u64>(keyAt(data, first), <u64>-1, (members & 1) != 0);
  let k1 = select<u64>(keyAt(data, first + 1), <u64>-1, (members & 2) != 0);
  let k2 = select<u64>(keyAt(data, first + 2), <u64>-1, (members & 4) != 0);
  let k3 = select<u64>(keyAt(data, first + 3), <u64>-1, (members & 8) != 0);
  let s0 = select<u32>(seqAt(data, first), <u32>-1, (members & 1) != 0);
  let s1 = select<u32>(seqAt(data, first + 1), <u32>-1, (members & 2) != 0);
  let s2 = select<u32>(seqAt(data, first + 2), <u32>-1, (members & 4) != 0);
  let s3 = select<u32>(seqAt(data, first + 3), <u32>-1, (members & 8) != 0);
  let b1 = before(k1, s1, k0, s0);
  let b3 = before(k3, s3, k2, s2);
  let lo = select<u32>(1, 0, b1), loKey = select(k1, k0, b1), loSeq = select(s1, s0, b1);
  let hi = select<u32>(3, 2, b3), hiKey = select(k3, k2, b3), hiSeq = select(s3, s2, b3);
  let bh = before(hiKey, hiSeq, loKey, loSeq);
  store<u64>(out, select(hiKey, loKey, bh));
  store<u32>(out, select(hiSeq, loSeq, bh), 8);
  store<u32>(out, first | (members << MEMBERS_SHIFT) | (select(hi, lo, bh) << SMALLEST_SHIFT), 12);
}

/**
 * Sifts down `count` entries (16-byte key, seq, item at `entries`) from the holes at `places`
 * (u32 each), whose subtrees are disjoint, a level of each in turn.
 */
function siftDownInterleaved(data: usize, linked: bool, size: u32, entries: usize, places: usize, count: u32): void {
  let active = count;
  while (active > 0) {
    // Every sift's next line first, so that their misses overlap; then a level of each.
    for (let j: u32 = 0; j < active; j++) {
      let first = (load<u32>(places + (<usize>j << 2)) << 2) + 1;
      if (first < size) load<u8>(entryAt(data, first));
    }
    let j: u32 = 0;
    while (j < active) {
      let e = entries + (<usize>j << 4);
      let next = siftLevel(data, linked, size, load<u32>(places + (<usize>j << 2)), load<u64>(e), load<u32>(e, 8));
      if (!(next & PLACED)) {
        store<u32>(places + (<usize>j << 2), next);
        j++;
        continue;
      }
      place(data, linked, next & ~PLACED, load<u64>(e), load<u32>(e, 8), load<u32>(e, 12));
      active--;
      if (j < active) {
        let last = entries + (<usize>active << 4);
        store<u64>(e, load<u64>(last));
        store<u64>(e, load<u64>(last, 8), 8);
        store<u32>(places + (<usize>j << 2), load<u32>(places + (<usize>active << 2)));
      }
    }
  }
}

/**
 * Pops `count` entries in order into the staging area from its `offset`th place on, as `popMany`
 * does, the way the section above says. False, with nothing changed, when memory refuses the
 * scratch space (about 12 KiB for 512) or the k smallest reach into the last k places (then plain
 * pops do it).
 */
function popPartial(h: usize, count: u32, offset: u32): bool {
  let size = sizeOf(h);
  let rest = size - count;
  // Candidates (at most count + 1, and the sentinels past them), the first line-aligned as in the
  // heap; a spare entry; the holes' indices in the order taken, then by height.
  let candidateBytes = <usize>(count + 8) << 4;
  let bytes: usize = 48 + candidateBytes + 16 + (<usize>count << 3);
  if (!canAllocateSurely(bytes)) return false;
  let scratch = allocate(bytes);
  let candidates = lineAligned(scratch);
  let spare = candidates + candidateBytes;
  let holes = spare + 16;
  let byHeight = holes + (<usize>count << 2);
  let data = dataOf(h);
  let packed = isPacked(h);
  memory.fill(candidates, 0xff, candidateBytes);
  // The top alone is a group of one (the entries after it in its line are not its siblings).
  let n: u32 = 1;
  setCandidate(candidates, 0, keyAt(data, 0), seqAt(data, 0), 1 << MEMBERS_SHIFT);
  let deepest: u32 = 0;
  for (let t: u32 = 0; t < count; t++) {
    let key = load<u64>(candidates), seq = load<u32>(candidates, 8), word = load<u32>(candidates, 12);
    let first = word & FIRST_MASK, members = (word >> MEMBERS_SHIFT) & 15, smallest = word >> SMALLEST_SHIFT;
    let i = first + smallest;
    store<f64>(stagingNumbers + (<usize>(offset + t) << 3), decode(key, seq, packed));
    store<u32>(stagingWords + (<usize>(offset + t) << 2), itemAt(data, i));
    store<u32>(holes + (<usize>t << 2), i);
    deepest = max(deepest, i);
    members &= ~(1 << smallest);
    if (members != 0) {
      groupCandidate(data, first, members, spare);
      candidateReplaceTop(candidates, n, load<u64>(spare), load<u32>(spare, 8), load<u32>(spare, 12));
    } else {
      // The group is used up: the last candidate takes its place, a sentinel the last's.
      n--;
      let last = candidates + (<usize>n << 4);
      let lastKey = load<u64>(last), lastSeq = load<u32>(last, 8), lastWord = load<u32>(last, 12);
      setCandidate(candidates, n, <u64>-1, <u32>-1, <u32>-1);
      if (n > 0) candidateReplaceTop(candidates, n, lastKey, lastSeq, lastWord);
    }
    let children = (i << 2) + 1;
    if (children + 4 <= size) {
      groupCandidate(data, children, 15, spare);
      // The group's smallest may well be taken soon: its children's line on its way.
      let grandchildren = ((children + (load<u32>(spare, 12) >> SMALLEST_SHIFT)) << 2) + 1;
      if (grandchildren < size) load<u8>(entryAt(data, grandchildren));
      candidatePush(candidates, n++, load<u64>(spare), load<u32>(spare, 8), load<u32>(spare, 12));
    } else if (children < size) {
      // The heap's last, short group, below the last k places' parents: give up on this batch
      // (nothing has changed yet), so that candidates are always full groups.
      deepest = size;
      break;
    }
  }
  if (deepest >= rest) {
    release(scratch, bytes);
    return false;
  }
  if (isIndexed(h)) freeSlots(stagingWords + (<usize>offset << 2), count);
  let linked = isLinked(h);
  // Each hole's height among the holes (0: no hole below it), kept in its dead entry's seq: a
  // parent was taken before its children, so backwards every child comes before its parent.
  for (let t: u32 = 0; t < count; t++) store<u32>(entryAt(data, load<u32>(holes + (<usize>t << 2))), 0, 8);
  for (let t = count - 1; t > 0; t--) {
    let i = load<u32>(holes + (<usize>t << 2));
    let parent = entryAt(data, (i - 1) >> 2);
    store<u32>(parent, max(load<u32>(parent, 8), seqAt(data, i) + 1), 8);
  }
  // The holes by height, lowest first (a counting sort: a 4-ary heap of 2^26 entries is 14 deep).
  let starts = candidates; // 16 u32, then the sifts' entries
  memory.fill(starts, 0, 64);
  for (let t: u32 = 0; t < count; t++) {
    let at = starts + (<usize>seqAt(data, load<u32>(holes + (<usize>t << 2))) << 2);
    store<u32>(at, load<u32>(at) + 1);
  }
  bucketStarts(starts, 16);
  for (let t: u32 = 0; t < count; t++) {
    let i = load<u32>(holes + (<usize>t << 2));
    let at = starts + (<usize>seqAt(data, i) << 2);
    let p = load<u32>(at);
    store<u32>(at, p + 1);
    store<u32>(byHeight + (<usize>p << 2), i);
  }
  // starts[d] is now where height d + 1 begins. The last `count` entries fill the holes.
  store<u32>(h, rest, SIZE);
  let entries = candidates + 64;
  let from: u32 = 0;
  let tail = rest;
  for (let d: usize = 0; from < count; d++) {
    let to = load<u32>(starts + (d << 2));
    for (let j: u32 = 0; j < to - from; j++) {
      let e = entries + (<usize>j << 4);
      let t = entryAt(data, tail++);
      store<u64>(e, load<u64>(t));
      store<u64>(e, load<u64>(t, 8), 8);
    }
    siftDownInterleaved(data, linked, rest, entries, byHeight + (<usize>from << 2), to - from);
    from = to;
  }
  release(scratch, bytes);
  return true;
}

// ── sorted drains ────────────────────────────────────────────────────────────────────────────
//
// A drain of most of a heap sorts it rather than popping entry by entry: a pop costs more as the
// heap grows (a sift-down: 27, 40, 57 and 110 ns an entry at 1e3, 1e4, 1e5 and 1e6 entries), while
// the sort costs about the same per entry at every size. It is a radix sort, most significant digit
// first, over the keys' own range rather than their bytes: a counting pass spreads the entries into
// up to 2^11 buckets of equal width by the high bits of (key - lowest key), and each bucket is
// sorted the same way over its own range, until most buckets hold one entry or none (a few entries
// are ordered by insertion, equal keys by their seqs). Random keys take two or three such passes,
// where the least-significant-first radix sort before it made eight, one per byte of the key, each
// reading and writing every entry. Measured (raw value heap filled by one batch then drained whole,
// ns an entry, the two builds side by side, 15 rounds): uniform keys 35 -> 27 at 1e3, 40 -> 34 at
// 1e5, 82 -> 47 at 1e6 (where the batch itself sorts the heap into runs mode); keys of 10 values
// (packed) 30 -> 30, 39 -> 37, 62 -> 48; of 1,000 values that do not pack (long runs of equal keys)
// 44 -> 28, 67 -> 52, 83 -> 60; exponential 37 -> 26, 43 -> 34, 82 -> 45; random exponents
// 37 -> 26, 47 -> 36, 89 -> 42. Its worst case is a spread that fills only two buckets at each
// level (clusters inside clusters, bits 11 apart): 45 -> 74, 59 -> 72, 58 -> 80, still O(n), as each
// level takes at least 2 bits (11 from large ranges) off the range's width. Below SORT_FROM
// entries the counts' set-up outweighs the passes.

// @ts-ignore: decorator
@inline export const SORT_FROM: u32 = 512;

/**
 * The counts a sort needs after its scratch entries (one level's buckets at a time: a level's sorts
 * of its buckets reuse them). Taken with the scratch space rather than kept as static data, which
 * would add 8 KiB to the module.
 */
// @ts-ignore: decorator
@inline const COUNTS_BYTES: u64 = 8 << 10;
/** The most buckets one pass spreads a range into: 2^11 counts, COUNTS_BYTES. */
// @ts-ignore: decorator
@inline const MAX_BUCKET_BITS: u32 = 11;
/** Ranges of at most this many entries are sorted by insertion. */
// @ts-ignore: decorator
@inline const INSERTION_SORT: u32 = 8;

/** A sort's block for `size` entries (scratch entries, then the counts; `drainSorted` hands entries over in it), or 0 if memory refuses. */
function takeSortBlock(size: u32, surely: bool = false): usize {
  let bytes = (<u64>size << 4) + COUNTS_BYTES;
  return canAllocateIf(bytes, surely) ? allocate(<usize>bytes) : 0;
}

// @ts-ignore: decorator
@inline function releaseSortBlock(block: usize, size: u32): void {
  release(block, (<usize>size << 4) + <usize>COUNTS_BYTES);
}

/**
 * Writes the first `count` entries at `data`, in order, into `block` as `drainSorted` hands them
 * over: keys (f64[count]) then items (u32[count]); an indexed heap's slots are freed.
 */
function handOver(block: usize, data: usize, count: u32, packed: bool, indexed: bool): void {
  let items = block + (<usize>count << 3);
  for (let k: u32 = 0; k < count; k++) {
    store<f64>(block + (<usize>k << 3), decode(keyAt(data, k), seqAt(data, k), packed));
    store<u32>(items + (<usize>k << 2), itemAt(data, k));
  }
  if (indexed) freeSlots(items, count);
}

/**
 * Whether a drain of `count` of `size` entries should sort: when count pops, each about
 * log2(size) levels, would cost more than about eight passes over every entry.
 */
// @ts-ignore: decorator
@inline function sortPays(size: u32, count: u32): bool {
  return size >= SORT_FROM && <u64>count * <u64>(32 - clz(size)) >= <u64>size << 3;
}

/** What a sort level orders by, of the entry at `at`: the key (`BY_KEY`), or the seq (`BY_SEQ`, among equal keys). */
// @ts-ignore: decorator
@inline const BY_KEY: usize = 0;
// @ts-ignore: decorator
@inline const BY_SEQ: usize = 8;
// @ts-ignore: decorator
@inline function fieldAt(at: usize, field: usize): u64 {
  return field == BY_KEY ? load<u64>(at) : <u64>load<u32>(at, BY_SEQ);
}

/**
 * Sorts `size` entries by (key, seq) into `to`, each inserted among the sorted ones before it, from
 * `from` (which may be `to`: an entry is read before the ones before it shift up into its place).
 */
function insertionSort(from: usize, to: usize, size: u32): void {
  for (let i: u32 = 0; i < size; i++) {
    let key = keyAt(from, i), seq = seqAt(from, i), item = itemAt(from, i);
    let j = i;
    while (j > 0) {
      let before = keyAt(to, j - 1);
      if (!orders(key, seq, before, seqAt(to, j - 1))) break;
      move(to, false, j - 1, before, j);
      j--;
    }
    place(to, false, j, key, seq, item);
  }
}

/** Sorts the `size` entries at `data` by (key, seq), with `other` (as long) as scratch. */
function sortEntries(data: usize, other: usize, size: u32, counts: usize): void {
  sortByField(data, other, size, counts, BY_KEY);
}

/** `sortRange` of the `size` entries at `data`, in place, over their `field`'s range. */
function sortByField(data: usize, other: usize, size: u32, counts: usize, field: usize): void {
  let low = fieldAt(data, field), high = low;
  for (let i: u32 = 1; i < size; i++) {
    let value = fieldAt(entryAt(data, i), field);
    low = min(low, value);
    high = max(high, value);
  }
  sortRange(data, other, size, counts, false, field, low, high);
}

/**
 * Sorts the `size` entries at `from`, whose `field` lies in `low` .. `high` (a range of equal keys
 * is sorted by seq), as the section's head says. The result lands at `from` (`to`, as long, is
 * scratch), or at `to` when `moving` (then `from` is left as scratch): each level spreads its
 * entries into the other buffer, and its buckets' sorts bring them back where the level's belong.
 */
function sortRange(from: usize, to: usize, size: u32, counts: usize, moving: bool, field: usize, low: u64, high: u64): void {
  if (size <= INSERTION_SORT && low != high) {
    insertionSort(from, moving ? to : from, size);
    return;
  }
  if (low == high) {
    let data = from, scratch = to;
    if (moving) {
      memory.copy(to, from, <usize>size << 4);
      data = to;
      scratch = from;
    }
    // Equal keys: by seq (seqs are unique, so that level ends it).
    if (field == BY_KEY) sortByField(data, scratch, size, counts, BY_SEQ);
    return;
  }
  // About two buckets an entry (most hold one or none: no insertion sort to mispredict), up to
  // the most buckets; the top bits of (value - low) pick the bucket.
  let bucketBits = min<u32>(MAX_BUCKET_BITS, max<u32>(2, 32 - clz(size)));
  let widthBits: u32 = 64 - <u32>clz(high - low);
  let shift = <u64>(widthBits > bucketBits ? widthBits - bucketBits : 0);
  let buckets = <usize>1 << bucketBits;
  memory.fill(counts, 0, buckets << 2);
  for (let i: u32 = 0; i < size; i++) {
    let at = counts + (<usize>((fieldAt(entryAt(from, i), field) - low) >> shift) << 2);
    store<u32>(at, load<u32>(at) + 1);
  }
  bucketStarts(counts, buckets);
  for (let i: u32 = 0; i < size; i++) {
    let entry = entryAt(from, i);
    let at = counts + (<usize>((fieldAt(entry, field) - low) >> shift) << 2);
    let place = load<u32>(at);
    store<u32>(at, place + 1);
    copyEntry(entryAt(to, place), entry);
  }
  // The buckets lie in order at `to`; each one's end (and its range) is found by reading it, as
  // the sorts of the buckets before it reuse the counts.
  let start: u32 = 0;
  while (start < size) {
    let first = fieldAt(entryAt(to, start), field);
    let bucket = (first - low) >> shift;
    let bucketLow = first, bucketHigh = first;
    let end = start + 1;
    while (end < size) {
      let value = fieldAt(entryAt(to, end), field);
      if ((value - low) >> shift != bucket) break;
      bucketLow = min(bucketLow, value);
      bucketHigh = max(bucketHigh, value);
      end++;
    }
    let spread = entryAt(to, start), back = entryAt(from, start), count = end - start;
    if (count == 1) {
      if (!moving) copyEntry(back, spread);
    } else {
      sortRange(spread, back, count, counts, !moving, field, bucketLow, bucketHigh);
    }
    start = end;
  }
}

/**
 * Pops min(max, size) entries in order, as `popMany` does, by sorting the heap when `sortPays`.
 * They come out in a block that the caller reads and then gives back with `releaseDrained`:
 * keys (f64[count], as `popMany` stages them) then items (u32[count]). The entries left move to
 * the front, still sorted, which is a heap. Returns the block, or 0 with nothing changed when
 * pops are cheaper or memory refuses the scratch space (the block: size · 16 bytes + 8 KiB).
 */
export function drainSorted(h: usize, max: u32): usize {
  let size = sizeOf(h);
  let count = min(max, size);
  if (isRuns(h)) return drainSortedRuns(h, count);
  if (!sortPays(size, count)) return 0;
  let block = takeSortBlock(size);
  if (block == 0) return 0;
  let data = dataOf(h);
  let indexed = isIndexed(h);
  // A drain of every entry frees the slots in the array's order, before the sort: in sorted order
  // their writes land all over the slot table. Measured (PriorityQueue, pushMany then popMany of
  // 100,000, the two builds side by side, six runs): the drain 0.5-2.8 ns an item faster in each.
  let all = count == size;
  if (indexed && all) freeSlots(data + ENTRY_ITEM, size, <usize>ENTRY_BYTES);
  sortEntries(data, block, size, block + (<usize>size << 4));
  handOver(block, data, count, isPacked(h), indexed && !all);
  let rest = size - count;
  memory.copy(data, entryAt(data, count), <usize>rest << 4);
  store<u32>(h, rest, SIZE);
  if (isLinked(h)) link(h); // the rest moved to the front
  return block;
}

/**
 * `drainSorted` of a RUNS heap: when its old heap is sorted and holds every entry (a batch filled
 * it), the entries are in order already and only copied out; otherwise 0 (pops it is).
 */
function drainSortedRuns(h: usize, count: u32): usize {
  let size = sizeOf(h);
  let r = runsOf(h);
  let data = runs.sortedOld(r, size);
  if (data == 0) return 0;
  let block = takeSortBlock(size);
  if (block == 0) return 0;
  handOver(block, data, count, false, isIndexed(h)); // runs mode never packs
  runs.dropOld(r, count);
  store<u32>(h, size - count, SIZE);
  if (size == count) leaveRuns(h);
  else runs.showTop(h, r);
  return block;
}

/** Gives back the block `drainSorted` returned for a heap that had `size` entries. */
export function releaseDrained(block: usize, size: u32): void {
  releaseSortBlock(block, size);
}

/**
 * Removes up to `max` entries from the end of the array (any order; the rest stays a heap) into
 * the staging words, freeing their slots. How `clear` and `dispose` find the payloads to drop.
 */
export function drainUnordered(h: usize, max: u32): u32 {
  let size = sizeOf(h);
  let count = min(min(max, size), STAGING_ITEMS);
  if (isRuns(h)) {
    for (let k: u32 = 0; k < count; k++) store<u32>(stagingWords + (<usize>k << 2), popTopRuns(h));
    return count;
  }
  let data = dataOf(h);
  let indexed = isIndexed(h);
  for (let k: u32 = 0; k < count; k++) {
    let item = itemAt(data, size - 1 - k);
    if (indexed) freeSlot(item);
    store<u32>(stagingWords + (<usize>k << 2), item);
  }
  store<u32>(h, size - count, SIZE);
  return count;
}

/** Value heaps: empties the heap (indexed heaps drain through `drainUnordered`). */
export function clear(h: usize): void {
  if (isIndexed(h)) return;
  if (isRuns(h)) leaveRuns(h);
  store<u32>(h, 0, SIZE);
}

/** Gives back a heap header that holds nothing else. */
function releaseHeader(h: usize): void {
  release(h, HEADER_BYTES);
}

/**
 * A value heap holding a copy of this heap's entries, items included (slots stay slots: nothing is
 * issued). Iteration pops the copy, so the original is never touched. 0 if memory refuses.
 */
export function copy(h: usize): usize {
  let size = sizeOf(h);
  let c = create(false);
  if (!c) return 0;
  // If the block's allocation traps (a full arena), the header is given back after the trap.
  holdUnlinked(c, releaseHeader);
  let ready = size == 0 || resize(c, size);
  linked();
  if (!ready) {
    releaseHeader(c);
    return 0;
  }
  if (isRuns(h)) {
    runs.gather(runsOf(h), dataOf(c));
    heapify(dataOf(c), size, false);
  } else {
    memory.copy(dataOf(c), dataOf(h), <usize>size << 4);
  }
  store<u32>(c, load<u32>(h, FLAGS) & PACKED, FLAGS);
  store<u32>(c, size, SIZE);
  store<u32>(c, load<u32>(h, NEXT_SEQ), NEXT_SEQ);
  return c;
}

/**
 * Sorts the entries in place by (key, seq), so that they can be read in pop order without a copy
 * (iteration on an arena with no room for one, `readSorted`). A sorted array is a heap: the pop
 * order and, relinked, the handles stand. A heap in runs mode goes back into one array first (an
 * indexed heap's into the block the mode kept); false, with nothing changed, when memory refuses a
 * value heap that array.
 */
export function sortInPlace(h: usize): bool {
  if (isRuns(h) && !settle(h)) return false;
  let size = sizeOf(h);
  let data = dataOf(h);
  if (size < 2) return true;
  // Heapsort: each step moves the current minimum to the end, leaving the array descending.
  for (let end = size - 1; end > 0; end--) {
    let topKey = keyAt(data, 0), topSeq = seqAt(data, 0), topItem = itemAt(data, 0);
    siftDown(data, false, end, 0, keyAt(data, end), seqAt(data, end), itemAt(data, end));
    place(data, false, end, topKey, topSeq, topItem);
  }
  for (let low: u32 = 0, high = size - 1; low < high; low++, high--) {
    let key = keyAt(data, low), seq = seqAt(data, low), item = itemAt(data, low);
    place(data, false, low, keyAt(data, high), seqAt(data, high), itemAt(data, high));
    place(data, false, high, key, seq, item);
  }
  if (isLinked(h)) for (let i: u32 = 0; i < size; i++) setIndex(itemAt(data, i), i);
  return true;
}

/**
 * Copies entries `from` .. of a heap `sortInPlace` ordered into the staging area, as `popMany`
 * hands them over (keys, then items), without taking them out; returns how many (up to `max`).
 */
export function readSorted(h: usize, from: u32, max: u32): u32 {
  let size = sizeOf(h);
  if (from >= size || isRuns(h)) return 0;
  let count = min(min(max, size - from), STAGING_ITEMS);
  let data = dataOf(h);
  let packed = isPacked(h);
  for (let k: u32 = 0; k < count; k++) {
    let i = from + k;
    store<f64>(stagingNumbers + (<usize>k << 3), decode(keyAt(data, i), seqAt(data, i), packed));
    store<u32>(stagingWords + (<usize>k << 2), itemAt(data, i));
  }
  return count;
}

/**
 * Gives back the block's slack: capacity becomes the size (at least MIN_CAPACITY). A RUNS heap
 * goes back into one array of that size, when memory allows one more copy of its entries.
 */
export function shrink(h: usize): void {
  if (isRuns(h) && !settle(h)) return;
  let target = max(sizeOf(h), MIN_CAPACITY);
  if (target < capacityOf(h)) resize(h, target);
}

/** Bytes the heap holds: header plus its block. */
export function bytes(h: usize): f64 {
  let array = load<usize>(h, BLOCK) ? <f64>blockBytes(capacityOf(h)) : 0;
  return <f64>HEADER_BYTES + array + (isRuns(h) ? runs.bytes(runsOf(h)) : 0);
}

/** Debug builds: whether the heap keeps its entries in runs (see RUNS). */
export function inRuns(h: usize): bool {
  return isRuns(h);
}

/** Debug builds: whether the heap is in runs mode with every entry in its sorted old heap (a batch sorted it), so `drainSorted` copies them out. */
export function inSortedRuns(h: usize): bool {
  return isRuns(h) && runs.sortedOld(runsOf(h), sizeOf(h)) != 0;
}

/** Debug builds: moves the sequence counter so a test can cross the wrap. */
export function setNextSequence(h: usize, seq: u32): void {
  // Forward only: every live seq must stay below the counter.
  store<u32>(h, max(load<u32>(h, NEXT_SEQ), seq & ~1), NEXT_SEQ);
}

/** Debug builds: whether every entry orders after its parent and, when linked, every slot points back at it. */
export function check(h: usize): bool {
  if (isRuns(h)) return runs.check(runsOf(h), sizeOf(h), load<u32>(h, NEXT_SEQ));
  let size = sizeOf(h);
  let data = dataOf(h);
  let linked = isLinked(h);
  for (let i: u32 = 0; i < size; i++) {
    if (i > 0) {
      let parent = (i - 1) >> 2;
      if (orders(keyAt(data, i), seqAt(data, i), keyAt(data, parent), seqAt(data, parent))) return false;
    }
    if (seqAt(data, i) >= load<u32>(h, NEXT_SEQ)) return false;
    if (isPacked(h) && <u32>keyAt(data, i) != seqAt(data, i)) return false;
    if (linked && indexOf(itemAt(data, i)) != i) return false;
  }
  return true;
}
