// Deno and Bun: the built ESM entry, zero configuration (the embedded module compiles on first use).
import * as lib from '../../dist/index.js';
import { runChecks } from './behaviour.mjs';

const runtime = globalThis.Deno ? `deno ${globalThis.Deno.version.deno}` : globalThis.Bun ? `bun ${globalThis.Bun.version}` : 'unknown';
console.log(JSON.stringify({ runtime, results: await runChecks(lib) }));
