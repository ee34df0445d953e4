// Builds dist/ from src/ (run `npm run build:wasm` first; `npm run build` does both):
//
//   dist/index.js        ESM, the Wasm embedded as base64: works with zero configuration
//   dist/index.cjs       the same as CommonJS
//   dist/workerd.js      for runtimes that forbid compiling bytes (workerd / Cloudflare Workers):
//                        imports dist/flatsched.wasm as a module and hands it to initSync
//   dist/slim.js         ESM without the embedded Wasm (`flatsched/slim`): the caller loads the core
//                        with init({ url | module | bytes }); a browser bundle saves the base64
//   dist/flatsched.wasm  the core on its own (`flatsched/wasm`), for init({ module | url | bytes })
//   dist/types/          declarations (ESM); dist/types-cjs/ the same files marked CommonJS, so
//                        TypeScript's node16/nodenext resolution sees the right format for `require`
//
// Then prints the min+gzip sizes a user's bundle pays.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const WASM = 'build/release.wasm';
const GENERATED = 'src/core/wasm.generated.ts';
if (!existsSync(WASM) || !existsSync(GENERATED)) {
  console.error(`build-dist: ${WASM} or ${GENERATED} is missing; run \`npm run build:wasm\` first (or \`npm run build\`)`);
  process.exit(1);
}

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');

const common = {
  bundle: true,
  platform: 'neutral',
  target: 'es2022',
  logLevel: 'warning',
  legalComments: 'none',
};

await build({ ...common, entryPoints: ['src/index.ts'], format: 'esm', outfile: 'dist/index.js' });
await build({ ...common, entryPoints: ['src/index.ts'], format: 'cjs', outfile: 'dist/index.cjs' });

// The workerd entry carries no embedded bytes: the runtime links the .wasm file as a compiled
// module, and compiling bytes at run time is refused there anyway.
const workerdEntry = `
import module from './flatsched.wasm';
import { initSync } from './src/index.ts';
initSync({ module });
export * from './src/index.ts';
`;
// The build hash stays: snapshots record which core wrote them.
const wasmSha256 = /wasmSha256 = '([0-9a-f]{64})'/.exec(readFileSync(GENERATED, 'utf8'))[1];
const withoutEmbeddedWasm = {
  name: 'without-embedded-wasm',
  setup(b) {
    b.onResolve({ filter: /[\\/]wasm\.generated\.js$/ }, () => ({ path: 'wasm.generated', namespace: 'no-embedded-wasm' }));
    b.onLoad({ filter: /.*/, namespace: 'no-embedded-wasm' }, () => ({
      contents: `export const wasmBase64 = ''; export const wasmSha256 = '${wasmSha256}';`,
      loader: 'js',
    }));
  },
};
await build({
  ...common,
  stdin: { contents: workerdEntry, resolveDir: '.', sourcefile: 'workerd-entry.js', loader: 'js' },
  format: 'esm',
  outfile: 'dist/workerd.js',
  external: ['./flatsched.wasm'],
  plugins: [withoutEmbeddedWasm],
});

await build({ ...common, entryPoints: ['src/index.ts'], format: 'esm', outfile: 'dist/slim.js', plugins: [withoutEmbeddedWasm] });

cpSync(WASM, 'dist/flatsched.wasm');
// Types for `import core from 'flatsched/wasm'`, as workerd (and bundlers that import .wasm as a module) give it.
writeFileSync(
  'dist/flatsched.wasm.d.ts',
  '/** The flatsched core, as runtimes that import `.wasm` files as modules give it (workerd: a compiled module). */\n' +
    'declare const core: WebAssembly.Module;\nexport default core;\n',
);

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
cpSync('dist/types', 'dist/types-cjs', { recursive: true });
writeFileSync('dist/types-cjs/package.json', JSON.stringify({ type: 'commonjs' }) + '\n');

// Sizes as a user's minifying bundler would ship them.
const minified = async (options) => {
  const result = await build({ ...common, ...options, minify: true, write: false, logLevel: 'silent' });
  return result.outputFiles[0].contents;
};
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const embedded = await minified({ entryPoints: ['src/index.ts'], format: 'esm' });
const jsOnly = await minified({
  stdin: { contents: workerdEntry, resolveDir: '.', sourcefile: 'workerd-entry.js', loader: 'js' },
  format: 'esm',
  external: ['./flatsched.wasm'],
  plugins: [withoutEmbeddedWasm],
});
const wasm = readFileSync(WASM);
const rows = [
  ['dist/index.js (JS + embedded Wasm)', embedded.length, gz(embedded)],
  ['JS alone (as dist/slim.js, dist/workerd.js)', jsOnly.length, gz(jsOnly)],
  ['dist/flatsched.wasm', wasm.length, gz(wasm)],
];
console.log('dist: built index.js, index.cjs, slim.js, workerd.js, flatsched.wasm, types/, types-cjs/');
console.log('size (minified, then gzip -9):');
for (const [name, min, gzip] of rows) console.log(`  ${name.padEnd(45)} ${kb(min).padStart(9)} min  ${kb(gzip).padStart(8)} min+gzip`);
