// `init({ url })` fetches the separate .wasm (`flatsched/wasm`) and compiles it while it streams in.
import * as lib from 'flatsched';
import { expect, it, vi } from 'vitest';

const wasmUrl = new URL('/dist/flatsched.wasm', location.origin);

it('the .wasm is served from 127.0.0.1 as application/wasm', async () => {
  expect(location.hostname).toBe('127.0.0.1');
  const response = await fetch(wasmUrl);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/wasm/);
});

it('init({ url }) of a missing file rejects with a StateError naming the URL and status', async () => {
  const missing = new URL('/dist/no-such.wasm', location.origin);
  const error = await lib.init({ url: missing }).then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(lib.StateError);
  expect((error as Error).message).toBe(`init: fetching ${missing} failed with HTTP 404`);
});

it('initSync({ url }) is refused: fetching needs the async init', () => {
  // @ts-expect-error the types refuse it too
  expect(() => lib.initSync({ url: wasmUrl })).toThrow(lib.InvalidArgumentError);
});

it('init({ url }) compiles with WebAssembly.compileStreaming, and structures use that module', async () => {
  const streaming = vi.spyOn(WebAssembly, 'compileStreaming');
  const compile = vi.spyOn(WebAssembly, 'compile');
  try {
    await lib.init({ url: wasmUrl });
    expect(streaming).toHaveBeenCalledTimes(1);
    expect(compile).not.toHaveBeenCalled();
  } finally {
    vi.restoreAllMocks();
  }
  const queue = new lib.NumericQueue();
  for (let i = 0; i < 100_000; i++) queue.push(i);
  expect(queue.size).toBe(100_000);
  expect(queue.shift()).toBe(0);
  const pq = new lib.PriorityQueue<string>({ max: true });
  pq.pushMany(['low', 'high'], [1, 9]);
  expect(pq.drain()).toEqual(['high', 'low']);
  queue.dispose();
  pq.dispose();
});
