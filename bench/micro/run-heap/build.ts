// Builds the run-heap experiment (assembly/run-heap.ts) with its constants set, for
// bench/micro/heap.ts (`--only wasm-heap=<path>`) and the checks beside it:
//
//   npx tsx bench/micro/run-heap/build.ts [--insertion 4096] [--buffer 16] [--page 1024]
//                                         [--sort-chunk 8] [--merge-chunk 128] [--rate 2]
//
// Writes build/micro/run-heap-<insertion>-<buffer>-<page>-<sort-chunk>-<merge-chunk>-<rate>.wasm
// and prints its path.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import asc from 'assemblyscript/asc';

/** The experiment's constants, by their names in the source. */
export const runHeapDefaults = { insertion: 4096, buffer: 16, page: 1024, sortChunk: 8, mergeChunk: 128, rate: 2 };
export type RunHeapConstants = Partial<typeof runHeapDefaults>;

const sourceNames: Record<keyof typeof runHeapDefaults, string> = {
  insertion: 'INSERTION', buffer: 'BUFFER', page: 'PAGE', sortChunk: 'SORT_CHUNK', mergeChunk: 'MERGE_CHUNK', rate: 'RATE',
};
const here = dirname(fileURLToPath(import.meta.url));

/** Compiles the experiment with these constants; returns the .wasm path. */
export async function buildRunHeap(constants: RunHeapConstants = {}): Promise<string> {
  const chosen = { ...runHeapDefaults, ...constants };
  let source = readFileSync(resolve(here, 'assembly/run-heap.ts'), 'utf8');
  for (const [name, value] of Object.entries(chosen)) {
    const pattern = new RegExp(`(const ${sourceNames[name as keyof typeof runHeapDefaults]}: u32 = )\\d+`);
    if (!pattern.test(source)) throw new Error(`run-heap.ts has no constant ${sourceNames[name as keyof typeof runHeapDefaults]}`);
    source = source.replace(pattern, `$1${value}`);
  }
  const out = resolve('build/micro');
  mkdirSync(out, { recursive: true });
  const name = `run-heap-${Object.values(chosen).join('-')}`;
  writeFileSync(resolve(out, `${name}.ts`), source);
  const wasm = resolve(out, `${name}.wasm`);
  const { error, stderr } = await asc.main([resolve(out, `${name}.ts`), '--config', resolve(here, 'assembly/asconfig.json'), '-o', wasm]);
  if (error) throw new Error(`${name}: ${String(stderr)}`);
  return wasm;
}

/** Reads the constants given as --insertion, --buffer, --page, --sort-chunk, --merge-chunk, --rate. */
export function runHeapOptions(args = process.argv.slice(2)): RunHeapConstants & { rest: Record<string, string | undefined> } {
  const flags = { insertion: 'insertion', buffer: 'buffer', page: 'page', sortChunk: 'sort-chunk', mergeChunk: 'merge-chunk', rate: 'rate' } as const;
  const { values } = parseArgs({ args, options: { ...Object.fromEntries(Object.values(flags).map((flag) => [flag, { type: 'string' as const }])), n: { type: 'string' } } });
  const chosen: RunHeapConstants = {};
  for (const [key, flag] of Object.entries(flags)) {
    const value = values[flag as keyof typeof values];
    if (value !== undefined) chosen[key as keyof RunHeapConstants] = Number(value);
  }
  return { ...chosen, rest: { n: values.n } };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { rest: _, ...constants } = runHeapOptions();
  console.log(await buildRunHeap(constants));
}
