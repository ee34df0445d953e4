import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGateway, type Gateway, type GatewayOptions } from '../../examples/gateway/gateway.js';

// The example imports the package by name, as a user would; here that name means this checkout's
// source (as tsconfig's `paths` makes it for tsx), not whatever dist/ was last built.
vi.mock('flatsched', () => import('../../src/index.js'));

let gateway: Gateway | undefined;

afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

async function start(options: GatewayOptions): Promise<string> {
  gateway = createGateway(options);
  return gateway.start();
}

/** Waits until the gateway's counts say so; the requests before it are then where the test needs them. */
function until(check: (stats: ReturnType<Gateway['stats']>) => boolean): Promise<void> {
  return vi.waitFor(() => expect(check(gateway!.stats())).toBe(true), { timeout: 5_000, interval: 2 });
}

/** `total` GET requests from `clients` concurrent loops; returns how many each backend answered. */
async function spread(url: string, total: number, clients: number): Promise<Record<string, number>> {
  const served: Record<string, number> = {};
  let sent = 0;
  const client = async () => {
    while (sent < total) {
      sent++;
      const response = await fetch(`${url}/api/items`);
      await response.text();
      expect(response.status).toBe(200);
      const backend = response.headers.get('x-backend')!;
      served[backend] = (served[backend] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return served;
}

const twoBackends = [
  { id: 'fast', latency: 2 },
  { id: 'slow', latency: 80 },
];

describe('gateway: balancing', () => {
  it('least-loaded sends more requests to the fast backend than to the slow one', async () => {
    const url = await start({ backends: twoBackends, concurrency: 16 });
    const served = await spread(url, 160, 8);
    expect(served.fast! + served.slow!).toBe(160);
    // The slow backend keeps its requests longer, so it is the more loaded one more often.
    expect(served.fast!).toBeGreaterThan(2 * served.slow!);
    expect(gateway!.stats()).toMatchObject({ received: 160, completed: 160, rejected: 0, failed: 0 });
  });

  it('round-robin, the baseline, splits the same traffic evenly whatever the backends take', async () => {
    const url = await start({ backends: twoBackends, strategy: 'round-robin', concurrency: 16 });
    const served = await spread(url, 160, 8);
    expect(served).toEqual({ fast: 80, slow: 80 });
  });

  it('weights tilt the split: a backend of weight 3 takes about three times the share when both are alike', async () => {
    const url = await start({ backends: [{ id: 'big', weight: 3, latency: 20 }, { id: 'small', weight: 1, latency: 20 }], concurrency: 16 });
    const served = await spread(url, 160, 8);
    // 8 in flight split by load / weight settles at 6 : 2.
    expect(served.big! / served.small!).toBeGreaterThan(2);
    expect(served.big! / served.small!).toBeLessThan(4.5);
  });

  it('a drained backend gets no new requests; undrained, it does again', async () => {
    const url = await start({ backends: twoBackends });
    gateway!.drain('fast');
    expect(await spread(url, 10, 2)).toEqual({ slow: 10 });
    gateway!.undrain('fast');
    expect((await spread(url, 10, 1)).fast).toBeGreaterThan(0);
  });

  it('answers 503 when every backend is drained', async () => {
    const url = await start({ backends: twoBackends });
    gateway!.drain('fast');
    gateway!.drain('slow');
    const response = await fetch(`${url}/api/items`);
    expect(response.status).toBe(503);
    expect(await response.text()).toMatch(/no backend/);
    expect(gateway!.stats().unavailable).toBe(1);
  });
});

describe('gateway: admission queue', () => {
  it('forwards high-priority paths first when requests are queued, FIFO among equals', async () => {
    // A slow backend (400 ms) keeps the first request in flight while the others queue up behind it,
    // also on a loaded machine (at 30 ms it could finish before they had all arrived).
    const url = await start({ backends: [{ latency: 400 }], concurrency: 1, queueCapacity: 10 });
    const finished: string[] = [];
    const get = async (path: string) => {
      const response = await fetch(url + path);
      await response.text();
      expect(response.status).toBe(200);
      finished.push(path);
    };
    const all = [get('/api/first')];
    await until((s) => s.inFlight === 1);
    for (const path of ['/api/a', '/api/b', '/api/c']) all.push(get(path));
    await until((s) => s.waiting === 3);
    all.push(get('/api/critical/payments'));
    await until((s) => s.waiting === 4);
    all.push(get('/health'));
    await until((s) => s.waiting === 5);
    await Promise.all(all);
    // One request at a time, so the order they finish in is the order they were let through.
    expect(finished).toEqual(['/api/first', '/api/critical/payments', '/health', '/api/a', '/api/b', '/api/c']);
  });

  it('answers 503 with Retry-After once the queue is full, and serves the ones it admitted', async () => {
    const url = await start({ backends: [{ latency: 400 }], concurrency: 1, queueCapacity: 2, retryAfter: 3 });
    const admitted = [fetch(`${url}/api/1`)];
    await until((s) => s.inFlight === 1);
    admitted.push(fetch(`${url}/api/2`), fetch(`${url}/api/3`));
    await until((s) => s.waiting === 2);

    const overflow = await fetch(`${url}/api/4`);
    expect(overflow.status).toBe(503);
    expect(overflow.headers.get('retry-after')).toBe('3');
    expect(await overflow.text()).toMatch(/queue is full/);

    const statuses = await Promise.all(admitted.map(async (pending) => (await pending).status));
    expect(statuses).toEqual([200, 200, 200]);
    expect(gateway!.stats()).toMatchObject({ received: 4, completed: 3, rejected: 1 });
  });

  it('a client that leaves while queued gives its place to the next one', async () => {
    const url = await start({ backends: [{ latency: 400 }], concurrency: 1, queueCapacity: 1 });
    const first = fetch(`${url}/api/1`);
    await until((s) => s.inFlight === 1);
    const leaving = new AbortController();
    const left = fetch(`${url}/api/2`, { signal: leaving.signal }).catch((error: unknown) => error);
    await until((s) => s.waiting === 1);
    leaving.abort();
    expect(await left).toBeInstanceOf(Error);
    await until((s) => s.waiting === 0 && s.abandoned === 1);

    const next = await fetch(`${url}/api/3`);
    expect(next.status).toBe(200);
    expect((await first).status).toBe(200);
  });

  it('without the admission queue, requests are forwarded at once with no cap', async () => {
    const url = await start({ backends: [{ latency: 30 }], admission: false });
    const responses = await Promise.all(Array.from({ length: 20 }, () => fetch(`${url}/api/x`)));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(gateway!.scheduler).toBeUndefined();
    expect(gateway!.stats()).toMatchObject({ admission: false, completed: 20 });
  });

  it('passes method, path, body and status through, and says which backend answered', async () => {
    const url = await start({ backends: [{ id: 'only' }] });
    const response = await fetch(`${url}/api/orders?limit=2`, { method: 'POST', body: 'x'.repeat(100_000) });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-backend')).toBe('only');
    expect(await response.json()).toEqual({ backend: 'only', method: 'POST', path: '/api/orders?limit=2' });
  });
});
