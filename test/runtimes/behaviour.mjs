// A representative behavioural suite, run unchanged against the built library in every runtime:
// Chromium (test/browser), Deno, Bun, workerd and Node's ESM and CJS entries (test/runtimes).
// Plain JavaScript with its own tiny assertions, so no runtime needs a transpiler or a test
// library to run it. Each check receives the library's namespace (`import * as lib`).
//
// `classes` names the exported classes a check exercises; the last check fails when the library
// exports a class that no check exercises, so a new public class cannot ship untested here.

export class CheckFailure extends Error {}

function fail(message) {
  throw new CheckFailure(message);
}

function show(value) {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function same(actual, expected) {
  if (Object.is(actual, expected)) return true;
  if (typeof actual !== 'object' || typeof expected !== 'object' || actual === null || expected === null) return false;
  if (Array.isArray(actual) !== Array.isArray(expected) && !ArrayBuffer.isView(actual)) return false;
  const a = ArrayBuffer.isView(actual) ? Array.from(actual) : actual;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(expected).length) return false;
  return keys.every((key) => same(a[key], expected[key]));
}

function equal(actual, expected, what) {
  if (!same(actual, expected)) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

function ok(condition, what) {
  if (!condition) fail(what);
}

/** Runs `fn`, which must throw an instance of `type` whose message starts with `prefix`. */
function throws(fn, type, prefix, what) {
  let thrown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) fail(`${what}: expected ${type.name}, nothing was thrown`);
  if (!(thrown instanceof type)) fail(`${what}: expected ${type.name}, got ${show(thrown)}`);
  if (prefix !== undefined && !String(thrown.message).startsWith(prefix)) {
    fail(`${what}: expected a message starting with ${show(prefix)}, got ${show(thrown.message)}`);
  }
  return thrown;
}

const ERROR_CLASSES = [
  'FlatschedError',
  'CapacityError',
  'InvalidArgumentError',
  'InvalidPriorityError',
  'StaleHandleError',
  'NotFoundError',
  'StateError',
  'SnapshotError',
  'PoisonedArenaError',
];

