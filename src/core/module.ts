/**
 * Loading: the module is compiled once per realm and shared by every arena.
 *
 * Without `init`, the first structure compiles the embedded bytes synchronously, which Node, Deno,
 * Bun and Chromium allow for a module this small. Runtimes that forbid compiling bytes (workerd,
 * pages whose CSP lacks `wasm-unsafe-eval`) need `await init({ module })` with a module they
 * compiled or imported themselves.
 */
import { StateError, InvalidArgumentError, describe } from './errors.js';
import { optionNames, options as checkOptions } from './validate.js';
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

const INIT_OPTIONS = optionNames<InitOptions>()(['module', 'bytes', 'url']);

function checkInitOptions(where: string, given: InitOptions | undefined): InitOptions {
  const options = checkOptions(where, given, INIT_OPTIONS);
  if (options.module !== undefined) checkCoreModule(where, options.module);
  const { bytes } = options;
  if (bytes === undefined || Object.prototype.toString.call(bytes) === '[object ArrayBuffer]') return options;
  // Every engine takes a typed array; V8 refuses a DataView, so each view is given as bytes.
  if (!ArrayBuffer.isView(bytes)) {
    throw new InvalidArgumentError(`${where}: expected \`bytes\` to be an ArrayBuffer or a view of one (a Uint8Array, …), got ${describe(bytes)}`);
  }
  try {
    return { ...options, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  } catch (error) {
    // The one way a view's own fields fail to make a view: its buffer was transferred or detached.
    throw new InvalidArgumentError(`${where}: \`bytes\` is a view of a detached ArrayBuffer`, { cause: error });
  }
}

/**
 * Throws unless `module` is a compiled module of the core: checked by its tag rather than
 * `instanceof`, so that a module compiled in another realm (a vm context, a frame) passes, and by
 * an export every build has, so that another module is refused here rather than failing later.
 */
export function checkCoreModule(where: string, module: unknown, what = '`module`'): asserts module is WebAssembly.Module {
  if (Object.prototype.toString.call(module) !== '[object WebAssembly.Module]') {
    throw new InvalidArgumentError(`${where}: expected \`module\` to be a WebAssembly.Module of flatsched's core, got ${describe(module)}`);
  }
  if (!WebAssembly.Module.exports(module as WebAssembly.Module).some((e) => e.name === 'arena_init')) {
    throw new InvalidArgumentError(`${where}: ${what} is a WebAssembly module, but not flatsched's core (it does not export arena_init)`);
  }
}

/** Compiles (or adopts) the core module synchronously. Later calls keep the first module. */
export function initSync(options?: InitSyncOptions): void {
  const { module, bytes, url } = checkInitOptions('initSync', options);
  if (compiled) return keepCompiled('initSync', bytes);
  if (url !== undefined) throw new InvalidArgumentError('initSync: `url` needs the async `init()`');
  if (module) {
    compiled = module; // checked with the options
    return;
  }
  const result = compileNow('initSync', bytes ?? embeddedBytes('initSync'));
  checkCoreModule('initSync', result, '`bytes`');
  compiled = result;
}

/** Compiles (or adopts, or fetches) the core module. Required where sync compilation is forbidden. */
export async function init(options?: InitOptions): Promise<void> {
  const { module, bytes, url } = checkInitOptions('init', options);
  if (compiled) return keepCompiled('init', bytes);
  let result: WebAssembly.Module;
  if (module) result = module;
  else if (url !== undefined) result = await compileUrl(url);
  else {
    const source = bytes ?? embeddedBytes('init');
    result = await WebAssembly.compile(source).catch((error: unknown) => {
      throw refused('init', error, source, '`bytes`');
    });
  }
  // A module given was checked with the options; one compiled here is checked now.
  if (!module) checkCoreModule('init', result, url !== undefined ? `the file at ${String(url)}` : '`bytes`');
  compiled ??= result;
}

async function compileUrl(url: string | URL): Promise<WebAssembly.Module> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new StateError(
      `init: fetching ${String(url)} failed (${(error as Error)?.message ?? describe(error)}); where fetch cannot read it (a file: URL in Node), pass \`{ bytes }\``,
      { cause: error },
    );
  }
  if (!response.ok) throw new StateError(`init: fetching ${String(url)} failed with HTTP ${response.status}`);
  // compileStreaming insists on `Content-Type: application/wasm`; fall back to bytes otherwise.
  if (typeof WebAssembly.compileStreaming === 'function' && response.headers.get('content-type')?.startsWith('application/wasm')) {
    const copy = response.clone(); // read only on failure, to tell bad bytes from a refusal
    try {
      return await WebAssembly.compileStreaming(response);
    } catch (error) {
      throw refused('init', error, await copy.arrayBuffer(), `the file at ${String(url)}`);
    }
  }
  const bytes = await response.arrayBuffer();
  return WebAssembly.compile(bytes).catch((error: unknown) => {
    throw refused('init', error, bytes, `the file at ${String(url)}`);
  });
}

function compileNow(where: string, bytes: BufferSource): WebAssembly.Module {
  try {
    return new WebAssembly.Module(bytes);
  } catch (error) {
    throw refused(where, error, bytes, '`bytes`');
  }
}

/**
 * A later `init`/`initSync` keeps the module compiled first; bytes it was given are still checked
 * (as a module given is, with the options), so bad input is refused whenever it comes.
 */
function keepCompiled(where: string, bytes: BufferSource | undefined): void {
  if (bytes !== undefined && !WebAssembly.validate(bytes)) {
    throw new InvalidArgumentError(`${where}: \`bytes\` is not a WebAssembly module`);
  }
}

/**
 * What a failed compile becomes. Bytes that do not validate are bad input; bytes that validate but
 * do not compile mean the runtime refused to compile (workerd; a page whose CSP lacks
 * 'wasm-unsafe-eval'; a main thread with a size limit): say what to do instead.
 */
function refused(where: string, error: unknown, bytes: BufferSource, what: string): unknown {
  if (!WebAssembly.validate(bytes)) {
    return new InvalidArgumentError(`${where}: ${what} is not a WebAssembly module (${(error as Error)?.message ?? describe(error)})`, { cause: error });
  }
  return new StateError(
    `${where}: this runtime does not allow compiling WebAssembly here; ` +
      'call `await init()` where async compilation is allowed, or `await init({ module })` with a module the runtime compiled ' +
      "(workerd: `import wasm from 'flatsched/wasm'`); on a page, a Content-Security-Policy must allow 'wasm-unsafe-eval'",
    { cause: error },
  );
}

/** The compiled module, compiling the embedded one now if nobody did (failures named as `where`'s). */
export function coreModule(where: string): WebAssembly.Module {
  if (!compiled) compiled = compileNow(where, embeddedBytes(where));
  return compiled;
}
