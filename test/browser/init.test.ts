// `await init()` compiles the embedded module asynchronously, and every structure then uses it.
import * as lib from 'flatsched';
import { afterAll, expect, it, vi } from 'vitest';
import { checks, unavailable } from '../runtimes/behaviour.mjs';

const compile = vi.spyOn(WebAssembly, 'compile');
const compileSync = vi.spyOn(WebAssembly, 'Module');
afterAll(() => vi.restoreAllMocks());

it('await init() compiles the embedded module once, asynchronously', async () => {
  await lib.init();
  await lib.init();
  const pq = new lib.PriorityQueue<string>();
  pq.push('ready', 1);
  expect(pq.pop()).toBe('ready');
  expect(compile).toHaveBeenCalledTimes(1);
  expect(compileSync).not.toHaveBeenCalled();
});

for (const check of checks) {
  it(`after init(): ${check.name}`, async (context) => {
    const missing = unavailable(check, lib as unknown as Record<string, unknown>);
    if (missing) return context.skip(missing);
    await check.run(lib as unknown as Record<string, unknown>);
  });
}
