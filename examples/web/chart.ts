import type { PipelineEvent, Sample } from './pipeline.js';

export const COLORS = {
  critical: '#f2605c',
  normal: '#4ea1ff',
  batch: '#7f8c9d',
  delayed: '#f5b942',
  inFlight: '#3fcf8e',
  grid: '#262d38',
  axis: '#8b96a5',
  deploy: '#4ea1ff',
  rollback: '#f2605c',
  crash: '#f5b942',
  burst: '#7f8c9d',
} as const;

const AREAS = [
  { index: 0, color: COLORS.critical },
  { index: 1, color: COLORS.normal },
  { index: 2, color: COLORS.batch },
] as const;

const MARGIN = { top: 22, right: 12, bottom: 22, left: 38 };

/**
 * Queue depth over the last minute on a canvas: waiting jobs stacked by priority (critical at the
 * bottom), jobs in retry backoff and jobs in flight as lines, and a marker at each deploy, rollback,
 * crash and burst.
 */
export class QueueDepthChart {
  readonly #canvas: HTMLCanvasElement;
  readonly #context: CanvasRenderingContext2D;
  readonly #window: number;

  constructor(canvas: HTMLCanvasElement, windowMs: number) {
    this.#canvas = canvas;
    this.#context = canvas.getContext('2d')!;
    this.#window = windowMs;
  }

  draw(samples: readonly Sample[], events: Iterable<PipelineEvent>, now: number): void {
    const { width, height } = this.#resize();
    const ctx = this.#context;
    ctx.clearRect(0, 0, width, height);
    const plot = { x: MARGIN.left, y: MARGIN.top, w: width - MARGIN.left - MARGIN.right, h: height - MARGIN.top - MARGIN.bottom };
    const start = now - this.#window;
    const peak = samples.reduce((most, s) => Math.max(most, s.waiting[0] + s.waiting[1] + s.waiting[2], s.delayed, s.inFlight), 0);
    const tick = niceStep(Math.max(peak, 10) / 4);
    const top = Math.ceil(Math.max(peak, 10) / tick) * tick;
    const x = (at: number) => plot.x + ((at - start) / this.#window) * plot.w;
    const y = (value: number) => plot.y + plot.h - (value / top) * plot.h;

    this.#grid(plot, top, tick, y);

    // Stacked areas: each band is drawn from its own top down to the top of the band below it.
    const visible = samples.filter((s) => s.at >= start - 1_000);
    for (const area of AREAS) {
      if (visible.length < 2) break;
      const below = (s: Sample) => s.waiting.slice(0, area.index).reduce((a, b) => a + b, 0);
      ctx.beginPath();
      visible.forEach((s, i) => (i === 0 ? ctx.moveTo : ctx.lineTo).call(ctx, x(s.at), y(below(s) + s.waiting[area.index])));
      for (let i = visible.length - 1; i >= 0; i--) ctx.lineTo(x(visible[i]!.at), y(below(visible[i]!)));
      ctx.closePath();
      ctx.fillStyle = area.color + 'b0';
      ctx.fill();
    }
    this.#line(visible, (s) => s.inFlight, COLORS.inFlight, x, y);
    this.#line(visible, (s) => s.delayed, COLORS.delayed, x, y);
    this.#markers(plot, events, start, x);

    ctx.fillStyle = COLORS.axis;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (let ago = this.#window; ago >= 0; ago -= 10_000) {
      ctx.fillText(ago === 0 ? 'now' : `−${ago / 1000}s`, x(now - ago), plot.y + plot.h + 6);
    }
  }

  #grid(plot: Plot, top: number, tick: number, y: (value: number) => number): void {
    const ctx = this.#context;
    ctx.strokeStyle = COLORS.grid;
    ctx.lineWidth = 1;
    ctx.fillStyle = COLORS.axis;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let value = 0; value <= top; value += tick) {
      const at = Math.round(y(value)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(plot.x, at);
      ctx.lineTo(plot.x + plot.w, at);
      ctx.stroke();
      ctx.fillText(String(value), plot.x - 6, at);
    }
  }

  #markers(plot: Plot, events: Iterable<PipelineEvent>, start: number, x: (at: number) => number): void {
    const ctx = this.#context;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    // Labels go on the first of three rows where they do not overlap the previous label.
    const rowEnds = [-Infinity, -Infinity, -Infinity];
    for (const event of events) {
      if (event.mark === undefined || event.at < start) continue;
      const color = markerColor(event.kind);
      const at = Math.round(x(event.at)) + 0.5;
      ctx.strokeStyle = color;
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.moveTo(at, plot.y);
      ctx.lineTo(at, plot.y + plot.h);
      ctx.stroke();
      ctx.setLineDash([]);
      const row = rowEnds.findIndex((end) => at + 3 > end + 6);
      if (row === -1) continue;
      ctx.fillStyle = color;
      ctx.fillText(event.mark, at + 3, plot.y - 4 + 14 * row);
      rowEnds[row] = at + 3 + ctx.measureText(event.mark).width;
    }
  }

  #line(samples: readonly Sample[], value: (s: Sample) => number, color: string, x: (at: number) => number, y: (v: number) => number): void {
    if (samples.length < 2) return;
    const ctx = this.#context;
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    samples.forEach((s, i) => (i === 0 ? ctx.moveTo : ctx.lineTo).call(ctx, x(s.at), y(value(s))));
    ctx.stroke();
    ctx.lineWidth = 1;
  }

  /** Matches the backing store to the element's size and the screen's pixel ratio. */
  #resize(): { width: number; height: number } {
    const canvas = this.#canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    this.#context.setTransform(ratio, 0, 0, ratio, 0, 0);
    return { width, height };
  }
}

interface Plot {
  x: number;
  y: number;
  w: number;
  h: number;
}

function markerColor(kind: PipelineEvent['kind']): string {
  switch (kind) {
    case 'rollback':
      return COLORS.rollback;
    case 'crash':
    case 'recover':
      return COLORS.crash;
    case 'deploy':
      return COLORS.deploy;
    default:
      return COLORS.burst;
  }
}

/** The smallest of 1, 2, 5 × 10^k at or above `value`, so that gridlines fall on round numbers. */
function niceStep(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5]) if (step * power >= value) return step * power;
  return 10 * power;
}
