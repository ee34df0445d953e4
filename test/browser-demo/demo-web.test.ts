import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPage, serve, type StaticServer } from '../../scripts/demo-web.js';

// `npm run demo:web` on the Node side: the page builds, and the server hands the browser each file
// with the content type it needs (a module script, and application/wasm for compileStreaming).
describe('npm run demo:web', () => {
  let scratch: string;
  let server: StaticServer;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'flatsched-demo-web-'));
    // A file beside the served directory, which no URL may reach.
    writeFileSync(join(scratch, 'secret.css'), 'body { color: red }');
    server = await serve(await buildPage(join(scratch, 'web')));
  });

  afterAll(async () => {
    await server?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const get = (path: string) => fetch(new URL(path, server.url));

  it('listens on 127.0.0.1 on the port it was given (0: a free one)', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*\/$/);
  });

  it('serves the page as HTML, loading the bundle as a module script', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('<script type="module" src="main.js"></script>');
    expect(html).toContain('<canvas id="depth"></canvas>');
  });

  it('serves every file the page refers to', async () => {
    const html = await (await get('/')).text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(assets).toEqual(expect.arrayContaining(['main.js', 'style.css']));
    for (const asset of assets) expect((await get(asset)).status, asset).toBe(200);
  });

  it('serves the bundle as JavaScript; it fetches the core as flatsched.wasm', async () => {
    const response = await get('main.js');
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const script = await response.text();
    expect(script).toContain('"flatsched.wasm"');
    expect((await get('style.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('serves the core as application/wasm, the release build, which compiles while streaming', async () => {
    const response = await get('flatsched.wasm');
    expect(response.headers.get('content-type')).toBe('application/wasm');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(Buffer.from(bytes).equals(readFileSync(new URL('../../build/release.wasm', import.meta.url)))).toBe(true);
    // What init({ url }) does in the page: compileStreaming refuses any other content type.
    const module = await WebAssembly.compileStreaming(get('flatsched.wasm'));
    expect(WebAssembly.Module.exports(module).length).toBeGreaterThan(0);
  });

  it('answers 404 for a missing file and for paths that climb out of its directory', async () => {
    for (const path of ['missing.js', '..%2fsecret.css', '%2e%2e%2fsecret.css', 'web/..%2f..%2fsecret.css']) {
      const response = await fetch(server.url + path);
      expect(response.status, path).toBe(404);
      await response.arrayBuffer();
    }
  });
});
