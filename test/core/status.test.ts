import { describe, expect, it } from 'vitest';
import * as status from '../../src/core/status.js';
import { builds, arenaOn, type BuildName } from '../helpers/builds.js';

describe.each(Object.keys(builds) as BuildName[])('core ABI (%s build)', (build) => {
  const core = arenaOn(build).core;

  it('has the status codes src/core/status.ts mirrors', () => {
    expect(core.STATUS_CAPACITY.value).toBe(status.CAPACITY);
    expect(core.STATUS_EMPTY.value).toBe(status.EMPTY);
    expect(core.STATUS_STALE.value).toBe(status.STALE);
    expect(core.STATUS_FOREIGN.value).toBe(status.FOREIGN);
    expect(core.STATUS_FORGED.value).toBe(status.FORGED);
    expect(core.STATUS_OUT_OF_RANGE.value).toBe(status.OUT_OF_RANGE);
  });

  it('draws handles as slot (24 bits), arena tag (14 bits), generation (15 bits) below 2^53', () => {
    expect(core.SLOT_LIMIT.value).toBe(2 ** 24);
    expect(core.GEN_LIMIT.value).toBe(2 ** 15 - 1);
    expect(core.GEN_LIMIT.value * 2 ** 38 + (2 ** 14 - 1) * 2 ** 24 + (2 ** 24 - 1)).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
  });

  it('exports plain numeric functions only (no managed objects cross the boundary)', () => {
    const imports = WebAssembly.Module.imports(builds[build]).map((i) => `${i.module}.${i.name}`);
    expect(imports.sort()).toEqual(['env.abort', 'env.memory']);
    for (const e of WebAssembly.Module.exports(builds[build])) expect(['function', 'global', 'memory']).toContain(e.kind);
  });
});
