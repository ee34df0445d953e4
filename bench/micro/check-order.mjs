// Quick randomized check of a heap build against a model (an array kept in stable-sorted order),
// through the raw exports, for heap variants before they are timed:
//
//   node bench/micro/check-order.mjs build/micro/<name>.wasm [more.wasm ...]
//
// Value heaps: push/pop/popMany/append+restore/copy; indexed heaps: push/pop/update (both ways)/
// remove/keyOf; keys drawn from a small set (many ties) or at random, -0 among them. The test
// suite's test/core/heap-order.test.ts runs the same kind of check on the real builds.
import { readFileSync } from 'node:fs';

const paths = process.argv.slice(2);
if (paths.length === 0) paths.push('build/release.wasm');

let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const pick = (n) => Math.floor(rand() * n);

/** Keys: `true` few distinct ones (ties, all of them packable), `false` random, 'mixed' mostly the former. */
function keyOf(tieHeavy) {
  if (tieHeavy === 'mixed') return pick(40) === 0 ? (rand() - 0.5) * 1e6 : [0, -0, 1, 2, -1, 3.5, -1e6][pick(7)];
  if (tieHeavy) return [0, -0, 1, 2, -1, 3.5][pick(6)];
  return (rand() - 0.5) * 1e6;
}

function instantiate(path) {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 4096 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), {
    env: { memory, abort: () => { throw new Error('abort'); } },
  });
  const core = instance.exports;
  if (!core.arena_init(4096, 3)) throw new Error('arena_init failed');
  return { core, memory };
}

/** The model: entries in pop order; a new entry goes after every entry with an equal or smaller key. */
class Model {
  entries = [];
  insert(key, id) {
    let i = this.entries.length;
    while (i > 0 && this.entries[i - 1].key > key) i--;
    this.entries.splice(i, 0, { key, id });
  }
  /** An entry re-keyed in place among equals (restamp = false) keeps its arrival rank. */
  insertByRank(entry) {
    let i = 0;
    while (i < this.entries.length && (this.entries[i].key < entry.key || (this.entries[i].key === entry.key && this.entries[i].rank < entry.rank))) i++;
    this.entries.splice(i, 0, entry);
  }
}

function fail(path, message) {
  console.error(`${path}: ${message}`);
  process.exitCode = 1;
  throw new Error(message);
}

function checkValueHeap(path, tieHeavy, steps) {
  const { core, memory } = instantiate(path);
  const h = core.heap_create(0);
  const model = new Model();
  let nextId = 0;
  for (let s = 0; s < steps; s++) {
    const op = pick(10);
    if (op < 5) {
      const key = keyOf(tieHeavy);
      const id = nextId++ >>> 0;
      core.heap_pushValue(h, key, id);
      model.insert(key, id);
    } else if (op < 8) {
      const got = core.heap_popValue(h);
      const want = model.entries.shift();
      if ((want?.id ?? -1) !== got) fail(path, `value pop: got ${got}, want ${want?.id}`);
    } else if (op === 8) {
      // batch: append + restore, then compare a popMany
      const count = pick(300);
      const from = core.heap_size(h);
      if (!core.heap_reserve(h, count)) fail(path, 'reserve failed');
      const numbers = new Float64Array(memory.buffer, core.staging_numbers(), count);
      const words = new Uint32Array(memory.buffer, core.staging_words(), count);
      for (let k = 0; k < count; k++) {
        numbers[k] = keyOf(tieHeavy);
        words[k] = nextId++;
        model.insert(numbers[k], words[k]);
      }
      core.heap_append(h, count);
      core.heap_restore(h, from);
    } else {
      const max = pick(20) === 0 ? 4096 : pick(50);
      const count = core.heap_popMany(h, max);
      const numbers = new Float64Array(memory.buffer, core.staging_numbers(), count);
      const words = new Uint32Array(memory.buffer, core.staging_words(), count);
      for (let k = 0; k < count; k++) {
        const want = model.entries.shift();
        if (want.id !== words[k] || !Object.is(want.key, numbers[k])) fail(path, `popMany: got ${words[k]}@${numbers[k]}, want ${want.id}@${want.key}`);
      }
      if (count !== Math.min(max, count + model.entries.length)) fail(path, 'popMany count');
    }
    if (core.heap_size(h) !== model.entries.length) fail(path, 'size');
    if (model.entries.length && !Object.is(core.heap_peekKey(h), model.entries[0].key)) fail(path, 'peekKey');
  }
  // a copy pops in the same order and leaves the original alone
  const c = core.heap_copy(h);
  for (const want of model.entries) if (core.heap_popValue(c) !== want.id) fail(path, 'copy order');
  core.heap_dispose(c);
  if (core.heap_size(h) !== model.entries.length) fail(path, 'copy touched the original');
}

function checkIndexedHeap(path, tieHeavy, steps) {
  const { core } = instantiate(path);
  const h = core.heap_create(1);
  const model = new Model();
  const live = []; // handles
  let rank = 0;
  for (let s = 0; s < steps; s++) {
    const op = pick(12);
    if (op < 5) {
      const key = keyOf(tieHeavy);
      const handle = core.heap_push(h, key);
      if (handle < 0) fail(path, 'push failed');
      model.insert(key, handle);
      model.entries.find((e) => e.id === handle).rank = rank++;
      live.push(handle);
    } else if (op < 8) {
      const slot = core.heap_pop(h);
      const want = model.entries.shift();
      if (want === undefined ? slot !== -2 : (want.id & 0xffffff) !== slot) fail(path, `indexed pop: got slot ${slot}, want ${want?.id}`);
      if (want) live.splice(live.indexOf(want.id), 1);
    } else if (op < 10 && live.length) {
      const handle = live[pick(live.length)];
      const restamp = pick(2);
      const key = keyOf(tieHeavy);
      if (core.heap_update(h, handle, key, restamp) !== 0) fail(path, 'update failed');
      const at = model.entries.findIndex((e) => e.id === handle);
      const [entry] = model.entries.splice(at, 1);
      entry.key = key;
      if (restamp) entry.rank = rank++;
      model.insertByRank(entry);
    } else if (op < 11 && live.length) {
      const handle = live.splice(pick(live.length), 1)[0];
      if ((core.heap_remove(h, handle) & 0xffffff) !== (handle & 0xffffff)) fail(path, 'remove');
      model.entries.splice(model.entries.findIndex((e) => e.id === handle), 1);
      if (core.heap_remove(h, handle) !== -3) fail(path, 'second remove is not STALE');
    } else if (live.length) {
      const handle = live[pick(live.length)];
      const want = model.entries.find((e) => e.id === handle).key;
      if (!Object.is(core.heap_keyOf(h, handle), want)) fail(path, 'keyOf');
    }
    if (core.heap_size(h) !== model.entries.length) fail(path, 'size');
    if (model.entries.length && !Object.is(core.heap_peekKey(h), model.entries[0].key)) fail(path, `peekKey ${core.heap_peekKey(h)} vs ${model.entries[0].key}`);
  }
}

for (const path of paths) {
  for (const tieHeavy of [true, false, 'mixed']) {
    for (let run = 0; run < 8; run++) {
      checkValueHeap(path, tieHeavy, 1500);
      checkIndexedHeap(path, tieHeavy, 1500);
    }
  }
  console.log(`${path}: ok`);
}
