/**
 * History (limit 50) push + rollback against a bounded plain array (bench/baselines/array-history.ts).
 * Each cycle pushes 10 entries and rolls 9 back, so the history fills up and then keeps dropping
 * its oldest entry, as a deployment log does.
 */
import { ArrayHistory } from '../baselines/array-history.js';
import type { Config } from '../config.js';
import { mix, type Case, type Contender } from '../harness.js';
import { exported, notExported, type Suite } from '../suite.js';

interface Release {
  readonly id: number;
}

/** The part of the History's API the suite uses (typed here so the suite compiles before it lands). */
interface HistoryLike<T> {
  push(entry: T): unknown;
  rollback(): T | undefined;
}
type HistoryClass = new <T>(options: { limit: number }) => HistoryLike<T>;

const SUITE = 'History';
const OURS = 'flatsched';
const LIMIT = 50;
const CYCLES = 100;
const PUSHES = 10;
const ROLLBACKS = 9;

function pushRollback(History: HistoryClass): Case {
  const releases: Release[] = Array.from({ length: PUSHES }, (_, id) => ({ id }));
  const contenders: Contender[] = [
    {
      name: 'History', library: OURS, ours: true, group: 'history',
      prepare() {
        const history = new History<Release>({ limit: LIMIT });
        return {
          run() {
            let check = 0;
            for (let c = 0; c < CYCLES; c++) {
              for (let k = 0; k < PUSHES; k++) history.push(releases[k]!);
              for (let k = 0; k < ROLLBACKS; k++) check = mix(check, history.rollback()!.id);
            }
            return check;
          },
        };
      },
    },
    {
      name: 'Array (bench/baselines)', library: 'built-in', ours: false, group: 'history',
      prepare() {
        const history = new ArrayHistory<Release>(LIMIT);
        return {
          run() {
            let check = 0;
            for (let c = 0; c < CYCLES; c++) {
              for (let k = 0; k < PUSHES; k++) history.push(releases[k]!);
              for (let k = 0; k < ROLLBACKS; k++) check = mix(check, history.rollback().id);
            }
            return check;
          },
        };
      },
    },
  ];
  return { suite: SUITE, workload: `push ${PUSHES} + rollback ${ROLLBACKS} (limit ${LIMIT})`, size: LIMIT, operations: CYCLES * (PUSHES + ROLLBACKS), operation: 'push or rollback', contenders };
}

export const historySuite: Suite = {
  name: SUITE,
  unavailable: () => notExported('History'),
  cases(_config: Config) {
    const History = exported<HistoryClass>('History')!;
    return [() => pushRollback(History)];
  },
};
