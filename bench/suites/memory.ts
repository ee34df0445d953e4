/**
 * Memory per queued item at N (1e6 in the full run).
 *
 * - Core bytes: what our structures hold in the arena (`arena.bytesInUse / N`), in a fresh
 *   `new Arena()` so nothing else shares it; once right after the fill (growth by doubling leaves
 *   slack) and once after `shrink()` of the structure and the arena (DESIGN.md: the ≤ 24 B target
 *   applies to the second).
 * - Process bytes: V8 heap plus external memory (which counts Wasm memories and ArrayBuffers) before
 *   and after building the structure *and its payload objects*, each side after a full GC
 *   (`--expose-gc`). For ours this includes the arena's whole linear memory, which never shrinks.
 */
import FlatQueue from 'flatqueue';
import { Heap as HeapJs } from 'heap-js';
import { Arena, NumericPriorityQueue, NumericQueue, NumericStack, PriorityQueue } from '../../src/index.js';
import type { Config } from '../config.js';
import { randomKeys } from '../random.js';

export interface CoreMemory {
  readonly structure: string;
  readonly size: number;
  /** Arena bytes in use per item right after the fill. */
  readonly afterFill: number;
  /** The same after `shrink()` of the structure and of the arena. */
  readonly afterShrink: number;
  /**
   * Bytes in use of the fresh arena before the structure existed (its staging area, shared by all
   * structures of the arena): included in the two figures above, as `arena.bytesInUse / N` is.
   */
  readonly arenaBaseline: number;
}

export interface ProcessMemory {
  readonly name: string;
  readonly library: string;
  readonly ours: boolean;
  readonly size: number;
  /** Heap + external bytes per item, payload objects included. */
  readonly bytesPerItem: number;
}

export interface MemoryResults {
  readonly gcExposed: boolean;
  readonly core: CoreMemory[];
  readonly process: ProcessMemory[];
}

interface Job {
  readonly id: number;
  priority: number;
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  gc();
  gc();
}

function processBytes(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/** Fills a numeric structure of a fresh arena with `size` ids, then shrinks it. */
function core(structure: string, size: number, fill: (arena: Arena) => { shrink(): void; dispose(): void }): CoreMemory {
  const arena = new Arena();
  const arenaBaseline = arena.bytesInUse;
  const built = fill(arena);
  const afterFill = arena.bytesInUse / size;
  built.shrink();
  arena.shrink();
  const afterShrink = arena.bytesInUse / size;
  built.dispose();
  return { structure, size, afterFill, afterShrink, arenaBaseline };
}

/** Process bytes per item of what `build` creates (and keeps alive until measured). */
function measureProcess(name: string, library: string, ours: boolean, size: number, build: () => unknown): ProcessMemory {
  collect();
  const before = processBytes();
  const held = build();
  collect();
  const after = processBytes();
  // Keep `held` reachable past the second measurement.
  if (held === undefined) throw new Error(`${name}: built nothing`);
  return { name, library, ours, size, bytesPerItem: (after - before) / size };
}

export function measureMemory(config: Config): MemoryResults {
  const size = config.memorySize;
  const keys = randomKeys(size, 1);

  const coreResults: CoreMemory[] = [
    core('PriorityQueue', size, (arena) => {
      const queue = new PriorityQueue<Job>({ arena });
      for (let i = 0; i < size; i++) queue.push({ id: i, priority: keys[i]! }, keys[i]!);
      return queue;
    }),
    core('NumericPriorityQueue', size, (arena) => {
      const queue = new NumericPriorityQueue({ arena });
      for (let i = 0; i < size; i++) queue.push(i, keys[i]!);
      return queue;
    }),
    core('NumericQueue', size, (arena) => {
      const queue = new NumericQueue({ arena });
      for (let i = 0; i < size; i++) queue.push(i);
      return queue;
    }),
    core('NumericStack', size, (arena) => {
      const stack = new NumericStack({ arena });
      for (let i = 0; i < size; i++) stack.push(i);
      return stack;
    }),
  ];

  const processResults: ProcessMemory[] = [
    measureProcess('PriorityQueue', 'flatsched', true, size, () => {
      const queue = new PriorityQueue<Job>({ arena: new Arena() });
      for (let i = 0; i < size; i++) queue.push({ id: i, priority: keys[i]! }, keys[i]!);
      return queue;
    }),
    measureProcess('flatqueue + payload array', 'flatqueue', false, size, () => {
      const queue = new FlatQueue<number>();
      const jobs: Job[] = [];
      for (let i = 0; i < size; i++) {
        jobs.push({ id: i, priority: keys[i]! });
        queue.push(i, keys[i]!);
      }
      return { queue, jobs };
    }),
    measureProcess('heap-js', 'heap-js', false, size, () => {
      const queue = new HeapJs<Job>((a, b) => a.priority - b.priority);
      for (let i = 0; i < size; i++) queue.add({ id: i, priority: keys[i]! });
      return queue;
    }),
    measureProcess('NumericPriorityQueue', 'flatsched', true, size, () => {
      const queue = new NumericPriorityQueue({ arena: new Arena() });
      for (let i = 0; i < size; i++) queue.push(i, keys[i]!);
      return queue;
    }),
    measureProcess('flatqueue (ids)', 'flatqueue', false, size, () => {
      const queue = new FlatQueue<number>();
      for (let i = 0; i < size; i++) queue.push(i, keys[i]!);
      return queue;
    }),
  ];
  collect();
  return { gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function', core: coreResults, process: processResults };
}
