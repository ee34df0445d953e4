/**
 * Loading: the module is compiled once per realm and shared by every arena.
 *
 * Without `init`, the first structure compiles the embedded bytes synchronously, which Node, Deno,
 * Bun and Chromium allow for a module this small. Runtimes that forbid compiling bytes (workerd,
 * pages whose CSP lacks `wasm-unsafe-eval`) need `await init({ module })` with a module they
 * compiled or imported themselves.
 */
import { StateError, InvalidArgumentError, describe } from './errors.js';
import { wasmBase64 } from './wasm.generated.js';

export interface InitSyncOptions {
  /** A module already compiled (workerd's `import wasm from 'flatsched/wasm'`, a cache, …). */
  readonly module?: WebAssembly.Module | undefined;
  /** The `.wasm` bytes, compiled here. */
  readonly bytes?: BufferSource | undefined;
}

export interface InitOptions extends InitSyncOptions {
  /** Where to fetch the `.wasm` from: uses `compileStreaming` when it can. */
  readonly url?: string | URL | undefined;
}

let compiled: WebAssembly.Module | undefined;

function embeddedBytes(where: string): Uint8Array<ArrayBuffer> {
  // The slim build (`flatsched/slim`) ships without the bytes: the caller provides the core.
  if (wasmBase64 === '') {
    throw new StateError(
      `${where}: this build of flatsched carries no embedded core; load it first with ` +
        "`await init({ url })` (the URL your server or bundler gives the package's flatsched.wasm, e.g. Vite's `flatsched/wasm?url`), " +
        '`await init({ module })`, or `initSync({ bytes })` (in Node: the bytes of `fileURLToPath(import.meta.resolve(\'flatsched/wasm\'))`)',
    );
  }
  const text = atob(wasmBase64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function checkOptions(where: string, options: InitOptions | undefined): InitOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`${where}: expected an options object, got ${describe(options)}`);
  }
  if (options.module !== undefined && !(options.module instanceof WebAssembly.Module)) {
    throw new InvalidArgumentError(`${where}: expected \`module\` to be a WebAssembly.Module, got ${describe(options.module)}`);
  }
  return options;
}

/** Compiles (or adopts) the core module synchronously. Later calls keep the first module. */
export function initSync(options?: InitSyncOptions): void {
  const { module, bytes, url } = checkOptions('initSync', options);
  if (compiled) return;
  if (url !== undefined) throw new InvalidArgumentError('initSync: `url` needs the async `init()`');
  compiled = module ?? compileNow(bytes ?? embeddedBytes('initSync'));
}

/** Compiles (or adopts, or fetches) the core module. Required where sync compilation is forbidden. */
export async function init(options?: InitOptions): Promise<void> {
  const { module, bytes, url } = checkOptions('init', options);
  if (compiled) return;
  let result: WebAssembly.Module;
  if (module) result = module;
  else if (url !== undefined) result = await compileUrl(url);
  else {
    const source = bytes ?? embeddedBytes('init');
    result = await WebAssembly.compile(source).catch((error: unknown) => {
      throw refused(error, source);
    });
  }
  compiled ??= result;
}

async function compileUrl(url: string | URL): Promise<WebAssembly.Module> {
  const response = await fetch(url);
  if (!response.ok) throw new StateError(`init: fetching ${String(url)} failed with HTTP ${response.status}`);
  // compileStreaming insists on `Content-Type: application/wasm`; fall back to bytes otherwise.
  if (typeof WebAssembly.compileStreaming === 'function' && response.headers.get('content-type')?.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

function compileNow(bytes: BufferSource): WebAssembly.Module {
  try {
    return new WebAssembly.Module(bytes);
  } catch (error) {
    throw refused(error, bytes);
  }
}

/**
 * Bytes that validate but do not compile mean the runtime refused to compile (workerd; a page whose
 * CSP lacks 'wasm-unsafe-eval'; a main thread with a size limit): say what to do instead.
 */
function refused(error: unknown, bytes: BufferSource): unknown {
  if (error instanceof WebAssembly.CompileError && !WebAssembly.validate(bytes)) return error;
  return new StateError(
    'flatsched: this runtime does not allow compiling WebAssembly here; ' +
      'call `await init()` where async compilation is allowed, or `await init({ module })` with a module the runtime compiled ' +
      "(workerd: `import wasm from 'flatsched/wasm'`); on a page, a Content-Security-Policy must allow 'wasm-unsafe-eval'",
    { cause: error },
  );
}

/** The compiled module, compiling the embedded one now if nobody did. */
export function coreModule(): WebAssembly.Module {
  if (!compiled) compiled = compileNow(embeddedBytes('flatsched'));
  return compiled;
}
