import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Balancer, Scheduler, type BalancerStrategy, type WorkerId, type WorkerStats } from 'flatsched';
import { startBackend, type Backend } from './backend.js';

export interface BackendSpec {
  /** Its id in the balancer, in `x-backend` and in the admin paths. @default 'b1', 'b2', … */
  readonly id?: string;
  /** Its share relative to the others: least-loaded compares in-flight requests / weight. @default 1 */
  readonly weight?: number | undefined;
  /** The most requests it is sent at once; past it, the request goes elsewhere. Unbounded when absent. */
  readonly capacity?: number;
  /** An upstream that already runs. Without it, the gateway starts a stand-in on 127.0.0.1. */
  readonly url?: string;
  /** The stand-in's response time in milliseconds (ignored with `url`). @default 0 */
  readonly latency?: number;
}

export interface GatewayOptions {
  /** How many stand-in backends to start, or one spec per backend. */
  readonly backends: number | readonly BackendSpec[];
  /** @default 'least-loaded' */
  readonly strategy?: BalancerStrategy;
  /**
   * Whether requests pass the admission queue (a Scheduler). Off, every request is forwarded at
   * once with no cap: the baseline that shows what the queue costs.
   * @default true
   */
  readonly admission?: boolean;
  /** Requests forwarded at once; the rest wait in the admission queue. @default 64 */
  readonly concurrency?: number;
  /** Requests that may wait; one more gets 503 with Retry-After. @default 1024 */
  readonly queueCapacity?: number;
  /** Paths (and their sub-paths) that jump the queue. @default ['/health', '/api/critical'] */
  readonly highPriorityPaths?: readonly string[];
  /** A request's priority, lower first; replaces `highPriorityPaths` when given. */
  readonly priority?: (req: IncomingMessage) => number;
  /** Seconds a 503 asks the client to wait. @default 1 */
  readonly retryAfter?: number;
  /** Milliseconds an upstream may take before the client gets 504. @default 30_000 */
  readonly timeout?: number;
  /** @default 0 (an ephemeral port) */
  readonly port?: number;
  /**
   * Where the gateway answers itself: `GET <prefix>/stats`, `DELETE <prefix>/stats` (reset),
   * `POST <prefix>/drain/<id>` and `POST <prefix>/undrain/<id>`. `false` turns them off.
   * Listening on 127.0.0.1 only, as here, is what keeps them private.
   * @default '/_gateway'
   */
  readonly adminPrefix?: string | false;
}

export interface Upstream {
  readonly id: string;
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly agent: Agent;
}

export interface LatencySummary {
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface GatewayStats {
  readonly strategy: BalancerStrategy;
  readonly admission: { readonly concurrency: number; readonly queueCapacity: number } | false;
  /** Requests received (admin requests not counted). */
  readonly received: number;
  /** Forwarded and answered by a backend. */
  readonly completed: number;
  /** Turned away with 503 because the queue was full. */
  readonly rejected: number;
  /** Answered 503 because no backend could take them (all drained or at capacity). */
  readonly unavailable: number;
  /** Answered 502/504, or cut off, because the upstream failed or took too long. */
  readonly failed: number;
  /** Left by the client before they were answered. */
  readonly abandoned: number;
  readonly waiting: number;
  readonly inFlight: number;
  /** Milliseconds from arrival to being forwarded: the time spent in the admission layer. */
  readonly admissionWait: LatencySummary;
  readonly backends: readonly BackendStats[];
}

export interface BackendStats {
  readonly id: WorkerId;
  readonly url: string;
  readonly weight: number;
  /** Requests it is answering now. */
  readonly load: number;
  /** Requests sent to it so far. */
  readonly picks: number;
  readonly draining: boolean;
}

export interface Gateway {
  /** Starts the backends (those without `url`) and the gateway; resolves with its address. */
  start(): Promise<string>;
  /** Stops taking requests, answers queued ones 503, lets forwarded ones finish, stops the backends. */
  stop(): Promise<void>;
  /** The gateway's address once started. */
  readonly url: string;
  readonly upstreams: readonly Upstream[];
  readonly balancer: Balancer<Upstream>;
  /** The admission queue; undefined with `admission: false`. */
  readonly scheduler: Scheduler<Pending> | undefined;
  /** No new requests go to this backend; those it has finish normally. */
  drain(id: string): void;
  undrain(id: string): void;
  stats(): GatewayStats;
  resetStats(): void;
}

/** A request waiting in the admission queue. */
export interface Pending {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly arrivedAt: number;
}

const HIGH = 0;
const NORMAL = 1;

/** Headers that describe one connection, not the message: a proxy must not pass them on (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * A reverse proxy: every request passes a priority admission queue (the Scheduler, with at most
 * `concurrency` forwarded at once and `queueCapacity` waiting), then goes to the backend the
 * Balancer picks, which holds a lease (one unit of load) until the response is sent.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const {
    strategy = 'least-loaded',
    admission = true,
    concurrency = 64,
    queueCapacity = 1024,
    highPriorityPaths = ['/health', '/api/critical'],
    retryAfter = 1,
    timeout = 30_000,
    port = 0,
    adminPrefix = '/_gateway',
  } = options;
  const specs: readonly BackendSpec[] = typeof options.backends === 'number' ? Array.from({ length: options.backends }, () => ({})) : options.backends;
  if (specs.length === 0) throw new Error('createGateway: expected at least one backend');
  const priorityOf = options.priority ?? ((req: IncomingMessage) => (matchesAny(pathOf(req), highPriorityPaths) ? HIGH : NORMAL));

  const balancer = new Balancer<Upstream>({ strategy });
  // Capacity counts waiting and forwarded jobs together: `concurrency` run, `queueCapacity` wait.
  const scheduler = admission ? new Scheduler<Pending>({ capacity: concurrency + queueCapacity }) : undefined;
  const upstreams: Upstream[] = [];
  const started: Backend[] = [];
  const counts = { received: 0, completed: 0, rejected: 0, unavailable: 0, failed: 0, abandoned: 0 };
  const waits = new Samples(1 << 14);
  /** Forwards under way, so `stop` can wait for them (with admission off, nothing else tracks them). */
  const forwarding = new Set<Promise<void>>();
  let running: Promise<void> | undefined;
  let stopping = false;
  let url = '';

