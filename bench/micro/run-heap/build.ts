// Builds the run-heap experiment (assembly/run-heap.ts) with its constants set, for
// bench/micro/heap.ts (`--only wasm-heap=<path>`) and the checks beside it:
//
//   npx tsx bench/micro/run-heap/build.ts [--insertion 4096] [--buffer 16] [--step-every 4096]
//
// Writes build/micro/run-heap-<insertion>-<buffer>-<step-every>.wasm and prints its path.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import asc from 'assemblyscript/asc';

export interface RunHeapConstants {
  readonly insertion?: number;
  readonly buffer?: number;
  /** A power of two. */
  readonly stepEvery?: number;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Compiles the experiment with these constants; returns the .wasm path. */
export async function buildRunHeap({ insertion = 4096, buffer = 16, stepEvery = 4096 }: RunHeapConstants = {}): Promise<string> {
  const source = readFileSync(resolve(here, 'assembly/run-heap.ts'), 'utf8')
    .replace(/(const INSERTION: u32 = )\d+/, `$1${insertion}`)
    .replace(/(const BUFFER: u32 = )\d+/, `$1${buffer}`)
    .replace(/(const STEP_EVERY: u32 = )\d+/, `$1${stepEvery}`);
  const out = resolve('build/micro');
  mkdirSync(out, { recursive: true });
  const name = `run-heap-${insertion}-${buffer}-${stepEvery}`;
  writeFileSync(resolve(out, `${name}.ts`), source);
  const wasm = resolve(out, `${name}.wasm`);
  const { error, stderr } = await asc.main([resolve(out, `${name}.ts`), '--config', resolve(here, 'assembly/asconfig.json'), '-o', wasm]);
  if (error) throw new Error(`${name}: ${String(stderr)}`);
  return wasm;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { insertion: { type: 'string' }, buffer: { type: 'string' }, 'step-every': { type: 'string' } } });
  console.log(await buildRunHeap({
    insertion: Number(values.insertion ?? 4096),
    buffer: Number(values.buffer ?? 16),
    stepEvery: Number(values['step-every'] ?? 4096),
  }));
}
