import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const tsx = new URL('node_modules/tsx/dist/cli.mjs', root).pathname;
const run = (file: string) => execFileSync(process.execPath, [tsx, file], { cwd: root, encoding: 'utf8', timeout: 60_000 });

/** What an example's trailing comments say it prints: the `// ` lines after its last statement. */
function promisedOutput(path: string): string {
  const lines = read(path).trimEnd().split('\n');
  const tail: string[] = [];
  for (let i = lines.length - 1; i >= 0 && lines[i]!.startsWith('// '); i--) tail.unshift(lines[i]!.slice(3));
  return tail.join('\n') + '\n';
}

describe('docs/scheduler.md', () => {
  const blocks = [...read('docs/scheduler.md').matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```/g)].map((m) => [m[1]!, m[2]!] as const);

  it('shows the four scheduler examples word for word', () => {
    expect(blocks.map(([path]) => path)).toEqual(['examples/scheduler-ci-priority.ts', 'examples/scheduler-deploy-retry.ts', 'examples/scheduler-dead-letters.ts', 'examples/scheduler-time-limits.ts']);
    for (const [path, code] of blocks) expect(code).toBe(read(path));
  });

  it('CI/CD jobs by priority prints the order its comments say', () => {
    expect(run('examples/scheduler-ci-priority.ts')).toBe(promisedOutput('examples/scheduler-ci-priority.ts'));
  });

  it('the delayed retry of a failed deploy prints what its comments say', () => {
    expect(run('examples/scheduler-deploy-retry.ts')).toBe(promisedOutput('examples/scheduler-deploy-retry.ts'));
  });

  it('time limits per job print what their comments say', () => {
    expect(run('examples/scheduler-time-limits.ts')).toBe(promisedOutput('examples/scheduler-time-limits.ts'));
  });

  it('the dead-letter inspection prints what its comments say', () => {
    const output = run('examples/scheduler-dead-letters.ts');
    const promised = read('examples/scheduler-dead-letters.ts')
      .split('\n')
      .filter((line) => /^\/\/ (delivered|dead:|globex-1|initech-1|purged|\{)/.test(line))
      .map((line) => line.slice(3));
    expect(output).toBe(promised.join('\n') + '\n');
  });
});
