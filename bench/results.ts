/** The JSON a run writes to bench/results/, and where the tables and the chart come from. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { CaseResult } from './harness.js';
import type { LatencyResult } from './suites/latency.js';
import type { MemoryResults } from './suites/memory.js';

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly totalMemoryBytes: number;
  readonly platform: string;
  readonly arch: string;
  readonly node: string;
  readonly v8: string;
}

export interface Results {
  /** YYYY-MM-DD, the run's day (UTC). */
  readonly date: string;
  readonly startedAt: string;
  readonly durationSeconds: number;
  /** What was run, for the docs to repeat. */
  readonly command: string;
  readonly quick: boolean;
  readonly plan: { readonly rounds: number; readonly roundTime: number; readonly warmupTime: number };
  readonly machine: Machine;
  /** 1-minute load average when the run started and when it ended: the machine is shared. */
  readonly loadAverage: { readonly start: number; readonly end: number };
  /** Package versions of ours (with its commit) and of every baseline and tool. */
  readonly versions: Record<string, string>;
  readonly cases: CaseResult[];
  readonly memory: MemoryResults | undefined;
  readonly latency: LatencyResult[] | undefined;
  /** Suites not run, and why (a class not exported yet). */
  readonly skipped: { readonly suite: string; readonly reason: string }[];
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemoryBytes: os.totalmem(),
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    node: process.version,
    v8: process.versions.v8,
  };
}

const MEASURED_PACKAGES = ['flatqueue', 'tinyqueue', 'heap-js', 'mnemonist', 'denque', 'js-sdsl', 'p-queue', 'fastq', 'tinybench'];

function packageVersion(name: string): string {
  const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

/** The commit measured, and whether the core or the library had uncommitted changes at the time. */
function commit(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git('status', '--porcelain', '--', 'assembly', 'src') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ', with uncommitted changes in assembly/ or src/' : ''}`;
  } catch {
    return 'unknown';
  }
}

export function versions(): Record<string, string> {
  const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  const result: Record<string, string> = { flatsched: `${own.version} (${commit()})` };
  for (const name of MEASURED_PACKAGES) result[name] = packageVersion(name);
  return result;
}