export const checks = [
  {
    name: 'PriorityQueue: lowest priority first, FIFO among equal priorities, payloads of any type',
    classes: ['PriorityQueue'],
    run({ PriorityQueue }) {
      const pq = new PriorityQueue();
      const job = { name: 'deploy' };
      pq.push('b1', 2);
      pq.push(job, 1);
      pq.push('b2', 2);
      pq.push(undefined, 3);
      pq.push('first', -0.5);
      equal(pq.size, 5, 'size');
      equal(pq.peek(), 'first', 'peek');
      equal(pq.peekPriority(), -0.5, 'peekPriority');
      equal([...pq], ['first', job, 'b1', 'b2', undefined], 'iteration order');
      equal(pq.size, 5, 'size after iterating (iteration must not consume)');
      ok(pq.pop() === 'first' && pq.pop() === job, 'pop returns the same payload objects');
      equal(pq.drain(), ['b1', 'b2', undefined], 'drain');
      equal(pq.pop(), undefined, 'pop on empty');
      equal(pq.peekPriority(), undefined, 'peekPriority on empty');
      pq.dispose();
    },
  },
  {
    name: 'PriorityQueue: handles update and remove; a stale handle is detected',
    classes: ['PriorityQueue'],
    run({ PriorityQueue, StaleHandleError, InvalidArgumentError }) {
      const pq = new PriorityQueue();
      const a = pq.push('a', 5);
      const b = pq.push('b', 6);
      pq.push('c', 7);
      pq.update(b, 1);
      equal(pq.peek(), 'b', 'peek after update');
      equal(pq.priorityOf(b), 1, 'priorityOf');
      equal(pq.remove(a), true, 'remove of a queued item');
      equal(pq.remove(a), false, 'remove of an item that left');
      equal(pq.has(a), false, 'has after remove');
      throws(() => pq.update(a, 0), StaleHandleError, 'PriorityQueue.update', 'update of a stale handle');
      const other = new PriorityQueue();
      const foreign = other.push('x', 1);
      throws(() => pq.update(foreign, 0), InvalidArgumentError, 'PriorityQueue.update', "update with another queue's handle");
      equal([...pq], ['b', 'c'], 'contents after the failed calls');
      pq.dispose();
      other.dispose();
    },
  },
  {
    name: 'PriorityQueue: { max: true } serves the highest first and reports priorities as given',
    classes: ['PriorityQueue'],
    run({ PriorityQueue }) {
      const pq = new PriorityQueue({ max: true });
      const handles = pq.pushMany(['low', 'high', 'mid'], [1, 10, 5]);
      equal(handles.length, 3, 'pushMany returns a handle per item');
      equal(pq.peekPriority(), 10, 'peekPriority');
      equal(pq.popMany(2), ['high', 'mid'], 'popMany');
      pq.dispose();
    },
  },
  {
    name: 'PriorityQueue: a NaN or non-number priority is a typed error and changes nothing',
    classes: ['PriorityQueue'],
    run({ PriorityQueue, InvalidPriorityError, InvalidArgumentError, FlatschedError }) {
      const pq = new PriorityQueue();
      pq.push('kept', 1);
      const error = throws(() => pq.push('bad', NaN), InvalidPriorityError, 'PriorityQueue.push', 'push with NaN');
      ok(error instanceof InvalidArgumentError && error instanceof FlatschedError && error instanceof Error, 'the error class hierarchy');
      equal(error.name, 'InvalidPriorityError', 'error.name');
      throws(() => pq.push('bad', '3'), InvalidPriorityError, 'PriorityQueue.push', 'push with a string priority');
      throws(() => pq.pushMany(['x', 'y'], [1, Infinity]), InvalidPriorityError, 'PriorityQueue.pushMany', 'pushMany with Infinity');
      equal(pq.size, 1, 'size after the rejected pushes');
      equal([...pq], ['kept'], 'contents after the rejected pushes');
      pq.dispose();
    },
  },
  {
    name: 'PriorityQueue: grows past several pages of memory and drains in order',
    classes: ['PriorityQueue'],
    run({ PriorityQueue, Arena }) {
      const arena = new Arena({ maxMemory: 64 << 20 });
      const before = arena.memoryBytes;
      const pq = new PriorityQueue({ arena });
      const n = 50_000;
      for (let i = 0; i < n; i++) pq.push(i, (i * 7919) % 1000);
      ok(arena.memoryBytes >= before + 4 * 65536, `memory grew by several pages (from ${before} to ${arena.memoryBytes} bytes)`);
      let last = -Infinity;
      let count = 0;
      while (pq.size > 0) {
        const priority = pq.peekPriority();
        const item = pq.pop();
        if (priority < last || (item * 7919) % 1000 !== priority) fail(`pop ${count}: item ${item} with priority ${priority} after ${last}`);
        last = priority;
        count++;
      }
      equal(count, n, 'items drained');
      pq.dispose();
    },
  },
  {
    name: 'Queue: FIFO and deque operations, bounded with reject and drop-oldest',
    classes: ['Queue'],
    run({ Queue, CapacityError }) {
      const q = new Queue();
      for (let i = 0; i < 100; i++) q.push(i);
      q.unshift(-1);
      equal(q.shift(), -1, 'shift after unshift');
      equal(q.pop(), 99, 'pop takes the back');
      equal(q.peek(), 0, 'peek');
      equal(q.at(10), 10, 'at');
      equal(q.size, 99, 'size');
      equal([...q].slice(0, 3), [0, 1, 2], 'iteration');
      const bounded = new Queue({ capacity: 2 });
      bounded.push('a');
      bounded.push('b');
      throws(() => bounded.push('c'), CapacityError, 'Queue.push', 'push onto a full queue');
      equal(bounded.toArray(), ['a', 'b'], 'a full queue after a rejected push');
      const window = new Queue({ capacity: 2, overflow: 'drop-oldest' });
      for (const x of ['a', 'b', 'c']) window.push(x);
      equal(window.toArray(), ['b', 'c'], 'drop-oldest keeps the newest');
    },
  },
  {
    name: 'Stack: LIFO; a bounded stack drops its oldest item',
    classes: ['Stack'],
    run({ Stack, InvalidArgumentError }) {
      const st = new Stack();
      st.push('v1');
      st.push('v2');
      equal(st.peek(), 'v2', 'peek');
      equal(st.pop(), 'v2', 'pop');
      equal(st.size, 1, 'size');
      const history = new Stack({ limit: 3 });
      for (let i = 1; i <= 5; i++) history.push(i);
      equal(history.toArray(), [5, 4, 3], 'bounded stack contents, top first');
      equal(history.at(0), 3, 'at(0) is the oldest kept item');
      equal(history.pop(), 5, 'pop of a bounded stack');
      throws(() => new Stack({ limit: 0 }), InvalidArgumentError, 'Stack', 'limit 0');
    },
  },
  {
    name: 'NumericPriorityQueue: ids by priority through typed arrays',
    classes: ['NumericPriorityQueue'],
    run({ NumericPriorityQueue, InvalidArgumentError }) {
      const pq = new NumericPriorityQueue();
      pq.push(7, 3);
      pq.pushMany(new Uint32Array([1, 2, 3]), new Float64Array([2, 1, 2]));
      equal(pq.size, 4, 'size');
      equal(pq.peek(), 2, 'peek');
      const ids = new Uint32Array(8);
      const priorities = new Float64Array(8);
      equal(pq.popMany(ids, priorities), 4, 'popMany count');
      equal(Array.from(ids.subarray(0, 4)), [2, 1, 3, 7], 'ids in order, FIFO among equals');
      equal(Array.from(priorities.subarray(0, 4)), [1, 2, 2, 3], 'priorities in order');
      throws(() => pq.push(-1, 0), InvalidArgumentError, 'NumericPriorityQueue.push', 'a negative id');
      pq.dispose();
    },
  },
  {
    name: 'NumericQueue: order kept through growth past several pages',
    classes: ['NumericQueue'],
    run({ NumericQueue }) {
      const q = new NumericQueue();
      const n = 300_000;
      const ids = new Uint32Array(n);
      for (let i = 0; i < n; i++) ids[i] = i * 3;
      q.pushMany(ids);
      q.push(4_294_967_295);
      q.unshift(42);
      equal(q.size, n + 2, 'size');
      ok(q.bytes >= n * 4, `bytes (${q.bytes}) hold the ids`);
      equal(q.shift(), 42, 'shift after unshift');
      equal(q.pop(), 4_294_967_295, 'pop of the largest id');
      const out = new Uint32Array(n);
      equal(q.shiftMany(out), n, 'shiftMany count');
      for (let i = 0; i < n; i++) if (out[i] !== i * 3) fail(`id ${i}: expected ${i * 3}, got ${out[i]}`);
      equal(q.shift(), undefined, 'shift on empty');
      q.dispose();
    },
  },
  {
    name: 'NumericStack: LIFO of ids with batch pop',
    classes: ['NumericStack'],
    run({ NumericStack, StateError }) {
      const st = NumericStack.from([1, 2, 3, 4]);
      equal(st.peek(), 4, 'peek');
      equal(st.at(0), 1, 'at(0) is the bottom');
      const out = new Uint32Array(3);
      equal(st.popMany(out), 3, 'popMany count');
      equal(Array.from(out), [4, 3, 2], 'popMany order');
      equal(st.pop(), 1, 'pop');
      equal(st.pop(), undefined, 'pop on empty');
      st.dispose();
      throws(() => st.push(1), StateError, 'NumericStack', 'push after dispose');
    },
  },
  {
    name: 'Arena: a memory limit becomes a CapacityError with nothing changed; other arenas go on',
    classes: ['Arena'],
    run({ Arena, NumericQueue, PriorityQueue, CapacityError }) {
      const small = new Arena({ maxMemory: 2 * 1024 * 1024 });
      const q = new NumericQueue({ arena: small });
      let pushed = 0;
      let error;
      const chunk = new Uint32Array(65_536);
      try {
        for (; pushed < 4_000_000; pushed += chunk.length) q.pushMany(chunk);
      } catch (caught) {
        error = caught;
      }
      ok(error instanceof CapacityError, `pushing 16 MB of ids into a 2 MB arena throws CapacityError, got ${show(error)}`);
      equal(q.size, pushed, 'size after the rejected batch');
      ok(small.memoryBytes <= 2 * 1024 * 1024, `memory (${small.memoryBytes}) stays within maxMemory`);
      const elsewhere = new PriorityQueue({ arena: new Arena() });
      elsewhere.push('still works', 1);
      equal(elsewhere.pop(), 'still works', 'a structure in another arena');
      equal(q.shift(), 0, 'the full queue still serves');
      q.dispose();
      elsewhere.dispose();
    },
  },
  {
    name: 'Arena: thousands of structures share one instance and free their memory on dispose',
    classes: ['Arena'],
    run({ Arena, NumericQueue, NumericStack, NumericPriorityQueue }) {
      const arena = new Arena();
      const idle = arena.bytesInUse;
      const structures = [];
      for (let i = 0; i < 3_000; i++) {
        const Kind = [NumericQueue, NumericStack, NumericPriorityQueue][i % 3];
        const s = new Kind({ arena });
        if (s instanceof NumericPriorityQueue) s.push(i, i);
        else s.push(i);
        structures.push(s);
      }
      ok(arena.bytesInUse > idle, 'live structures hold memory');
      for (const s of structures) s.dispose();
      equal(arena.bytesInUse, idle, 'bytes in use after disposing every structure');
    },
  },
  {
    name: 'Scheduler: priority then FIFO, delays, retries with backoff, dead letters and requeue',
    classes: ['Scheduler'],
    run({ Scheduler, InvalidArgumentError }) {
      let now = 0;
      const s = new Scheduler({ clock: () => now, backoff: { type: 'fixed', base: 100 } });
      s.submit('build', { priority: 2 });
      s.submit('hotfix', { priority: 0 });
      s.submit('test', { priority: 2 });
      s.submit('later', { priority: -1, delay: 50 });
      const order = [];
      for (let job = s.take(); job; job = s.take()) {
        order.push(job.payload);
        s.ack(job.id);
      }
      equal(order, ['hotfix', 'build', 'test'], 'due jobs by priority, FIFO among equals');
      now = 50;
      equal(s.take()?.payload, 'later', 'a delayed job once due');
      const flaky = s.submit('flaky', { attempts: 2 });
      const first = s.take();
      equal([first.id, first.attempt], [flaky, 1], 'first attempt');
      equal(s.fail(flaky, new Error('boom')), 'delayed', 'a failed attempt waits out its backoff');
      equal(s.take(), undefined, 'nothing due during the backoff');
      now += 100;
      equal(s.take()?.attempt, 2, 'the retry after the backoff');
      equal(s.fail(flaky), 'dead', 'the last attempt failing dead-letters the job');
      equal(s.deadLetters().map((job) => job.payload), ['flaky'], 'dead letters');
      s.requeue(flaky);
      equal(s.take()?.attempt, 1, 'a requeued job starts a fresh set of attempts');
      throws(() => s.submit('bad', { attempts: 0 }), InvalidArgumentError, 'Scheduler.submit', 'attempts 0');
      s.dispose();
    },
  },
  {
    name: 'Scheduler: run() with bounded concurrency completes every job',
    classes: ['Scheduler'],
    async run({ Scheduler }) {
      const s = new Scheduler();
      let running = 0;
      let most = 0;
      const done = [];
      for (let i = 0; i < 20; i++) s.submit(i, { priority: i % 3 });
      const pool = s.run(
        async (payload) => {
          running++;
          most = Math.max(most, running);
          await Promise.resolve();
          await new Promise((resolve) => setTimeout(resolve, 1));
          running--;
          done.push(payload);
        },
        { concurrency: 4 },
      );
      await s.onIdle();
      await s.stop();
      await pool;
      equal(done.length, 20, 'jobs completed');
      ok(most <= 4, `at most 4 handlers ran at once, saw ${most}`);
      s.dispose();
    },
  },
  {
    name: 'Balancer: least-loaded leases, equal workers in turn, capacity, drain and double release',
    classes: ['Balancer'],
    requires: 'Balancer',
    run({ Balancer, StateError }) {
      const b = new Balancer({ strategy: 'least-loaded' });
      for (const name of ['p', 'q', 'r']) b.add(name, { capacity: 2 });
      const turns = [];
      for (let i = 0; i < 6; i++) {
        const lease = b.acquire();
        turns.push(lease.worker);
        b.release(lease);
      }
      equal(turns, ['p', 'q', 'r', 'p', 'q', 'r'], 'idle workers of equal weight take turns');
      const held = [b.acquire(), b.acquire(), b.acquire()];
      equal(held.map((lease) => lease.worker).sort(), ['p', 'q', 'r'], 'each lease goes to the least-loaded worker');
      b.drain('p');
      const next = [b.acquire(), b.acquire()];
      equal(next.map((lease) => lease.worker).sort(), ['q', 'r'], 'a draining worker gets no new lease');
      equal(b.acquire(), undefined, 'no lease when every worker is at capacity or draining');
      b.release(held[0]);
      throws(() => b.release(held[0]), StateError, 'Balancer.release', 'a second release of a lease');
      b.dispose();
    },
  },
  {
    name: 'History: push, rollback, undo and redo of deployments, bounded by limit',
    classes: ['History'],
    requires: 'History',
    run({ History, StateError }) {
      const h = new History({ limit: 3 });
      for (const tag of ['1.0', '1.1', '1.2', '1.3']) h.push({ tag });
      equal(h.list().map((record) => record.entry.tag), ['1.3', '1.2', '1.1'], 'list keeps the newest `limit` revisions, newest first');
      equal(h.current.tag, '1.3', 'current');
      equal(h.rollback().tag, '1.2', 'rollback returns the entry now current');
      equal(h.list().map((record) => record.entry.tag), ['1.2', '1.1'], 'a rollback discards the newer revision');
      h.push({ tag: '1.4' });
      equal(h.undo().tag, '1.2', 'undo');
      equal(h.redo().tag, '1.4', 'redo');
      throws(() => h.redo(), StateError, 'History.redo', 'redo with nothing to redo');
      equal(h.rollbackTo((entry) => entry.tag === '1.1').tag, '1.1', 'rollbackTo with a predicate');
    },
  },
  {
    name: 'Errors: every error class is exported, derives from FlatschedError and names itself',
    classes: ERROR_CLASSES,
    run(lib) {
      for (const name of ERROR_CLASSES) {
        const ErrorClass = lib[name];
        ok(typeof ErrorClass === 'function', `${name} is exported`);
        const error = new ErrorClass('x');
        ok(error instanceof lib.FlatschedError && error instanceof Error, `${name} derives from FlatschedError`);
        equal(error.name, name, `${name}.name`);
      }
      ok(new lib.InvalidPriorityError('x') instanceof lib.InvalidArgumentError, 'InvalidPriorityError derives from InvalidArgumentError');
    },
  },
];

