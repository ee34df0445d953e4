// Indexed 4-ary min-heap ordered by (key, seq): the smallest key first, and among equal keys the
// earliest arrival (the lowest sequence number), as a stable sort would order them.
//
//   header, 20 bytes
//   ╒═══════════════╤═══════════════╤═══════════════╤═══════════════╤═══════════════╕
//   │ data    usize │ size      u32 │ capacity  u32 │ nextSeq   u32 │ flags     u32 │
//   └───────────────┴───────────────┴───────────────┴───────────────┴───────────────┘
//   0               4               8               12              16              20
//
//   data, one block of 16 bytes an entry, in three columns
//   ╒════════════════════════╤════════════════════════╤════════════════════════╕
//   │ keys  f64[capacity]    │ seqs  u32[capacity]    │ items u32[capacity]    │
//   └────────────────────────┴────────────────────────┴────────────────────────┘
//   0                        8·capacity               12·capacity              16·capacity
//
//   flags  INDEXED: items are slots of the arena's slot table (slots.ts), whose `link` is kept
//          equal to the entry's index, so a handle finds its entry in O(1) for update and remove.
//          Otherwise items are the caller's own u32 values and no handle is issued.
//
// Invariants
//   - entries 0 .. size-1 form a 4-ary heap: no entry orders before its parent, (i - 1) >> 2.
//   - sequence numbers of live entries are distinct; nextSeq exceeds all of them. When nextSeq
//     would wrap, `renumber` sorts the entries and renumbers them 0 .. size-1 in order.
//
// Why the layout: keys in their own column keep four children in one or two cache lines, and the
// tie-break column is read only when two keys are equal (measured faster than interleaved
// {key, seq, item} records). Why d = 4: half the depth of a binary heap for at most three more
// comparisons a level, the usual winner, and the same here. Sifts move a hole and write the moving
// entry once, at the end.

import { CAPACITY, EMPTY, FOREIGN, OUT_OF_RANGE } from "./status";
import { allocate, canAllocate, release } from "./memory";
import { freeSlot, handleOf, indexOf, reserveSlots, resolve, setIndex, takeSlot } from "./slots";
import { STAGING_ITEMS, stagingNumbers, stagingWords } from "./staging";

// @ts-ignore: decorator
@inline const HEADER_BYTES: usize = 20;
// @ts-ignore: decorator
@inline const DATA: usize = 0;
// @ts-ignore: decorator
@inline const SIZE: usize = 4;
// @ts-ignore: decorator
@inline const CAPACITY_FIELD: usize = 8;
// @ts-ignore: decorator
@inline const NEXT_SEQ: usize = 12;
// @ts-ignore: decorator
@inline const FLAGS: usize = 16;
// @ts-ignore: decorator
@inline export const INDEXED: u32 = 1;
// @ts-ignore: decorator
@inline const ENTRY_BYTES: u64 = 16;
// @ts-ignore: decorator
@inline const MIN_CAPACITY: u32 = 16;

// ── column access ────────────────────────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline function keyAt(keys: usize, i: u32): f64 { return load<f64>(keys + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function wordAt(column: usize, i: u32): u32 { return load<u32>(column + (<usize>i << 2)); }

/** Writes an entry at `i` and, for an indexed heap, tells its slot where it now is. */
// @ts-ignore: decorator
@inline function place(keys: usize, seqs: usize, items: usize, indexed: bool, i: u32, key: f64, seq: u32, item: u32): void {
  store<f64>(keys + (<usize>i << 3), key);
  store<u32>(seqs + (<usize>i << 2), seq);
  store<u32>(items + (<usize>i << 2), item);
  if (indexed) setIndex(item, i);
}

// @ts-ignore: decorator
@inline function orders(keyA: f64, seqA: u32, keyB: f64, seqB: u32): bool {
  return keyA < keyB || (keyA == keyB && seqA < seqB);
}

// ── sifts ────────────────────────────────────────────────────────────────────────────────────

function siftUp(keys: usize, seqs: usize, items: usize, indexed: bool, i: u32, key: f64, seq: u32, item: u32): void {
  while (i > 0) {
    let parent = (i - 1) >> 2;
    let parentKey = keyAt(keys, parent);
    if (parentKey < key || (parentKey == key && wordAt(seqs, parent) < seq)) break;
    place(keys, seqs, items, indexed, i, parentKey, wordAt(seqs, parent), wordAt(items, parent));
    i = parent;
  }
  place(keys, seqs, items, indexed, i, key, seq, item);
}

