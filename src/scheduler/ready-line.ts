import { arenaOption, type Arena } from '../core/arena.js';
import { CapacityError } from '../core/errors.js';
import type { Handle } from '../structures/handle.js';
import { NumericQueue, ringAddress } from '../structures/numeric-queue.js';
import { PriorityQueue } from '../structures/priority-queue.js';
import { ringAt, ringClear, ringDropFront, ringLength, ringPushThree } from '../structures/ring-words.js';
import type { Job } from './job-rows.js';

/** What a line reads and writes of a job's row. */
export interface LineRows {
  /** The ticket of the job's entry while it waits (in a line kept in a heap, its handle there). */
  handle(job: Job): number;
  /** Whether `handle(job)` is `ticket`: the entry is still its job's. */
  holds(job: Job, ticket: number): boolean;
  setHandle(job: Job, handle: Handle): void;
  /**
   * Its rank in arrival order: FIFO among equal priorities. Read for the jobs in the line, so a
   * single `push` may be followed by setting it, but `pushMany`'s jobs need it first.
   */
  arrival(job: Job): number;
  priority(job: Job): number;
}

/**
 * A line needing more levels (distinct priorities) than this moves into one heap: levels pay off
 * while priorities are few (0-9, or a handful of classes), not for deadlines or scores. One bit
 * each in two 32-bit masks.
 */
export const LEVEL_LIMIT = 64;
/** An entry: the job, then its ticket's magnitude in two words (low 32 bits, the rest). */
const ENTRY = 3;
const TWO_32 = 2 ** 32;

/**
 * Tickets name entries. Unique in the realm and never reused, and negative, so that none equals a
 * heap handle (≥ 0) nor the 0 of a freed row. 2^53 of them.
 */
let nextTicket = -1;

/** The waiting jobs of one priority. */
interface Level {
  readonly priority: number;
  /** Its index in `ReadyLine.#ranked`: 0 for the best priority. */
  rank: number;
  /** Entries in arrival order, ENTRY words each. */
  readonly entries: NumericQueue;
  /** `entries`' ring header in u32 words. */
  readonly at: number;
  /** Entries of jobs moved here by `update`, which keep their arrival rank: by arrival. */
  late: PriorityQueue<LateEntry> | undefined;
  /** Entries that are still their job's; the rest were left behind by `remove` and `update`. */
  live: number;
}

interface LateEntry {
  readonly job: Job;
  readonly ticket: number;
}

/**
 * The level dropped last, kept (disposed: it holds no memory of the arena) so that levels never
 * all die, for the reason `Chunk.shape` gives in job-rows.ts: a scheduler's `shrink()` drops every
 * empty level, and with no level left V8 dropped the shapes of levels and of their rings, and the
 * compiled code of the line's push with them, at the next full GC.
 */
let lastDropped: Level | undefined;

/** At LEVEL_LIMIT, a line that made more than one level per this many jobs moves into a heap. */
const CHURN = 4;

/** A dropped level's empty ring is kept for a new level if it takes at most this (a ring of 32 words: 10 entries). */
const SPARE_BYTES = 256;

/** One scratch entry, for a push that must grow the ring (`pushMany` adds all of it or none). */
const scratch = new Uint32Array(ENTRY);

/**
 * One tenant's waiting jobs: the best priority first, FIFO among equals (arrival order), as a heap
 * keyed by (priority, arrival) gives them, but O(1) a job while priorities are few.
 *
 * Each priority in use has a level, a core ring (NumericQueue) of entries in arrival order. The
 * levels, at most LEVEL_LIMIT, are kept ranked best first, with one bit per rank set while the
 * level holds a live entry, so the best level is the lowest set bit. A push appends to its level,
 * a pop takes from the best level's front. Measured with a million jobs of priorities 0-9
 * (submit all, then take + ack each): 730 ns a job with one heap per tenant, which missed the
 * caches all over its 20 MB of entries, slots and payload table; 540 ns with rings read in order.
 *
 * An entry names its job and a ticket, and the job's row holds the ticket of its one current
 * entry. `remove` (cancel) and `update` (reprioritize) leave the old entry behind, to be skipped
 * when it comes up: it no longer matches its row, since tickets are never reused. A reprioritized
 * job keeps its arrival rank, so its new entry may belong before entries already in the ring:
 * those wait in the level's `late` heap by arrival, merged with the ring as the level is served.
 *
 * Past LEVEL_LIMIT levels, or at it when levels are made faster than they are reused, the line
 * moves into one indexed heap (a PriorityQueue of jobs, pushed in arrival order, so that its FIFO
 * among equals stays the arrival order), and back once that is empty.
 * @internal
 */
