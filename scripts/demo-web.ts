// `npm run demo:web`: builds the browser demo (examples/web/) into build/web/ and serves it on
// 127.0.0.1.
//
//   npm run demo:web                                  serve on http://127.0.0.1:8080 (or --port N)
//   npm run demo:web -- --screenshot docs/demo-web.png [--seconds 40]
//                                                     open it in headless Chromium, let the
//                                                     simulation reach 40 s, save a PNG
//
// The page imports the library's sources by its name (tsconfig maps `flatsched` to src/) and
// fetches the core as flatsched.wasm, served as application/wasm, through `init({ url })`.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PAGE = join(ROOT, 'examples/web');
const WASM = join(ROOT, 'build/release.wasm');
const GENERATED = join(ROOT, 'src/core/wasm.generated.ts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
};

/** Builds the page into `outdir`: index.html, style.css, main.js (one bundle) and flatsched.wasm. */
export async function buildPage(outdir = join(ROOT, 'build/web')): Promise<string> {
  if (!existsSync(WASM) || !existsSync(GENERATED)) {
    execFileSync(process.execPath, ['scripts/build-wasm.mjs'], { cwd: ROOT, stdio: 'inherit' });
  }
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [join(PAGE, 'main.ts')],
    outfile: join(outdir, 'main.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    tsconfig: join(ROOT, 'tsconfig.json'),
    logLevel: 'warning',
  });
  copyFileSync(join(PAGE, 'index.html'), join(outdir, 'index.html'));
  copyFileSync(join(PAGE, 'style.css'), join(outdir, 'style.css'));
  copyFileSync(WASM, join(outdir, 'flatsched.wasm'));
  return outdir;
}

export interface StaticServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the files under `root` (nothing outside it) on 127.0.0.1; port 0 picks a free one. */
export function serve(root: string, port = 0): Promise<StaticServer> {
  const base = resolve(root);
  const server = createServer(async (request, response) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    } catch {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('bad request\n');
      return;
    }
    const file = resolve(base, '.' + (path.endsWith('/') ? path + 'index.html' : path));
    const type = CONTENT_TYPES[extname(file)];
    const inside = file.startsWith(base + sep);
    if (!inside || type === undefined || !(await stat(file).then((s) => s.isFile(), () => false))) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${path}\n`);
      return;
    }
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(await readFile(file));
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo;
      done({
        url: `http://127.0.0.1:${bound}/`,
        close: () => new Promise<void>((closed) => server.close(() => closed())),
      });
    });
  });
}

/** Opens `url` in headless Chromium, waits until the simulation reaches `seconds`, saves a PNG. */
export async function screenshot(url: string, file: string, seconds: number): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`demo-web: no Chromium at ${CHROMIUM}; sudo apt-get update && sudo apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Fast enough to reach `seconds` of simulated time in a few seconds of real time.
    const speed = Math.max(1, Math.ceil(seconds / 8));
    await page.goto(`${url}?speed=${speed}`);
    await page.waitForFunction((target) => Number(document.body.dataset.time) >= target, seconds, { timeout: 60_000 });
    if (errors.length > 0) throw new Error(`demo-web: the page threw: ${errors.join('; ')}`);
    await page.screenshot({ path: file, fullPage: true });
  } finally {
    await browser.close();
  }
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

async function main(args: string[]): Promise<void> {
  const outdir = await buildPage();
  const shot = option(args, '--screenshot');
  if (shot !== undefined) {
    const server = await serve(outdir);
    try {
      await screenshot(server.url, resolve(shot), Number(option(args, '--seconds') ?? 40));
      console.log(`demo-web: saved ${shot}`);
    } finally {
      await server.close();
    }
    return;
  }
  const server = await serve(outdir, Number(option(args, '--port') ?? 8080));
  console.log(`demo-web: serving ${outdir} on ${server.url} (Ctrl+C to stop)`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
