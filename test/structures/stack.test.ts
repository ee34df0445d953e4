import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, NumericStack, Stack } from '../../src/index.js';

describe('Stack', () => {
  it('is LIFO; a bounded one drops its oldest item', () => {
    const undo = new Stack<string>({ limit: 2 });
    undo.push('set timeout=5s');
    undo.push('set retries=3');
    undo.push('set replicas=4');
    expect(undo.size).toBe(2);
    expect([undo.pop(), undo.pop(), undo.pop()]).toEqual(['set replicas=4', 'set retries=3', undefined]);
  });

  it('peeks and indexes like Array#at, iterates top first', () => {
    const s = Stack.from([1, 2, 3]);
    expect([s.peek(), s.at(0), s.at(-1), [...s]]).toEqual([3, 1, 3, [3, 2, 1]]);
  });

  it('iterates live, as an array does: items popped during the loop are skipped, never yielded', () => {
    for (const make of [() => Stack.from([1, 2, 3, 4, 5]), () => NumericStack.from([1, 2, 3, 4, 5]), () => NumericStack.from([1, 2, 3, 4, 5], { limit: 8 })]) {
      const s = make();
      const seen: unknown[] = [];
      for (const item of s) {
        seen.push(item);
        if (item === 4) {
          s.pop(); // 5, already seen
          s.pop(); // 4, already seen
          s.pop(); // 3, not yet: skipped
        }
      }
      expect(seen).toEqual([5, 4, 2, 1]);
    }
  });

  it('keeps every item and its order through spikes, drains and shrink()', () => {
    const s = new Stack<{ n: number }>();
    const model: { n: number }[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 20_000; i++) {
        const item = { n: round * 100_000 + i };
        s.push(item);
        model.push(item);
      }
      for (let i = 0; i < 19_990; i++) expect(s.pop()).toBe(model.pop());
      expect([s.size, s.peek(), s.at(0), s.at(-1), s.at(model.length)]).toEqual([model.length, model.at(-1), model[0], model.at(-1), undefined]);
      if (round === 1) s.shrink();
    }
    expect(s.toArray()).toEqual([...model].reverse());
    s.clear();
    expect([s.size, s.pop(), s.peek(), s.at(0), s.at(-1)]).toEqual([0, undefined, undefined, undefined, undefined]);
  });

  it('validates its options', () => {
    expect(() => new Stack({ limit: -3 })).toThrow(new InvalidArgumentError('Stack: expected `limit` to be an integer >= 1, got -3'));
    expect(() => new NumericStack({ limit: 0 })).toThrow(InvalidArgumentError);
    expect(() => new Stack<number>().at(0.5)).toThrow(InvalidArgumentError);
  });
});

describe('NumericStack', () => {
  it('pops batches top first into a typed array', () => {
    const s = new NumericStack();
    s.pushMany(Uint32Array.from([1, 2, 3, 4, 5]));
    const out = new Uint32Array(3);
    expect(s.popMany(out)).toBe(3);
    expect([...out]).toEqual([5, 4, 3]);
    expect([...s]).toEqual([2, 1]);
  });
});
