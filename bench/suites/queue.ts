/**
 * Queue (object payloads) against denque, mnemonist's Queue and FixedDeque and a plain Array; and
 * NumericQueue (ids, single and batch over typed arrays) against denque holding the same numbers.
 *
 * Workloads:
 * - bursts: `BURSTS` times, push 100 then shift 100, on top of a backlog of N items queued before
 *   the timing starts (N = 0 is the common case of a queue that keeps up);
 * - fill-then-drain: push N, then shift N.
 */
import Denque from 'denque';
import { FixedDeque, Queue as MnemonistQueue } from 'mnemonist';
import { NumericQueue, Queue } from '../../src/index.js';
import type { Config } from '../config.js';
import { mix, type Case, type Contender } from '../harness.js';
import type { Suite } from '../suite.js';

interface Item {
  readonly id: number;
}

const SUITE = 'Queue';
const OURS = 'flatsched';
const BURST = 100;
const BURSTS = 10;

function makeItems(count: number): Item[] {
  const items: Item[] = new Array(count);
  for (let i = 0; i < count; i++) items[i] = { id: i };
  return items;
}

function identities(count: number): Uint32Array {
  const ids = new Uint32Array(count);
  for (let i = 0; i < count; i++) ids[i] = i;
  return ids;
}

/**
 * Bursts on top of a backlog. Every contender pushes item `k` of the burst and shifts whatever
 * reaches the front, so the checksum (of the shifted ids) is the same for all.
 */
function bursts(backlog: number): Case {
  const items = makeItems(Math.max(backlog, BURST));
  const burstIds = identities(BURST);
  const contenders: Contender[] = [
    {
      name: 'Queue', library: OURS, ours: true, group: 'payloads',
      prepare() {
        const queue = new Queue<Item>();
        for (let i = 0; i < backlog; i++) queue.push(items[i]!);
        return {
          run() {
            let check = 0;
            for (let b = 0; b < BURSTS; b++) {
              for (let k = 0; k < BURST; k++) queue.push(items[k]!);
              for (let k = 0; k < BURST; k++) check = mix(check, queue.shift()!.id);
            }
            return check;
          },
        };
      },
    },
    {
      name: 'NumericQueue', library: OURS, ours: true, group: 'ids',
      prepare() {
        const queue = new NumericQueue();
        for (let i = 0; i < backlog; i++) queue.push(i);
        return {
          run() {
            let check = 0;
            for (let b = 0; b < BURSTS; b++) {
              for (let k = 0; k < BURST; k++) queue.push(k);
              for (let k = 0; k < BURST; k++) check = mix(check, queue.shift()!);
            }
            return check;
          },
          dispose: () => queue.dispose(),
        };
      },
    },
    {
      name: 'NumericQueue pushMany/shiftMany', library: OURS, ours: true, group: 'ids',
      prepare() {
        const queue = new NumericQueue();
        for (let i = 0; i < backlog; i++) queue.push(i);
        const out = new Uint32Array(BURST);
        return {
          run() {
            let check = 0;
            for (let b = 0; b < BURSTS; b++) {
              queue.pushMany(burstIds);
              queue.shiftMany(out);
              for (let k = 0; k < BURST; k++) check = mix(check, out[k]!);
            }
            return check;
          },
          dispose: () => queue.dispose(),
        };
      },
    },
    {
      name: 'denque', library: 'denque', ours: false, group: 'payloads',
      prepare() {
        const queue = new Denque<Item>();
        for (let i = 0; i < backlog; i++) queue.push(items[i]!);
        return {
          run() {
            let check = 0;
            for (let b = 0; b < BURSTS; b++) {
              for (let k = 0; k < BURST; k++) queue.push(items[k]!);
              for (let k = 0; k < BURST; k++) check = mix(check, queue.shift()!.id);
            }
            return check;
          },
        };
      },
    },
    {
      name: 'denque (ids)', library: 'denque', ours: false, group: 'ids',
      prepare() {
        const queue = new Denque<number>();
        for (let i = 0; i < backlog; i++) queue.push(i);
        return {
          run() {
            let check = 0;
            for (let b = 0; b < BURSTS; b++) {
              for (let k = 0; k < BURST; k++) queue.push(k);
              for (let k = 0; k < BURST; k++) check = mix(check, queue.shift()!);
            }
            return check;
          },
        };
      },
    },
    {
      name: 'mnemonist Queue', library: 'mnemonist', ours: false, group: 'payloads',
      prepare() {
        const queue = new MnemonistQueue<Item>();
        for (let i = 0; i < backlog; i++) queue.enqueue(items[i]!);
        return {
          run() {
            let check = 0;
            for (let b = 0; b < BURSTS; b++) {
              for (let k = 0; k < BURST; k++) queue.enqueue(items[k]!);
              for (let k = 0; k < BURST; k++) check = mix(check, queue.dequeue()!.id);
            }
            return check;
          },
        };
      },
    },
    {
      name: 'mnemonist FixedDeque', library: 'mnemonist', ours: false, group: 'payloads',
      prepare() {
        // Fixed capacity, sized for the backlog plus one burst: the best case a user can configure.
        const queue = new FixedDeque<Item>(Array, backlog + BURST);
        for (let i = 0; i < backlog; i++) queue.push(items[i]!);
        return {
          run() {
            let check = 0;
            for (let b = 0; b < BURSTS; b++) {
              for (let k = 0; k < BURST; k++) queue.push(items[k]!);
              for (let k = 0; k < BURST; k++) check = mix(check, queue.shift()!.id);
            }
            return check;
          },
        };
      },
    },
    {
      name: 'Array', library: 'built-in', ours: false, group: 'payloads',
      prepare() {
        const queue: Item[] = [];
        for (let i = 0; i < backlog; i++) queue.push(items[i]!);
        return {
          run() {
            let check = 0;
            for (let b = 0; b < BURSTS; b++) {
              for (let k = 0; k < BURST; k++) queue.push(items[k]!);
              for (let k = 0; k < BURST; k++) check = mix(check, queue.shift()!.id);
            }
            return check;
          },
        };
      },
    },
  ];
  return { suite: SUITE, workload: `bursts of ${BURST} (backlog N)`, size: backlog, operations: 2 * BURST * BURSTS, operation: 'push or shift', contenders, settle: true };
}

