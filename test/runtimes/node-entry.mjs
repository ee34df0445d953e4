// Node: the package as users import it, through its own name and exports map (ESM and CJS).
import { createRequire } from 'node:module';
import { runChecks } from './behaviour.mjs';

const esm = await import('flatsched');
const cjs = createRequire(import.meta.url)('flatsched');
const report = {
  runtime: `node ${process.versions.node}`,
  resolved: {
    import: import.meta.resolve('flatsched'),
    require: createRequire(import.meta.url).resolve('flatsched'),
    wasm: import.meta.resolve('flatsched/wasm'),
  },
  esm: await runChecks(esm),
  cjs: await runChecks(cjs),
};
console.log(JSON.stringify(report));
