// The built ESM entry in Bun (a devDependency).
import type { CheckResult } from './behaviour.mjs';
import { binary, describeChecks, requireDist, runJson } from './harness.js';

describeChecks('Bun', async () => {
  requireDist();
  const report = (await runJson(binary('bun'), ['test/runtimes/runtime-entry.mjs'])) as { results: CheckResult[] };
  return report.results;
});