function siftDown(keys: usize, seqs: usize, items: usize, indexed: bool, size: u32, i: u32, key: f64, seq: u32, item: u32): void {
  while (true) {
    let first = (i << 2) + 1;
    if (first >= size) break;
    let best = first;
    let bestKey = keyAt(keys, first);
    let end = min(first + 4, size);
    for (let child = first + 1; child < end; child++) {
      let childKey = keyAt(keys, child);
      if (childKey < bestKey || (childKey == bestKey && wordAt(seqs, child) < wordAt(seqs, best))) {
        best = child;
        bestKey = childKey;
      }
    }
    if (key < bestKey || (key == bestKey && seq < wordAt(seqs, best))) break;
    place(keys, seqs, items, indexed, i, bestKey, wordAt(seqs, best), wordAt(items, best));
    i = best;
  }
  place(keys, seqs, items, indexed, i, key, seq, item);
}

// ── header helpers ───────────────────────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline function sizeOf(h: usize): u32 { return load<u32>(h, SIZE); }
// @ts-ignore: decorator
@inline function capacityOf(h: usize): u32 { return load<u32>(h, CAPACITY_FIELD); }
// @ts-ignore: decorator
@inline function isIndexed(h: usize): bool { return (load<u32>(h, FLAGS) & INDEXED) != 0; }
// @ts-ignore: decorator
@inline function keysOf(h: usize): usize { return load<usize>(h, DATA); }
// @ts-ignore: decorator
@inline function seqsOf(h: usize): usize { return load<usize>(h, DATA) + (<usize>capacityOf(h) << 3); }
// @ts-ignore: decorator
@inline function itemsOf(h: usize): usize { return load<usize>(h, DATA) + (<usize>capacityOf(h) * 12); }

/** Moves the entries into a block of `capacity` entries (at least `size`). False if it cannot. */
function resize(h: usize, capacity: u32): bool {
  let bytes = <u64>capacity * ENTRY_BYTES;
  if (!canAllocate(bytes)) return false;
  let size = sizeOf(h);
  let old = keysOf(h);
  let oldCapacity = capacityOf(h);
  let data = allocate(<usize>bytes);
  if (old) {
    memory.copy(data, old, <usize>size << 3);
    memory.copy(data + (<usize>capacity << 3), old + (<usize>oldCapacity << 3), <usize>size << 2);
    memory.copy(data + <usize>capacity * 12, old + <usize>oldCapacity * 12, <usize>size << 2);
    release(old, <usize>oldCapacity * <usize>ENTRY_BYTES);
  }
  store<usize>(h, data, DATA);
  store<u32>(h, capacity, CAPACITY_FIELD);
  return true;
}

/** Makes room for `extra` more entries, doubling; false (nothing changed) if memory refuses. */
function reserve(h: usize, extra: u32): bool {
  let needed = <u64>sizeOf(h) + extra;
  let capacity = capacityOf(h);
  if (needed <= capacity) return true;
  let next = max<u64>(max<u64>(<u64>capacity << 1, needed), MIN_CAPACITY);
  if (next > 0xffff_ffff) return false;
  return resize(h, <u32>next);
}

/** Sorts the entries by (key, seq) in place (a sorted array is a heap) and renumbers them. */
function renumber(h: usize): void {
  let size = sizeOf(h);
  let keys = keysOf(h), seqs = seqsOf(h), items = itemsOf(h);
  let indexed = isIndexed(h);
  if (size > 1) {
    // Heapsort: each step moves the current minimum to the end, leaving the array descending.
    for (let end = size - 1; end > 0; end--) {
      let topKey = keyAt(keys, 0), topSeq = wordAt(seqs, 0), topItem = wordAt(items, 0);
      siftDown(keys, seqs, items, indexed, end, 0, keyAt(keys, end), wordAt(seqs, end), wordAt(items, end));
      place(keys, seqs, items, indexed, end, topKey, topSeq, topItem);
    }
    for (let low: u32 = 0, high = size - 1; low < high; low++, high--) {
      let key = keyAt(keys, low), item = wordAt(items, low);
      place(keys, seqs, items, false, low, keyAt(keys, high), 0, wordAt(items, high));
      place(keys, seqs, items, false, high, key, 0, item);
    }
  }
  for (let i: u32 = 0; i < size; i++) {
    store<u32>(seqs + (<usize>i << 2), i);
    if (indexed) setIndex(wordAt(items, i), i);
  }
  store<u32>(h, size, NEXT_SEQ);
}

