// `flatsched/slim`: the library without the embedded module, for pages that load the .wasm on
// their own. Runs in a frame of its own, so nothing else has compiled its core yet.
import * as slim from 'flatsched/slim';
import { expect, it } from 'vitest';

it('the slim script is the main one without the embedded module', async () => {
  const full = await (await fetch('/dist/index.js')).text();
  const lean = await (await fetch('/dist/slim.js')).text();
  expect(lean).not.toMatch(/AGFzbQ/); // the base64 of the Wasm magic number
  expect(full).toMatch(/AGFzbQ/);
  expect(full.length - lean.length).toBeGreaterThan(15_000);
});

it('before init, creating a structure throws a StateError that says how to load the core', () => {
  expect(() => new slim.NumericQueue()).toThrow(slim.StateError);
  expect(() => new slim.PriorityQueue()).toThrow(/carries no embedded core.*init\(\{ url/);
});

it('after init({ url }) every structure works', async () => {
  await slim.init({ url: new URL('/dist/flatsched.wasm', location.origin) });
  const queue = new slim.NumericQueue();
  queue.pushMany([1, 2, 3]);
  expect(queue.shift()).toBe(1);
  const scheduler = new slim.Scheduler<string>();
  scheduler.submit('build', { priority: 1 });
  expect(scheduler.take()?.payload).toBe('build');
  scheduler.dispose();
  queue.dispose();
});
