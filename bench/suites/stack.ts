/**
 * Stack (object payloads) against a plain Array, and NumericStack (ids, single and batch) against
 * an Array of the same numbers.
 *
 * Workloads: bursts (`BURSTS` times push 100 then pop 100, on top of N items) and fill-then-drain.
 */
import { NumericStack, Stack } from '../../src/index.js';
import type { Config } from '../config.js';
import { mix, type Case, type Contender } from '../harness.js';
import type { Suite } from '../suite.js';

interface Item {
  readonly id: number;
}

const SUITE = 'Stack';
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

function bursts(backlog: number): Case {
  const items = makeItems(Math.max(backlog, BURST));
  const burstIds = identities(BURST);
  const contenders: Contender[] = [
    {
      name: 'Stack', library: OURS, ours: true, group: 'payloads',
      prepare() {
        const stack = new Stack<Item>();
        for (let i = 0; i < backlog; i++) stack.push(items[i]!);
        return {
          run() {
            let check = 0;
            for (let b = 0; b < BURSTS; b++) {
              for (let k = 0; k < BURST; k++) stack.push(items[k]!);
              for (let k = 0; k < BURST; k++) check = mix(check, stack.pop()!.id);
            }
            return check;
          },
        };
      },
    },
    {
      name: 'NumericStack', library: OURS, ours: true, group: 'ids',
      prepare() {
        const stack = new NumericStack();
        for (let i = 0; i < backlog; i++) stack.push(i);
        return {
          run() {
            let check = 0;
            for (let b = 0; b < BURSTS; b++) {
              for (let k = 0; k < BURST; k++) stack.push(k);
              for (let k = 0; k < BURST; k++) check = mix(check, stack.pop()!);
            }
            return check;
          },
          dispose: () => stack.dispose(),
        };
      },
    },
    {
      name: 'NumericStack pushMany/popMany', library: OURS, ours: true, group: 'ids',
      prepare() {
        const stack = new NumericStack();
        for (let i = 0; i < backlog; i++) stack.push(i);
        const out = new Uint32Array(BURST);
        return {
          run() {
            let check = 0;
            for (let b = 0; b < BURSTS; b++) {
              stack.pushMany(burstIds);
              const count = stack.popMany(out);
              for (let k = 0; k < count; k++) check = mix(check, out[k]!);
            }
            return check;
          },
          dispose: () => stack.dispose(),
        };
      },
    },
    {
      name: 'Array', library: 'built-in', ours: false, group: 'payloads',
      prepare() {
        const stack: Item[] = [];
        for (let i = 0; i < backlog; i++) stack.push(items[i]!);
        return {
          run() {
            let check = 0;
            for (let b = 0; b < BURSTS; b++) {
              for (let k = 0; k < BURST; k++) stack.push(items[k]!);
              for (let k = 0; k < BURST; k++) check = mix(check, stack.pop()!.id);
            }
            return check;
          },
        };
      },
    },
    {
      name: 'Array (ids)', library: 'built-in', ours: false, group: 'ids',
      prepare() {
        const stack: number[] = [];
        for (let i = 0; i < backlog; i++) stack.push(i);
        return {
          run() {
            let check = 0;
            for (let b = 0; b < BURSTS; b++) {
              for (let k = 0; k < BURST; k++) stack.push(k);
              for (let k = 0; k < BURST; k++) check = mix(check, stack.pop()!);
            }
            return check;
          },
        };
      },
    },
  ];
  return { suite: SUITE, workload: `bursts of ${BURST} (backlog N)`, size: backlog, operations: 2 * BURST * BURSTS, operation: 'push or pop', contenders, settle: true };
}

function fillThenDrain(size: number): Case {
  const items = makeItems(size);
  const ids = identities(size);
  const n = size;
  const contenders: Contender[] = [
    {
      name: 'Stack', library: OURS, ours: true, group: 'payloads',
      prepare() {
        const stack = new Stack<Item>();
        return {
          run() {
            for (let i = 0; i < n; i++) stack.push(items[i]!);
            let check = 0;
            for (let i = 0; i < n; i++) check = mix(check, stack.pop()!.id);
            return check;
          },
        };
      },
    },
    {
      name: 'NumericStack', library: OURS, ours: true, group: 'ids',
      prepare() {
        const stack = new NumericStack();
        return {
          run() {
            for (let i = 0; i < n; i++) stack.push(i);
            let check = 0;
            for (let i = 0; i < n; i++) check = mix(check, stack.pop()!);
            return check;
          },
          dispose: () => stack.dispose(),
        };
      },
    },
    {
      name: 'NumericStack pushMany/popMany', library: OURS, ours: true, group: 'ids',
      prepare() {
        const stack = new NumericStack();
        const out = new Uint32Array(n);
        return {
          run() {
            stack.pushMany(ids);
            const count = stack.popMany(out);
            let check = 0;
            for (let i = 0; i < count; i++) check = mix(check, out[i]!);
            return check;
          },
          dispose: () => stack.dispose(),
        };
      },
    },
    {
      name: 'Array', library: 'built-in', ours: false, group: 'payloads',
      prepare() {
        const stack: Item[] = [];
        return {
          run() {
            for (let i = 0; i < n; i++) stack.push(items[i]!);
            let check = 0;
            for (let i = 0; i < n; i++) check = mix(check, stack.pop()!.id);
            return check;
          },
        };
      },
    },
    {
      name: 'Array (ids)', library: 'built-in', ours: false, group: 'ids',
      prepare() {
        const stack: number[] = [];
        return {
          run() {
            for (let i = 0; i < n; i++) stack.push(i);
            let check = 0;
            for (let i = 0; i < n; i++) check = mix(check, stack.pop()!);
            return check;
          },
        };
      },
    },
  ];
  return { suite: SUITE, workload: 'fill-then-drain', size, operations: 2 * size, operation: 'push or pop', contenders, settle: true };
}

function stackCases(config: Config): (() => Case)[] {
  return [
    ...[0, ...config.sizes].map((backlog) => () => bursts(backlog)),
    ...config.sizes.map((size) => () => fillThenDrain(size)),
  ];
}

export const stackSuite: Suite = { name: SUITE, cases: stackCases };
