import { Balancer, type Lease } from 'flatsched';

interface Server {
  name: string;
  cores: number;
}

// Deploy tasks go to the least busy build server. build-1 has twice the cores, so weight 2: it
// counts as busy as the others when it runs twice as many tasks. `capacity` caps each server.
const servers = new Balancer<Server>({ strategy: 'least-loaded' });
servers.add({ name: 'build-1', cores: 8 }, { id: 'build-1', weight: 2, capacity: 6 });
servers.add({ name: 'build-2', cores: 4 }, { id: 'build-2', weight: 1, capacity: 3 });
servers.add({ name: 'build-3', cores: 4 }, { id: 'build-3', weight: 1, capacity: 3 });

const running = new Map<string, Lease<Server>>();
for (const service of ['api', 'web', 'auth', 'billing', 'search', 'mail', 'cdn', 'docs']) {
  const lease = servers.acquire();
  if (lease === undefined) {
    console.log(`${service}: every server is full, try later`);
    continue;
  }
  running.set(service, lease);
  console.log(`${service} → ${lease.worker.name}`);
}
// api → build-1, web → build-2, auth → build-3, billing → build-1,
// search → build-2, mail → build-3, cdn → build-1, docs → build-1

// Two deploys finish: their servers get the load back.
servers.release(running.get('api')!);
servers.release(running.get('web')!);

// A monorepo build costs 3 units. build-2 is the least busy but has room for only 2 more, so the
// build goes to the least busy server that can take it.
const monorepo = servers.acquire(3);
console.log(`monorepo → ${monorepo?.worker.name}`); // monorepo → build-1

// build-2 goes into maintenance: no new tasks, its running deploys finish normally.
servers.drain('build-2');
console.log(`hotfix → ${servers.acquire()?.worker.name}`); // hotfix → build-3

for (const s of servers.stats()) {
  console.log(`${s.id}: load ${s.load}/${s.capacity}, ${s.leases} running, ${s.picks} so far${s.draining ? ', draining' : ''}`);
}
// build-1: load 6/6, 4 running, 5 so far
// build-2: load 1/3, 1 running, 2 so far, draining
// build-3: load 3/3, 3 running, 3 so far
