import { init } from 'flatsched';
import { QueueDepthChart } from './chart.js';
import { CHART_WINDOW, Pipeline } from './pipeline.js';
import { Scenario, WORKERS } from './scenario.js';
import { Dashboard } from './view.js';

/** The pipeline moves in steps of this many simulated ms, whatever the frame rate or speed. */
const STEP = 50;
/** A tab that was hidden for a minute does not replay that minute at once. */
const LONGEST_FRAME = 250;
const PANELS_EVERY = 100;

const params = new URLSearchParams(location.search);
const seed = Math.abs(Math.trunc(Number(params.get('seed')))) || 7;
let speed = Number(params.get('speed')) || 1;

const wasmUrl = new URL('flatsched.wasm', import.meta.url);
try {
  // The page fetches the core as a file of its own, served as application/wasm, so it compiles
  // while it downloads.
  await init({ url: wasmUrl });
  start();
} catch (error) {
  const box = document.getElementById('error')!;
  box.textContent = `Could not start: ${String(error)}`;
  box.hidden = false;
  throw error;
}

function start(): void {
  const pipeline = new Pipeline({ seed, workers: WORKERS });
  const scenario = new Scenario(pipeline);
  const chart = new QueueDepthChart(document.getElementById('depth') as HTMLCanvasElement, CHART_WINDOW);
  const dashboard = new Dashboard(pipeline);
  wireControls(pipeline, scenario);
  showCoreSize();

  let target = 0;
  let lastFrame = performance.now();
  let lastPanels = -Infinity;
  const frame = (time: number) => {
    target += Math.min(time - lastFrame, LONGEST_FRAME) * speed;
    lastFrame = time;
    while (pipeline.now + STEP <= target) {
      scenario.tick(STEP);
      pipeline.step(STEP);
    }
    const samples = pipeline.samples.toArray();
    chart.draw(samples, pipeline.events, pipeline.now);
    if (time - lastPanels >= PANELS_EVERY) {
      dashboard.update(samples.at(-1));
      lastPanels = time;
    }
    // For scripts that wait for the simulation (the screenshot): the simulated time in seconds.
    document.body.dataset.time = (pipeline.now / 1000).toFixed(1);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

function wireControls(pipeline: Pipeline, scenario: Scenario): void {
  const button = (id: string, run: () => void) => document.getElementById(id)!.addEventListener('click', run);
  button('burst', () => pipeline.burst(40, 2));
  button('bad-release', () => scenario.deployNext(true));
  button('crash', () => scenario.crashAny());
  button('requeue', () => pipeline.requeueDeadLetters());
  button('pause', () => {
    const { scheduler } = pipeline;
    if (scheduler.paused) scheduler.resume();
    else scheduler.pause();
    document.getElementById('pause')!.textContent = scheduler.paused ? 'Resume scheduler' : 'Pause scheduler';
  });
  const select = document.getElementById('speed') as HTMLSelectElement;
  if (![...select.options].some((option) => option.value === String(speed))) select.add(new Option(`${speed}×`, String(speed)));
  select.value = String(speed);
  select.addEventListener('change', () => (speed = Number(select.value)));
}

/** The transfer size of the core, as the browser fetched it. */
function showCoreSize(): void {
  const entry = performance.getEntriesByName(wasmUrl.href)[0] as PerformanceResourceTiming | undefined;
  const bytes = entry?.decodedBodySize;
  if (bytes) document.getElementById('core')!.textContent = `· core ${(bytes / 1024).toFixed(1)} KB of Wasm`;
}
