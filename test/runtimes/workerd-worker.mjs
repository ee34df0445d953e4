// A Worker importing the package by name, as a Cloudflare Worker does: bundled with the `workerd`
// export condition, which imports the .wasm as a compiled module and initialises with it.
import * as lib from 'flatsched';
import { runChecks } from './behaviour.mjs';

export default {
  async fetch() {
    return Response.json(await runChecks(lib));
  },
};
