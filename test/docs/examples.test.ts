import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const tsx = new URL('node_modules/tsx/dist/cli.mjs', root).pathname;

describe('docs that run', () => {
  it("the README's quick start is examples/quick-start.ts, word for word", () => {
    const readme = read('README.md');
    const block = /## Quick start\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(read('examples/quick-start.ts'));
  });

  const examples = readdirSync(new URL('examples/', root)).filter((f) => f.endsWith('.ts') && f !== 'demo.ts');
  it.each(examples)('examples/%s runs to completion', (file) => {
    const output = execFileSync(process.execPath, [tsx, `examples/${file}`], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(output.length).toBeGreaterThan(0);
  });

  const blocks = [...read('README.md').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  it.each(blocks.map((code, i) => [i + 1, code] as const))('README code block %i runs as pasted', (i, code) => {
    const dir = new URL('build/readme/', root);
    mkdirSync(dir, { recursive: true });
    writeFileSync(new URL(`block-${i}.ts`, dir), code);
    execFileSync(process.execPath, [tsx, `build/readme/block-${i}.ts`], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  });

  it('the quick start prints what its comments say', () => {
    const output = execFileSync(process.execPath, [tsx, 'examples/quick-start.ts'], { cwd: root, encoding: 'utf8' });
    expect(output).toBe('deploy hotfix → run tests → deploy staging\nresize image 1 | 1 left\nrunning v1.4.1\n');
  });
});