  const server = createServer((req, res) => {
    if (adminPrefix !== false && req.url?.startsWith(`${adminPrefix}/`)) return admin(req, res, req.url.slice(adminPrefix.length));
    counts.received++;
    const arrivedAt = performance.now();
    if (scheduler === undefined) {
      void forward(req, res);
      return;
    }
    if (stopping) {
      reply(res, 503, 'the gateway is shutting down', { 'retry-after': String(retryAfter) });
      return;
    }
    const id = scheduler.trySubmit({ req, res, arrivedAt }, { priority: priorityOf(req) });
    if (id === false) {
      counts.rejected++;
      reply(res, 503, `the gateway queue is full (${queueCapacity} waiting); retry after ${retryAfter} s`, { 'retry-after': String(retryAfter) });
      return;
    }
    // A client that leaves while queued gives its place up, so the queue holds no one who left.
    res.on('close', () => {
      if (!stopping && !res.writableFinished && scheduler.get(id)?.state === 'waiting') {
        scheduler.cancel(id);
        counts.abandoned++;
      }
    });
  });
  server.keepAliveTimeout = 30_000;

  /** Sends the request to the backend the balancer picks; resolves once the response is over. */
  function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The client may have left between being admitted and now; its 'close' has then fired already.
    if (res.destroyed) {
      counts.abandoned++;
      return Promise.resolve();
    }
    const lease = balancer.acquire();
    if (lease === undefined) {
      counts.unavailable++;
      reply(res, 503, 'no backend can take the request now', { 'retry-after': String(retryAfter) });
      return Promise.resolve();
    }
    const upstream = lease.worker;
    const done = new Promise<void>((resolve) => {
      let outcome: 'completed' | 'failed' | 'abandoned' | undefined;
      const outgoing = request({
        host: upstream.host,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: forwardedHeaders(req),
        agent: upstream.agent,
      });
      const timer = setTimeout(() => outgoing.destroy(new UpstreamTimeout()), timeout);
      outgoing.on('response', (incoming) => {
        res.writeHead(incoming.statusCode ?? 502, { ...withoutHopByHop(incoming.headers), 'x-backend': upstream.id });
        incoming.pipe(res);
        incoming.on('end', () => (outcome ??= 'completed'));
        incoming.on('error', () => res.destroy());
      });
      outgoing.on('error', (error) => {
        outcome ??= 'failed';
        if (res.headersSent) res.destroy();
        else if (error instanceof UpstreamTimeout) reply(res, 504, `backend ${upstream.id} did not answer within ${timeout} ms`);
        else reply(res, 502, `backend ${upstream.id} failed: ${error.message}`);
      });
      // The response is over (sent, or the client left): the lease and the admission slot free up.
      res.on('close', () => {
        clearTimeout(timer);
        if (!res.writableFinished) {
          outcome ??= 'abandoned';
          outgoing.destroy();
        }
        counts[outcome ?? 'failed']++;
        balancer.release(lease);
        forwarding.delete(done);
        resolve();
      });
      req.pipe(outgoing);
    });
    forwarding.add(done);
    return done;
  }

  function admin(req: IncomingMessage, res: ServerResponse, path: string): void {
    const [, action, id] = path.split('/');
    if (action === 'stats' && req.method === 'GET') return replyJson(res, 200, stats());
    if (action === 'stats' && req.method === 'DELETE') {
      resetStats();
      return replyJson(res, 200, { reset: true });
    }
    if ((action === 'drain' || action === 'undrain') && req.method === 'POST' && id !== undefined) {
      if (!balancer.has(id)) return replyJson(res, 404, { error: `no backend ${id}` });
      if (action === 'drain') balancer.drain(id);
      else balancer.undrain(id);
      return replyJson(res, 200, backendStats(balancer.statsOf(id)));
    }
    replyJson(res, 404, { error: `unknown admin request ${req.method} ${path}` });
  }

  function stats(): GatewayStats {
    const queue = scheduler?.stats();
    return {
      strategy,
      admission: admission ? { concurrency, queueCapacity } : false,
      ...counts,
      waiting: queue?.waiting ?? 0,
      inFlight: queue?.inFlight ?? balancer.stats().reduce((sum, s) => sum + s.leases, 0),
      admissionWait: waits.summary(),
      backends: balancer.stats().map(backendStats),
    };
  }

  function resetStats(): void {
    for (const key of Object.keys(counts) as (keyof typeof counts)[]) counts[key] = 0;
    waits.clear();
  }

  return {
    async start() {
      try {
        for (const [i, spec] of specs.entries()) {
          const id = spec.id ?? `b${i + 1}`;
          let target = spec.url;
          if (target === undefined) {
            const backend = await startBackend({ name: id, latency: spec.latency ?? 0 });
            started.push(backend);
            target = backend.url;
          }
          const { hostname, port: upstreamPort } = new URL(target);
          const upstream: Upstream = { id, url: target, host: hostname, port: Number(upstreamPort) || 80, agent: new Agent({ keepAlive: true }) };
          upstreams.push(upstream);
          balancer.add(upstream, { id, weight: spec.weight ?? 1, capacity: spec.capacity });
        }
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, '127.0.0.1', () => resolve());
        });
      } catch (error) {
        await Promise.all(started.map((backend) => backend.close()));
        throw error;
      }
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (scheduler) {
        running = scheduler.run(
          (pending) => {
            waits.add(performance.now() - pending.arrivedAt);
            return forward(pending.req, pending.res);
          },
          { concurrency },
        );
      }
      return url;
    },

    async stop() {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (scheduler) {
        const stopped = scheduler.stop();
        // The pool takes nothing more; whoever still waits is told to come back.
        for (let job = scheduler.take(); job !== undefined; job = scheduler.take()) {
          reply(job.payload.res, 503, 'the gateway is shutting down', { 'retry-after': String(retryAfter) });
          scheduler.ack(job.id);
        }
        await stopped;
        await running;
      }
      server.closeAllConnections();
      await Promise.all(forwarding);
      await closed;
      for (const upstream of upstreams) upstream.agent.destroy();
      await Promise.all(started.map((backend) => backend.close()));
      scheduler?.dispose();
      balancer.dispose();
    },

    get url() {
      return url;
    },
    upstreams,
    balancer,
    scheduler,
    drain: (id) => balancer.drain(id),
    undrain: (id) => balancer.undrain(id),
    stats,
    resetStats,
  };
}

