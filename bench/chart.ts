/**
 * The ratio chart: one horizontal bar per (case, our contender), on a log scale centred on 1×, so
 * "twice as fast" and "twice as slow" are bars of equal length on either side. Hand-written SVG:
 * a few rectangles and labels need no library.
 */
import type { Results } from './results.js';
import { formatRatio, formatRatioRange, formatSize } from './print.js';

const ROW = 16;
const LABEL_WIDTH = 470;
const PLOT_WIDTH = 380;
const VALUE_WIDTH = 70;
const TOP = 58;
const FASTER = '#2f8f4e';
const SLOWER = '#c8553d';

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

interface Bar {
  readonly label: string;
  readonly ratio: number;
  readonly range: readonly [number, number] | undefined;
  readonly versus: string;
}

export function renderChart(results: Results): string {
  const groups = new Map<string, Bar[]>();
  for (const c of results.cases) {
    for (const r of c.results) {
      if (!r.ours || r.ratio === undefined) continue;
      const bars = groups.get(c.suite) ?? [];
      bars.push({ label: `${r.name} · ${c.workload} · N=${formatSize(c.size)}`, ratio: r.ratio, range: r.ratioRange, versus: r.versus ?? '' });
      groups.set(c.suite, bars);
    }
  }
  const all = [...groups.values()].flat();
  // At least 0.1×–10×, at most 0.01×–100×: a bar beyond is drawn to the edge, its label says how far.
  const low = Math.max(-2, Math.floor(Math.log10(Math.min(0.1, ...all.map((b) => b.range?.[0] ?? b.ratio)))));
  const high = Math.min(2, Math.ceil(Math.log10(Math.max(10, ...all.map((b) => b.range?.[1] ?? b.ratio)))));
  const x = (ratio: number) => {
    const at = Math.min(high, Math.max(low, Math.log10(ratio)));
    return LABEL_WIDTH + ((at - low) / (high - low)) * PLOT_WIDTH;
  };

  const rows = all.length + groups.size;
  const height = TOP + rows * ROW + 30;
  const width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="11">`);
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="8" y="18" font-size="14" font-weight="600">flatsched vs the fastest JS baseline of the same kind (log scale; right of 1× = faster)</text>`);
  const whiskers = all.some((b) => b.range !== undefined) ? ' · whiskers: lowest and highest ratio of a single round' : '';
  parts.push(`<text x="8" y="36" fill="#555">${escape(`${results.date} · ${results.machine.cpus} × ${results.machine.cpuModel} · Node ${results.machine.node} · ${results.command}${whiskers}`)}</text>`);

  const bottom = TOP + rows * ROW;
  const ticks: number[] = [0.5, 2];
  for (let e = low; e <= high; e++) ticks.push(10 ** e);
  for (const tick of ticks) {
    const at = x(tick).toFixed(1);
    parts.push(`<line x1="${at}" y1="${TOP - 6}" x2="${at}" y2="${bottom}" stroke="${tick === 1 ? '#333' : '#e3e3e3'}" stroke-width="${tick === 1 ? 1.2 : 1}"/>`);
    parts.push(`<text x="${at}" y="${bottom + 14}" text-anchor="middle" fill="#555">${tick}×</text>`);
  }

  let y = TOP;
  for (const [suite, bars] of groups) {
    parts.push(`<text x="8" y="${y + 12}" font-weight="600">${escape(suite)}</text>`);
    y += ROW;
    for (const bar of bars) {
      const from = x(1);
      const to = x(bar.ratio);
      const left = Math.min(from, to);
      const barWidth = Math.max(1, Math.abs(to - from));
      const rounds = bar.range === undefined ? '' : ` (${formatRatioRange(bar.range)} by round)`;
      const title = `${bar.label}: ${formatRatio(bar.ratio)}${rounds} vs ${bar.versus}`;
      parts.push(`<g><title>${escape(title)}</title>`);
      parts.push(`<text x="${LABEL_WIDTH - 8}" y="${y + 11}" text-anchor="end">${escape(bar.label)}</text>`);
      parts.push(`<rect x="${left.toFixed(1)}" y="${y + 3}" width="${barWidth.toFixed(1)}" height="${ROW - 6}" fill="${bar.ratio >= 1 ? FASTER : SLOWER}"/>`);
      if (bar.range !== undefined) {
        const [from, to] = [x(bar.range[0]).toFixed(1), x(bar.range[1]).toFixed(1)];
        const mid = y + ROW / 2;
        parts.push(`<path d="M${from} ${mid}H${to}M${from} ${mid - 3}V${mid + 3}M${to} ${mid - 3}V${mid + 3}" stroke="#222" stroke-width="1" fill="none"/>`);
      }
      parts.push(`<text x="${(LABEL_WIDTH + PLOT_WIDTH + 6).toFixed(1)}" y="${y + 11}" fill="#333">${formatRatio(bar.ratio)}</text></g>`);
      y += ROW;
    }
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
