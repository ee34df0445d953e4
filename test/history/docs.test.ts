import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const tsx = new URL('node_modules/tsx/dist/cli.mjs', root).pathname;
const run = (file: string) => execFileSync(process.execPath, [tsx, file], { cwd: root, encoding: 'utf8', timeout: 60_000 });

describe('docs/history.md', () => {
  const blocks = [...read('docs/history.md').matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```/g)].map((m) => [m[1]!, m[2]!] as const);

  it('shows the three history examples word for word', () => {
    expect(blocks.map(([path]) => path)).toEqual(['examples/history-rollback.ts', 'examples/history-undo.ts', 'examples/history-backtracking.ts']);
    for (const [path, code] of blocks) expect(code).toBe(read(path));
  });

  it('the rollback example prints what its comments say', () => {
    expect(run('examples/history-rollback.ts')).toBe(
      [
        'would roll back to 1.4.2', 'running 1.4.2',
        'r2 1.4.2 deployed (fix checkout rounding)', 'r1 1.4.1 superseded (initial release)',
        'r4 1.4.2 deployed (rollback to 2)', 'r3 1.5.0 failed', 'r2 1.4.2 superseded', 'r1 1.4.1 superseded',
        '',
      ].join('\n'),
    );
  });

  it('the undo example prints what its comments say', () => {
    expect(run('examples/history-undo.ts')).toBe(
      [
        "{ timeoutMs: 200, retries: 3, region: 'eu-west' }",
        "{ timeoutMs: 5000, retries: 3, region: 'eu-west' }",
        "{ timeoutMs: 200, retries: 3, region: 'eu-west' }",
        'false',
        "{ timeoutMs: 5000, retries: 3, region: 'eu-west' }",
        'r4 deployed: move region | r2 superseded: tighter timeout | r1 superseded: defaults',
        '',
      ].join('\n'),
    );
  });

  it('the backtracking example prints what its comments say', () => {
    expect(run('examples/history-backtracking.ts')).toBe(
      [
        'failed: backfill timed out', '  revert backfill orders.discount', '  revert add column orders.discount',
        'create table orders', 'add index orders_by_customer', '—checkpoint—', 'add column orders.coupon', '—checkpoint—',
        '',
      ].join('\n'),
    );
  });
});
