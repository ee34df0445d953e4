// The built package in Node, resolved through its own name as users import it: `import` gets the
// ESM build, `require` the CJS build, `flatsched/wasm` the separate .wasm file.
import { expect, it } from 'vitest';
import type { CheckResult } from './behaviour.mjs';
import { describeChecks, requireDist, root, runJson } from './harness.js';

interface NodeReport {
  runtime: string;
  resolved: { import: string; require: string; wasm: string; slim: string };
  slimBeforeInit: { name: string; isStateError?: boolean; message?: string };
  esm: CheckResult[];
  cjs: CheckResult[];
  slim: CheckResult[];
}

let report: Promise<NodeReport> | undefined;
const load = () => {
  requireDist();
  return (report ??= runJson(process.execPath, ['test/runtimes/node-entry.mjs']) as Promise<NodeReport>);
};

it('the exports map resolves import, require and flatsched/wasm to dist/', async () => {
  const { resolved } = await load();
  expect(resolved.import).toBe(`file://${root}dist/index.js`);
  expect(resolved.require).toBe(`${root}dist/index.cjs`);
  expect(resolved.wasm).toBe(`file://${root}dist/flatsched.wasm`);
  expect(resolved.slim).toBe(`file://${root}dist/slim.js`);
});

it('flatsched/slim, before init, refuses with a StateError that says how to load the core', async () => {
  const { slimBeforeInit } = await load();
  expect(slimBeforeInit.isStateError).toBe(true);
  expect(slimBeforeInit.message).toMatch(/^PriorityQueue: this build of flatsched carries no embedded core.*init\(\{ url/);
});

describeChecks('Node, import "flatsched" (ESM)', async () => (await load()).esm);
describeChecks('Node, require("flatsched") (CJS)', async () => (await load()).cjs);
describeChecks('Node, import "flatsched/slim" after initSync({ bytes })', async () => (await load()).slim);