export class ReadyLine {
  readonly #max: boolean;
  readonly #arena: Arena;
  readonly #rows: LineRows;
  readonly #levels = new Map<number, Level>();
  /** The levels, best priority first. */
  readonly #ranked: Level[] = [];
  /** Bit r (r < 32) set while `#ranked[r]` has a live entry. */
  #low = 0;
  /** Bit r - 32 set while `#ranked[r]` (r ≥ 32) has a live entry. */
  #high = 0;
  /** The line while it has too many levels; undefined otherwise. */
  #heap: PriorityQueue<Job> | undefined = undefined;
  /** Live entries, while in levels. */
  #size = 0;
  /** The level `push` used last, reused while the priority repeats. */
  #last: Level | undefined = undefined;
  /**
   * Empty rings of dropped levels, for new ones: a line of deadlines or scores makes a level per
   * job, and a ring made anew (arena block, finalization record) cost more than the rest of it.
   */
  readonly #spare: NumericQueue[] = [];
  /** Levels made, and jobs pushed, since the line last decided at LEVEL_LIMIT (or left its heap). */
  #made = 0;
  #pushed = 0;

  /** Entries left behind that a level holds beyond twice its live ones before it drops them. */
  readonly #slack: number;

  /** `slack`: see `#compactIfStale` (tests pass a small one, so that every path is taken). */
  constructor(max: boolean, arena: Arena | undefined, rows: LineRows, slack = 64) {
    this.#max = max;
    this.#arena = arenaOption('Scheduler', arena);
    this.#rows = rows;
    this.#slack = slack;
  }

  get size(): number {
    return this.#heap === undefined ? this.#size : this.#heap.size;
  }

