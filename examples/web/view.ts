import type { RevisionStatus } from 'flatsched';
import { COLORS } from './chart.js';
import { PRIORITY_NAMES, type Pipeline, type Priority, type Sample } from './pipeline.js';

const PRIORITY_COLORS: Record<Priority, string> = { 0: COLORS.critical, 1: COLORS.normal, 2: COLORS.batch };
const STATUS_CLASS: Record<RevisionStatus, string> = {
  deployed: 'good',
  superseded: 'muted',
  failed: 'bad',
  'rolled-back': 'warn',
};

/** The panels around the chart, redrawn from the pipeline's scheduler, balancer and history. */
export class Dashboard {
  readonly #pipeline: Pipeline;

  constructor(pipeline: Pipeline) {
    this.#pipeline = pipeline;
  }

  update(latest: Sample | undefined): void {
    const p = this.#pipeline;
    text('clock', `t = ${(p.now / 1000).toFixed(1)} s`);
    text('submitted', p.totals.submitted.toLocaleString('en'));
    text('completed', p.totals.completed.toLocaleString('en'));
    text('throughput', p.throughput().toFixed(1));
    text('retries', p.totals.retries.toLocaleString('en'));
    text('dead', String(p.scheduler.deadLetters().length));
    text('release', p.releases.current?.tag ?? '–');
    this.#queues(latest);
    this.#workers();
    this.#releases();
    this.#deadLetters();
    this.#events();
  }

  #queues(latest: Sample | undefined): void {
    const p = this.#pipeline;
    const stats = p.scheduler.stats();
    text('oldest', stats.waiting > 0 ? `oldest waiting ${(stats.oldestWait / 1000).toFixed(1)} s` : 'nothing waiting');
    const slots = p.balancer.stats().reduce((sum, w) => sum + w.capacity, 0);
    const rows: [string, number, string][] = [
      ...([0, 1, 2] as const).map((priority): [string, number, string] => [`${PRIORITY_NAMES[priority]} (priority ${priority})`, latest?.waiting[priority] ?? 0, PRIORITY_COLORS[priority]]),
      ['retry backoff (delayed)', stats.delayed, COLORS.delayed],
      [`in flight (of ${slots} slots)`, stats.inFlight, COLORS.inFlight],
      ['dead letters', stats.dead, '#c678dd'],
    ];
    const scale = Math.max(20, ...rows.map((row) => row[1]));
    byId('queues').replaceChildren(
      ...rows.map(([name, count, color]) => {
        const bar = el('span', 'fill');
        bar.style.width = `${(100 * count) / scale}%`;
        bar.style.background = color;
        return el('div', 'bar', [el('span', 'name', name), el('span', 'track', [bar]), el('b', 'count', String(count))]);
      }),
    );
  }

  #workers(): void {
    const p = this.#pipeline;
    byId('workers').replaceChildren(
      ...p.balancer.stats().map((worker) => {
        const id = String(worker.id);
        const attempts = p.attemptsOn(id).sort((a, b) => a.priority - b.priority);
        const slots = Array.from({ length: worker.capacity }, (_, i) => {
          const slot = el('i', 'slot');
          const attempt = attempts[i];
          if (attempt !== undefined) {
            slot.classList.add('busy');
            slot.style.background = PRIORITY_COLORS[attempt.priority];
            slot.title = `#${attempt.id} ${attempt.kind}, attempt ${attempt.attempt}/${attempt.attempts}`;
          }
          return slot;
        });
        const warming = worker.effectiveWeight < worker.weight;
        const state = !worker.healthy ? ['down', 'bad'] : worker.draining ? ['draining', 'warn'] : warming ? [`warming ${Math.round((100 * worker.effectiveWeight) / worker.weight)}%`, 'warn'] : ['healthy', 'good'];
        return el('div', `worker${worker.healthy ? '' : ' down'}`, [
          el('span', 'name', id),
          el('span', `badge ${state[1]}`, state[0]!),
          el('span', 'slots', slots),
          el('span', 'numbers', `load ${worker.load}/${worker.capacity} · weight ${worker.weight} · ${worker.picks} picks`),
        ]);
      }),
    );
  }

  #releases(): void {
    const p = this.#pipeline;
    byId('releases').replaceChildren(
      ...p.releases.list().map((record) =>
        el('li', '', [
          el('b', '', `r${record.revision}`),
          el('span', 'tag', record.entry.tag),
          el('span', `badge ${STATUS_CLASS[record.status]}`, record.status),
          el('span', 'muted', record.reason ?? ''),
        ]),
      ),
    );
  }

  #deadLetters(): void {
    const p = this.#pipeline;
    const letters = p.scheduler.deadLetters().reverse().slice(0, 7);
    byId('dead-letters').replaceChildren(
      ...(letters.length === 0
        ? [el('li', 'muted', 'none yet')]
        : letters.map((job) => {
            const last = job.history.at(-1);
            return el('li', '', [
              el('b', '', `#${job.id}`),
              el('span', 'tag', job.payload.kind),
              el('span', 'muted', `${job.attempts} attempts · ${String(last?.reason ?? '')}`),
            ]);
          })),
    );
  }

  #events(): void {
    const p = this.#pipeline;
    const recent = p.events.toArray().slice(-8).reverse();
    byId('events').replaceChildren(
      ...recent.map((event) => el('li', `event ${event.kind}`, [el('span', 'time', `${(event.at / 1000).toFixed(1)} s`), el('span', '', event.text)])),
    );
  }
}

function byId(id: string): HTMLElement {
  return document.getElementById(id)!;
}

function text(id: string, value: string): void {
  const node = byId(id);
  if (node.textContent !== value) node.textContent = value;
}

function el(tag: string, className: string, content?: string | Node[]): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (typeof content === 'string') node.textContent = content;
  else if (content) node.append(...content);
  return node;
}
