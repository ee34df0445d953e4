/** What the console shows while the suite runs: one block per case, ours marked, ratios beside them. */
import type { CaseResult } from './harness.js';

export function formatSize(size: number): string {
  if (size >= 1e6 && size % 1e6 === 0) return `${size / 1e6}M`;
  if (size >= 1e3 && size % 1e3 === 0) return `${size / 1e3}k`;
  return String(size);
}

/** Nanoseconds with three significant digits, in µs or ms once they get large. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  if (ns >= 999.5e3) return `${(ns / 1e6).toPrecision(3)} ms`;
  if (ns >= 999.5) return `${(ns / 1e3).toPrecision(3)} µs`;
  return `${ns.toPrecision(3)} ns`;
}

/** Two decimals, or two significant digits below 0.1× (so 0.004× does not read as 0.00×). */
export function formatRatio(ratio: number | undefined): string {
  if (ratio === undefined) return '';
  return `${ratio < 0.1 ? ratio.toPrecision(2) : ratio.toFixed(2)}×`;
}

/** `0.81–1.20×`: the lowest and highest ratio of a single round. */
export function formatRatioRange([low, high]: readonly [number, number]): string {
  return `${formatRatio(low).slice(0, -1)}–${formatRatio(high)}`;
}

export function printCase(result: CaseResult, seconds: number): void {
  console.log(`\n${result.suite} · ${result.workload} · N=${formatSize(result.size)}  (per ${result.operation}; ${seconds.toFixed(1)} s)`);
  const width = Math.max(...result.results.map((r) => r.name.length)) + 2;
  for (const r of result.results) {
    const mark = r.ours ? '*' : ' ';
    if (r.error) {
      console.log(`  ${mark} ${r.name.padEnd(width)} failed: ${r.error}`);
      continue;
    }
    const spread = `p25–p75 ${formatNs(r.p25)}–${formatNs(r.p75)}, min–max ${formatNs(r.min)}–${formatNs(r.max)}`;
    const rounds = r.ratioRange === undefined ? '' : ` (rounds ${formatRatioRange(r.ratioRange)})`;
    const ratio = r.ratio === undefined ? '' : `  ${formatRatio(r.ratio)}${rounds} vs ${r.versus}`;
    console.log(`  ${mark} ${r.name.padEnd(width)} ${formatNs(r.median).padStart(9)}  ${spread}  (${r.samples} samples)${ratio}`);
  }
}
