import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { Arena, init, initSync, InvalidArgumentError, NumericQueue, PriorityQueue } from '../../src/index.js';
import { builds } from '../helpers/builds.js';

const releaseBytes = readFileSync(new URL('../../build/release.wasm', import.meta.url));
/** The smallest valid module: no exports at all. */
const emptyModule = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/** The loader as a fresh copy, nothing compiled yet. */
async function freshLoader() {
  vi.resetModules();
  return import('../../src/index.js');
}

describe('loading', () => {
  it('works with no init at all in Node (the embedded module compiles synchronously)', () => {
    const pq = new PriorityQueue<string>();
    pq.push('ok', 1);
    expect(pq.pop()).toBe('ok');
  });

  it('init and initSync accept a precompiled module, and are idempotent', async () => {
    await expect(init({ module: builds.release })).resolves.toBeUndefined();
    expect(() => initSync({ module: builds.release })).not.toThrow();
    await expect(init()).resolves.toBeUndefined();
  });

  it('reject options of the wrong shape with InvalidArgumentError', async () => {
    await expect(init({ module: 5 as never })).rejects.toThrow(InvalidArgumentError);
    expect(() => initSync({ module: {} as never })).toThrow(/expected `module` to be a WebAssembly.Module/);
    expect(() => initSync('x' as never)).toThrow(InvalidArgumentError);
  });

  it('refuse bytes that are no buffer, and bytes or a module that are not the core, before keeping anything', async () => {
    const lib = await freshLoader();
    for (const bytes of ['hello', 42, [0, 97, 115, 109], {}]) {
      expect(() => lib.initSync({ bytes: bytes as never })).toThrow(/initSync: expected `bytes` to be an ArrayBuffer or a view of one/);
      await expect(lib.init({ bytes: bytes as never })).rejects.toThrow(lib.InvalidArgumentError);
    }
    expect(() => lib.initSync({ bytes: new Uint8Array([1, 2, 3]) })).toThrow(/^initSync: `bytes` is not a WebAssembly module/);
    await expect(lib.init({ bytes: new Uint8Array([1, 2, 3]) })).rejects.toThrow(/^init: `bytes` is not a WebAssembly module/);
    const detached = new Uint8Array(16);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    expect(() => lib.initSync({ bytes: detached })).toThrow(/^initSync: `bytes` is a view of a detached ArrayBuffer/);
    await expect(lib.init({ bytes: detached })).rejects.toThrow(lib.InvalidArgumentError);
    expect(() => lib.initSync({ bytes: emptyModule })).toThrow(/initSync: `bytes` is a WebAssembly module, but not flatsched's core/);
    const empty = new WebAssembly.Module(emptyModule);
    await expect(lib.init({ module: empty })).rejects.toThrow(/init: `module` is a WebAssembly module, but not flatsched's core/);
    expect(() => new lib.Arena({ module: empty })).toThrow(lib.InvalidArgumentError);
    // nothing was kept: the core loads afterwards
    lib.initSync({ bytes: new DataView(releaseBytes.buffer, releaseBytes.byteOffset, releaseBytes.byteLength) });
    const q = new lib.NumericQueue();
    q.push(7);
    expect(q.shift()).toBe(7);
    // Once the core is compiled, later calls keep it, and still refuse bytes that are not WebAssembly.
    expect(() => lib.initSync({ bytes: new Uint8Array([1, 2, 3]) })).toThrow(/^initSync: `bytes` is not a WebAssembly module/);
    await expect(lib.init({ bytes: new Uint8Array([1, 2, 3]) })).rejects.toThrow(/^init: `bytes` is not a WebAssembly module/);
    expect(() => lib.initSync({ bytes: releaseBytes })).not.toThrow();
  });

  it('init({ url }): a runtime that refuses to compile gives the StateError that says to pass { module }; a fetch that fails, a StateError naming the URL', async () => {
    const lib = await freshLoader();
    // Node's fetch compiles its own HTTP parser (Wasm) when first loaded: load it before the spies.
    await new Response('warm-up').arrayBuffer();
    const served = (type: string) => vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response(new Uint8Array(releaseBytes), { headers: { 'content-type': type } }));
    // workerd: no compileStreaming, and compile refused for valid bytes
    const fetching = served('application/wasm');
    const refuse = (message: string) => async () => {
      throw new WebAssembly.CompileError(message);
    };
    const compile = vi.spyOn(WebAssembly, 'compile').mockImplementation(refuse('WebAssembly.compile(): Wasm code generation disallowed by embedder'));
    const streaming = vi.spyOn(WebAssembly, 'compileStreaming').mockImplementation(refuse('Refused to compile: wasm-unsafe-eval'));
    try {
      await expect(lib.init({ url: 'https://example.test/flatsched.wasm' })).rejects.toThrow(lib.StateError);
      await expect(lib.init({ url: 'https://example.test/flatsched.wasm' })).rejects.toThrow(/pass|init\(\{ module \}\)/);
      fetching.mockRestore();
      served('text/plain');
      await expect(lib.init({ url: 'https://example.test/flatsched.wasm' })).rejects.toThrow(/does not allow compiling WebAssembly here/);
    } finally {
      vi.restoreAllMocks();
    }
    expect(compile).toHaveBeenCalled();
    expect(streaming).toHaveBeenCalled();
    vi.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('fetch failed'));
    try {
      await expect(lib.init({ url: 'file:///tmp/flatsched.wasm' })).rejects.toThrow(/init: fetching file:\/\/\/tmp\/flatsched.wasm failed \(fetch failed\); .*\{ bytes \}/);
    } finally {
      vi.restoreAllMocks();
    }
    await expect(lib.init({ url: 'file:///tmp/flatsched.wasm' })).rejects.toThrow(lib.StateError);
  });

  it('accept a module compiled in another realm (a vm context), as Arena does', async () => {
    const foreign = runInNewContext('new WebAssembly.Module(bytes)', { bytes: new Uint8Array(releaseBytes) }) as WebAssembly.Module;
    expect(foreign).not.toBeInstanceOf(WebAssembly.Module);
    const lib = await freshLoader();
    await expect(lib.init({ module: foreign })).resolves.toBeUndefined();
    expect(() => initSync({ module: foreign })).not.toThrow();
    const q = new NumericQueue({ arena: new Arena({ module: foreign }) });
    q.push(3);
    expect(q.shift()).toBe(3);
  });
});
