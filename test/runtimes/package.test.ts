// The package as npm would publish it: `npm pack`, unpacked into a consumer's node_modules, then
// imported, required and type-checked from outside the repository.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDist, root } from './harness.js';

let consumer = '';
let packed: string[] = [];

beforeAll(() => {
  requireDist();
  consumer = mkdtempSync(join(tmpdir(), 'flatsched-consumer-'));
  const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', consumer], { cwd: root, encoding: 'utf8' })) as [{ filename: string; files: { path: string }[] }];
  packed = info.files.map((file) => file.path).sort();
  const target = join(consumer, 'node_modules', 'flatsched');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', join(consumer, info.filename), '-C', target, '--strip-components=1']);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
});

afterAll(() => {
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

const node = (code: string, type: 'module' | 'commonjs') =>
  execFileSync(process.execPath, ['--input-type', type, '-e', code], { cwd: consumer, encoding: 'utf8' }).trim();

describe('the packed package', () => {
  it('holds dist/ (both entries, the workerd entry, the .wasm, both sets of declarations) and nothing of the sources', () => {
    for (const file of ['package.json', 'LICENSE', 'dist/index.js', 'dist/index.cjs', 'dist/workerd.js', 'dist/flatsched.wasm', 'dist/flatsched.wasm.d.ts', 'dist/types/index.d.ts', 'dist/types-cjs/index.d.ts', 'dist/types-cjs/package.json']) {
      expect(packed).toContain(file);
    }
    expect(packed.filter((file) => !file.startsWith('dist/') && !/^(package\.json|README\.md|LICENSE)$/i.test(file))).toEqual([]);
  });

  it('works through import, require and flatsched/wasm from a consumer', () => {
    expect(node(`import { PriorityQueue } from 'flatsched'; const q = new PriorityQueue(); q.push('b', 2); q.push('a', 1); console.log(q.pop());`, 'module')).toBe('a');
    expect(node(`const { NumericQueue, StateError } = require('flatsched'); const q = new NumericQueue(); q.push(7); console.log(q.shift(), typeof StateError);`, 'commonjs')).toBe('7 function');
    const wasm = node(`import { readFileSync } from 'node:fs'; import { fileURLToPath } from 'node:url'; console.log(WebAssembly.validate(readFileSync(fileURLToPath(import.meta.resolve('flatsched/wasm')))));`, 'module');
    expect(wasm).toBe('true');
  });

  it('type-checks for ESM and CJS consumers under node16 and nodenext, and under bundler resolution', () => {
    const esm = `import { PriorityQueue, Queue, Arena, History, init, initSync, jsonCodec, type Handle, type PriorityQueueOptions, FlatschedError } from 'flatsched';
import wasm from 'flatsched/wasm';
await init();
const core: WebAssembly.Module = wasm;
const options: PriorityQueueOptions = { max: true, arena: new Arena({ maxMemory: 4 << 20 }) };
const pq = new PriorityQueue<{ name: string }>(options);
const handle: Handle = pq.push({ name: 'deploy' }, 1);
pq.update(handle, 2);
const next: { name: string } | undefined = pq.pop();
const q = new Queue<number>({ capacity: 2, overflow: 'drop-oldest' });
q.push(1);
// @ts-expect-error a priority is a number
pq.push({ name: 'x' }, '1');
// @ts-expect-error the arena's core is internal (stripped from the declarations)
void options.arena!.core;
// Options take an explicit undefined (exactOptionalPropertyTypes), as the runtime does.
declare const capacity: number | undefined;
new Queue<number>({ capacity, overflow: undefined });
// An iterator's value may be undefined (the iterators are generators, not \`any\`-valued).
const first = pq[Symbol.iterator]().next().value;
// @ts-expect-error possibly undefined
void first.name;
// The default codec fits a typed structure.
PriorityQueue.restore<{ name: string }>(pq.snapshot({ codec: jsonCodec }), { codec: jsonCodec });
// @ts-expect-error initSync cannot fetch
initSync({ url: 'x.wasm' });
// @ts-expect-error a revision is anything but undefined
new History<string | undefined>().push(undefined);
export const used = [next, q.size, FlatschedError, core];
`;
    const cjs = `import flatsched = require('flatsched');
const stack = new flatsched.Stack<string>({ limit: 3 });
stack.push('v1');
const top: string | undefined = stack.peek();
// @ts-expect-error Stack has no shift
stack.shift();
// @ts-expect-error flatsched/slim is an ES module only, as Node resolves it
import slim = require('flatsched/slim');
void slim;
export = top;
`;
    writeFileSync(join(consumer, 'esm.mts'), esm);
    writeFileSync(join(consumer, 'cjs.cts'), cjs);
    writeFileSync(join(consumer, 'bundler.ts'), esm);
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const check = (name: string, module: string, moduleResolution: string, files: string[]) => {
      const compilerOptions = { noEmit: true, strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false, skipDefaultLibCheck: true, target: 'es2022', lib: ['es2022', 'dom'], types: [], module, moduleResolution };
      writeFileSync(join(consumer, name), JSON.stringify({ compilerOptions, files }));
      try {
        execFileSync(process.execPath, [tsc, '-p', name], { cwd: consumer, encoding: 'utf8' });
      } catch (error) {
        throw new Error(`tsc -p ${name} failed:\n${(error as { stdout?: string }).stdout ?? error}`);
      }
    };
    check('tsconfig.nodenext.json', 'nodenext', 'nodenext', ['esm.mts', 'cjs.cts']);
    // node16 has no require(esm): `require` must resolve to declarations TypeScript reads as CJS.
    check('tsconfig.node16.json', 'node16', 'node16', ['esm.mts', 'cjs.cts']);
    check('tsconfig.bundler.json', 'esnext', 'bundler', ['bundler.ts']);
  });
});
