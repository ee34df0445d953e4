// npm run gateway:load [-- --requests 3000 --connections 32 --rounds 3 --max-seconds 10 --json results.json]
//
// Starts the gateway (cli.ts) in a child process with its stand-in backends, drives it from this
// process over keep-alive connections on 127.0.0.1, and prints Markdown tables: the balancer
// against a round-robin baseline, what the admission queue adds, and high-priority paths under
// overload. Every run is bounded by a request count and a time limit. Latencies are measured here,
// per request, with performance.now() (sub-millisecond: the admission queue's cost is in µs).
// The setups compared in a table run side by side and are measured in turns, `rounds` times, and
// each figure is the median of its rounds: on a shared machine a burst of noise then hits one
// round of every setup, not every round of one.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Scheduler } from 'flatsched';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '3000' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    'max-seconds': { type: 'string', default: '10' },
    json: { type: 'string' },
  },
});
const REQUESTS = Number(values.requests);
const CONNECTIONS = Number(values.connections);
const MAX_SECONDS = Number(values['max-seconds']);
const ROUNDS = Number(values.rounds);
const WARM_UP = Math.ceil(REQUESTS / 10);

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

interface Running {
  readonly url: string;
  readonly backends: string[];
  /** CPU milliseconds the gateway process (with its backends) has used; undefined without /proc. */
  cpu(): number | undefined;
  stop(): Promise<void>;
}

