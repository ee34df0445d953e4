// A Worker that loads the plain ESM entry (no `workerd` condition): compiling the embedded bytes is
// refused there, so creating a structure, or `await init()` without a module, must fail with an
// error that says what to do, and `await init({ module })` with the imported `flatsched/wasm` must
// then make everything work.
import * as lib from './index.js';
import wasm from './flatsched.wasm';
import { runChecks } from './behaviour.mjs';

const outcome = (error) => ({ threw: true, name: error?.name, isStateError: error instanceof lib.StateError, message: String(error?.message) });

export default {
  async fetch() {
    let beforeInit = { threw: false };
    try {
      new lib.Queue().push(1);
      new lib.NumericQueue().push(1);
    } catch (error) {
      beforeInit = outcome(error);
    }
    let initWithoutModule = { threw: false };
    try {
      await lib.init();
    } catch (error) {
      initWithoutModule = outcome(error);
    }
    await lib.init({ module: wasm });
    return Response.json({ beforeInit, initWithoutModule, results: await runChecks(lib) });
  },
};
