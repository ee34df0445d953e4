/**
 * Every call of a core-backed structure names itself when it refuses: once the structure is
 * disposed (StateError) and once its arena is poisoned (PoisonedArenaError), the message starts
 * with `Class.member: `, as every error of the library does. The tables must list every public
 * member, so a member added later is checked too.
 */
import { describe, expect, it } from 'vitest';
import { Arena, type Handle, NumericPriorityQueue, NumericQueue, NumericStack, PoisonedArenaError, PriorityQueue, StateError } from '../../src/index.js';
import { debugArena } from '../helpers/builds.js';

/** What a closed structure is asked: each call with arguments that pass validation. */
type Calls<S> = Record<string, (structure: S, handle: Handle) => unknown>;

interface Case<S> {
  name: string;
  make: (arena: Arena) => S;
  /** Fills the structure before it is closed; returns a handle of a queued item, if it has handles. */
  fill: (structure: S) => Handle | void;
  calls: Calls<S>;
  /** Members that answer without the core (JS-side fields), or that must never throw. */
  quiet: string[];
}

const heapCalls: Calls<NumericPriorityQueue> = {
  size: (q) => q.size,
  bytes: (q) => q.bytes,
  push: (q) => q.push(1, 1),
  pop: (q) => q.pop(),
  popPush: (q) => q.popPush(1, 1),
  peek: (q) => q.peek(),
  peekPriority: (q) => q.peekPriority(),
  pushMany: (q) => q.pushMany([1], [1]),
  popMany: (q) => q.popMany(new Uint32Array(1)),
  clear: (q) => q.clear(),
  shrink: (q) => q.shrink(),
  snapshot: (q) => q.snapshot(),
  entries: (q) => [...q.entries()],
  '[Symbol.iterator]': (q) => [...q],
};

const stackCalls: Calls<NumericStack> = {
  size: (s) => s.size,
  bytes: (s) => s.bytes,
  push: (s) => s.push(1),
  pop: (s) => s.pop(),
  peek: (s) => s.peek(),
  at: (s) => s.at(0),
  pushMany: (s) => s.pushMany([1]),
  popMany: (s) => s.popMany(new Uint32Array(1)),
  clear: (s) => s.clear(),
  shrink: (s) => s.shrink(),
  snapshot: (s) => s.snapshot(),
  toArray: (s) => s.toArray(),
  '[Symbol.iterator]': (s) => [...s],
};

const QUIET = ['constructor', 'dispose', 'toJSON', 'max', 'capacity', 'limit', '[Symbol.toStringTag]', '[Symbol(nodejs.util.inspect.custom)]'];

