// The debug target's entry: everything the release module exports, plus hooks that let tests
// reach states a test could not reach in reasonable time (counters near their limits) and force a
// trap. These exist in the debug build only.

export * from "./index";
import * as heap from "./heap";
import * as heapRuns from "./heap-runs";
import * as slots from "./slots";
import * as ring from "./ring";
import { growPages } from "./memory";
import * as stack from "./stack";

export function debug_heapSetNextSequence(h: usize, seq: u32): void { heap.setNextSequence(h, seq); }
export function debug_heapCheck(h: usize): bool { return heap.check(h); }
export function debug_heapInRuns(h: usize): bool { return heap.inRuns(h); }
export function debug_heapInSortedRuns(h: usize): bool { return heap.inSortedRuns(h); }
/** Runs mode from `from` entries, with insertion heaps of `insertion`, pages of `page` and chunks of `sortChunk` and `mergeChunk`. */
export function debug_heapRunsShape(from: u32, insertion: u32, page: u32, sortChunk: u32, mergeChunk: u32): void { heapRuns.setShape(from, insertion, page, sortChunk, mergeChunk); }
export function debug_ringCheck(h: usize): bool { return ring.check(h); }
export function debug_stackCheck(h: usize): bool { return stack.check(h); }
export function debug_setGeneration(slot: u32, generation: u32): i32 { return slots.setGeneration(slot, generation); }
/** Grows the memory as another structure's allocation would (detaching JS views of the old buffer). */
export function debug_growMemory(pages: i32): i32 { return growPages(pages); }
export function debug_trap(): void { unreachable(); }
export function debug_abort(): void { abort("forced by a test"); }
