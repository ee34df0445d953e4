// Runs the Worker scripts in workerd through Miniflare, bound to 127.0.0.1 only.
//
// `conditioned`: test/runtimes/workerd-worker.mjs bundled the way Wrangler bundles a Worker (esbuild
// with the `workerd` export condition, `.wasm` imports left to the runtime as compiled modules).
// `explicit`: test/runtimes/workerd-explicit-init.mjs against the plain ESM entry and the imported
// `flatsched/wasm` module, unbundled.
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const file = (path) => readFileSync(root + path);
const COMPATIBILITY_DATE = '2026-04-01';

async function bundleConditioned() {
  const result = await build({
    entryPoints: [root + 'test/runtimes/workerd-worker.mjs'],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    external: ['*.wasm'],
    // Resolve `flatsched` through package.json's exports as a user's bundler would, not through
    // the repository's tsconfig paths (which point at src/ for the examples).
    tsconfigRaw: {},
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** Returns `{ conditioned: results, explicit: { beforeInit, results } }`. */
export async function runWorkerd() {
  const wasm = file('dist/flatsched.wasm');
  const mf = new Miniflare({
    host: '127.0.0.1',
    port: 0,
    workers: [
      {
        name: 'conditioned',
        compatibilityDate: COMPATIBILITY_DATE,
        modulesRoot: '/',
        modules: [
          { type: 'ESModule', path: '/worker.js', contents: await bundleConditioned() },
          { type: 'CompiledWasm', path: '/flatsched.wasm', contents: wasm },
        ],
      },
      {
        name: 'explicit',
        compatibilityDate: COMPATIBILITY_DATE,
        modulesRoot: '/',
        modules: [
          { type: 'ESModule', path: '/worker.js', contents: file('test/runtimes/workerd-explicit-init.mjs') },
          { type: 'ESModule', path: '/behaviour.mjs', contents: file('test/runtimes/behaviour.mjs') },
          { type: 'ESModule', path: '/index.js', contents: file('dist/index.js') },
          { type: 'CompiledWasm', path: '/flatsched.wasm', contents: wasm },
        ],
      },
    ],
  });
  try {
    const conditioned = await (await mf.dispatchFetch('http://127.0.0.1/')).json();
    const explicit = await (await (await mf.getWorker('explicit')).fetch('http://127.0.0.1/')).json();
    return { conditioned, explicit };
  } finally {
    await mf.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await runWorkerd(), null, 1));
