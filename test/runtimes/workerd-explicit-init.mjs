// A Worker that loads the plain ESM entry (no `workerd` condition): compiling the embedded bytes is
// refused there, so creating a structure must fail with an error that says what to do, and
// `await init({ module })` with the imported `flatsched/wasm` must then make everything work.
import * as lib from './index.js';
import wasm from './flatsched.wasm';
import { runChecks } from './behaviour.mjs';

export default {
  async fetch() {
    let beforeInit;
    try {
      new lib.Queue().push(1);
      new lib.NumericQueue().push(1);
      beforeInit = { threw: false };
    } catch (error) {
      beforeInit = { threw: true, name: error?.name, isStateError: error instanceof lib.StateError, message: String(error?.message) };
    }
    await lib.init({ module: wasm });
    return Response.json({ beforeInit, results: await runChecks(lib) });
  },
};
