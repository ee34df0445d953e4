// The built ESM entry in Deno (a devDependency, pinned), with no permissions granted.
import type { CheckResult } from './behaviour.mjs';
import { binary, describeChecks, requireDist, runJson } from './harness.js';

describeChecks('Deno', async () => {
  requireDist();
  const report = (await runJson(binary('deno'), ['run', '--no-lock', '--no-prompt', 'test/runtimes/runtime-entry.mjs'])) as { results: CheckResult[] };
  return report.results;
});
