// Builds the release core with another heap source and/or other compiler flags, so variants can be
// timed against each other in one process (bench/micro/heap.ts).
//
//   node bench/micro/build-variant.mjs <name> [file.ts[=assembly-name.ts] ...] [-- extra asc flags]
//
// Writes build/micro/<name>.wasm (and .wat). Each file replaces the assembly/ file it names after
// `=` (heap.ts when nothing is named); the rest of assembly/ is the current one.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const [name, ...rest] = process.argv.slice(2);
if (!name) throw new Error('usage: build-variant.mjs <name> [heap.ts] [-- asc flags]');
const split = rest.indexOf('--');
const files = split < 0 ? rest : rest.slice(0, split);
const flags = split < 0 ? [] : rest.slice(split + 1);

const out = resolve('build/micro');
const src = resolve(out, `${name}-src`);
rmSync(src, { recursive: true, force: true });
mkdirSync(src, { recursive: true });
cpSync('assembly', src, { recursive: true });
for (const file of files) {
  const [from, as = 'heap.ts'] = file.split('=');
  cpSync(from, resolve(src, as));
}

const release = JSON.parse(readFileSync('asconfig.json', 'utf8'));
const config = {
  targets: { release: { ...release.targets.release, outFile: resolve(out, `${name}.wasm`), textFile: resolve(out, `${name}.wat`) } },
  options: release.options,
};
writeFileSync(resolve(src, 'asconfig.json'), JSON.stringify(config, null, 2));
execFileSync(process.execPath, ['node_modules/assemblyscript/bin/asc.js', resolve(src, 'index.ts'), '--config', resolve(src, 'asconfig.json'), '--target', 'release', ...flags], { stdio: 'inherit' });
console.log(`build/micro/${name}.wasm: ${readFileSync(resolve(out, `${name}.wasm`)).length} B`);
