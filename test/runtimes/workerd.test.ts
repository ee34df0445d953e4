// The package in workerd (Cloudflare Workers' runtime) through Miniflare on 127.0.0.1.
import { describe, expect, it } from 'vitest';
import type { CheckResult } from './behaviour.mjs';
import { describeChecks, requireDist } from './harness.js';
import { runWorkerd } from './workerd-host.mjs';

interface WorkerdReport {
  conditioned: CheckResult[];
  explicit: { beforeInit: { threw: boolean; name?: string; isStateError?: boolean; message?: string }; results: CheckResult[] };
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
});

describeChecks('workerd, the plain ESM entry after await init({ module }) with flatsched/wasm', async () => (await load()).explicit.results);
