import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Arena, type ArenaOptions } from '../../src/index.js';
import type { DebugExports } from '../../src/core/exports.js';

const read = (name: string) => readFileSync(fileURLToPath(new URL(`../../build/${name}.wasm`, import.meta.url)));

/** The two builds every model-based test runs against (`npm run build:wasm` makes both). */
export const builds = {
  release: new WebAssembly.Module(read('release')),
  debug: new WebAssembly.Module(read('debug')),
} as const;

export type BuildName = keyof typeof builds;

/** A fresh arena on the given build. */
export function arenaOn(build: BuildName, options: Omit<ArenaOptions, 'module'> = {}): Arena {
  return new Arena({ ...options, module: builds[build] });
}

/** A fresh arena on the debug build, with its test hooks. */
export function debugArena(options: Omit<ArenaOptions, 'module'> = {}): { arena: Arena; core: DebugExports } {
  const arena = arenaOn('debug', options);
  return { arena, core: arena.core as DebugExports };
}
