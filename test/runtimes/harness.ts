// Runs the behavioural checks (behaviour.mjs) in another runtime and turns each check into a
// vitest test, so every runtime's results are counted and reported like the node suite's.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, it } from 'vitest';
import { checks, type CheckResult } from './behaviour.mjs';

export const root = fileURLToPath(new URL('../../', import.meta.url));

/** Fails with the build command when dist/ is missing, instead of a confusing import error. */
export function requireDist(): void {
  if (!existsSync(`${root}dist/index.js`)) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does it in pretest)');
}

/** A binary of a dev dependency, or an error that says how to get it. */
export function binary(name: string): string {
  const path = `${root}node_modules/.bin/${name}`;
  if (!existsSync(path)) throw new Error(`${name} is not installed: run \`npm ci\` (it is a devDependency)`);
  return path;
}

/** Runs a command and parses the JSON its stdout's last line holds. */
export function runJson(file: string, args: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: root, timeout: 120_000, maxBuffer: 16 << 20, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${file} ${args.join(' ')} printed no result${error ? ` (${error.message})` : ''}\nstdout: ${stdout}\nstderr: ${stderr}`));
      }
    });
  });
}

/** One test per check, reading the results that `load` produces once for the whole file. */
export function describeChecks(title: string, load: () => Promise<CheckResult[]>): void {
  describe(title, () => {
    let results = new Map<string, CheckResult>();
    let loadError: unknown;
    beforeAll(async () => {
      try {
        results = new Map((await load()).map((result) => [result.name, result]));
      } catch (error) {
        loadError = error;
      }
    });
    for (const check of checks) {
      it(check.name, (context) => {
        if (loadError) throw loadError;
        const result = results.get(check.name);
        if (!result) throw new Error(`the runtime reported no result for this check`);
        if (result.skipped) return context.skip(result.skipped);
        if (!result.ok) throw new Error(result.message);
      });
    }
  });
}
