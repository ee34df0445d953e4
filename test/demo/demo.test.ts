import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const scripts = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).scripts as Record<string, string>;

/** Runs `npm start`'s command as npm does (a shell, node_modules/.bin first on PATH), with stdout a pipe. */
function start(): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, PATH: `${root}node_modules/.bin${delimiter}${process.env.PATH}` };
    execFile('sh', ['-c', scripts.start!], { cwd: root, env, timeout: 30_000, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, signal: error?.signal ?? null, stdout, stderr });
    });
  });
}

describe('npm start', () => {
  it('runs every scene without a terminal, exits 0 within 30 s and prints the summary as plain lines', async () => {
    const { code, signal, stdout, stderr } = await start();
    // The output's tail goes into the comparison so that a failure shows where the demo stopped.
    const tail = stdout.split('\n').slice(-8).join('\n');
    expect({ code, signal, stderr, tail }).toEqual({ code: 0, signal: null, stderr: '', tail: expect.stringContaining('Summary: 5 scenes') });

    // Piped output is plain text: no cursor movement, no colours.
    expect(stdout).not.toMatch(/\u001b\[/);
    const summary = stdout.slice(stdout.indexOf('Summary: 5 scenes'));
    expect(summary).toMatch(/^Summary: 5 scenes in \d+\.\d\d s\n/);
    for (const scene of ['CI/CD', 'retries', 'balancer', 'tenants', 'rollback']) expect(summary).toMatch(new RegExp(`^  ${scene} +\\S`, 'm'));

    // What the scenes claim, as the output shows it.
    const started = stdout.split('\n').filter((line) => line.startsWith('  ▶ '));
    expect(started).toHaveLength(14);
    expect(started[0]).toMatch(/security patch/);
    expect(started.at(-1)).toMatch(/nightly report/);
    expect(stdout).toMatch(/out of attempts after 4, moved to the dead letters/);
    expect(stdout).toMatch(/deploy shop 1\.5\.0 to prod-eu: succeeded on attempt 1/);
    expect(summary).toMatch(/running 1\.4\.1 \(revision 4\)/);
  }, 40_000);
});
