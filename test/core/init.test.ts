import { describe, expect, it } from 'vitest';
import { init, initSync, InvalidArgumentError, PriorityQueue } from '../../src/index.js';
import { builds } from '../helpers/builds.js';

describe('loading', () => {
  it('works with no init at all in Node (the embedded module compiles synchronously)', () => {
    const pq = new PriorityQueue<string>();
    pq.push('ok', 1);
    expect(pq.pop()).toBe('ok');
  });

  it('init and initSync accept a precompiled module, and are idempotent', async () => {
    await expect(init({ module: builds.release })).resolves.toBeUndefined();
    expect(() => initSync({ module: builds.release })).not.toThrow();
    await expect(init()).resolves.toBeUndefined();
  });

  it('reject options of the wrong shape with InvalidArgumentError', async () => {
    await expect(init({ module: 5 as never })).rejects.toThrow(InvalidArgumentError);
    expect(() => initSync({ module: {} as never })).toThrow(/expected `module` to be a WebAssembly.Module/);
    expect(() => initSync('x' as never)).toThrow(InvalidArgumentError);
  });
});