  /**
   * Adds `job` behind every job of its priority and returns its ticket, for its row. Throws
   * CapacityError (a full arena) with nothing changed.
   */
  push(job: Job, priority: number): number {
    if (this.#heap !== undefined) {
      if (this.#heap.size > 0) return this.#heap.push(job, priority);
      this.#leaveHeap();
    }
    let level = this.#last?.priority === priority ? this.#last : this.#levels.get(priority);
    if (level === undefined) {
      if (!this.#roomForLevel()) return this.#heap!.push(job, priority);
      level = this.#level(priority);
    }
    const ticket = nextTicket;
    this.#append(level, job, -ticket);
    nextTicket--;
    if (level.live++ === 0) this.#mark(level);
    this.#size++;
    this.#pushed++;
    this.#last = level;
    return ticket;
  }

  /**
   * Adds each job (new ones: their rows' handles are not yet in use) with its priority, in order,
   * and gives each row its ticket as it goes: a move into a heap halfway must find the jobs
   * already pushed. All or nothing. Returns the tickets the rows hold.
   */
  pushMany(jobs: readonly Job[], priorities: readonly number[]): number[] {
    const rows = this.#rows;
    let pushed = 0;
    try {
      for (; pushed < jobs.length; pushed++) rows.setHandle(jobs[pushed]!, this.push(jobs[pushed]!, priorities[pushed]!) as Handle);
    } catch (error) {
      for (let i = 0; i < pushed; i++) this.remove(jobs[i]!, rows.handle(jobs[i]!));
      throw error;
    }
    return jobs.map((job) => rows.handle(job));
  }

  /** The first job's priority, or undefined when the line is empty. */
  peekPriority(): number | undefined {
    if (this.#heap !== undefined) return this.#heap.peekPriority();
    return this.#size === 0 ? undefined : this.#best().priority;
  }

  /** Removes and returns the first job, or undefined when the line is empty. */
  pop(): Job | undefined {
    if (this.#heap !== undefined) return this.#heap.pop();
    if (this.#size === 0) return undefined;
    const level = this.#best();
    const job = this.#next(level);
    this.#size--;
    if (--level.live === 0) this.#emptied(level);
    return job;
  }

  /** The best level holding a live entry (the lowest rank whose bit is set); the line holds one. */
  #best(): Level {
    const low = this.#low;
    const high = this.#high;
    return this.#ranked[low !== 0 ? 31 - Math.clz32(low & -low) : 63 - Math.clz32(high & -high)]!;
  }

  /**
   * Takes a waiting job, whose entry has `ticket`, out of the line; its row still holds its
   * priority. The entry stays behind, and is skipped once the row holds another ticket (or the 0
   * of a freed row): the caller changes it.
   */
  remove(job: Job, ticket: number): void {
    if (this.#heap !== undefined) {
      this.#heap.remove(ticket as Handle);
      return;
    }
    const level = this.#levels.get(this.#rows.priority(job))!;
    this.#size--;
    if (--level.live === 0) this.#emptied(level);
    else this.#compactIfStale(level);
  }

  /**
   * Gives a waiting job a new priority; it keeps its arrival rank among its new equals. Returns
   * its new ticket (its row still holds the old one, and the old priority). Throws CapacityError
   * with nothing changed.
   */
  update(job: Job, priority: number): number {
    const rows = this.#rows;
    if (this.#heap === undefined) {
      const from = this.#levels.get(rows.priority(job))!;
      const to = this.#levels.get(priority) ?? (this.#roomForLevel() ? this.#level(priority) : undefined);
      if (to !== undefined) return to === from ? rows.handle(job) : this.#moveLate(job, from, to);
    }
    // In a heap (maybe just now: the job's row then holds its handle there).
    this.#heap!.update(rows.handle(job) as Handle, priority);
    return rows.handle(job);
  }

  /** The waiting jobs, in no particular order. */
  *[Symbol.iterator](): IterableIterator<Job> {
    if (this.#heap !== undefined) {
      yield* this.#heap;
      return;
    }
    for (const level of this.#levels.values()) if (level.live > 0) yield* this.#live(level);
  }

  /** Gives back the slack of every level, and the levels that hold no job. */
  shrink(): void {
    this.#heap?.shrink();
    this.#dropEmpty();
    for (const level of this.#ranked) level.entries.shrink();
    for (const ring of this.#spare.splice(0)) ring.dispose();
  }

  dispose(): void {
    this.#heap?.dispose();
    this.#dropAll();
    for (const ring of this.#spare.splice(0)) ring.dispose();
  }

  /**
   * The level of `priority`, made if there is none (ranked among the others: O(LEVEL_LIMIT), once
   * per priority, since levels are kept while they empty and fill again). Throws CapacityError with
   * nothing changed.
   */
  #level(priority: number): Level {
    let level = this.#levels.get(priority);
    if (level !== undefined) return level;
    const entries = this.#spare.pop() ?? new NumericQueue({ arena: this.#arena });
    const ranked = this.#ranked;
    let rank = 0;
    while (rank < ranked.length && (this.#max ? ranked[rank]!.priority > priority : ranked[rank]!.priority < priority)) rank++;
    level = { priority, rank, entries, at: ringAddress(entries), late: undefined, live: 0 };
    ranked.splice(rank, 0, level);
    this.#levels.set(priority, level);
    this.#rerank();
    this.#made++;
    return level;
  }

  /** Numbers the levels by rank again and sets the bits of those with live entries. */
  #rerank(): void {
    this.#low = this.#high = 0;
    this.#ranked.forEach((level, rank) => {
      level.rank = rank;
      if (level.live > 0) this.#mark(level);
    });
  }

  /** Sets the level's bit: it has a live entry. */
  #mark(level: Level): void {
    const rank = level.rank;
    if (rank < 32) this.#low |= 1 << rank;
    else this.#high |= 1 << (rank - 32);
  }

  /** Appends an entry: in the ring's memory directly when it has room, else through the core. */
  #append(level: Level, job: Job, magnitude: number): void {
    const low = magnitude >>> 0;
    const high = (magnitude - low) / TWO_32;
    const arena = this.#arena;
    if (arena.memoryOpen === true && ringPushThree(arena.words(), level.at, job, low, high)) return;
    scratch[0] = job;
    scratch[1] = low;
    scratch[2] = high;
    level.entries.pushMany(scratch); // grows the ring, or throws with nothing added
  }

  /** Gives `job` a new entry in level `to`, among its late entries, and returns its ticket. */
  #moveLate(job: Job, from: Level, to: Level): number {
    const late = (to.late ??= new PriorityQueue<LateEntry>({ arena: this.#arena }));
    const ticket = nextTicket;
    late.push({ job, ticket }, this.#rows.arrival(job));
    nextTicket--;
    if (to.live++ === 0) this.#mark(to);
    if (--from.live === 0) this.#emptied(from);
    else this.#compactIfStale(from);
    return ticket;
  }

  /** The level's first live job, taken out with the entries left behind before it. */
  #next(level: Level): Job {
    const rows = this.#rows;
    const late = level.late;
    const arena = this.#arena;
    if (arena.memoryOpen !== true) level.entries.shift(); // throws: the arena is closed
    const words = arena.words(); // nothing below grows the memory
    const at = level.at;
    for (;;) {
      let job = -1;
      while (ringLength(words, at) > 0) {
        const head = ringAt(words, at, 0);
        if (rows.holds(head, -(ringAt(words, at, 2) * TWO_32 + ringAt(words, at, 1)))) {
          job = head;
          break;
        }
        ringDropFront(words, at, ENTRY);
      }
      if (late !== undefined && late.size > 0) {
        const first = late.peek()!;
        if (!rows.holds(first.job, first.ticket)) {
          late.pop();
          continue;
        }
        if (job < 0 || rows.arrival(first.job) < rows.arrival(job)) {
          late.pop();
          return first.job;
        }
      }
      ringDropFront(words, at, ENTRY);
      return job;
    }
  }

  /** A level's live jobs. */
  *#live(level: Level): IterableIterator<Job> {
    const rows = this.#rows;
    const entries = level.entries;
    for (let k = 0; k + 2 < entries.size; k += ENTRY) {
      const job = entries.at(k)!;
      if (rows.holds(job, -(entries.at(k + 2)! * TWO_32 + entries.at(k + 1)!))) yield job;
    }
    if (level.late !== undefined) for (const { job, ticket } of level.late) if (rows.holds(job, ticket)) yield job;
  }

  /**
   * Drops the entries `remove` and `update` left behind in a level once they outnumber its live
   * ones by `#slack` (64). They go when the level's front is served, or when it empties; a level
   * whose oldest job keeps waiting (a priority that waits, a paused scheduler) kept every one, and
   * grew with the cancels and reprioritizes rather than with the jobs it held. Amortized O(1) an
   * operation. The ring is rewritten in place (no memory taken); the late heap is rebuilt only if
   * a new one fits, else kept as it is.
   */
  #compactIfStale(level: Level): void {
    const arena = this.#arena;
    if (arena.memoryOpen !== true) return;
    const words = arena.words();
    const at = level.at;
    const length = ringLength(words, at);
    const late = level.late;
    if (length / ENTRY + (late?.size ?? 0) <= 2 * level.live + this.#slack) return;
    const rows = this.#rows;
    const kept: number[] = [];
    for (let k = 0; k < length; k += ENTRY) {
      const job = ringAt(words, at, k);
      const low = ringAt(words, at, k + 1);
      const high = ringAt(words, at, k + 2);
      if (rows.holds(job, -(high * TWO_32 + low))) kept.push(job, low, high);
    }
    ringClear(words, at);
    for (let k = 0; k < kept.length; k += ENTRY) ringPushThree(words, at, kept[k]!, kept[k + 1]!, kept[k + 2]!); // fits: fewer than before
    if (late === undefined || late.size === 0) return;
    const live = [...late].filter(({ job, ticket }) => rows.holds(job, ticket));
    if (live.length === late.size) return;
    let fresh: PriorityQueue<LateEntry> | undefined;
    try {
      fresh = new PriorityQueue<LateEntry>({ arena });
      fresh.pushMany(live, live.map(({ job }) => rows.arrival(job)));
    } catch (error) {
      fresh?.dispose();
      if (error instanceof CapacityError) return; // no room: the stale entries wait to be skipped, as before
      throw error;
    }
    late.dispose();
    level.late = fresh;
  }

  /** A level whose last live entry left: its bit goes, and what it holds was left behind. */
  #emptied(level: Level): void {
    const rank = level.rank;
    if (rank < 32) this.#low &= ~(1 << rank);
    else this.#high &= ~(1 << (rank - 32));
    if (this.#arena.memoryOpen === true) ringClear(this.#arena.words(), level.at);
    else level.entries.clear();
    if (level.late !== undefined && level.late.size > 0) level.late.clear();
  }

  /** Drops the levels that hold no live entry, in one pass. */
  #dropEmpty(): void {
    const ranked = this.#ranked;
    let kept = 0;
    for (const level of ranked) {
      if (level.live === 0) this.#free(level);
      else ranked[kept++] = level;
    }
    if (kept === ranked.length) return;
    ranked.length = kept;
    this.#rerank();
  }

  /** Drops every level (their live entries too: the caller has moved or freed those). */
  #dropAll(): void {
    for (const level of this.#ranked) this.#free(level);
    this.#ranked.length = 0;
    this.#low = this.#high = 0;
  }

  /** Forgets a level taken out of `#ranked`; its ring is kept as a spare if empty and small. */
  #free(level: Level): void {
    const entries = level.entries;
    const spare = level.live === 0 && this.#spare.length < LEVEL_LIMIT && !this.#arena.poisoned && entries.size === 0 && entries.bytes <= SPARE_BYTES;
    if (spare) this.#spare.push(entries);
    else entries.dispose();
    level.late?.dispose();
    level.late = undefined;
    this.#levels.delete(level.priority);
    if (this.#last === level) this.#last = undefined;
    lastDropped = level;
  }

  /**
   * Before a new level is made: true if there is room for one (levels that hold no job are dropped
   * to make it); false if the line moved into a heap instead. Throws CapacityError, with nothing
   * changed, when the arena has no room for the heap.
   */
  #roomForLevel(): boolean {
    if (this.#ranked.length < LEVEL_LIMIT) return true;
    // Levels pay while they are reused. A line that made one every few jobs since the last
    // decision (deadlines, scores), or would free only a few by dropping its empty ones, is a
    // heap's work: a level made per job cost 3-5 us a job against 0.4-0.6 in the heap (one tenant
    // holding 1-63 jobs of distinct priorities, submit + take + ack).
    const churning = this.#made * CHURN > this.#pushed;
    this.#made = this.#pushed = 0;
    if (!churning) {
      this.#dropEmpty();
      if (this.#ranked.length <= LEVEL_LIMIT - LEVEL_LIMIT / 4) return true;
    }
    this.#toHeap();
    return false;
  }

  /**
   * Moves every waiting job into one heap, in arrival order (so that the heap's FIFO among equals
   * is the arrival order). Throws CapacityError with nothing changed.
   */
  #toHeap(): void {
    const rows = this.#rows;
    // In arrival order, each with its level's priority: the heap's FIFO among equals follows the
    // order of pushes, and a job reprioritized later must still rank by arrival among its equals.
    const jobs: Job[] = [];
    const levelOf = new Map<Job, Level>();
    for (const level of this.#ranked) {
      for (const job of this.#live(level)) {
        jobs.push(job);
        levelOf.set(job, level);
      }
    }
    jobs.sort((a, b) => rows.arrival(a) - rows.arrival(b));
    const priorities = jobs.map((job) => levelOf.get(job)!.priority);
    const heap = new PriorityQueue<Job>({ max: this.#max, arena: this.#arena });
    let handles: Handle[];
    try {
      handles = heap.pushMany(jobs, priorities);
    } catch (error) {
      heap.dispose();
      throw error;
    }
    for (let i = 0; i < jobs.length; i++) rows.setHandle(jobs[i]!, handles[i]!);
    this.#dropAll();
    this.#heap = heap;
    this.#size = 0;
  }

  #leaveHeap(): void {
    this.#heap!.dispose();
    this.#heap = undefined;
    this.#made = this.#pushed = 0;
  }
}