/**
 * Array#shift is O(n) once V8 cannot trim the array's start in place (large arrays): 2.5 µs per
 * shift at 100,000 items, so one fill-then-drain of a million would take most of a minute. Past
 * this size the Array is left out of fill-then-drain (the bursts still show it, on a backlog).
 */
const ARRAY_FILL_LIMIT = 100_000;

function fillThenDrain(size: number): Case {
  const items = makeItems(size);
  const ids = identities(size);
  const n = size;
  const contenders: Contender[] = [
    {
      name: 'Queue', library: OURS, ours: true, group: 'payloads',
      prepare() {
        const queue = new Queue<Item>();
        return {
          run() {
            for (let i = 0; i < n; i++) queue.push(items[i]!);
            let check = 0;
            for (let i = 0; i < n; i++) check = mix(check, queue.shift()!.id);
            return check;
          },
        };
      },
    },
    {
      name: 'NumericQueue', library: OURS, ours: true, group: 'ids',
      prepare() {
        const queue = new NumericQueue();
        return {
          run() {
            for (let i = 0; i < n; i++) queue.push(i);
            let check = 0;
            for (let i = 0; i < n; i++) check = mix(check, queue.shift()!);
            return check;
          },
          dispose: () => queue.dispose(),
        };
      },
    },
    {
      name: 'NumericQueue pushMany/shiftMany', library: OURS, ours: true, group: 'ids',
      prepare() {
        const queue = new NumericQueue();
        const out = new Uint32Array(n);
        return {
          run() {
            queue.pushMany(ids);
            const count = queue.shiftMany(out);
            let check = 0;
            for (let i = 0; i < count; i++) check = mix(check, out[i]!);
            return check;
          },
          dispose: () => queue.dispose(),
        };
      },
    },
    {
      name: 'denque', library: 'denque', ours: false, group: 'payloads',
      prepare() {
        const queue = new Denque<Item>();
        return {
          run() {
            for (let i = 0; i < n; i++) queue.push(items[i]!);
            let check = 0;
            for (let i = 0; i < n; i++) check = mix(check, queue.shift()!.id);
            return check;
          },
        };
      },
    },
    {
      name: 'denque (ids)', library: 'denque', ours: false, group: 'ids',
      prepare() {
        const queue = new Denque<number>();
        return {
          run() {
            for (let i = 0; i < n; i++) queue.push(i);
            let check = 0;
            for (let i = 0; i < n; i++) check = mix(check, queue.shift()!);
            return check;
          },
        };
      },
    },
    {
      name: 'mnemonist Queue', library: 'mnemonist', ours: false, group: 'payloads',
      prepare() {
        const queue = new MnemonistQueue<Item>();
        return {
          run() {
            for (let i = 0; i < n; i++) queue.enqueue(items[i]!);
            let check = 0;
            for (let i = 0; i < n; i++) check = mix(check, queue.dequeue()!.id);
            return check;
          },
        };
      },
    },
    {
      name: 'mnemonist FixedDeque', library: 'mnemonist', ours: false, group: 'payloads',
      prepare() {
        const queue = new FixedDeque<Item>(Array, n);
        return {
          run() {
            for (let i = 0; i < n; i++) queue.push(items[i]!);
            let check = 0;
            for (let i = 0; i < n; i++) check = mix(check, queue.shift()!.id);
            return check;
          },
        };
      },
    },
    {
      name: 'Array', library: 'built-in', ours: false, group: 'payloads',
      prepare() {
        const queue: Item[] = [];
        return {
          run() {
            for (let i = 0; i < n; i++) queue.push(items[i]!);
            let check = 0;
            for (let i = 0; i < n; i++) check = mix(check, queue.shift()!.id);
            return check;
          },
        };
      },
    },
  ];
  return {
    suite: SUITE, workload: 'fill-then-drain', size, operations: 2 * size, operation: 'push or shift',
    contenders: size > ARRAY_FILL_LIMIT ? contenders.filter((c) => c.name !== 'Array') : contenders,
    settle: true,
  };
}

function queueCases(config: Config): (() => Case)[] {
  return [
    ...[0, ...config.sizes].map((backlog) => () => bursts(backlog)),
    ...config.sizes.map((size) => () => fillThenDrain(size)),
  ];
}

export const queueSuite: Suite = { name: SUITE, cases: queueCases };