function takeSequence(h: usize): u32 {
  let seq = load<u32>(h, NEXT_SEQ);
  if (seq == u32.MAX_VALUE) {
    renumber(h);
    seq = load<u32>(h, NEXT_SEQ);
  }
  store<u32>(h, seq + 1, NEXT_SEQ);
  return seq;
}

/** The index of the live entry a handle names in this heap, or a negative status. */
function locate(h: usize, handle: f64): i32 {
  let slot = resolve(handle);
  if (slot < 0) return slot;
  let i = indexOf(<u32>slot);
  if (i >= sizeOf(h) || wordAt(itemsOf(h), i) != <u32>slot) return FOREIGN;
  return <i32>i;
}

/** Removes the entry at `i` (the caller frees its slot) and restores the heap. */
function removeAt(h: usize, i: u32): void {
  let size = sizeOf(h) - 1;
  store<u32>(h, size, SIZE);
  if (i == size) return;
  let keys = keysOf(h), seqs = seqsOf(h), items = itemsOf(h);
  let indexed = isIndexed(h);
  let key = keyAt(keys, size), seq = wordAt(seqs, size), item = wordAt(items, size);
  if (orders(key, seq, keyAt(keys, i), wordAt(seqs, i))) {
    siftUp(keys, seqs, items, indexed, i, key, seq, item);
  } else {
    siftDown(keys, seqs, items, indexed, size, i, key, seq, item);
  }
}

// ── exports (re-exported with the `heap_` prefix by index.ts) ────────────────────────────────

/** A new empty heap's header, or 0 if memory refuses. */
export function create(indexed: bool): usize {
  if (!canAllocate(HEADER_BYTES)) return 0;
  let h = allocate(HEADER_BYTES);
  memory.fill(h, 0, HEADER_BYTES);
  store<u32>(h, indexed ? INDEXED : 0, FLAGS);
  return h;
}

/** Frees the heap, its entries' slots included. */
export function dispose(h: usize): void {
  if (isIndexed(h)) {
    let items = itemsOf(h);
    for (let i: u32 = 0, size = sizeOf(h); i < size; i++) freeSlot(wordAt(items, i));
  }
  let data = keysOf(h);
  if (data) release(data, <usize>capacityOf(h) * <usize>ENTRY_BYTES);
  release(h, HEADER_BYTES);
}

export function size(h: usize): u32 {
  return sizeOf(h);
}

/** Indexed heaps: pushes `key` and returns the new item's handle, or CAPACITY. */
export function push(h: usize, key: f64): f64 {
  if (!reserve(h, 1) || !reserveSlots(1)) return CAPACITY;
  let size = sizeOf(h);
  let seq = takeSequence(h);
  let slot = takeSlot(size);
  store<u32>(h, size + 1, SIZE);
  siftUp(keysOf(h), seqsOf(h), itemsOf(h), true, size, key, seq, slot);
  return handleOf(slot);
}

/** Value heaps: pushes `value` with `key`; returns the new size, or CAPACITY. */
export function pushValue(h: usize, key: f64, value: u32): i32 {
  if (!reserve(h, 1)) return CAPACITY;
  let size = sizeOf(h);
  let seq = takeSequence(h);
  store<u32>(h, size + 1, SIZE);
  siftUp(keysOf(h), seqsOf(h), itemsOf(h), false, size, key, seq, value);
  return <i32>(size + 1);
}

