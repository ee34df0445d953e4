import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const tsx = new URL('node_modules/tsx/dist/cli.mjs', root).pathname;
const run = (file: string) => execFileSync(process.execPath, [tsx, file], { cwd: root, encoding: 'utf8', timeout: 60_000 });

/** The code blocks of a doc page that stand for example files: `<!-- example: path -->` + block. */
function exampleBlocks(doc: string): [path: string, code: string][] {
  return [...read(doc).matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```/g)].map((m) => [m[1]!, m[2]!]);
}

describe('docs/balancer.md', () => {
  const blocks = exampleBlocks('docs/balancer.md');

  it('shows both balancer examples word for word', () => {
    expect(blocks.map(([path]) => path)).toEqual(['examples/balancer-deploy.ts', 'examples/balancer-strategies.ts']);
    for (const [path, code] of blocks) expect(code).toBe(read(path));
  });

  it('the deploy example prints what its comments say', () => {
    expect(run('examples/balancer-deploy.ts')).toBe(
      [
        'api → build-1', 'web → build-2', 'auth → build-3', 'billing → build-1',
        'search → build-2', 'mail → build-3', 'cdn → build-1', 'docs → build-1',
        'monorepo → build-1', 'hotfix → build-3',
        'build-1: load 6/6, 4 running, 5 so far',
        'build-2: load 1/3, 1 running, 2 so far, draining',
        'build-3: load 3/3, 3 running, 3 so far',
        '',
      ].join('\n'),
    );
  });

  it('the strategies example prints what its comments say', () => {
    expect(run('examples/balancer-strategies.ts')).toBe(
      [
        'eu-1 eu-2 eu-1 us-1 eu-2 eu-1',
        'primary-b primary-b',
        'standby',
        "new server's share: 5% at 0 s",
        "new server's share: 20% at 15 s",
        "new server's share: 33% at 30 s",
        'p2c: 5000 tasks on 50 workers, busiest 102, idlest 98',
        '',
      ].join('\n'),
    );
  });
});