/** Why `check` cannot run against `lib`, or undefined when it can. */
export function unavailable(check, lib) {
  if (check.requires && typeof lib[check.requires] !== 'function') return `${check.requires} is not exported by this build`;
  return undefined;
}

/** Exported classes: functions whose name starts with a capital letter. */
function publicClasses(lib) {
  return Object.keys(lib).filter((name) => typeof lib[name] === 'function' && /^[A-Z]/.test(name));
}

checks.push({
  name: 'every public class is named as exported (stack traces and consoles show the name users know)',
  classes: [],
  run(lib) {
    const renamed = publicClasses(lib).filter((name) => lib[name].name !== name);
    if (renamed.length > 0) fail(`classes named otherwise than exported: ${renamed.map((name) => `${name} as ${lib[name].name}`).join(', ')}`);
    const thrown = throws(() => new lib.PriorityQueue().update(5, 1), lib.InvalidArgumentError, 'PriorityQueue.update', 'a bad handle');
    // Where the engine names the method's class in a stack trace, it is the exported name.
    ok(!/_PriorityQueue/.test(String(thrown.stack)), `the stack names the class as exported: ${String(thrown.stack).split('\n').slice(0, 3).join(' | ')}`);
  },
});

checks.push({
  name: 'every public class is exercised by a check in this suite',
  classes: [],
  run(lib) {
    const covered = new Set(checks.flatMap((check) => check.classes));
    const missing = publicClasses(lib).filter((name) => !covered.has(name));
    if (missing.length > 0) fail(`no check in test/runtimes/behaviour.mjs exercises ${missing.join(', ')}`);
  },
});

/**
 * Runs every check and returns `{ name, ok, skipped?, message? }` per check; never throws. A check
 * that `requires` a class the library does not export (yet) is reported as skipped.
 */
export async function runChecks(lib) {
  const results = [];
  for (const check of checks) {
    const missing = unavailable(check, lib);
    if (missing) {
      results.push({ name: check.name, ok: true, skipped: missing });
      continue;
    }
    try {
      await check.run(lib);
      results.push({ name: check.name, ok: true });
    } catch (error) {
      results.push({ name: check.name, ok: false, message: error instanceof CheckFailure ? error.message : `${show(error)}\n${error?.stack ?? ''}` });
    }
  }
  return results;
}
