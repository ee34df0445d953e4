// The package in workerd (Cloudflare Workers' runtime) through Miniflare on 127.0.0.1.
import { describe, expect, it } from 'vitest';
import type { CheckResult } from './behaviour.mjs';
import { describeChecks, requireDist } from './harness.js';
import { runWorkerd } from './workerd-host.mjs';

interface Outcome {
  threw: boolean;
  name?: string;
  isStateError?: boolean;
  message?: string;
}

interface WorkerdReport {
  conditioned: CheckResult[];
  explicit: { beforeInit: Outcome; initWithoutModule: Outcome; results: CheckResult[] };
}

let report: Promise<WorkerdReport> | undefined;
const load = () => {
  requireDist();
  return (report ??= runWorkerd() as Promise<WorkerdReport>);
};

describeChecks('workerd, import "flatsched" with the workerd export condition', async () => (await load()).conditioned);

describe('workerd, the plain ESM entry', () => {
  it('refuses to compile the embedded bytes, and the error is a StateError that says to call init({ module })', async () => {
    const { beforeInit } = (await load()).explicit;
    expect(beforeInit.threw).toBe(true);
    expect(beforeInit.message).toMatch(/init\(\{ module \}\)/);
    expect(beforeInit.isStateError).toBe(true);
  });

  it('await init() without a module rejects with a StateError that says to pass { module }', async () => {
    const { initWithoutModule } = (await load()).explicit;
    expect(initWithoutModule.threw).toBe(true);
    expect(initWithoutModule.message).toMatch(/init\(\{ module \}\)/);
    expect(initWithoutModule.isStateError).toBe(true);
  });
});

describeChecks('workerd, the plain ESM entry after await init({ module }) with flatsched/wasm', async () => (await load()).explicit.results);
