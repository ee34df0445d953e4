/**
 * What a structure costs to create (and, for ours, to dispose of: a block in the arena is freed
 * explicitly). A gateway with a queue per route, tenant or connection pays this per queue.
 *
 * Every structure created is stored in an array, so none can be optimised away as unused.
 */
import Denque from 'denque';
import FlatQueue from 'flatqueue';
import { NumericPriorityQueue, NumericQueue, PriorityQueue, Queue } from '../../src/index.js';
import type { Config } from '../config.js';
import type { Case, Contender } from '../harness.js';
import type { Suite } from '../suite.js';

const SUITE = 'Creation';
const OURS = 'flatsched';

function creation(count: number): Case {
  const contenders: Contender[] = [
    {
      name: 'new PriorityQueue() + dispose()', library: OURS, ours: true, group: 'heap',
      prepare() {
        const held: PriorityQueue<unknown>[] = new Array(count);
        return {
          run() {
            for (let i = 0; i < count; i++) held[i] = new PriorityQueue();
            for (let i = 0; i < count; i++) held[i]!.dispose();
          },
        };
      },
    },
    {
      name: 'new NumericPriorityQueue() + dispose()', library: OURS, ours: true, group: 'heap',
      prepare() {
        const held: NumericPriorityQueue[] = new Array(count);
        return {
          run() {
            for (let i = 0; i < count; i++) held[i] = new NumericPriorityQueue();
            for (let i = 0; i < count; i++) held[i]!.dispose();
          },
        };
      },
    },
    {
      name: 'new FlatQueue()', library: 'flatqueue', ours: false, group: 'heap',
      prepare() {
        const held: FlatQueue<number>[] = new Array(count);
        return {
          run() {
            for (let i = 0; i < count; i++) held[i] = new FlatQueue();
          },
        };
      },
    },
    {
      name: 'new NumericQueue() + dispose()', library: OURS, ours: true, group: 'queue',
      prepare() {
        const held: NumericQueue[] = new Array(count);
        return {
          run() {
            for (let i = 0; i < count; i++) held[i] = new NumericQueue();
            for (let i = 0; i < count; i++) held[i]!.dispose();
          },
        };
      },
    },
    {
      name: 'new Queue()', library: OURS, ours: true, group: 'queue',
      prepare() {
        const held: Queue<unknown>[] = new Array(count);
        return {
          run() {
            for (let i = 0; i < count; i++) held[i] = new Queue();
          },
        };
      },
    },
    {
      name: 'new Denque()', library: 'denque', ours: false, group: 'queue',
      prepare() {
        const held: Denque<unknown>[] = new Array(count);
        return {
          run() {
            for (let i = 0; i < count; i++) held[i] = new Denque();
          },
        };
      },
    },
  ];
  return { suite: SUITE, workload: 'create', size: count, operations: count, operation: 'structure', contenders };
}

function creationCases(config: Config): (() => Case)[] {
  return [() => creation(config.creations)];
}

export const creationSuite: Suite = { name: SUITE, cases: creationCases };
