// Node: the package as users import it, through its own name and exports map (ESM and CJS).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { runChecks } from './behaviour.mjs';

const esm = await import('flatsched');
const cjs = createRequire(import.meta.url)('flatsched');

// flatsched/slim carries no core: before init a structure says how to load one; after it, it works.
const slim = await import('flatsched/slim');
let beforeInit;
try {
  new slim.PriorityQueue();
  beforeInit = { name: 'no error' };
} catch (error) {
  beforeInit = { name: error.name, isStateError: error instanceof slim.StateError, message: error.message };
}
slim.initSync({ bytes: readFileSync(fileURLToPath(import.meta.resolve('flatsched/wasm'))) });
const report = {
  runtime: `node ${process.versions.node}`,
  resolved: {
    import: import.meta.resolve('flatsched'),
    require: createRequire(import.meta.url).resolve('flatsched'),
    wasm: import.meta.resolve('flatsched/wasm'),
    slim: import.meta.resolve('flatsched/slim'),
  },
  slimBeforeInit: beforeInit,
  esm: await runChecks(esm),
  cjs: await runChecks(cjs),
  slim: await runChecks(slim),
};
console.log(JSON.stringify(report));
