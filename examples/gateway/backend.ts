import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BackendOptions {
  /** The name it reports in every response (`x-served-by`). */
  readonly name: string;
  /**
   * Milliseconds it takes to answer, standing in for the work a real service does. The wait is a
   * timer, not busy CPU, so many requests overlap as they would on a service waiting on a database.
   * @default 0
   */
  readonly latency?: number;
  /** @default 0 (an ephemeral port) */
  readonly port?: number;
}

export interface Backend {
  readonly name: string;
  readonly url: string;
  /** Requests answered so far. */
  readonly served: number;
  close(): Promise<void>;
}

/** A stand-in upstream service on 127.0.0.1 that answers every request with a small JSON body. */
export async function startBackend(options: BackendOptions): Promise<Backend> {
  const { name, latency = 0, port = 0 } = options;
  let served = 0;
  const server: Server = createServer((req, res) => {
    // The body is read before answering, as a real service would, so a POST is fully consumed.
    req.resume();
    req.on('end', () => {
      const answer = () => {
        served++;
        const body = JSON.stringify({ backend: name, method: req.method, path: req.url });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-served-by': name });
        res.end(body);
      };
      if (latency > 0) setTimeout(answer, latency);
      else answer();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${bound}`,
    get served() {
      return served;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