/** Removes the top entry and returns its item (slot or value); the caller checked size > 0. */
function popTop(h: usize): u32 {
  let keys = keysOf(h), seqs = seqsOf(h), items = itemsOf(h);
  let indexed = isIndexed(h);
  let top = wordAt(items, 0);
  if (indexed) freeSlot(top);
  let size = sizeOf(h) - 1;
  store<u32>(h, size, SIZE);
  if (size > 0) siftDown(keys, seqs, items, indexed, size, 0, keyAt(keys, size), wordAt(seqs, size), wordAt(items, size));
  return top;
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

/** The top entry's item (slot or value) as f64, or -1 when empty. */
export function peek(h: usize): f64 {
  if (sizeOf(h) == 0) return -1;
  return <f64>wordAt(itemsOf(h), 0);
}

/** The top entry's key, or NaN when empty. */
export function peekKey(h: usize): f64 {
  if (sizeOf(h) == 0) return NaN;
  return keyAt(keysOf(h), 0);
}

/**
 * Gives the entry a handle names a new key. `restamp` also gives it a new sequence number, so it
 * goes behind the entries whose key equals the new one; otherwise it keeps its place among them.
 * Returns 0, or STALE, FOREIGN or FORGED with nothing changed.
 */
export function update(h: usize, handle: f64, key: f64, restamp: bool): i32 {
  let i = locate(h, handle);
  if (i < 0) return i;
  let keys = keysOf(h), seqs = seqsOf(h), items = itemsOf(h);
  let oldKey = keyAt(keys, i);
  let slot = wordAt(items, i);
  let seq: u32;
  if (restamp) {
    seq = takeSequence(h);
    i = <i32>indexOf(slot); // a renumbering may have moved it
  } else {
    seq = wordAt(seqs, i);
  }
  let oldSeq = wordAt(seqs, i);
  if (orders(key, seq, oldKey, oldSeq)) {
    siftUp(keys, seqs, items, true, i, key, seq, slot);
  } else {
    siftDown(keys, seqs, items, true, sizeOf(h), i, key, seq, slot);
  }
  return 0;
}

/** The key of the entry a handle names, or NaN if the handle is not a live one of this heap. */
export function keyOf(h: usize, handle: f64): f64 {
  let i = locate(h, handle);
  if (i < 0) return NaN;
  return keyAt(keysOf(h), i);
}

/** Removes the entry a handle names; returns its slot, or STALE, FOREIGN or FORGED. */
export function remove(h: usize, handle: f64): i32 {
  let i = locate(h, handle);
  if (i < 0) return i;
  let slot = wordAt(itemsOf(h), i);
  freeSlot(slot);
  removeAt(h, i);
  return <i32>slot;
}

/**
 * Makes room for `extra` more entries (and, for an indexed heap, slots), so that the batch calls
 * that follow cannot fail halfway. False, with nothing changed, if memory refuses.
 */
export function reserveFor(h: usize, extra: u32): bool {
  return reserve(h, extra) && (!isIndexed(h) || reserveSlots(extra));
}

/**
 * Appends `count` staged entries without ordering them: keys from the staging numbers, values
 * (value heaps) from the staging words; indexed heaps write each new handle over its key. The
 * caller reserved room (`reserveFor`) and calls `restore` after the last chunk, before anything
 * else touches the heap. Returns `count`, or OUT_OF_RANGE for more than the staging area holds.
 */
export function append(h: usize, count: u32): i32 {
  if (count > STAGING_ITEMS) return OUT_OF_RANGE;
  let indexed = isIndexed(h);
  if (!reserve(h, count) || (indexed && !reserveSlots(count))) return CAPACITY;
  if (<u64>load<u32>(h, NEXT_SEQ) + count >= u32.MAX_VALUE) renumber(h);
  let seq = load<u32>(h, NEXT_SEQ);
  store<u32>(h, seq + count, NEXT_SEQ);
  let start = sizeOf(h);
  let keys = keysOf(h), seqs = seqsOf(h), items = itemsOf(h);
  for (let k: u32 = 0; k < count; k++) {
    let key = load<f64>(stagingNumbers + (<usize>k << 3));
    let item = indexed ? takeSlot(start + k) : load<u32>(stagingWords + (<usize>k << 2));
    place(keys, seqs, items, indexed, start + k, key, seq + k, item);
    if (indexed) store<f64>(stagingNumbers + (<usize>k << 3), handleOf(item));
  }
  store<u32>(h, start + count, SIZE);
  return <i32>count;
}

/**
 * Restores heap order after `append`s that started when the heap had `from` entries: Floyd's
 * bottom-up heapify (O(n)) when the batch outnumbers the entries that were there, else a sift-up
 * of each appended entry (O(k log n)).
 */
export function restore(h: usize, from: u32): void {
  let size = sizeOf(h);
  let keys = keysOf(h), seqs = seqsOf(h), items = itemsOf(h);
  let indexed = isIndexed(h);
  if (size - from > from) {
    if (size < 2) return;
    for (let i = (size - 2) >> 2; ; i--) {
      siftDown(keys, seqs, items, indexed, size, i, keyAt(keys, i), wordAt(seqs, i), wordAt(items, i));
      if (i == 0) break;
    }
  } else {
    for (let i = from; i < size; i++) {
      siftUp(keys, seqs, items, indexed, i, keyAt(keys, i), wordAt(seqs, i), wordAt(items, i));
    }
  }
}

/**
 * Pops up to `max` entries in order into the staging area: keys to the numbers, items (slots or
 * values) to the words. Returns how many.
 */
export function popMany(h: usize, max: u32): u32 {
  let count = min(min(max, sizeOf(h)), STAGING_ITEMS);
  let keys = keysOf(h);
  for (let k: u32 = 0; k < count; k++) {
    store<f64>(stagingNumbers + (<usize>k << 3), keyAt(keys, 0));
    store<u32>(stagingWords + (<usize>k << 2), popTop(h));
  }
  return count;
}

/**
 * Removes up to `max` entries from the end of the array (any order; the rest stays a heap) into
 * the staging words, freeing their slots. How `clear` and `dispose` find the payloads to drop.
 */
export function drainUnordered(h: usize, max: u32): u32 {
  let size = sizeOf(h);
  let count = min(min(max, size), STAGING_ITEMS);
  let items = itemsOf(h);
  let indexed = isIndexed(h);
  for (let k: u32 = 0; k < count; k++) {
    let item = wordAt(items, size - 1 - k);
    if (indexed) freeSlot(item);
    store<u32>(stagingWords + (<usize>k << 2), item);
  }
  store<u32>(h, size - count, SIZE);
  return count;
}

/** Value heaps: empties the heap (indexed heaps drain through `drainUnordered`). */
export function clear(h: usize): void {
  if (!isIndexed(h)) store<u32>(h, 0, SIZE);
}

/**
 * A value heap holding a copy of this heap's entries, items included (slots stay slots: nothing is
 * issued). Iteration pops the copy, so the original is never touched. 0 if memory refuses.
 */
export function copy(h: usize): usize {
  let size = sizeOf(h);
  let c = create(false);
  if (!c) return 0;
  if (size > 0 && !resize(c, size)) {
    release(c, HEADER_BYTES);
    return 0;
  }
  memory.copy(keysOf(c), keysOf(h), <usize>size << 3);
  memory.copy(seqsOf(c), seqsOf(h), <usize>size << 2);
  memory.copy(itemsOf(c), itemsOf(h), <usize>size << 2);
  store<u32>(c, size, SIZE);
  store<u32>(c, load<u32>(h, NEXT_SEQ), NEXT_SEQ);
  return c;
}

/** Gives back the block's slack: capacity becomes the size (at least MIN_CAPACITY). */
export function shrink(h: usize): void {
  let target = max(sizeOf(h), MIN_CAPACITY);
  if (target < capacityOf(h)) resize(h, target);
}

/** Bytes the heap holds: header plus its block. */
export function bytes(h: usize): f64 {
  return <f64>HEADER_BYTES + <f64>capacityOf(h) * <f64>ENTRY_BYTES;
}

/** Debug builds: moves the sequence counter so a test can cross the wrap. */
export function setNextSequence(h: usize, seq: u32): void {
  store<u32>(h, seq, NEXT_SEQ);
}

/** Debug builds: whether every entry orders after its parent and every slot points back at it. */
export function check(h: usize): bool {
  let size = sizeOf(h);
  let keys = keysOf(h), seqs = seqsOf(h), items = itemsOf(h);
  let indexed = isIndexed(h);
  for (let i: u32 = 0; i < size; i++) {
    if (i > 0) {
      let parent = (i - 1) >> 2;
      if (orders(keyAt(keys, i), wordAt(seqs, i), keyAt(keys, parent), wordAt(seqs, parent))) return false;
    }
    if (wordAt(seqs, i) >= load<u32>(h, NEXT_SEQ)) return false;
    if (indexed && indexOf(wordAt(items, i)) != i) return false;
  }
  return true;
}