/** User + system CPU time of a process in ms, from /proc (Linux); undefined elsewhere. */
function cpuTime(pid: number | undefined): number | undefined {
  const stat = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(stat)) return undefined;
  const fields = readFileSync(stat, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime, in clock ticks of 10 ms (USER_HZ is 100 on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Starts cli.ts with `args` and waits for it to print its addresses. */
function startGateway(args: string[]): Promise<Running> {
  // `node --import tsx` runs the gateway in this child itself (the tsx CLI would add a process),
  // so the child's CPU time is the gateway's.
  // The repository root as working directory: tsx and tsconfig's `flatsched` path resolve from there.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let url = '';
    const backends: string[] = [];
    let buffered = '';
    child.once('exit', (code) => reject(new Error(`gateway exited early (code ${code})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        url ||= /^gateway listening on (\S+)/.exec(line)?.[1] ?? '';
        const backend = /^\s+backend \S+ (\S+)/.exec(line)?.[1];
        if (backend) backends.push(backend);
        if (line.trimStart().startsWith('stats:')) {
          resolve({
            url,
            backends,
            cpu: () => cpuTime(child.pid),
            stop: async () => {
              child.kill('SIGTERM');
              await exited;
            },
          });
        }
      }
    });
  });
}

interface LoadResult {
  readonly ok: number;
  readonly rejected: number;
  readonly errors: number;
  readonly seconds: number;
  /** Successful responses per second. */
  readonly throughput: number;
  /** Milliseconds, successful responses only. */
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

interface LoadOptions {
  readonly url: string;
  readonly path: string;
  readonly connections: number;
  /** At most this many requests… */
  readonly requests: number;
  /** …and none started after this many seconds, or once `until` says so. */
  readonly seconds: number;
  readonly until?: () => boolean;
}

/** A closed loop: `connections` clients, each sending its next request when the last one is answered. */
async function load(options: LoadOptions): Promise<LoadResult> {
  const { url, path, connections, requests, seconds, until } = options;
  const { hostname, port } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let issued = 0;
  let rejected = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const client = async () => {
    while (issued < requests && performance.now() < deadline && !until?.()) {
      issued++;
      const sentAt = performance.now();
      const status = await new Promise<number>((resolve) => {
        const outgoing = request({ host: hostname, port, path, agent }, (incoming) => {
          incoming.resume();
          incoming.on('end', () => resolve(incoming.statusCode ?? 0));
          incoming.on('error', () => resolve(0));
        });
        outgoing.on('error', () => resolve(0));
        outgoing.end();
      });
      if (status === 200) latencies.push(performance.now() - sentAt);
      else if (status === 503) rejected++;
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => (latencies.length === 0 ? NaN : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!);
  return { ok: latencies.length, rejected, errors, seconds: elapsed, throughput: latencies.length / elapsed, p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}

async function gatewayStats(url: string, reset = false): Promise<{ admissionWait: { p50: number; p99: number }; backends: { id: string; picks: number }[] }> {
  const response = await fetch(`${url}/_gateway/stats`, { method: reset ? 'DELETE' : 'GET' });
  return response.json() as never;
}

/**
 * Warms the gateway (JIT, sockets), then measures requests to `url` (the gateway's by default) with
 * the run's bounds, and the gateway process's CPU time per request meanwhile: on a shared machine
 * CPU time per request varies far less than throughput does.
 */
async function measure(gateway: Running, url = gateway.url): Promise<LoadResult & { cpuPerRequest: number }> {
  const path = '/api/items';
  await load({ url, path, connections: CONNECTIONS, requests: WARM_UP, seconds: MAX_SECONDS });
  await gatewayStats(gateway.url, true).catch(() => undefined);
  const cpuBefore = gateway.cpu();
  const result = await load({ url, path, connections: CONNECTIONS, requests: REQUESTS, seconds: MAX_SECONDS });
  const cpuAfter = gateway.cpu();
  const answered = result.ok + result.rejected + result.errors;
  const cpuPerRequest = cpuBefore === undefined || cpuAfter === undefined ? NaN : ((cpuAfter - cpuBefore) * 1000) / answered;
  return { ...result, cpuPerRequest };
}

const ms = (value: number) => (Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(2) : value.toFixed(1));
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const results: Record<string, unknown> = {};

interface Setup {
  readonly label: string;
  readonly args: string[];
  /** What one round measures, given the running gateway; numbers to take the median of. */
  readonly round: (gateway: Running) => Promise<Record<string, number>>;
}

/** Starts every setup, measures them in turns `ROUNDS` times, and returns each one's medians. */
async function compare(setups: readonly Setup[]): Promise<Record<string, number>[]> {
  const gateways: Running[] = [];
  try {
    for (const setup of setups) gateways.push(await startGateway(setup.args));
    const rounds: Record<string, number>[][] = setups.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, setup] of setups.entries()) rounds[i]!.push(await setup.round(gateways[i]!));
    }
    return setups.map((setup, i) => {
      const figures = rounds[i]!;
      const medians = Object.fromEntries(Object.keys(figures[0]!).map((key) => [key, median(figures.map((f) => f[key]!))]));
      results[setup.label] = { medians, rounds: figures };
      return medians;
    });
  } finally {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
  }
}

const figures = (result: LoadResult & { cpuPerRequest?: number }) => ({
  throughput: result.throughput,
  p50: result.p50,
  p90: result.p90,
  p99: result.p99,
  rejected: result.rejected,
  errors: result.errors,
  cpuPerRequest: result.cpuPerRequest ?? NaN,
});
const µs = (value: number) => (Number.isNaN(value) ? '–' : value.toFixed(0));

console.log(`# gateway load, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim()})`);
console.log(`${REQUESTS} requests per run after ${WARM_UP} to warm up, at most ${MAX_SECONDS} s per run, median of ${ROUNDS} rounds; gateway and backends in one child process, this client in another.\n`);

// 1. Balancer strategies over uneven backends. Round-robin is the baseline.
{
  const strategies = ['least-loaded', 'p2c', 'round-robin'];
  const medians = await compare(
    strategies.map((strategy) => ({
      label: `balancer/${strategy}`,
      args: ['--backends', '3', '--latency', '10,10,100', '--strategy', strategy, '--concurrency', '256'],
      round: async (gateway) => {
        const result = await measure(gateway);
        const picks = (await gatewayStats(gateway.url)).backends.map((b) => b.picks);
        return { ...figures(result), slowShare: picks[2]! / picks.reduce((a, b) => a + b, 0) };
      },
    })),
  );
  console.log(`## Balancer vs round-robin: 3 backends answering in 10, 10 and 100 ms, ${CONNECTIONS} connections\n`);
  console.log(row(['strategy', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'share of the 100 ms backend', 'gateway CPU µs/req']));
  console.log(row(['---', '--:', '--:', '--:', '--:', '--:', '--:']));
  for (const [i, m] of medians.entries()) {
    console.log(row([strategies[i]!, Math.round(m.throughput!), ms(m.p50!), ms(m.p90!), ms(m.p99!), `${(m.slowShare! * 100).toFixed(0)} %`, µs(m.cpuPerRequest!)]));
  }
}

// 2. What the admission queue costs: backends that answer at once, so the gateway is what is measured.
{
  const instant = ['--backends', '3', '--latency', '0'];
  const setups: Setup[] = [
    { label: 'overhead/direct', args: [...instant, '--admission', 'off'], round: async (g) => figures(await measure(g, g.backends[0]!)) },
    { label: 'overhead/admission-off', args: [...instant, '--admission', 'off'], round: async (g) => figures(await measure(g)) },
    ...[256, 8].map((cap) => ({
      label: `overhead/admission-cap-${cap}`,
      args: [...instant, '--concurrency', String(cap)],
      round: async (g: Running) => {
        const result = await measure(g);
        const { admissionWait } = await gatewayStats(g.url);
        return { ...figures(result), waitP50: admissionWait.p50, waitP99: admissionWait.p99 };
      },
    })),
  ];
  const labels = ['one backend, no gateway', 'gateway, admission queue off', 'gateway, admission queue on (cap 256: never full)', 'gateway, admission queue on (cap 8: requests wait)'];
  const medians = await compare(setups);
  console.log(`\n## The scheduling layer's cost: 3 backends answering at once, ${CONNECTIONS} connections\n`);
  console.log(row(['setup', 'req/s', 'p50 ms', 'p99 ms', 'admission wait p50 / p99 ms', 'process CPU µs/req']));
  console.log(row(['---', '--:', '--:', '--:', '--:', '--:']));
  for (const [i, m] of medians.entries()) {
    const wait = m.waitP50 === undefined ? '–' : `${ms(m.waitP50)} / ${ms(m.waitP99!)}`;
    console.log(row([labels[i]!, Math.round(m.throughput!), ms(m.p50!), ms(m.p99!), wait, µs(m.cpuPerRequest!)]));
  }
}

// 3. Overload: 64 connections of bulk traffic against a cap of 8, and 2 connections polling /health.
{
  const modes = ['/health', 'none'];
  const bulkRequests = Math.ceil(REQUESTS / 2);
  const medians = await compare(
    modes.map((paths) => ({
      label: `priority/${paths === 'none' ? 'ordinary' : 'high'}`,
      args: ['--backends', '2', '--latency', '10', '--concurrency', '8', '--queue', '4096', '--priority-paths', paths],
      round: async (gateway) => {
        await load({ url: gateway.url, path: '/api/bulk', connections: 64, requests: WARM_UP, seconds: MAX_SECONDS });
        let bulkDone = false;
        const [bulk, health] = await Promise.all([
          load({ url: gateway.url, path: '/api/bulk', connections: 64, requests: bulkRequests, seconds: MAX_SECONDS }).finally(() => (bulkDone = true)),
          load({ url: gateway.url, path: '/health', connections: 2, requests: bulkRequests, seconds: MAX_SECONDS, until: () => bulkDone }),
        ]);
        return { throughput: bulk.throughput, p50: bulk.p50, p99: bulk.p99, healthP50: health.p50, healthP99: health.p99 };
      },
    })),
  );
  console.log('\n## High-priority paths under overload: 2 backends answering in 10 ms, cap 8, 64 bulk connections + 2 on /health\n');
  console.log(row(['/health is', 'bulk req/s', 'bulk p50 ms', 'bulk p99 ms', '/health p50 ms', '/health p99 ms']));
  console.log(row(['---', '--:', '--:', '--:', '--:', '--:']));
  for (const [i, m] of medians.entries()) {
    console.log(row([modes[i] === 'none' ? 'an ordinary path' : 'a high-priority path', Math.round(m.throughput!), ms(m.p50!), ms(m.p99!), ms(m.healthP50!), ms(m.healthP99!)]));
  }
}

// 4. Past the queue's capacity, the gateway answers 503 at once instead of queueing without end.
{
  const [m] = await compare([
    {
      label: 'overflow',
      args: ['--backends', '2', '--latency', '10', '--concurrency', '8', '--queue', '64'],
      round: async (gateway) => {
        const result = await load({ url: gateway.url, path: '/api/bulk', connections: 128, requests: REQUESTS, seconds: MAX_SECONDS });
        return { ...figures(result), served: result.ok, seconds: result.seconds };
      },
    },
  ]);
  console.log('\n## Overflow: 2 backends answering in 10 ms, cap 8, queue 64, 128 connections\n');
  console.log(`${m!.served} served (p50 ${ms(m!.p50!)} ms, p99 ${ms(m!.p99!)} ms), ${m!.rejected} answered 503 + Retry-After, ${m!.errors} errors, in ${m!.seconds!.toFixed(1)} s (medians)`);
}

// 5. The admission queue's own work, without HTTP: jobs through trySubmit → run → ack in this
// process, fed 32 per macrotask as a server's event loop would, against the same feeding with
// no queue (a microtask per job).
{
  const JOBS = 100_000;
  const feed = (each: (n: number) => void) =>
    new Promise<void>((resolve) => {
      let sent = 0;
      const batch = () => {
        for (let i = 0; i < 32 && sent < JOBS; i++) each(sent++);
        if (sent < JOBS) setImmediate(batch);
        else resolve();
      };
      batch();
    });
  const perJob: number[] = [];
  const bare: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const queue = new Scheduler<number>({ capacity: 64 + 1024 });
    let done = 0;
    let allDone!: () => void;
    const finished = new Promise<void>((resolve) => (allDone = resolve));
    const stop = new AbortController();
    const running = queue.run(() => void (++done === JOBS && allDone()), { concurrency: 64, signal: stop.signal });
    let startedAt = performance.now();
    await feed((n) => queue.trySubmit(n, { priority: n & 1 }));
    await finished;
    perJob.push(((performance.now() - startedAt) * 1000) / JOBS);
    stop.abort();
    await running;
    queue.dispose();

    let plain = 0;
    let plainDone!: () => void;
    const plainFinished = new Promise<void>((resolve) => (plainDone = resolve));
    startedAt = performance.now();
    await feed(() => queueMicrotask(() => void (++plain === JOBS && plainDone())));
    await plainFinished;
    bare.push(((performance.now() - startedAt) * 1000) / JOBS);
  }
  results.schedulerPerJob = { perJob, bare };
  console.log(`\n## The admission queue alone, in one process: ${JOBS.toLocaleString('en')} jobs through trySubmit → run (concurrency 64) → ack\n`);
  console.log(`${median(perJob).toFixed(2)} µs per job (median of ${ROUNDS}), against ${median(bare).toFixed(2)} µs for the same feeding with no queue`);
}

if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