const cases: Case<any>[] = [
  {
    name: 'PriorityQueue',
    make: (arena) => new PriorityQueue<string>({ arena }),
    fill: (q: PriorityQueue<string>) => (q.push('b', 2), q.push('a', 1)),
    calls: {
      bytes: (q) => q.bytes,
      push: (q) => q.push('x', 1),
      pushMany: (q) => q.pushMany(['x'], [1]),
      pop: (q) => q.pop(),
      popPush: (q) => q.popPush('x', 1),
      popMany: (q) => q.popMany(1),
      drain: (q) => q.drain(),
      peek: (q) => q.peek(),
      peekPriority: (q) => q.peekPriority(),
      update: (q, h) => q.update(h, 5),
      remove: (q, h) => q.remove(h),
      has: (q, h) => q.has(h),
      get: (q, h) => q.get(h),
      priorityOf: (q, h) => q.priorityOf(h),
      clear: (q) => q.clear(),
      shrink: (q) => q.shrink(),
      snapshot: (q) => q.snapshot(),
      entries: (q) => [...q.entries()],
      '[Symbol.iterator]': (q) => [...q],
    } satisfies Calls<PriorityQueue<string>>,
    quiet: ['size'], // counted in JS
  },
  { name: 'NumericPriorityQueue', make: (arena) => new NumericPriorityQueue({ arena }), fill: (q: NumericPriorityQueue) => void q.pushMany([1, 2], [2, 1]), calls: heapCalls, quiet: [] },
  {
    name: 'NumericQueue',
    make: (arena) => new NumericQueue({ arena }),
    fill: (q: NumericQueue) => void q.pushMany([1, 2, 3]),
    calls: {
      size: (q) => q.size,
      bytes: (q) => q.bytes,
      push: (q) => q.push(1),
      unshift: (q) => q.unshift(1),
      shift: (q) => q.shift(),
      pop: (q) => q.pop(),
      peek: (q) => q.peek(),
      peekBack: (q) => q.peekBack(),
      at: (q) => q.at(0),
      pushMany: (q) => q.pushMany([1]),
      shiftMany: (q) => q.shiftMany(new Uint32Array(1)),
      clear: (q) => q.clear(),
      shrink: (q) => q.shrink(),
      snapshot: (q) => q.snapshot(),
      toArray: (q) => q.toArray(),
      '[Symbol.iterator]': (q) => [...q],
    } satisfies Calls<NumericQueue>,
    quiet: [],
  },
  { name: 'NumericStack', make: (arena) => new NumericStack({ arena }), fill: (s: NumericStack) => void s.pushMany([1, 2, 3]), calls: stackCalls, quiet: [] },
  { name: 'NumericStack', make: (arena) => new NumericStack({ arena, limit: 8 }), fill: (s: NumericStack) => void s.pushMany([1, 2, 3]), calls: stackCalls, quiet: [] },
];

const memberName = (key: string | symbol) => (typeof key === 'symbol' ? `[${key.toString().replace(/^Symbol\((Symbol\.\w+)\)$/, '$1')}]` : key);
const escape = (text: string) => text.replace(/[.[\]()]/g, '\\$&');
/** How a message names the call: `Class.method`, or `Class[Symbol.iterator]`. */
const callName = (name: string, member: string) => escape(member.startsWith('[') ? `${name}${member}` : `${name}.${member}`);

describe.each(cases)('$name refuses every call by name once closed', ({ name, make, fill, calls, quiet }) => {
  it('the tables list every public member', () => {
    const members = Reflect.ownKeys(make(new Arena({ maxMemory: 4 << 20 })).constructor.prototype).map(memberName);
    expect(members.filter((member) => !QUIET.includes(member) && !quiet.includes(member)).sort()).toEqual(Object.keys(calls).sort());
  });

  it('disposed: StateError named for the call; size and bytes answer 0', () => {
    const structure = make(new Arena({ maxMemory: 4 << 20 }));
    const handle = fill(structure) as Handle;
    structure.dispose();
    for (const [member, call] of Object.entries(calls)) {
      if (member === 'size' || member === 'bytes') {
        expect(call(structure, handle), member).toBe(0);
        continue;
      }
      expect(() => call(structure, handle), member).toThrow(StateError);
      expect(() => call(structure, handle), member).toThrow(new RegExp(`^${callName(name, member)}: this structure was disposed$`));
    }
    expect(JSON.parse(JSON.stringify(structure))).toEqual(name.endsWith('PriorityQueue') ? { size: 0, max: false, entries: [] } : []);
  });

  it('poisoned: PoisonedArenaError named for the call, with the first fault; logging still answers', () => {
    const { arena, core } = debugArena({ maxMemory: 4 << 20 });
    const structure = make(arena);
    const handle = fill(structure) as Handle;
    expect(() => core.debug_trap()).toThrow(PoisonedArenaError);
    for (const [member, call] of Object.entries(calls)) {
      expect(() => call(structure, handle), member).toThrow(PoisonedArenaError);
      expect(() => call(structure, handle), member).toThrow(new RegExp(`^${callName(name, member)}: this arena is poisoned \\(its core trapped earlier: unreachable\\)`));
    }
    expect(() => JSON.stringify(structure)).not.toThrow();
    structure.dispose();
  });
});
