// The behavioural suite in Chromium with zero configuration: no init call, so the first structure
// compiles the embedded module synchronously (allowed on the main thread for a module this small).
import * as lib from 'flatsched';
import { describe, expect, it } from 'vitest';
import { checks, unavailable } from '../runtimes/behaviour.mjs';

describe('in Chromium, without init()', () => {
  it('runs in a real browser', () => {
    expect(navigator.userAgent).toMatch(/Chrome\/\d+/);
    expect(typeof process === 'undefined' || !('versions' in process && 'node' in process.versions)).toBe(true);
  });

  for (const check of checks) {
    it(check.name, async (context) => {
      const missing = unavailable(check, lib as unknown as Record<string, unknown>);
      if (missing) return context.skip(missing);
      await check.run(lib as unknown as Record<string, unknown>);
    });
  }
});