class UpstreamTimeout extends Error {}

function backendStats(s: WorkerStats<Upstream>): BackendStats {
  return { id: s.id, url: s.worker.url, weight: s.weight, load: s.load, picks: s.picks, draining: s.draining };
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

function matchesAny(path: string, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`));
}

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set((headers.connection ?? '').split(',').map((token) => token.trim().toLowerCase()));
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.has(name)) kept[name] = value;
  }
  return kept;
}

function forwardedHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const headers = withoutHopByHop(req.headers);
  const client = req.socket.remoteAddress ?? 'unknown';
  const before = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = before ? `${before}, ${client}` : client;
  return headers;
}

function reply(res: ServerResponse, status: number, message: string, headers: OutgoingHttpHeaders = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(message) + 1, ...headers });
  res.end(`${message}\n`);
}

function replyJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The most recent `size` samples, for percentiles. Older ones are overwritten. */
class Samples {
  readonly #values: Float64Array;
  #count = 0;

  constructor(size: number) {
    this.#values = new Float64Array(size);
  }

  add(value: number): void {
    this.#values[this.#count++ % this.#values.length] = value;
  }

  clear(): void {
    this.#count = 0;
  }

  summary(): LatencySummary {
    const kept = this.#values.slice(0, Math.min(this.#count, this.#values.length)).sort();
    const at = (q: number) => (kept.length === 0 ? 0 : kept[Math.min(kept.length - 1, Math.floor(q * kept.length))]!);
    return { samples: this.#count, p50: at(0.5), p99: at(0.99), max: at(1) };
  }
}
